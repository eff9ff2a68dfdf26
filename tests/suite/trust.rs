//! Right or refused: each kind of input that used to be accepted and priced wrong, run through
//! the tools as an officer or policy officer would, with the exit code and the message asserted;
//! and inputs written differently but meaning the same give the same figures.

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::root;

fn tool(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    profile_dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

fn run(name: &str, args: &[&str]) -> Output {
    Command::new(tool(name)).args(args).current_dir(root()).output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// No machine type name or debug dump reaches a person.
fn plain(message: &str) {
    for leak in ["i128", "u32", "u64", "i64", "usize", "f64", "Decimal", "Some(", "None", "panicked", "struct "] {
        assert!(!message.contains(leak), "message leaks `{leak}`: {message}");
    }
}

const APP: &str = "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2025-05-10\n\n[[device]]\n";

#[test]
fn applications_and_device_files_priced_wrong_before_are_refused_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    // (tool, extra args, file body, expected message)
    let cases: &[(&str, &[&str], String, &str)] = &[
        ("calculator", &[], format!("{APP}class = \"xray_ct\"\ncount = 0.9999999999999999999999999999\n"), "a.toml:7:9: `0.9999999999999999999999999999` cannot be stored exactly as a TOML float"),
        ("calculator", &[], format!("{APP}class = \"xray_ct\"\ncount = 1.000\n"), "a.toml:7:9: `1.000` is ambiguous: with `.` grouping thousands (as Vietnamese writes) it is 1000, as a decimal point it is 1; write 1000 or 1"),
        ("calculator", &[], format!("{APP}class = \"xray_ct\"\ncount = \"1,000\"\n"), "`1,000` is ambiguous"),
        ("calculator", &[], format!("{APP}class = \"xray_ct\"\ncount = 99999999999999999999\n"), "a.toml:7:9: `99999999999999999999` is too large"),
        ("calculator", &[], format!("{APP}name = \"X-quang\"\nmax_kv = -5\n"), "a.toml:7:10: max_kv = -5 cannot be: the highest tube voltage is a positive number of kilovolts"),
        ("calculator", &[], format!("{APP}name = \"X-quang\"\nmax_kv = \"1.500\"\n"), "a.toml:7:10: `1.500` is ambiguous"),
        ("calculator", &[], format!("{APP}name = \"X-quang\"\ntype_approved = true\ndose_rate_usv_h = \"-0.5\"\n"), "dose_rate_usv_h = -0.5 cannot be: a dose rate is zero or more"),
        ("calculator", &[], format!("{APP}name = \"camera chụp ảnh phóng xạ công nghiệp\"\n[[device.source]]\nnuclide = \"Ir-192\"\nactivity = \"3.7 TBq\"\nreference_date = 2046-01-01\n"), "a.toml:10:18: source Ir-192: its activity is dated 2046-01-01, after the day the application was received (2025-05-10)"),
        ("calculator", &[], format!("{APP}name = \"máy đo mức\"\n[[device.source]]\nnuclide = \"Cs-137\"\nactivity = \"1.850 GBq\"\n"), "a.toml:9:12: activity `1.850 GBq`: `1.850` is ambiguous"),
        ("calculator", &[], "province = \"Huế\"\nprocedure = \"new\"\nreceived = 15/09/2025\n[[device]]\nclass = \"xray_ct\"\n".to_owned(), "a.toml:3:12: `15/09/2025` is not a date TOML can read (key `received`)\n  hint: write it as YYYY-MM-DD: 2025-09-15"),
        ("calculator", &[], format!("conditions = [\"lat\"]\n{APP}class = \"xray_ct\"\n"), "a.toml:1:15: condition `lat` is not one schedule version"),
        ("classify", &["--date", "2026-03-01"], "[[device]]\nname = \"máy đo mức\"\n[[device.source]]\nnuclide = \"Co-60\"\nactivity = \"1 GBq\"\nreference_date = 2031-01-01\n".to_owned(), "source Co-60: its activity is dated 2031-01-01, after the day it is classified on (2026-03-01)"),
        ("classify", &["--date", "2026-03-01"], "[[device]]\nname = \"X-quang\"\nmax_energy_mev = 0\n".to_owned(), "max_energy_mev = 0 cannot be"),
    ];
    for (name, extra, body, expected) in cases {
        let file = dir.path().join("a.toml");
        std::fs::write(&file, body).unwrap();
        let mut args: Vec<&str> = vec![file.to_str().unwrap(), "--lang", "en"];
        args.extend_from_slice(extra);
        let o = run(name, &args);
        let t = text(&o).replace(&format!("{}/", dir.path().display()), "");
        assert_eq!(o.status.code(), Some(2), "{name} {body}\n{t}");
        assert!(t.contains(expected), "{name}: expected {expected}\n  got {t}");
        plain(&t);
    }
}

#[test]
fn schedule_files_priced_wrong_before_are_refused_with_their_place() {
    let base = std::fs::read_to_string(root().join("tests/fixtures/good/minimal/schedule.toml")).unwrap();
    let cases: &[(&str, &str, &str)] = &[
        ("amount = 2000000", "amount = \"250.000\"", "schedule.toml:35:10: `250.000` is ambiguous"),
        ("amount = 2000000", "amount = 250.000", "schedule.toml:35:10: `250.000` is ambiguous"),
        ("amount = 2000000", "amount = \"8.000.000\"", "`8.000.000` groups its digits"),
        ("amount = 2000000", "amount = \"8,000,000\"", "`8,000,000` groups its digits"),
        (
            "amount = 2000000",
            "amount = 8000000.0000000001",
            "`8000000.0000000001` cannot be stored exactly as a TOML float; write it in quotes",
        ),
        ("amount = 2000000", "amount = 99999999999999999999", "`99999999999999999999` is too large"),
        (
            "factor = \"0.75\"",
            "factor = 0.7500000000000000001",
            "schedule.toml:16:10: `0.7500000000000000001` cannot be stored exactly",
        ),
        ("step = 1", "step = \"1.000\"", "`1.000` is ambiguous"),
        ("effective_from = 2020-01-01", "effective_from = 01/01/2027", "`01/01/2027` is not a date TOML can read"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (from, to, expected) in cases {
        let body = base.replacen(from, to, 1);
        assert_ne!(body, base, "{from}");
        std::fs::write(dir.path().join("schedule.toml"), &body).unwrap();
        let o = run("check-schedules", &[dir.path().to_str().unwrap(), "--lang", "en"]);
        let t = text(&o).replace(&format!("{}/", dir.path().display()), "");
        assert_eq!(o.status.code(), Some(2), "{to}\n{t}");
        assert!(t.contains(expected), "{to}: expected {expected}\n  got {t}");
        plain(&t);
    }
    // An index value in the indexed-units structure.
    let s7 = std::fs::read_to_string(root().join("tests/fixtures/structures/7-indexed-units/schedule.toml")).unwrap();
    std::fs::write(dir.path().join("schedule.toml"), s7.replacen("value = 110000", "value = \"110.000\"", 1)).unwrap();
    let o = run("check-schedules", &[dir.path().to_str().unwrap(), "--lang", "en"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("`110.000` is ambiguous"), "{}", text(&o));
}

fn quote_total(body: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.toml");
    std::fs::write(&file, body).unwrap();
    let o = run("calculator", &[file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    json["total"].as_str().unwrap().to_owned()
}

#[test]
fn the_same_value_written_differently_gives_the_same_total() {
    let with = |count: &str| quote_total(&format!("{APP}class = \"xray_ct\"\ncount = {count}\n"));
    for count in ["2", "2.0", "\"2\"", "\"2.00\"", "2e0"] {
        assert_eq!(with(count), "16000000", "count = {count}");
    }
    let with = |kv: &str| quote_total(&format!("{APP}name = \"Máy X-quang răng toàn cảnh\"\nmax_kv = {kv}\n"));
    for kv in ["90", "90.0", "\"90\"", "\"90.00\""] {
        assert_eq!(with(kv), "2000000", "max_kv = {kv}");
    }
    // The same province, however its letters were typed.
    let with = |p: &str| {
        quote_total(&format!(
            "province = \"{p}\"\nprocedure = \"new\"\nreceived = 2025-05-10\n[[device]]\nclass = \"xray_ct\"\n"
        ))
    };
    for p in ["Đà Nẵng", "\u{0189}à Nẵng", "\u{00D0}à Nẵng", "Da Nang", "TP. Đà Nẵng"] {
        assert_eq!(with(p), "8000000", "{p}");
    }
}

#[test]
fn batch_rows_follow_the_same_rules() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.csv");
    let header = "application_id,province,procedure,received,channel,class,count\n";
    std::fs::write(&file, format!("{header}A,Huế,new,2025-05-10,,xray_ct,1.000\nB,Huế,new,2025-05-10,,xray_ct,2.5\nC,Huế,new,2025-05-10,,xray_ct,4294967295\n")).unwrap();
    let o = run("batch", &[file.to_str().unwrap(), "--lang", "en"]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    for needle in [
        "line 2: application A: count: `1.000` is ambiguous",
        "line 3: application B: count must be a whole number of devices, not 2.5",
        "line 4: application C: count 4294967295 is larger than the limit of 1000000 devices",
    ] {
        assert!(t.contains(needle), "{needle}\n{t}");
    }
    plain(&t);
    // 2.0 is 2, in a batch as in a file; Huế and Hue are one province.
    std::fs::write(&file, format!("{header}A,Huế,new,2025-05-10,,xray_ct,2.0\nA,Hue,new,2025-05-10,,xray_general,1\n"))
        .unwrap();
    let o = run("batch", &[file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("grand_total: 19000000"), "{}", text(&o));
}

#[test]
fn a_tool_that_cannot_find_its_input_says_so_plainly() {
    // Said in Vietnamese by default (the library's readers and the batch tool alike), and in
    // English with the system's words on request.
    for (name, args) in
        [("calculator", vec!["nothing.toml"]), ("classify", vec!["nothing.toml"]), ("batch", vec!["nothing.csv"])]
    {
        let mut en = args.clone();
        en.extend(["--lang", "en"]);
        let o = run(name, &en);
        assert_eq!(o.status.code(), Some(2));
        assert!(text(&o).contains("No such file"), "{name}: {}", text(&o));
        let o = run(name, &args);
        assert_eq!(o.status.code(), Some(2));
        assert!(text(&o).contains("không tìm thấy tệp"), "{name}: {}", text(&o));
    }
}

/// One limit of 1,000,000 devices of a class per application, however it is written: two
/// entries of one class are added up, in a file, in code and in a batch alike.
#[test]
fn the_count_of_a_class_is_limited_in_all_as_in_a_batch() {
    use crate::r::{Application, DeviceClass, Procedure};
    let text = "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2026-03-02\n[[device]]\nclass = \"xray_ct\"\ncount = 1000000\n[[device]]\nclass = \"xray_ct\"\ncount = 1\n";
    let e = Application::from_toml("a.toml", text).unwrap_err().to_string();
    assert!(
        e.contains("a.toml:7:1: device 2: the application lists more than 1000000 `xray_ct` devices in all"),
        "{e}"
    );
    let e = Application::builder("Huế", Procedure::New, crate::date("2026-03-02"))
        .device(crate::dev(DeviceClass::XrayCt, 600_000))
        .device(crate::dev(DeviceClass::XrayCt, 400_001))
        .build()
        .unwrap_err();
    assert!(e.is_input() && e.to_string().contains("more than 1000000 `xray_ct` devices in all"), "{e}");
    // Exactly the limit, split over entries, is priced: 1,000,000 × 8,000,000.
    let app = Application::builder("Huế", Procedure::New, crate::date("2026-03-02"))
        .device(crate::dev(DeviceClass::XrayCt, 600_000))
        .device(crate::dev(DeviceClass::XrayCt, 400_000))
        .build()
        .unwrap();
    assert_eq!(
        crate::builtin().total(&app).unwrap().amount.amount(),
        rust_decimal::Decimal::from(8_000_000_000_000u64)
    );
    let batch = "application_id,province,procedure,received,channel,class,count\nA,Huế,new,2026-03-02,,xray_ct,1000000\nA,Huế,new,2026-03-02,,xray_ct,1\n";
    let r = crate::builtin().price_batch(batch.as_bytes(), &Default::default(), |_| {}).unwrap();
    assert!(r.problems[0].message.contains("more than 1000000 `xray_ct` devices in all"), "{:?}", r.problems);
}
