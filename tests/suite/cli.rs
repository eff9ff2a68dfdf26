//! The calculator as an officer runs it: exit codes, formats, standard input.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use crate::root;

/// `cargo test` builds the examples beside the test binary: target/<profile>/examples/.
fn calculator() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = profile_dir.join("examples").join(format!("calculator{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "{} not built; run `cargo test` (it builds the examples)", path.display());
    path
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(calculator())
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn prices_a_sample_as_text_and_json() {
    let o = run(&["examples/applications/hanoi-new-general-ct.toml"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("TỔNG CỘNG / TOTAL (VND)") && text.contains("11.000.000 ₫"), "{text}");
    let o = run(&["examples/applications/dong-nai-renewal-online.toml", "--format", "json"], None);
    assert_eq!(o.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["total"], "8100000");
    assert_eq!(json["currency"], "VND");
    assert_eq!(json["authority"], "province");
    assert_eq!(json["province"], "Tỉnh Đồng Nai");
    assert!(json["schedule"]["fingerprint"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(json["lines"][1]["count"], 2);
    assert_eq!(json["lines"][1]["unit_fee"], "2000000");
}

#[test]
fn reads_standard_input_and_gives_identical_bytes() {
    let text = std::fs::read_to_string(root().join("examples/applications/nghe-an-renewal-after-window.toml")).unwrap();
    let a = run(&["-", "--format", "json"], Some(&text));
    let b = run(&["examples/applications/nghe-an-renewal-after-window.toml", "--format", "json"], None);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    assert_eq!(a.stdout, b.stdout);
    assert!(stdout(&a).contains("\"total\":\"5250000\""));
}

#[test]
fn quick_quote_from_flags() {
    let o = run(
        &[
            "--class",
            "xray_ct",
            "--count",
            "2",
            "--procedure",
            "renewal",
            "--province",
            "Dong Nai",
            "--date",
            "2025-09-15",
            "--channel",
            "online",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"total\":\"10800000\""));
}

#[test]
fn exit_codes() {
    // 2: bad input, with file:line:column.
    let o = run(&["tests/fixtures/bad-applications/zero-count.toml", "--lang", "en"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("tests/fixtures/bad-applications/zero-count.toml:7:9: count must be at least 1"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("panicked"));
    // 2: a missing file, a bad flag, a bad schedule folder.
    assert_eq!(run(&["no/such/file.toml"], None).status.code(), Some(2));
    assert_eq!(run(&["--format", "xml", "x.toml"], None).status.code(), Some(2));
    let o = run(
        &[
            "examples/applications/hanoi-new-general-ct.toml",
            "--schedules",
            "tests/fixtures/bad-schedules/negative-amount",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("tests/fixtures/bad-schedules/negative-amount/schedule.toml:"), "{}", stderr(&o));
    // 1: understood but cannot be priced as one application.
    let o = run(
        &["-"],
        Some(
            "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2024-01-02\n[[device]]\nclass = \"xray_ct\"\n[[device]]\nclass = \"well_logging\"\n",
        ),
    );
    assert_eq!(o.status.code(), Some(1));
    // Vietnamese by default, as officers read it.
    assert!(stderr(&o).starts_with("không tính được phí cho hồ sơ này:\n"), "{}", stderr(&o));
    assert!(stderr(&o).contains("các thiết bị thuộc các cơ quan cấp phép khác nhau"), "{}", stderr(&o));
    // 0 with --schedules pointing at the shipped folder.
    let o = run(&["examples/applications/hanoi-new-general-ct.toml", "--schedules", "fee-schedules"], None);
    assert_eq!(o.status.code(), Some(0));
    // Not UTF-8.
    let o = run(&["-"], None);
    assert_eq!(o.status.code(), Some(2));
}

fn tool_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(|d| d.parent()).unwrap().join("examples").join(name)
}

fn tool(name: &str, args: &[&str]) -> Output {
    Command::new(tool_path(name)).args(args).current_dir(root()).output().unwrap()
}

#[test]
fn check_schedules_reports_clean_and_broken_folders() {
    let o = tool("check-schedules", &["--lang", "en"]);
    assert_eq!(o.status.code(), Some(0));
    crate::snapshot(&root().join("tests/golden/check-schedules-shipped.txt"), &stdout(&o));
    // The same report in Vietnamese, the default (reviewed wording).
    let o = tool("check-schedules", &[]);
    assert_eq!(o.status.code(), Some(0));
    crate::snapshot(&root().join("tests/golden/check-schedules-shipped-vi.txt"), &stdout(&o));
    for case in ["extends-loop", "negative-amount", "unknown-key", "window-outside-version"] {
        let dir = format!("tests/fixtures/bad-schedules/{case}");
        let o = tool("check-schedules", &[&dir, "--lang", "en"]);
        assert_eq!(o.status.code(), Some(2), "{case}");
        let out = stdout(&o);
        assert!(out.starts_with(&format!("{dir}/")), "{case}: findings start with file:line:column: {out}");
        crate::snapshot(&root().join(format!("tests/golden/check-schedules-{case}.txt")), &out);
        // The same findings in Vietnamese, the default for policy staff (reviewed wording).
        let vi = stdout(&tool("check-schedules", &[&dir]));
        crate::snapshot(&root().join(format!("tests/golden/check-schedules-{case}-vi.txt")), &vi);
    }
    assert_eq!(tool("check-schedules", &["no/such/dir"]).status.code(), Some(2));
}

#[test]
fn diff_schedules_names_each_change_and_its_effect() {
    let cases: [(&str, &[&str]); 3] = [
        ("versions", &["--from", "vn-287-2016", "--to", "vn-287-2016-a63-2023"]),
        ("folders", &["--old", "fee-schedules", "--new", "tests/fixtures/good/edited", "--date", "2027-06-01"]),
        (
            "province",
            &[
                "--province",
                "TP.HCM",
                "--date",
                "2024-05-10",
                "--schedules",
                "tests/fixtures/good/deviation",
                "--apps",
                "tests/fixtures/good/deviation-apps",
            ],
        ),
    ];
    let en = |args: &[&'static str]| [args, &["--lang", "en"]].concat();
    for (name, args) in cases {
        let o = tool("diff-schedules", &en(args));
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        crate::snapshot(&root().join(format!("tests/golden/diff-{name}.txt")), &stdout(&o));
    }
    // The same diff in Vietnamese, the default (reviewed wording: the law's terms, dates day
    // first, factors with a decimal comma).
    let o = tool("diff-schedules", cases[1].1);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    crate::snapshot(&root().join("tests/golden/diff-folders-vi.txt"), &stdout(&o));
    let out = stdout(&tool("diff-schedules", &en(cases[1].1)));
    // The edited folder is the shipped national schedule plus one new file: every other file is
    // the shipped one, so the diff shows only the edit.
    for entry in std::fs::read_dir(root().join("tests/fixtures/good/edited/national")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name != "2027-test.toml" {
            let shipped = std::fs::read(root().join("fee-schedules/national").join(&name)).unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), shipped, "{name} differs from the shipped file");
        }
    }
    for needle in [
        "row 1.4.7 re-priced: 8.000.000 ₫ → 9.000.000 ₫",
        "row 1.4.9 added: 1.500.000 ₫",
        "class xray_veterinary moved from row 1.4.4 to row 1.4.9",
        "procedure renewal factor: 0.75 → 0.8",
        "charge le-phi: added (100.000 ₫ for new/renewal, name \"Licence charge\"",
        "row 1.4.7: assumption \"row number 1.4.7 inferred",
        "procedure renewal: basis Thông tư 116/2021/TT-BTC",
        "each as received on 2027-06-01:",
        // A renewal received on 2027-06-01 (the online reduction ended on 2025-12-31):
        // old (8,000,000 + 2 × 2,000,000) × 0.75 = 9,000,000;
        // new (9,000,000 + 2 × 2,000,000) × 0.8 + 100,000 lệ phí = 10,500,000.
        "dong-nai-renewal-online.toml: 9.000.000 ₫ → 10.500.000 ₫ (+1.500.000 ₫)",
        // New: 3,000,000 + 8,000,000 → 3,000,000 + 9,000,000 + 100,000.
        "hanoi-new-general-ct.toml: 11.000.000 ₫ → 12.100.000 ₫ (+1.100.000 ₫)",
        // Renewal: (5,000,000 + 2,000,000) × 0.75 → × 0.8 + 100,000.
        "nghe-an-renewal-after-window.toml: 5.250.000 ₫ → 5.700.000 ₫ (+450.000 ₫)",
    ] {
        assert!(out.contains(needle), "missing `{needle}` in:\n{out}");
    }
    // Two versions of one folder: each side on its own first day.
    let out = stdout(&tool("diff-schedules", &en(cases[0].1)));
    for needle in [
        "each as received on 2017-01-01 under vn-287-2016 and on 2023-12-01 under vn-287-2016-a63-2023:",
        // Renewal online: 12,000,000 × 0.75 = 9,000,000 in 2017; × 0.9 online from 2023-12-01.
        "dong-nai-renewal-online.toml: 9.000.000 ₫ → 8.100.000 ₫ (-900.000 ₫)",
    ] {
        assert!(out.contains(needle), "missing `{needle}` in:\n{out}");
    }
    // The samples are found wherever the tool is run from.
    let elsewhere = Command::new(tool_path("diff-schedules"))
        .args(en(cases[0].1))
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(elsewhere.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&elsewhere.stdout).contains("Effect on 4 application(s) (the crate's samples)"));
    assert_eq!(tool("diff-schedules", &["--from", "nope", "--to", "vn-287-2016"]).status.code(), Some(2));
    assert_eq!(tool("diff-schedules", &[]).status.code(), Some(2));
}

/// Replaces the first `from` in a file by `to` (it must be there).
pub(crate) fn edit(file: &std::path::Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "`{from}` not in {}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn diff_schedules_lists_edits_that_change_no_amount() {
    // A policy officer's edits that no amount shows: an end date, a legal basis's date of
    // issue, a province's collecting body and a new alias. Each is listed; none is "no
    // difference".
    let dir = tempfile::tempdir().unwrap();
    crate::copy_tree(&root().join("fee-schedules"), dir.path());
    let a63 = dir.path().join("national/287-2016-a63-2023.toml");
    edit(&a63, "effective_from = 2023-12-01\n", "effective_from = 2023-12-01\neffective_until = 2026-12-31\n");
    edit(&a63, "date = 2023-10-16,", "date = 2023-10-17,");
    let dong_nai = dir.path().join("provinces/dong-nai.toml");
    edit(&dong_nai, "vi = \"Sở Khoa học và Công nghệ tỉnh Đồng Nai\"", "vi = \"Trung tâm Kỹ thuật tỉnh Đồng Nai\"");
    edit(&dong_nai, "aliases = []\nsince", "aliases = [\"ĐN\"]\nsince");
    // Tables the diff has no words for: still named (and a comment alone is no change).
    edit(&dir.path().join("classification.toml"), "max_kv = 5\n", "max_kv = 6 # edited\n");
    edit(&dir.path().join("nuclides.toml"), "\n", "\n# a comment is not a change\n");
    let new = dir.path().to_str().unwrap();
    let o = tool("diff-schedules", &["--old", "fee-schedules", "--new", new, "--date", "2026-06-01", "--lang", "en"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "  in force: 2023-12-01 to … → 2023-12-01 to 2026-12-31\n",
        "  in the file: legal_basis 3 › date: 2023-10-16 → 2023-10-17\n",
        "  province Tỉnh Đồng Nai: collector: Sở Khoa học và Công nghệ tỉnh Đồng Nai / Dong Nai Department of Science and Technology, Thông tư 287/2016/TT-BTC, Điều 3",
        " → Trung tâm Kỹ thuật tỉnh Đồng Nai / Dong Nai Department of Science and Technology, Thông tư 287/2016/TT-BTC, Điều 3",
        "  province Tỉnh Đồng Nai: aliases: [] → [ĐN]\n",
        "  files that differ (comments and layout aside): classification.toml, national/287-2016-a63-2023.toml, provinces/dong-nai.toml\n",
        // Renewal in 2026, after the online reduction ended: (8,000,000 + 2 × 2,000,000) × 0.75.
        "dong-nai-renewal-online.toml: 9.000.000 ₫ (unchanged)",
    ] {
        assert!(out.contains(needle), "missing `{needle}` in:\n{out}");
    }
    assert!(!out.contains("no difference"), "{out}");
    // The same folder against itself: nothing differs, and it says so.
    let o = tool("diff-schedules", &["--old", new, "--new", new, "--date", "2026-06-01", "--lang", "en"]);
    let out = stdout(&o);
    assert!(out.contains("  no difference in the national schedule\n"), "{out}");
    assert!(!out.contains("province Tỉnh"), "{out}");
}
