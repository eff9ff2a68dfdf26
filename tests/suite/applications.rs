//! Bad application files: each refused with file, line, column, key and what was expected.

use radfee::{Application, Schedules};

use crate::{builtin, root, snapshot};

fn message_of(name: &str) -> String {
    let rel = format!("tests/fixtures/bad-applications/{name}.toml");
    let text = std::fs::read_to_string(root().join(&rel)).unwrap();
    let err = match Application::from_toml(&rel, &text) {
        Err(e) => e,
        Ok(app) => builtin().quote(&app).expect_err("the fixture must be refused"),
    };
    assert!(err.is_input(), "{name}: {err}");
    assert_eq!(err.exit_code(), 2);
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
    assert_eq!(err.exit_code(), 1);
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
    let s = Schedules::from_dir(root().join("tests/fixtures/good/minimal")).unwrap();
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
fn a_described_device_is_refused_until_the_classifier_exists() {
    let text = std::fs::read_to_string(root().join("examples/applications/binh-duong-described-device.toml")).unwrap();
    let app = Application::from_toml("b.toml", &text).unwrap();
    let err = builtin().quote(&app).unwrap_err();
    assert!(err.is_unpriceable());
    assert!(err.to_string().starts_with("b.toml:6:1: device 1 is given by description only"), "{err}");
}

#[test]
fn overflow_is_an_error_not_a_panic() {
    let base = std::fs::read_to_string(root().join("tests/fixtures/good/minimal/schedule.toml")).unwrap();
    let huge = base.replace("amount = 8000000", "amount = \"79000000000000000000000000\"");
    let mut files: Vec<radfee::SourceFile> =
        Schedules::builtin_files().into_iter().filter(|f| !f.path.starts_with("national/")).collect();
    files.push(radfee::SourceFile { path: "s.toml".into(), display_name: "s.toml".into(), text: huge });
    let s = Schedules::from_files(files).unwrap();
    let app = crate::app(&format!(
        "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2024-05-10\n[[device]]\nclass = \"xray_ct\"\ncount = {}\n",
        radfee::MAX_COUNT
    ));
    let err = s.quote(&app).unwrap_err();
    assert!(err.is_input() && err.to_string().contains("too large to compute exactly"), "{err}");
}

#[test]
fn largest_count_with_the_largest_shipped_amount_is_exact() {
    let app = crate::app(&format!(
        "province = \"Huế\"\nprocedure = \"renewal\"\nreceived = 2026-05-10\n[[device]]\nclass = \"transit_nuclear_material\"\ncount = {}\n",
        radfee::MAX_COUNT
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
        assert_eq!(app.devices[0].count, 5, "{count}");
    }
}
