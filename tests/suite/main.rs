//! The integration suite: one binary, one module per concern.
//!
//! Message snapshots live beside their fixtures (`*.expected`). To accept changed messages after
//! reading the diff: `UPDATE_SNAPSHOTS=1 cargo test`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod applications;
mod batch;
mod boundaries;
mod catalogue;
mod classify;
pub(crate) mod cli;
mod golden;
mod hostile;
mod layers;
mod officer;
mod paths;
mod print;
mod properties;
mod provinces;
mod registry;
mod rounding;
mod schedule_checks;
mod spreadsheets;
mod structures;
mod tools;
mod trust;
mod unicode;
mod workbooks;

use std::path::{Path, PathBuf};

use radfee::{Application, Date, DeviceClass, Law};

/// Every public name the suite uses, from the module that documents it.
pub mod r {
    pub use radfee::application::*;
    pub use radfee::authority::*;
    pub use radfee::batch::*;
    pub use radfee::classify::*;
    pub use radfee::date::*;
    pub use radfee::error::*;
    pub use radfee::law::*;
    pub use radfee::money::*;
    pub use radfee::nuclide::*;
    pub use radfee::province::*;
    pub use radfee::quote::*;
    pub use radfee::registry::*;
    pub use radfee::schedule::*;
    pub use radfee::{
        Application, Authority, Channel, Date, Description, DeviceClass, Error, ErrorKind, Law, Procedure,
    };
}

/// The tools' exit code for an error (docs/exit-codes.md): 1 unpriceable, else 2.
pub fn exit_code(e: &radfee::Error) -> i32 {
    if e.is_unpriceable() { 1 } else { 2 }
}

/// A device entry of `count` devices of `class` (valid counts only).
pub fn dev(class: DeviceClass, count: u32) -> r::DeviceEntry {
    r::DeviceEntry::of_class(class, count).unwrap()
}

/// The crate root (tests run there, but be explicit).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The compiled-in body of law (parsed once per process by the library itself).
pub fn builtin() -> &'static Law {
    Law::builtin().expect("the shipped schedules load without errors")
}

/// The same, under the name the suite's older modules use.
pub fn shared() -> &'static Law {
    builtin()
}

/// Shuffles `items` deterministically from `seed` (Fisher–Yates over a 64-bit LCG).
pub fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed;
    for i in (1..items.len()).rev() {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let bound = u64::try_from(i + 1).unwrap();
        items.swap(i, usize::try_from((state >> 33) % bound).unwrap());
    }
}

/// The shipped files with the national schedule replaced by one version file, `name`.
pub fn with_version(name: &str, text: &str) -> Vec<r::SourceFile> {
    let mut files: Vec<r::SourceFile> =
        Law::builtin_files().into_iter().filter(|f| !f.path.starts_with("national/")).collect();
    files.push(r::SourceFile::new("s.toml", name, text.to_owned()));
    files
}

/// A date from a literal.
pub fn date(s: &str) -> Date {
    s.parse().unwrap()
}

/// Parses an application from text.
pub fn app(text: &str) -> Application {
    Application::from_toml("test.toml", text).unwrap()
}

/// Compares `actual` with the snapshot file, or rewrites it when UPDATE_SNAPSHOTS is set.
pub fn snapshot(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("missing snapshot {}; run with UPDATE_SNAPSHOTS=1 and review it", path.display()));
    if actual != expected {
        // The first line that differs, then the whole texts.
        let (n, (a, e)) = actual
            .lines()
            .chain(std::iter::repeat(""))
            .zip(expected.lines().chain(std::iter::repeat("")))
            .enumerate()
            .find(|(_, (a, e))| a != e)
            .unwrap_or((0, ("", "")));
        panic!(
            "snapshot {} differs at line {}:\n  now:      {a}\n  snapshot: {e}\nIf the change is meant, run UPDATE_SNAPSHOTS=1 cargo test and review git diff tests/golden.\n--- now ---\n{actual}",
            path.display(),
            n + 1
        );
    }
}

/// Every public type is `Send + Sync` (a service shares one `Law` between threads): checked when
/// the suite compiles, so a type that stops being shareable fails the build of the tests.
const _: fn() = || {
    fn check<T: Send + Sync>() {}
    macro_rules! all {
        ($($t:ty),* $(,)?) => {$( check::<$t>(); )*};
    }
    use r::*;
    all!(
        Application,
        Channel,
        Description,
        DeviceEntry,
        FacilityKind,
        Procedure,
        Radiation,
        SourceSpec,
        Use,
        AuthorityRule,
        AuthorityTable,
        BatchProblem,
        BatchReport,
        BatchResult,
        DeviceClass,
        Family,
        Outcome,
        Field,
        Classification,
        ClassificationRules,
        Reason,
        Status,
        Date,
        DateError,
        Error,
        Finding,
        Location,
        Severity,
        Money,
        Rounding,
        Activity,
        ActivityError,
        Confidence,
        Nuclide,
        Nuclides,
        Provenance,
        SourceAssessment,
        Body,
        FormerProvince,
        FormerRef,
        LookupError,
        Province,
        Provinces,
        ResolvedProvince,
        Explanation,
        Line,
        Quote,
        QuoteAdjustment,
        QuoteCharge,
        ScheduleRef,
        Step,
        Change,
        Equipment,
        EquipmentStatus,
        Event,
        Facility,
        ImportProblem,
        ImportReport,
        Licence,
        Registry,
        RenewalDue,
        RenewalReport,
        State,
        Adjustment,
        AdjustmentKind,
        Aggregation,
        Authority,
        Charge,
        ClassMapping,
        DeviationInfo,
        Difference,
        Exemption,
        Index,
        LegalRef,
        Note,
        ProcedureRule,
        ProvinceKind,
        RoundAt,
        RoundingRule,
        Row,
        Law,
        SourceFile,
        Total,
        Options,
        Text,
        Unit,
        Version,
    );
};

#[test]
fn a_registry_is_queried_from_several_threads_at_once() {
    let s = shared();
    let text = std::fs::read_to_string(root().join("examples/registry/sample.toml")).unwrap();
    let registry = std::sync::Arc::new(r::Registry::from_toml("sample.toml", &text, s).unwrap());
    let from = "2026-11-22".parse().unwrap();
    let to = "2027-02-20".parse().unwrap();
    let expected = registry.renewals_due(s, from, to).total;
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let r = std::sync::Arc::clone(&registry);
            std::thread::spawn(move || (0..20).map(|_| r.renewals_due(shared(), from, to).total).collect::<Vec<_>>())
        })
        .collect();
    for h in handles {
        assert!(h.join().unwrap().iter().all(|t| *t == expected));
    }
}

#[test]
fn shipped_schedules_have_no_findings_at_all() {
    let findings = Law::check_files(Law::builtin_files());
    assert!(findings.is_empty(), "{findings:#?}");
    let s = builtin();
    assert_eq!(s.provinces().all().len(), 34);
    assert_eq!(s.provinces().all().iter().map(|p| p.former().len()).sum::<usize>(), 29);
    let ids: Vec<&str> = s.versions().iter().map(|v| v.id()).collect();
    assert_eq!(ids, ["vn-287-2016", "vn-287-2016-a116-2021", "vn-287-2016-a63-2023"]);
    for v in s.versions() {
        assert!(v.uncovered_classes().is_empty(), "{} leaves classes without a row", v.id());
        // Every figure cites its source.
        for row in v.rows() {
            assert!(
                row.basis.document.contains("287/2016") || row.basis.document.contains("116/2021"),
                "row {} cites {}",
                row.id,
                row.basis
            );
            assert!(row.basis.article.is_some() && row.basis.url.is_some(), "row {} lacks article or URL", row.id);
        }
    }
}

#[test]
fn directory_of_shipped_files_equals_builtin() {
    let from_dir = Law::from_dir(root().join("fee-schedules")).unwrap();
    let builtin = builtin();
    let fp = |s: &Law| s.versions().iter().map(|v| v.fingerprint().to_owned()).collect::<Vec<_>>();
    assert_eq!(fp(&from_dir), fp(builtin));
}

/// A copy of `from` in `to`, file by file.
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir(&target).unwrap();
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
