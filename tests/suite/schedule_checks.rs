//! One bad fixture per schedule check; each message is snapshot-tested.

use crate::r::{Law, Severity};

use crate::{root, snapshot};

fn errors_of(case: &str) -> String {
    let dir = format!("tests/fixtures/bad-schedules/{case}");
    let err = Law::from_dir(root().join(&dir).strip_prefix(root()).unwrap()).expect_err("the fixture must be refused");
    assert!(err.is_schedule() || err.is_input(), "{case}: {err}");
    assert_eq!(crate::exit_code(&err), 2);
    let text = err.to_string();
    // Every error names a place in a file of the fixture.
    for f in err.findings().iter().filter(|f| f.severity == Severity::Error) {
        let loc = f.location.as_ref().unwrap_or_else(|| panic!("{case}: finding without a place: {f}"));
        assert!(loc.file.starts_with(&dir), "{case}: {loc}");
        assert!(f.key.is_some(), "{case}: finding without a key: {f}");
    }
    text + "\n"
}

macro_rules! bad_schedule {
    ($($name:ident => $case:literal, $needle:literal;)*) => {$(
        #[test]
        fn $name() {
            let text = errors_of($case);
            assert!(text.contains($needle), "{}: {text}", $case);
            snapshot(&root().join(concat!("tests/fixtures/bad-schedules/", $case, "/expected.txt")), &text);
        }
    )*};
}

bad_schedule! {
    unknown_key => "unknown-key", "unknown key `ammount`";
    row_without_classes => "row-without-classes", "prices no device class";
    class_in_two_rows => "class-in-two-rows", "is priced by two rows";
    negative_amount => "negative-amount", "is negative";
    fraction_of_a_dong => "fraction-of-a-dong", "amount 8000000.5 has a fraction of a đồng";
    factor_out_of_range => "factor-out-of-range", "outside the allowed range 0 to 10";
    end_before_start => "end-before-start", "before it starts";
    unknown_class => "unknown-class", "unknown device class `xray_cat_scan`";
    inexact_float => "inexact-float", "cannot be stored exactly";
    duplicate_row_id => "duplicate-row-id", "used twice";
    missing_procedure => "missing-procedure", "procedure `declaration` has no factor";
    analogy_without_note => "analogy-without-note", "no note saying why";
    unknown_procedure => "unknown-procedure", "re_issue";
    bad_date => "bad-date", "invalid date";
    window_outside_version => "window-outside-version", "lies outside its version";
    warning_outside_version => "warning-outside-version", "would show on no quote";
    overlapping_versions => "overlapping-versions", "overlapping version";
    same_start => "same-start", "both start on 2020-01-01";
    extends_nothing => "extends-nothing", "`test-bsae` names no version";
    extends_loop => "extends-loop", "`extends` loops";
    syntax_error => "syntax-error", "schedule.toml:";
    ambiguous_province => "ambiguous-province", "would be ambiguous";
    authority_conflict => "authority-conflict", "two authorities";
    overlapping_deviations => "overlapping-deviations", "both in force";
    adjustment_missing_factor => "adjustment-missing-factor", "adjustment `online` of kind factor needs `factor`";
    exempt_and_priced => "exempt-and-priced", "two rules for the same case conflict";
    overlapping_bands => "overlapping-bands", "two rules for the same count conflict";
}

#[test]
fn a_class_without_a_row_is_reported_with_the_list() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/good/minimal/schedule.toml")).unwrap();
    let findings = Law::check_files(crate::with_version("tests/fixtures/good/minimal/schedule.toml", &text));
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.severity, Severity::Warning);
    let text = f.to_string();
    assert!(
        text.starts_with("tests/fixtures/good/minimal/schedule.toml:2:6: warning: 62 device class(es) have no fee row"),
        "expected 62 classes without a row (all but xray_ct; update the count when a class is added): {text}"
    );
    assert!(text.contains("xray_general") && text.contains("transit_nuclear_material") && !text.contains("xray_ct,"));
    // Usable, but an unmapped class cannot be priced.
    let s = Law::from_dir(root().join("tests/fixtures/good/minimal")).unwrap();
    assert_eq!(s.warnings().len(), 1);
}

#[test]
fn fingerprint_ignores_key_order_comments_and_whitespace_but_not_figures() {
    let base = std::fs::read_to_string(root().join("tests/fixtures/good/minimal/schedule.toml")).unwrap();
    let load = |text: String| {
        Law::from_files(crate::with_version("s.toml", &text)).unwrap().versions()[0].fingerprint().to_owned()
    };
    let original = load(base.clone());
    assert!(original.starts_with("sha256:") && original.len() == 71);
    // Reordered keys, comments and blank lines, a float written as a string.
    let reordered = base
        .replace(
            "id = \"test-base\"\ntitle = { vi = \"Biểu thử\", en = \"Test schedule\" }",
            "# a comment\ntitle = { en = \"Test schedule\", vi = \"Biểu thử\" }\n\n\nid = \"test-base\"",
        )
        .replace("factor = \"0.75\"", "factor = 0.75")
        .replace("amount = 8000000", "amount = \"8000000.00\"");
    assert_ne!(reordered, base);
    assert_eq!(load(reordered), original);
    // One đồng more changes it.
    assert_ne!(load(base.replace("amount = 8000000", "amount = 8000001")), original);
}

#[test]
fn a_shipped_fingerprint_is_pinned() {
    // If a figure, class mapping or reference of the national schedule changes, this fails:
    // update it deliberately, with the change reviewed.
    let s = crate::builtin();
    let fps: Vec<(&str, &str)> = s.versions().iter().map(|v| (v.id(), v.fingerprint())).collect();
    let actual: String = fps.iter().map(|(id, fp)| format!("{id} {fp}\n")).collect();
    // Pinned by hand: no environment variable rewrites this file (UPDATE_SNAPSHOTS does not).
    let pinned = std::fs::read_to_string(root().join("tests/fixtures/fingerprints.txt")).unwrap();
    assert_eq!(
        actual, pinned,
        "a shipped version changed: review the change, then edit tests/fixtures/fingerprints.txt by hand"
    );
}

#[test]
fn the_checked_in_json_schemas_are_up_to_date() {
    // Regenerate with UPDATE_SNAPSHOTS=1 cargo test after changing the file formats.
    snapshot(&root().join("fee-schedules/schema/version.schema.json"), &crate::r::schema::version().unwrap());
    snapshot(&root().join("fee-schedules/schema/province.schema.json"), &crate::r::schema::province().unwrap());
    snapshot(&root().join("fee-schedules/schema/authority.schema.json"), &crate::r::schema::authority().unwrap());
    snapshot(&root().join("fee-schedules/schema/application.schema.json"), &crate::r::schema::application().unwrap());
    snapshot(&root().join("fee-schedules/schema/catalogue.schema.json"), &crate::r::schema::catalogue().unwrap());
    let c: serde_json::Value = serde_json::from_str(&crate::r::schema::catalogue().unwrap()).unwrap();
    assert_eq!(c["$defs"]["ModelFile"]["additionalProperties"], false);
    assert!(c["$defs"]["ModelFile"]["required"].as_array().unwrap().contains(&"source".into()));
    let v: serde_json::Value = serde_json::from_str(&crate::r::schema::version().unwrap()).unwrap();
    assert_eq!(v["additionalProperties"], false, "unknown keys are errors in editors too");
    assert!(v["properties"]["row"]["items"].is_object());
}

/// The shipped files with `authority.toml` edited by `edit`.
fn with_authority(edit: impl Fn(&str) -> String) -> Vec<radfee::law::SourceFile> {
    Law::builtin_files()
        .into_iter()
        .map(|mut f| {
            if f.path == "authority.toml" {
                f.text = edit(&f.text);
            }
            f
        })
        .collect()
}

/// Authority periods: an end before the start is refused; a period of one day is allowed; an
/// overlap is reported at the start of the later period, with the hint to end the earlier one.
#[test]
fn authority_periods_are_checked_where_they_are_written() {
    let first_until = "from = 2017-01-01\nuntil = 2021-01-31";
    let errors = |files| Law::from_files(files).expect_err("refused").to_string();
    // Ends before it starts: at the `until` of the first period (line 21).
    let e = errors(with_authority(|t| t.replacen(first_until, "from = 2017-01-01\nuntil = 2016-12-31", 1)));
    assert!(e.contains("authority.toml:21:9: the period ends on 2016-12-31 before it starts on 2017-01-01"), "{e}");
    // Ends the day it starts: a period of one day, not an error of its own.
    let one_day = with_authority(|t| t.replacen(first_until, "from = 2017-01-01\nuntil = 2017-01-01", 1));
    let findings = Law::check_files(one_day);
    assert!(!findings.iter().any(|f| f.message.contains("before it starts")), "{findings:#?}");
    // Overlaps the next one by a day: reported at the next period's `from` (line 52).
    let e = errors(with_authority(|t| t.replacen(first_until, "from = 2017-01-01\nuntil = 2021-02-01", 1)));
    assert!(
        e.contains("authority.toml:52:8: the period from 2021-02-01 overlaps the period from 2017-01-01 (period 1)"),
        "{e}"
    );
    assert!(e.contains("end the earlier period the day before"), "{e}");
}

/// An alternative reading that gives the rule's own authority is not a contest: refused at its
/// `authority`, with a hint.
#[test]
fn an_alternative_equal_to_the_rules_own_authority_is_refused() {
    let alt = "alternative = { authority = \"province\", basis = { document = \"Nghị định 133/2025/NĐ-CP\"";
    let files = with_authority(|t| {
        assert!(t.contains(alt), "the shipped contest is where this test expects it");
        t.replacen(alt, &alt.replace("\"province\"", "\"varans\""), 1)
    });
    let e = Law::from_files(files).expect_err("refused").to_string();
    assert!(
        e.contains("authority.toml:114:29: the alternative authority is the rule's own (`varans`): the two readings would not differ"),
        "{e}"
    );
    assert!(e.contains("name the authority the other reading gives"), "{e}");
}

/// A citation without a document, or a name left blank, would print a blank on every quote
/// the row prices: refused where it is written, in both languages.
#[test]
fn a_blank_citation_or_name_is_refused_at_its_place() {
    for (from, to) in [
        (
            "basis = { document = \"Thông tư 287/2016/TT-BTC\", article = \"Biểu phí, mục 1.1.1\"",
            "basis = { document = \"  \", article = \"Biểu phí, mục 1.1.1\"",
        ),
        ("name = { vi = \"Thiết bị chiếu xạ khử trùng, xử lý vật liệu dùng máy gia tốc\"", "name = { vi = \" \""),
        // An article given but blank; a document of one zero-width space, which shows nothing.
        ("article = \"Biểu phí, mục 1.1.1\"", "article = \"\""),
        (
            "document = \"Thông tư 287/2016/TT-BTC\", article = \"Biểu phí, mục 1.1.1\"",
            "document = \"\u{200b}\", article = \"Biểu phí, mục 1.1.1\"",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        crate::copy_tree(&root().join("fee-schedules"), dir.path());
        let file = dir.path().join("national/287-2016.toml");
        crate::cli::edit(&file, from, to);
        let err = Law::from_dir(dir.path()).expect_err("a blank text must be refused");
        let (en, vi) = (err.display_in(radfee::error::Lang::En), err.display_in(radfee::error::Lang::Vi));
        let f = err.findings().iter().find(|f| f.message.contains("this text is empty")).expect(&en);
        let loc = f.location.as_ref().unwrap();
        assert!(loc.file.ends_with("national/287-2016.toml") && loc.line > 1, "{f}");
        assert!(en.contains("this text is empty: a quote prints it"), "{en}");
        assert!(vi.contains("chỗ này đang để trống: phiếu tính phí in nội dung này"), "{vi}");
        // The versions built on the file that could not be read say where to look first.
        assert!(en.contains("1 version file(s) could not be read (their errors are listed): if one of them is `vn-287-2016`, fix it first"), "{en}");
    }
}

/// A day no version is in force (between two versions, or after the last one's end) is said
/// where the end is written: an application received then cannot be priced.
#[test]
fn a_gap_between_versions_and_an_end_with_nothing_after_are_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    crate::copy_tree(&root().join("fee-schedules"), dir.path());
    let national = dir.path().join("national");
    crate::cli::edit(
        &national.join("287-2016.toml"),
        "effective_from = 2017-01-01\n",
        "effective_from = 2017-01-01\neffective_until = 2021-12-31\n",
    );
    crate::cli::edit(
        &national.join("287-2016-a63-2023.toml"),
        "effective_from = 2023-12-01\n",
        "effective_from = 2023-12-01\neffective_until = 2026-10-31\n",
    );
    let law = Law::from_dir(dir.path()).unwrap();
    let warned: Vec<(String, u32, String)> = law
        .warnings()
        .iter()
        .filter(|f| f.key.as_deref() == Some("effective_until"))
        .map(|f| {
            let loc = f.location.as_ref().unwrap();
            (loc.file.rsplit('/').next().unwrap().to_owned(), loc.line, f.message.clone())
        })
        .collect();
    assert_eq!(
        warned,
        [
            (
                "287-2016-a63-2023.toml".to_owned(),
                21,
                "version `vn-287-2016-a63-2023`, the last, ends on 2026-10-31: no version is in force after it, so no application received later can be priced; add the version that follows it".to_owned()
            ),
            (
                "287-2016.toml".to_owned(),
                22,
                "version `vn-287-2016` ends on 2021-12-31 and version `vn-287-2016-a116-2021` starts on 2022-02-05: no version is in force from 2022-01-01 to 2022-02-04, so no application received then can be priced".to_owned()
            ),
        ]
    );
}

/// A version saved as `….toml.txt` (an editor's default) or `….TOML` is not read: a warning
/// names each such file, so a version missing from the diff is not a mystery.
#[test]
fn a_schedule_file_saved_under_another_name_is_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    crate::copy_tree(&root().join("fee-schedules"), dir.path());
    let national = dir.path().join("national");
    std::fs::rename(national.join("287-2016-a63-2023.toml"), national.join("287-2016-a63-2023.toml.txt")).unwrap();
    std::fs::write(national.join("notes.TOML"), "").unwrap();
    std::fs::write(national.join("README.md"), "not a schedule").unwrap();
    // Backups by the thousand are not schedule files, and do not count against the limit.
    let backups = dir.path().join("zz-old");
    std::fs::create_dir(&backups).unwrap();
    for i in 0..1001 {
        std::fs::write(backups.join(format!("v{i}.toml.bak")), "").unwrap();
    }
    let law = Law::from_dir(dir.path()).unwrap();
    let mut named: Vec<String> = law
        .warnings()
        .iter()
        .filter(|f| f.message.starts_with("not read: only files whose names end in `.toml` are read"))
        .map(|f| f.location.as_ref().unwrap().file.rsplit('/').next().unwrap().to_owned())
        .collect();
    named.sort();
    // README.md is not taken for a schedule file; the files not read are listed up to 100.
    assert_eq!(named.len(), 100);
    assert!(named.contains(&"287-2016-a63-2023.toml.txt".to_owned()), "{named:?}");
    assert!(named.contains(&"notes.TOML".to_owned()), "{named:?}");
    assert_eq!(law.versions().last().unwrap().id(), "vn-287-2016-a116-2021");
}
