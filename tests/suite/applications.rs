//! Bad application files: each refused with file, line, column, key and what was expected.

use crate::r::{Application, Law};

use crate::{builtin, root, snapshot};

fn message_of(name: &str) -> String {
    let rel = format!("tests/fixtures/bad-applications/{name}.toml");
    let text = std::fs::read_to_string(root().join(&rel)).unwrap();
    let err = match Application::from_toml(&rel, &text) {
        Err(e) => e,
        Ok(app) => builtin().quote(&app).expect_err("the fixture must be refused"),
    };
    assert!(err.is_input(), "{name}: {err}");
    assert_eq!(crate::exit_code(&err), 2);
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("{rel}:")), "{name}: message does not start with file:line:col: {msg}");
    for bad in ["u32", "i64", "Spanned", "Decimal", "{ ", "Some("] {
        assert!(!msg.contains(bad), "{name}: message leaks `{bad}`: {msg}");
    }
    msg + "\n"
}

macro_rules! bad_application {
    ($($name:ident => $case:literal, $place:literal, $needle:literal;)*) => {$(
        #[test]
        fn $name() {
            let msg = message_of($case);
            assert!(msg.starts_with(concat!("tests/fixtures/bad-applications/", $case, ".toml:", $place)), "{msg}");
            assert!(msg.contains($needle), "{msg}");
            snapshot(&root().join(concat!("tests/fixtures/bad-applications/", $case, ".expected")), &msg);
        }
    )*};
}

bad_application! {
    unknown_key => "unknown-key", "4:1:", "unknown key `colour`";
    unknown_class => "unknown-class", "6:9:", "unknown device class `xray_cat`";
    unknown_province => "unknown-province", "1:12:", "unknown province `Quảng Nim`; did you mean Tỉnh Quảng Nam, Tỉnh Quảng Ninh?";
    bad_date => "bad-date", "3:12:", "invalid date";
    date_with_time => "date-with-time", "3:", "not a plain date";
    zero_count => "zero-count", "7:9:", "count must be at least 1";
    negative_count => "negative-count", "7:9:", "count must be at least 1, not -3";
    fractional_count => "fractional-count", "7:9:", "count must be a whole number of devices, not 1.5";
    unknown_procedure => "unknown-procedure", "2:13:", "unknown procedure `renew`";
    unknown_channel => "unknown-channel", "4:11:", "unknown channel `email`";
    no_device => "no-device", "1:1:", "lists no device";
    missing_received => "missing-received", "1:1:", "missing key `received` (key `received`)";
    empty_device => "empty-device", "5:", "neither a class nor a description";
    syntax_error => "syntax-error", "1:", "";
    count_over_limit => "count-over-limit", "7:9:", "larger than the limit";
}

#[test]
fn devices_of_two_authorities_are_refused_with_exit_1() {
    let app = crate::app(
        "province = \"Hà Nội\"\nprocedure = \"new\"\nreceived = 2024-05-10\n[[device]]\nclass = \"xray_ct\"\n[[device]]\nclass = \"nuclear_gauge\"\n",
    );
    let err = builtin().quote(&app).unwrap_err();
    assert!(err.is_unpriceable());
    assert_eq!(crate::exit_code(&err), 1);
    let msg = err.to_string();
    assert!(msg.contains("`xray_ct` falls to province") && msg.contains("`nuclear_gauge` falls to varans"), "{msg}");
    // After the 2025-07-01 transfer an XRF analyser and a CT go to the same province desk.
    let app = crate::app(
        "province = \"Hà Nội\"\nprocedure = \"new\"\nreceived = 2025-07-01\n[[device]]\nclass = \"xray_ct\"\n[[device]]\nclass = \"xrf_analyzer\"\n",
    );
    assert_eq!(builtin().quote(&app).unwrap().total.to_string(), "12.000.000 ₫");
}

#[test]
fn a_class_without_a_row_is_refused_with_exit_1() {
    let s = Law::from_dir(root().join("tests/fixtures/good/minimal")).unwrap();
    let app = crate::app(
        "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2024-05-10\n[[device]]\nclass = \"xray_mammography\"\n",
    );
    let err = s.quote(&app).unwrap_err();
    assert!(err.is_unpriceable(), "{err}");
    assert!(err.to_string().contains("has no fee row for: xray_mammography"), "{err}");
}

#[test]
fn a_date_before_every_schedule_is_refused_with_exit_1() {
    let app =
        crate::app("province = \"Huế\"\nprocedure = \"new\"\nreceived = 2016-12-31\n[[device]]\nclass = \"xray_ct\"\n");
    let err = builtin().quote(&app).unwrap_err();
    assert!(err.is_unpriceable());
    assert!(err.to_string().contains("no fee schedule is in force on 2016-12-31"), "{err}");
}

#[test]
fn a_described_device_is_priced_through_the_classifier() {
    let text = std::fs::read_to_string(root().join("examples/applications/binh-duong-described-device.toml")).unwrap();
    let q = builtin().quote(&Application::from_toml("b.toml", &text).unwrap()).unwrap();
    assert_eq!(q.total.amount(), rust_decimal::Decimal::from(2_000_000));
    assert_eq!(q.lines[0].class, Some(crate::r::DeviceClass::XrayDentalPanoramic));
    assert!(
        q.notes
            .iter()
            .any(|n| n
                == "Device 1: classified as `xray_dental_panoramic` (Dental panoramic X-ray) from its description.")
    );
}

#[test]
fn an_ambiguous_description_is_refused_with_candidates_and_the_deciding_field() {
    let app = crate::app(
        "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2026-02-01\n\n[[device]]\nname = \"Máy X-quang răng\"\n",
    );
    let err = builtin().quote(&app).unwrap_err();
    assert_eq!(crate::exit_code(&err), 2);
    assert_eq!(
        err.to_string(),
        "test.toml:5:1: device 1: the description does not settle the class: it could be `xray_dental_intraoral`, `xray_dental_panoramic`, `xray_dental_cephalometric`, `xray_dental_cbct`; give `modality` to decide (or give class = \"<key>\") (key `device`)"
    );
}

#[test]
fn a_class_and_a_description_that_disagree_are_reported_not_hidden() {
    let base = "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2026-02-01\n\n[[device]]\n";
    let q = builtin().quote(&crate::app(&format!("{base}class = \"xray_mobile\"\nname = \"Máy C-arm\"\n"))).unwrap();
    assert_eq!(q.total.amount(), rust_decimal::Decimal::from(2_000_000), "priced as given");
    assert!(q.notes.iter().any(|n| n.starts_with("DISAGREEMENT, device 1: the class given is `xray_mobile` but the classifier reads the description as `xray_c_arm`")), "{:?}", q.notes);
    let q = builtin().quote(&crate::app(&format!("{base}class = \"xray_c_arm\"\nname = \"Máy C-arm\"\n"))).unwrap();
    assert!(q.notes.iter().any(|n| n == "Device 1: the classifier agrees that the description is `xray_c_arm`."));
}

#[test]
fn an_exempt_described_device_is_a_line_of_zero_with_the_reason() {
    let app = crate::app(
        "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2026-02-01\n\n[[device]]\nname = \"Máy X-quang phân tích\"\nradiation = \"x_ray\"\nmax_kv = 5\n",
    );
    let q = builtin().quote(&app).unwrap();
    assert_eq!(q.total.amount(), rust_decimal::Decimal::ZERO);
    assert_eq!(q.lines[0].note.as_deref(), Some("Exempt: tube voltage 5 kV ≤ 5 kV."));
    assert!(q.lines[0].basis.contains("QCVN 5:2010/BKHCN"));
}

#[test]
fn a_bad_activity_points_at_its_own_line() {
    let text = "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2026-02-01\n\n[[device]]\nname = \"gauge\"\n[[device.source]]\nnuclide = \"Cs-137\"\nactivity = \"3,7 GBq\"\n";
    let err = Application::from_toml("a.toml", text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a.toml:9:12: activity `3,7 GBq`: `3,7`: write the decimal point as `.` (e.g. 1.5), never `,`, and no thousands separator (key `source.activity`)"
    );
    let text = text.replace("3,7 GBq", "3.7 GBq").replace("Cs-137", "Xx-999");
    let err = builtin().quote(&Application::from_toml("a.toml", &text).unwrap()).unwrap_err();
    assert!(err.to_string().starts_with("a.toml:5:1: unknown nuclide `Xx-999`"), "{err}");
}

#[test]
fn overflow_is_an_error_not_a_panic() {
    let base = std::fs::read_to_string(root().join("tests/fixtures/good/minimal/schedule.toml")).unwrap();
    let huge = base.replace("amount = 8000000", "amount = \"79000000000000000000000000\"");
    let s = Law::from_files(crate::with_version("s.toml", &huge)).unwrap();
    let app = crate::app(&format!(
        "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2024-05-10\n[[device]]\nclass = \"xray_ct\"\ncount = {}\n",
        crate::r::MAX_COUNT
    ));
    let err = s.quote(&app).unwrap_err();
    // The counts overflow (one unit of each line would not): the application's to check.
    assert!(matches!(err.kind(), crate::r::ErrorKind::Overflow { schedule: false, .. }), "{err}");
    assert!(err.is_unpriceable() && err.to_string().contains("check the counts of devices"), "{err}");
    assert_eq!(s.total(&app).unwrap_err(), err, "the total refuses the same way");
    // Amounts that overflow for one device of each line: the schedule's to fix.
    let huger = base.replace("amount = 8000000", "amount = \"79000000000000000000000000000\"");
    let s = Law::from_files(crate::with_version("s.toml", &huger)).unwrap();
    let two = crate::app(
        "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2024-05-10\n[[device]]\nclass = \"xray_ct\"\n[[device]]\nclass = \"xray_ct\"\n",
    );
    let err = s.quote(&two).unwrap_err();
    assert!(matches!(err.kind(), crate::r::ErrorKind::Overflow { schedule: true, .. }), "{err}");
    assert!(err.to_string().contains("check the schedule's amounts"), "{err}");
}

/// Past 28 significant digits `Decimal` rounds without saying so; the engine refuses instead
/// of printing a fee one đồng off.
#[test]
fn a_fee_past_28_significant_digits_is_refused_not_rounded() {
    let base = std::fs::read_to_string(root().join("tests/fixtures/good/minimal/schedule.toml")).unwrap();
    let big = base.replace("amount = 8000000", "amount = \"10000000000000000005000\"");
    let app =
        crate::app("province = \"Huế\"\nprocedure = \"new\"\nreceived = 2024-05-10\n[[device]]\nclass = \"xray_ct\"\n");
    // 10,000,000,000,000,000,005,000 × 1.5 = 15,000,000,000,000,000,007,500: 23 digits, exact.
    let half = big.replace("[procedure.new]\nfactor = 1", "[procedure.new]\nfactor = \"1.5\"");
    let s = Law::from_files(crate::with_version("s.toml", &half)).unwrap();
    assert_eq!(s.quote(&app).unwrap().total.amount().to_string(), "15000000000000000007500");
    assert_eq!(s.total(&app).unwrap().amount.amount().to_string(), "15000000000000000007500");
    // × 1.0000000001 = 10,000,000,001,000,000,005,000.0000005 (30 digits): rounded away from
    // zero the fee is …5,001 đồng; `Decimal` would hold 28 digits, drop the 0.0000005 and
    // give …5,000. Refused.
    let tiny = big
        .replace("[procedure.new]\nfactor = 1", "[procedure.new]\nfactor = \"1.0000000001\"")
        .replace("half_away_from_zero", "away_from_zero");
    let s = Law::from_files(crate::with_version("s.toml", &tiny)).unwrap();
    let err = s.quote(&app).unwrap_err();
    assert!(matches!(err.kind(), crate::r::ErrorKind::Overflow { .. }), "{err}");
    assert!(err.to_string().contains("more than 28 significant digits"), "{err}");
    assert_eq!(s.total(&app).unwrap_err(), err, "the total refuses the same way");
}

/// A surcharge per extra site computes nothing for one site: a product it would not use
/// cannot refuse the application.
#[test]
fn one_site_adds_nothing_even_to_a_huge_fee() {
    let base = std::fs::read_to_string(root().join("tests/fixtures/good/minimal/schedule.toml")).unwrap();
    let text = base.replace("amount = 8000000", "amount = \"1000000000000000000000\"")
        + "\n[[adjustment]]\nid = \"site\"\nname = { vi = \"site\", en = \"site\" }\nkind = \"site_surcharge\"\nfactor = \"0.123456789\"\nbasis = { document = \"Test document 1/2020\", article = \"site\" }\n";
    let s = Law::from_files(crate::with_version("s.toml", &text)).unwrap();
    let app = |sites: u32| {
        crate::app(&format!(
            "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2024-05-10\nsites = {sites}\n[[device]]\nclass = \"xray_ct\"\n"
        ))
    };
    assert_eq!(s.quote(&app(1)).unwrap().total.amount().to_string(), "1000000000000000000000");
    assert_eq!(s.total(&app(1)).unwrap().amount.amount().to_string(), "1000000000000000000000");
    // Two sites: 10^21 + 10^21 × 0.123456789, exact (the product's last 21 digits are zeros).
    assert_eq!(s.quote(&app(2)).unwrap().total.amount().to_string(), "1123456789000000000000");
    assert_eq!(s.total(&app(2)).unwrap().amount.amount().to_string(), "1123456789000000000000");
}

#[test]
fn largest_count_with_the_largest_shipped_amount_is_exact() {
    let app = crate::app(&format!(
        "province = \"Huế\"\nprocedure = \"renewal\"\nreceived = 2026-05-10\n[[device]]\nclass = \"transit_nuclear_material\"\ncount = {}\n",
        crate::r::MAX_COUNT
    ));
    let q = builtin().quote(&app).unwrap();
    // 65,000,000 × 1,000,000 × 0.75
    assert_eq!(q.total.amount().to_string(), "48750000000000");
}

#[test]
fn a_count_written_as_a_whole_float_or_string_is_that_count() {
    for count in ["5", "5.0", "\"5\"", "\"5.00\""] {
        let app = crate::app(&format!(
            "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2024-05-10\n[[device]]\nclass = \"xray_ct\"\ncount = {count}\n"
        ));
        assert_eq!(app.devices()[0].count(), 5, "{count}");
    }
}

#[test]
fn an_unknown_modality_points_at_its_line_with_a_suggestion() {
    let text = "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2026-02-01\n\n[[device]]\nradiation = \"x_ray\"\nmodality = \"panorama\"\n";
    let err = Application::from_toml("a.toml", text).unwrap_err();
    assert_eq!(err.to_string(), "a.toml:7:12: unknown modality `panorama`; did you mean `panoramic`? (key `modality`)");
}

#[test]
fn an_application_read_from_a_file_equals_the_same_built_in_code() {
    use crate::r::{Channel, DeviceClass, DeviceEntry, Procedure};
    let read = crate::app(
        "province = \"Đồng Nai\"\nprocedure = \"renewal\"\nreceived = 2025-09-15\nchannel = \"online\"\n[[device]]\nclass = \"xray_ct\"\n[[device]]\nclass = \"xray_dental_panoramic\"\ncount = 2\n",
    );
    let built = Application::builder("Đồng Nai", Procedure::Renewal, "2025-09-15".parse().unwrap())
        .channel(Channel::Online)
        .device(DeviceEntry::of_class(DeviceClass::XrayCt, 1).unwrap())
        .device(DeviceEntry::of_class(DeviceClass::XrayDentalPanoramic, 2).unwrap())
        .build()
        .unwrap();
    assert_eq!(read, built, "where a field was written does not make two applications differ");
    let other = built.to_builder().channel(Channel::InPerson).build().unwrap();
    assert_ne!(read, other);
}

/// An application written back as a file reads back equal, for every shipped sample and for
/// one with every kind of field.
#[test]
fn an_application_written_as_toml_reads_back_equal() {
    let dir = root().join("examples/applications");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let app = Application::from_toml("a.toml", &text).unwrap();
        let written = app.to_toml().unwrap();
        let back =
            Application::from_toml("b.toml", &written).unwrap_or_else(|e| panic!("{}: {e}\n{written}", path.display()));
        assert_eq!(back, app, "{}:\n{written}", path.display());
        n += 1;
    }
    assert!(n >= 4, "the samples were read");
    let full = "province = \"Ðồng Nai\"\nprocedure = \"gia hạn\"\nreceived = 2025-09-15\nchannel = \"trực tuyến\"\napplicant = \"Bệnh viện \\\"A\\\"\"\nfacility_kind = \"hospital\"\nsites = 2\n\
        [[device]]\nclass = \"xray_ct\"\ncount = 2\nlabel = \"Phòng 1\"\n\
        [[device]]\nname = \"Máy đo mức\"\nradiation = \"sealed_source\"\nuse = \"industrial\"\nmax_kv = \"0.5\"\n\
        [[device.source]]\nnuclide = \"Cs-137\"\nactivity = \"3.7 GBq\"\nreference_date = 2020-01-01\n";
    let app = Application::from_toml("a.toml", full).unwrap();
    let written = app.to_toml().unwrap();
    assert!(written.contains("procedure = \"renewal\"") && written.contains("received = 2025-09-15"), "{written}");
    assert_eq!(Application::from_toml("b.toml", &written).unwrap(), app, "{written}");
}
