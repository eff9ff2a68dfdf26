//! The fee structures of docs/fee-schedules.md, each said as data in a test schedule under
//! tests/fixtures/structures/, with quotes computed by hand.

use crate::r::{Application, Channel, Date, DeviceClass, FacilityKind, Law, Procedure};
use rust_decimal::Decimal;

use crate::root;

fn schedules(name: &str) -> Law {
    Law::from_dir(root().join("tests/fixtures/structures").join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn app(day: &str, devices: &[(DeviceClass, u32)]) -> Application {
    let mut b = Application::builder("Huế", Procedure::New, day.parse::<Date>().unwrap());
    for &(c, n) in devices {
        b = b.device(crate::dev(c, n));
    }
    b.build().unwrap()
}

fn total(s: &Law, a: &Application) -> i64 {
    let q = s.quote(a).unwrap_or_else(|e| panic!("{e}"));
    let sum: Decimal = q.lines.iter().map(|l| l.amount.amount()).sum::<Decimal>()
        + q.adjustments.iter().map(|x| x.amount.amount()).sum::<Decimal>()
        + q.charges.iter().map(|c| c.amount.amount()).sum::<Decimal>();
    assert_eq!(sum, q.total.amount(), "parts sum to the total");
    let t = s.total(a).unwrap();
    assert_eq!((t.amount, t.authority), (q.total, q.authority), "the total agrees with the itemised quote");
    i64::try_from(q.total.amount().mantissa()).unwrap() / 10_i64.pow(q.total.amount().scale())
}

use DeviceClass::{
    ElectronMicroscope as Em, XrayCt as Ct, XrayDentalIntraoral as Dental, XrayGeneral as General, XrfAnalyzer as Xrf,
};

#[test]
fn s1_per_unit_sum() {
    let s = schedules("1-per-unit");
    // 2 × 2,000,000 + 8,000,000
    assert_eq!(total(&s, &app("2024-05-10", &[(Dental, 2), (Ct, 1)])), 12_000_000);
}

#[test]
fn s2_base_fee_by_kind_of_facility_plus_per_unit() {
    let s = schedules("2-base-fee-by-facility");
    let with = |kind: Option<FacilityKind>, n: u32| {
        let b = app("2024-05-10", &[(Dental, n)]).to_builder();
        let a = match kind {
            Some(k) => b.facility_kind(k),
            None => b,
        };
        total(&s, &a.build().unwrap())
    };
    assert_eq!(with(Some(FacilityKind::Hospital), 2), 4_000_000); // 3,000,000 + 2 × 500,000
    assert_eq!(with(Some(FacilityKind::DentalClinic), 3), 2_500_000); // 1,000,000 + 3 × 500,000
    assert_eq!(with(Some(FacilityKind::Veterinary), 1), 2_500_000); // 2,000,000 + 500,000
    // No kind stated: refused, never priced without the base fee.
    let e = s.quote(&app("2024-05-10", &[(Dental, 1)])).unwrap_err();
    assert!(e.is_input());
    assert_eq!(
        e.to_string(),
        "schedule version `s2` charges by kind of facility (base-hospital: base-hospital), but the application does not say what kind of facility applies (key `facility_kind`)\n  hint: state the kind of facility (facility_kind = one of hospital, clinic, dental_clinic, veterinary, industrial, research, security, other)"
    );
    // Unless the schedule declares a default, which the quote prints.
    let text = std::fs::read_to_string(root().join("tests/fixtures/structures/2-base-fee-by-facility/schedule.toml"))
        .unwrap()
        .replace(
            "[rounding]",
            "default_facility_kind = { kind = \"other\", basis = { document = \"Test document\", article = \"Art. 9\" } }\n\n[rounding]",
        );
    let d = Law::from_files(crate::with_version("s2.toml", &text)).unwrap();
    let q = d.quote(&app("2024-05-10", &[(Dental, 1)])).unwrap();
    assert_eq!(q.total.amount(), Decimal::from(2_500_000)); // 2,000,000 (other) + 500,000
    assert!(
        q.notes.contains(&"The application does not state its kind of facility: the schedule assumes `other` (Test document, Art. 9).".to_owned()),
        "{:?}",
        q.notes
    );
    assert_eq!(d.total(&app("2024-05-10", &[(Dental, 1)])).unwrap().amount, q.total);
}

#[test]
fn s3_only_the_highest_category_is_charged() {
    let s = schedules("3-highest-only");
    let q = s.quote(&app("2024-05-10", &[(Dental, 3), (Ct, 2)])).unwrap();
    assert_eq!(q.total.amount(), Decimal::from(8_000_000)); // the CT, once
    assert_eq!(q.lines[0].amount.amount(), Decimal::ZERO);
    assert!(q.lines[0].note.as_deref().unwrap().contains("only the highest category"));
    assert_eq!(total(&s, &app("2024-05-10", &[(Dental, 4)])), 2_000_000);
}

#[test]
fn s4_a_percentage_surcharge_for_each_additional_site() {
    let s = schedules("4-per-site-surcharge");
    let sites = |n: u32| {
        let a = app("2024-05-10", &[(Ct, 1)]).to_builder().sites(n).build().unwrap();
        total(&s, &a)
    };
    assert_eq!(sites(1), 8_000_000);
    assert_eq!(sites(3), 12_000_000); // 8,000,000 × (1 + 0.25 × 2)
}

#[test]
fn s5_a_tier_table_with_a_linear_tail() {
    let s = schedules("5-tiers");
    let n = |count: u32| total(&s, &app("2024-05-10", &[(General, count)]));
    assert_eq!(n(1), 3_000_000);
    assert_eq!(n(2), 5_000_000);
    assert_eq!(n(3), 6_500_000);
    assert_eq!(n(5), 8_500_000); // 6,500,000 + 2 × 1,000,000
}

#[test]
fn s6_volume_discount_bands_with_a_cap() {
    // The pre-2017 Vietnamese rule: 95 % for 2–3 devices, 90 % for 4–5, 85 % for 6 or more,
    // and a cap on the total. The cap's amount is not in the sources: 20,000,000 is a test value.
    let s = schedules("6-volume-discount");
    let n = |c: DeviceClass, count: u32| total(&s, &app("2024-05-10", &[(c, count)]));
    assert_eq!(n(Dental, 1), 2_000_000);
    assert_eq!(n(Dental, 2), 3_800_000); // 4,000,000 × 0.95
    assert_eq!(n(General, 3), 8_550_000); // 9,000,000 × 0.95
    assert_eq!(n(General, 4), 10_800_000); // 12,000,000 × 0.90
    assert_eq!(n(General, 6), 15_300_000); // 18,000,000 × 0.85
    assert_eq!(n(General, 10), 20_000_000); // 30,000,000 × 0.85 = 25,500,000 → cap
    // The band counts devices across lines: 2 dental + 2 general = 4 devices.
    assert_eq!(total(&s, &app("2024-05-10", &[(Dental, 2), (General, 2)])), 9_000_000); // 10,000,000 × 0.90
}

#[test]
fn s7_amounts_in_indexed_units() {
    let s = schedules("7-indexed-units");
    assert_eq!(total(&s, &app("2024-06-01", &[(Ct, 1)])), 8_000_000); // 80 × 100,000
    assert_eq!(total(&s, &app("2025-06-01", &[(Ct, 2)])), 17_600_000); // 2 × 80 × 110,000
}

#[test]
fn s8_late_penalty_and_partial_period() {
    let s = schedules("8-late-and-partial-period");
    let with = |conditions: &[&str]| {
        let b = app("2024-05-10", &[(Ct, 1)]).to_builder().channel(Channel::InPerson);
        let a = conditions.iter().fold(b, |b, c| b.condition(c)).build().unwrap();
        total(&s, &a)
    };
    assert_eq!(with(&[]), 8_000_000);
    assert_eq!(with(&["partial_period"]), 4_000_000); // × 0.5
    assert_eq!(with(&["late"]), 9_000_000); // × 1.1 + 200,000
    assert_eq!(with(&["partial_period", "late"]), 4_600_000); // × 0.5 × 1.1 + 200,000

    // A condition no rule of the version in force knows is refused at its place, never ignored.
    let text = "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2024-05-10\nconditions = [\"late\", \"lat\"]\n[[device]]\nclass = \"xray_ct\"\n";
    let a = Application::from_toml("a.toml", text).unwrap();
    for e in [s.quote(&a).unwrap_err(), s.total(&a).unwrap_err()] {
        assert!(e.is_input());
        assert_eq!(
            e.to_string(),
            "a.toml:4:23: condition `lat` is not one schedule version `s8` (in force on 2024-05-10) knows: it tests only `late`, `partial_period` (key `conditions`)\n  hint: did you mean `late`?"
        );
    }
    // Under the shipped schedule, which tests no condition at all.
    let e = crate::shared().quote(&a).unwrap_err().to_string();
    assert!(e.starts_with("a.toml:4:15: condition `late` is not one schedule version `vn-287-2016-a63-2023` (in force on 2024-05-10) knows: it tests no conditions: remove `conditions`"), "{e}");
}

#[test]
fn s9_exemption_of_a_whole_class() {
    let s = schedules("9-class-exemption");
    let q = s.quote(&app("2026-05-10", &[(Em, 1), (Xrf, 1)])).unwrap();
    assert_eq!(q.total.amount(), Decimal::from(4_000_000));
    assert_eq!(q.lines[0].amount.amount(), Decimal::ZERO);
    assert_eq!(q.lines[0].note.as_deref(), Some("Exempt from the fee: Electron microscopes pay no fee (test)"));
    // A class both exempt and priced, or overlapping bands, is a conflict, never "last one wins".
    for (case, needle) in [
        ("exempt-and-priced", "is exempt and also priced by row `1`: two rules for the same case conflict"),
        ("overlapping-bands", "overlaps the one before it; two rules for the same count conflict"),
    ] {
        let err = Law::from_dir(root().join("tests/fixtures/bad-schedules").join(case)).unwrap_err();
        assert!(err.to_string().contains(needle), "{case}: {err}");
    }
}

/// `Version::exemptions` lists the whole classes a version exempts (structure 9).
#[test]
fn a_version_lists_its_exemptions() {
    let law = Law::from_dir(root().join("tests/fixtures/structures/9-class-exemption")).unwrap();
    let v = &law.versions()[0];
    assert_eq!(v.exemptions().len(), 1, "{:?}", v.exemptions());
}
