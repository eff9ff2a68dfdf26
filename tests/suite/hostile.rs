//! Hostile input: malformed, truncated, oversized or adversarial files never panic and are
//! refused with a place and words a person can act on.

use crate::r::{Activity, Application, Description, Law, SourceFile};
use proptest::prelude::*;

use crate::{root, shared};

/// Words that would mean an internal type or a debug dump reached a person.
const LEAKS: &[&str] = &[
    "struct ",
    "enum ",
    "Vec<",
    "Option<",
    "Some(",
    "None",
    "u32",
    "u64",
    "i64",
    "usize",
    "f64",
    "Spanned",
    "Decimal",
    "Exact",
    "RowFile",
    "LegalRef",
    "ClassMapping",
    "{ \"",
    "panicked",
    "RUST_BACKTRACE",
];

fn assert_plain(what: &str, message: &str) {
    for leak in LEAKS {
        assert!(!message.contains(leak), "{what}: message leaks `{leak}`: {message}");
    }
}

fn schedule_error(text: &str) -> String {
    Law::from_files(crate::with_version("s.toml", text)).expect_err("refused").to_string()
}

#[test]
fn wrong_values_in_a_schedule_are_refused_in_plain_words_at_their_place() {
    let base = std::fs::read_to_string(root().join("tests/fixtures/good/minimal/schedule.toml")).unwrap();
    let cases: &[(&str, &str, &str)] = &[
        (
            "title = { vi = \"Biểu thử\", en = \"Test schedule\" }",
            "title = \"Test\"",
            "s.toml:3:9: wrong kind of value: string \"Test\", expected a table { vi = \"…\", en = \"…\" }",
        ),
        (
            "legal_basis = { document = \"Test document 1/2020\" }",
            "legal_basis = \"Test\"",
            "s.toml:5:15: wrong kind of value",
        ),
        ("unit = \"device\"", "unit = 3", "s.toml:34:8: expected one of the allowed words, in quotes"),
        ("unit = \"device\"", "unit = \"devices\"", "s.toml:34:8: unknown value `devices`"),
        ("effective_from = 2020-01-01", "effective_from = \"yesterday\"", "s.toml:4:18: `yesterday` is not a date"),
        (
            "effective_from = 2020-01-01",
            "effective_from = 2020-01-01T10:00:00+07:00",
            "s.toml:4:18: `2020-01-01T10:00:00+07:00` is not a plain date",
        ),
        ("classes = [\"xray_ct\"]", "classes = \"xray_ct\"", "s.toml:45:11: wrong kind of value"),
        ("at = \"line\"", "at = 1", "s.toml:10:6: expected one of the allowed words"),
        (
            "[procedure.new]\nfactor = 1",
            "[procedure.new]\nfactor = true",
            "s.toml:13:10: wrong kind of value: boolean `true`, expected an exact number",
        ),
        ("amount = 2000000", "amount = \"2.000.000\"", "s.toml:35:10: `2.000.000` groups its digits"),
        (
            "amount = 2000000",
            "amount = \"99999999999999999999999999999999\"",
            "s.toml:35:10: `99999999999999999999999999999999` cannot be held exactly",
        ),
        ("[rounding]", "[[rounding]]", "s.toml:7:1: expected a single [table], not a list [[table]]"),
        ("id = \"1\"", "id = \"\"", "s.toml:32:6: a row needs an id"),
        ("amount = 2000000", "amount = 2000000\ntiers = [1, 2]", "row `1` gives both `amount` and `tiers`"),
        (
            "classes = [\"xray_dental_intraoral\"]",
            "classes = [\"xray_dental_intraoral\", \"not_ionizing\"]",
            "s.toml:37:37: `not_ionizing` emits no ionising radiation: it needs no licence and no fee row",
        ),
    ];
    for (from, to, expected) in cases {
        let text = base.replacen(from, to, 1);
        assert_ne!(text, base, "{from}");
        let message = schedule_error(&text);
        assert!(message.contains(expected), "{to}:\n  expected {expected}\n  got {message}");
        assert_plain(to, &message);
    }
    // Truncated at every line: refused or accepted, never a panic, every error placed.
    let lines: Vec<&str> = base.lines().collect();
    for n in 0..lines.len() {
        if let Err(e) = Law::from_files(crate::with_version("s.toml", &lines[..n].join("\n"))) {
            for f in e.findings().iter().filter(|f| f.is_error()) {
                assert!(f.location.is_some(), "truncated at {n}: {f}");
                assert_plain("truncated", &f.to_string());
            }
        }
    }
}

#[test]
fn wrong_values_in_an_application_are_refused_in_plain_words_at_their_place() {
    let base = "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2024-05-10\n\n[[device]]\nclass = \"xray_ct\"\ncount = 2\nlabel = \"CT\"\n";
    let long = "x".repeat(crate::r::MAX_TEXT + 1);
    let cases: Vec<(String, &str)> = vec![
        (base.replace("province = \"Huế\"", "province = 5"), "a.toml:1:12: wrong kind of value"),
        (base.replace("province = \"Huế\"", "province = \"\""), "a.toml:1:12: the province is empty"),
        (base.replace("procedure = \"new\"", "procedure = [\"new\"]"), "a.toml:2:13: wrong kind of value"),
        (base.replace("received = 2024-05-10", "received = 10/05/2024"), "a.toml:3:"),
        (base.replace("count = 2", "count = \"two\""), "a.toml:7:9: `two` is not a number"),
        (base.replace("count = 2", "count = 99999999999"), "a.toml:7:9: count 99999999999 is larger than the limit"),
        (
            base.replace("label = \"CT\"", &format!("label = \"{long}\"")),
            "a.toml:8:9: the text is 1001 characters long; at most 1000 are allowed",
        ),
        (
            base.replace("province = \"Huế\"", &format!("province = \"{long}\"")),
            "a.toml:1:12: the text is 1001 characters long",
        ),
        (base.replace("[[device]]", "[device]"), "a.toml:5:1: wrong kind of value"),
        (
            base.replace("class = \"xray_ct\"", "class = \"xray_ct\"\nmax_kv = \"fifty\""),
            "a.toml:7:10: `fifty` is not a number",
        ),
        (format!("{base}sites = 0\n"), "a.toml:9:1: unknown key `sites`"),
        (
            base.replacen("[[device]]", "sites = 0\nconditions = [\"Late!\"]\n[[device]]", 1),
            "a.toml:5:9: sites must be at least 1, not 0",
        ),
        (
            base.replacen("[[device]]", "conditions = [\"Late!\"]\n[[device]]", 1),
            "a.toml:5:15: `Late!` is not a condition name",
        ),
        (
            format!("{base}[[device.source]]\nnuclide = \"Cs-137\"\nactivity = \"1e999 Bq\"\n"),
            "a.toml:11:12: activity `1e999 Bq`: `1e999` cannot be held exactly",
        ),
        ("\u{feff}\u{0}\u{1}".to_owned(), "a.toml:1:"),
        (String::new(), "missing key `province`"),
    ];
    for (text, expected) in &cases {
        let message = match Application::from_toml("a.toml", text) {
            Err(e) => e.to_string(),
            Ok(app) => shared().quote(&app).expect_err(expected).to_string(),
        };
        assert!(message.contains(expected), "expected {expected}\n  got {message}");
        assert_plain(expected, &message);
    }
    // Oversized.
    let huge = "#".repeat(crate::r::MAX_APPLICATION_BYTES + 1);
    let message = Application::from_toml("big.toml", &huge).unwrap_err().to_string();
    assert!(message.starts_with("big.toml:1:1: the file is 1048577 bytes"), "{message}");
}

#[test]
fn oversized_schedule_sets_are_refused_before_they_are_read() {
    let big = "#".repeat(usize::try_from(crate::r::MAX_FILE_BYTES).unwrap() + 1);
    let message = schedule_error(&big);
    assert!(message.starts_with("s.toml:1:1: the file is 1048577 bytes"), "{message}");
    let files: Vec<SourceFile> = (0..=crate::r::MAX_FILES)
        .map(|i| SourceFile::new(format!("v{i}.toml"), format!("v{i}.toml"), String::new()))
        .collect();
    assert!(Law::from_files(files).unwrap_err().to_string().contains("at most 1000"));
}

#[test]
fn a_described_device_built_in_code_is_bounded_too() {
    let err = Description::named("x".repeat(crate::r::MAX_TEXT + 1)).unwrap_err();
    assert!(err.to_string().contains("at most 1000 are allowed"), "{err}");
    assert_eq!(err.findings()[0].key.as_deref(), Some("name"));
}

/// A text's length is counted as the text is kept (NFC): a letter typed with a separate mark
/// (NFD) is one character, so the same name is accepted or refused however it was typed.
#[test]
fn text_limits_count_letters_with_their_marks_once() {
    let nfd = |n: usize| "a\u{301}".repeat(n);
    assert!(Description::named(nfd(crate::r::MAX_TEXT)).is_ok());
    let err = Description::named(nfd(crate::r::MAX_TEXT + 1)).unwrap_err();
    assert!(err.to_string().contains("the text is 1001 characters long"), "{err}");
    // In an application file, at its place.
    let app = |applicant: &str| {
        format!(
            "province = \"Hà Nội\"\nprocedure = \"new\"\nreceived = 2026-03-01\napplicant = \"{applicant}\"\n[[device]]\nclass = \"xray_ct\"\n"
        )
    };
    assert!(Application::from_toml("a.toml", &app(&nfd(1000))).is_ok());
    let err = Application::from_toml("a.toml", &app(&nfd(1001))).unwrap_err();
    assert!(err.to_string().contains("a.toml:4:13: the text is 1001 characters long"), "{err}");
    // In a batch row.
    let batch = |id: &str| {
        format!(
            "application_id,province,procedure,received,channel,class,count\n{id},Hà Nội,new,2026-03-01,in_person,xray_ct,1\n"
        )
    };
    let r = shared().price_batch(batch(&nfd(1000)).as_bytes(), &Default::default(), |_| ()).unwrap();
    assert_eq!((r.applications, r.bad_rows), (1, 0));
    let r = shared().price_batch(batch(&nfd(1001)).as_bytes(), &Default::default(), |_| ()).unwrap();
    assert_eq!((r.applications, r.bad_rows), (0, 1));
    assert!(r.problems[0].message.contains("application_id is 1001 characters long"), "{:?}", r.problems);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_text_makes_a_parser_panic(text in ".{0,300}") {
        // Every reader answers: a value, or an error that says something.
        fn said<T, E: std::fmt::Display>(r: Result<T, E>) -> bool {
            r.map_or_else(|e| !e.to_string().trim().is_empty(), |_| true)
        }
        prop_assert!(said(Application::from_toml("a.toml", &text)));
        prop_assert!(said(Activity::parse(&text)));
        prop_assert!(said(crate::r::devices_from_toml("d.toml", &text)));
        let batch = format!("application_id,province,procedure,received,channel,class,count\n{text}");
        let priced = shared().price_batch(batch.as_bytes(), &Default::default(), |_| ());
        prop_assert!(said(priced));
        let classified = Description::named(text.clone()).and_then(|d| shared().classify(&d, "2026-01-01".parse().unwrap()));
        prop_assert!(said(classified));
        prop_assert!(said(crate::r::Registry::from_toml("r.toml", &text, shared())));
        prop_assert!(said(schedule_error_or_ok(&text)));
    }

    #[test]
    fn no_application_made_of_known_keys_makes_the_engine_panic(
        province in prop::sample::select(vec!["Huế", "TP.HCM", "Bình Dương", "x", ""]),
        procedure in prop::sample::select(vec!["new", "renewal", "declaration", "bogus"]),
        day in prop::sample::select(vec!["2016-12-31", "2017-01-01", "2023-12-01", "2025-07-01", "2099-12-31", "1900-01-01", "2024-02-30"]),
        class in prop::sample::select(vec!["xray_ct", "not_ionizing", "gamma_field", "transit_nuclear_material", "nope"]),
        count in prop::sample::select(vec!["1", "0", "-1", "1000000", "1000001", "\"7\"", "2.5"]),
        extra in prop::sample::select(vec!["", "name = \"Máy X-quang răng\"", "max_kv = 4", "modality = \"xrf\"", "[[device.source]]\nnuclide = \"Co-60\"\nactivity = \"30 TBq\""]),
    ) {
        let text = format!("province = \"{province}\"\nprocedure = \"{procedure}\"\nreceived = {day}\n[[device]]\nclass = \"{class}\"\ncount = {count}\n{extra}\n");
        match Application::from_toml("a.toml", &text) {
            Err(e) => { prop_assert_eq!(crate::exit_code(&e), 2); assert_plain(&text, &e.to_string()); }
            Ok(app) => {
                if let Err(e) = shared().quote(&app) {
                    assert_plain(&text, &e.to_string());
                }
            }
        }
    }
}

fn schedule_error_or_ok(text: &str) -> Result<(), String> {
    Law::from_files(crate::with_version("s.toml", text)).map(|_| ()).map_err(|e| e.to_string())
}

#[test]
fn a_file_of_bad_rows_cannot_grow_a_report_without_bound() {
    let bad = 12_000;
    let mut csv = String::from("application_id,province,procedure,received,channel,class,count\n");
    for i in 0..bad {
        csv.push_str(&format!("B-{i},Huế,new,2024-02-30,,xray_ct,1\n"));
    }
    let report = shared().price_batch(csv.as_bytes(), &Default::default(), |_| {}).unwrap();
    assert_eq!((report.problems.len(), report.bad_rows, report.unpriceable), (crate::r::MAX_PROBLEMS, bad, 0));
    let mut registry = crate::r::Registry::new();
    let mut devices = String::from("facility_id,equipment_id,class\n");
    for i in 0..bad {
        devices.push_str(&format!("F-none,D{i},xray_ct\n"));
    }
    let report = registry.import_csv(shared(), devices.as_bytes(), "2025-01-01".parse().unwrap()).unwrap();
    assert_eq!((report.problems.len(), report.refused, report.imported), (crate::r::MAX_PROBLEMS, bad, 0));
}

#[test]
fn messages_quote_at_most_an_excerpt_of_the_input() {
    let long = "x".repeat(5000);
    let csv = format!("{long}\n");
    let message = shared().price_batch(csv.as_bytes(), &Default::default(), |_| {}).unwrap_err().to_string();
    assert!(message.len() < 400, "{} bytes: {}", message.len(), &message[..200]);
    let text =
        format!("province = \"Huế\"\nprocedure = \"new\"\nreceived = 2024-05-10\n[[device]]\nclass = \"{long}\"\n");
    let message = Application::from_toml("a.toml", &text).unwrap_err().to_string();
    assert!(message.len() < 400 && message.contains("x…"), "{}", &message[..200.min(message.len())]);
}
