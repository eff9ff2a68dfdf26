//! Golden quotes: every class (so every row) under every procedure, against figures typed in
//! here from docs/reference/vn-regulation.md §1, not read from the schedule files.

use crate::r::{Application, Authority, DeviceClass, Law, Procedure};
use rust_decimal::Decimal;

use crate::{builtin, date, root, snapshot};

/// (class, row id, new-licence fee in VND) from Circular 287/2016/TT-BTC.
const FEES: &[(&str, &str, i64)] = &[
    ("xray_general", "1.4.4", 3_000_000),
    ("xray_fluoroscopy", "1.4.6", 5_000_000),
    ("xray_c_arm", "1.4.6", 5_000_000),
    ("xray_angiography", "1.4.6", 5_000_000),
    ("xray_ct", "1.4.7", 8_000_000),
    ("xray_mammography", "1.4.2", 2_000_000),
    ("xray_mobile", "1.4.3", 2_000_000),
    ("xray_dental_intraoral", "1.4.1", 2_000_000),
    ("xray_dental_panoramic", "1.4.1", 2_000_000),
    ("xray_dental_cephalometric", "1.4.1", 2_000_000),
    ("xray_dental_cbct", "1.4.1", 2_000_000),
    ("xray_bone_densitometry", "1.4.5", 3_000_000),
    ("xray_veterinary", "1.4.4", 3_000_000),
    ("pet_ct", "1.4.8", 16_000_000),
    ("spect_ct", "1.4.8", 16_000_000),
    ("xray_security_screening", "1.5.1", 4_000_000),
    ("xray_pcb_inspection", "1.5.1", 4_000_000),
    ("xrf_analyzer", "1.5.1", 4_000_000),
    ("xrd_analyzer", "1.5.1", 4_000_000),
    ("electron_microscope", "1.5.1", 4_000_000),
    ("xray_cabinet_inspection", "1.5.1", 4_000_000),
    ("xray_industrial_radiography", "1.5.2", 5_000_000),
    ("radiotherapy_superficial", "1.2.1", 4_000_000),
    ("linac_radiotherapy", "1.2.4", 20_000_000),
    ("accelerator_isotope_production", "1.3", 20_000_000),
    ("accelerator_irradiation", "1.1.1", 40_000_000),
    ("accelerator_cargo_screening", "1.3", 20_000_000),
    ("accelerator_other", "1.3", 20_000_000),
    ("teletherapy_source", "1.2.3", 16_000_000),
    ("brachytherapy_hdr", "1.2.2", 13_000_000),
    ("irradiator_source", "1.1.2", 45_000_000),
    ("gamma_cell", "1.5.5", 13_000_000),
    ("gamma_field", "1.5.6", 52_000_000),
    ("gamma_radiography", "1.5.4", 8_000_000),
    ("well_logging", "1.5.3", 7_000_000),
    ("nuclear_gauge", "1.5.1", 4_000_000),
    ("xrf_analyzer_source", "1.5.1", 4_000_000),
    ("gas_chromatograph_ecd", "1.5.1", 4_000_000),
    ("static_eliminator", "1.5.1", 4_000_000),
    ("mossbauer_spectrometer", "1.5.1", 4_000_000),
    ("waste_facility", "4.1", 60_000_000),
    ("spent_sources_site", "4.2.1", 20_000_000),
    ("spent_source_medium", "4.2.2", 2_000_000),
    ("spent_source_below_medium", "4.2.3", 1_000_000),
    ("construction_production_facility", "5.1", 25_000_000),
    ("construction_waste_facility", "5.2", 25_000_000),
    ("construction_national_repository", "5.3", 40_000_000),
    ("construction_other_facility", "5.4", 15_000_000),
    ("scope_change_production_facility", "6.1.1", 25_000_000),
    ("scope_change_waste_facility", "6.1.2", 25_000_000),
    ("scope_change_national_repository", "6.1.3", 40_000_000),
    ("scope_change_other_facility", "6.1.4", 15_000_000),
    ("decommissioning_accelerator_facility", "6.2.1", 7_000_000),
    // Point 7 as Circular 116/2021/TT-BTC halved it from 2022-02-05 (these quotes are dated after).
    ("import_export_source_above_medium", "7.1", 3_500_000),
    ("import_export_source_medium", "7.2", 1_000_000),
    ("import_export_source_below_medium", "7.3", 500_000),
    ("transport_package_above_medium", "8.1.1", 7_000_000),
    ("transport_package_medium", "8.1.2", 2_000_000),
    ("transport_package_below_medium", "8.1.3", 1_000_000),
    ("transport_radioactive_waste", "8.2", 4_000_000),
    ("transport_source_nuclear_material", "8.3", 4_000_000),
    ("transport_nuclear_material", "8.4", 7_000_000),
    ("transit_radioactive_material", "9.1", 25_000_000),
    ("transit_nuclear_material", "9.2", 65_000_000),
];

/// Procedure → (numerator, denominator) of its factor.
const FACTORS: &[(Procedure, i64, i64)] = &[
    (Procedure::New, 1, 1),
    (Procedure::Renewal, 3, 4),
    (Procedure::Supplement, 1, 1),
    (Procedure::Amendment, 0, 1),
    (Procedure::Reissue, 0, 1),
    (Procedure::Declaration, 0, 1),
];

/// Point 7 (import and export of sources) as Circular 287/2016/TT-BTC set it, before Circular
/// 116/2021/TT-BTC halved it from 2022-02-05.
fn before_116(key: &str) -> Option<i64> {
    match key {
        "import_export_source_above_medium" => Some(7_000_000),
        "import_export_source_medium" => Some(2_000_000),
        "import_export_source_below_medium" => Some(1_000_000),
        _ => None,
    }
}

const BY_ANALOGY: &[&str] =
    &["xray_veterinary", "spect_ct", "xrd_analyzer", "electron_microscope", "xray_cabinet_inspection"];

#[test]
fn every_class_has_its_row_and_fee_under_every_procedure() {
    let s = builtin();
    // Every class that needs a row is in the table, so every shipped row is exercised.
    let needing: Vec<&str> = DeviceClass::ALL.iter().filter(|c| c.needs_fee_row()).map(|c| c.key()).collect();
    let missing: Vec<&&str> = needing.iter().filter(|k| !FEES.iter().any(|(f, _, _)| f == *k)).collect();
    assert_eq!(
        needing.len(),
        FEES.len(),
        "FEES (above, written by hand from the circular) must list every class that needs a fee row; missing: {missing:?}"
    );
    let mut rows_seen = std::collections::BTreeSet::new();
    for &(key, row, fee) in FEES {
        let class = DeviceClass::from_key(key).unwrap();
        for &(procedure, num, den) in FACTORS {
            for (day, count) in [("2019-06-03", 2u32), ("2024-05-10", 1u32), ("2026-03-02", 3u32)] {
                let fee = if day < "2022-02-05" { before_116(key).unwrap_or(fee) } else { fee };
                let app =
                    Application::builder("Huế", procedure, date(day)).device(crate::dev(class, count)).build().unwrap();
                let q = s.quote(&app).unwrap_or_else(|e| panic!("{key} {procedure}: {e}"));
                let expected = fee * i64::from(count) * num / den;
                assert_eq!(q.total.amount(), Decimal::from(expected), "{key} {procedure} {day} ×{count}");
                assert_eq!(q.lines[0].row.as_deref(), Some(row), "{key}");
                assert_eq!(q.lines[0].unit_fee.amount(), Decimal::from(fee), "{key}");
                assert_eq!(q.lines[0].by_analogy, BY_ANALOGY.contains(&key), "{key}");
                if q.lines[0].by_analogy {
                    assert!(q.lines[0].note.as_deref().unwrap().contains("by analogy"), "{key}");
                }
                assert!(q.charges.is_empty(), "no lệ phí under 287/2016");
                let procedure_assumption = q.notes.iter().any(|n| {
                    n.starts_with("Assumption: a supplement")
                        || n.starts_with("Assumption: an amendment")
                        || n.starts_with("Assumption: re-issuing")
                });
                let expected_assumption =
                    matches!(procedure, Procedure::Supplement | Procedure::Amendment | Procedure::Reissue);
                assert_eq!(procedure_assumption, expected_assumption, "{key} {procedure}");
            }
        }
        rows_seen.insert(row);
    }
    let shipped: std::collections::BTreeSet<&str> =
        s.versions().last().unwrap().rows().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(rows_seen, shipped, "every shipped row has a golden quote");
}

/// Point 7 (import and export of radioactive sources): the 2017 figures until 2022-02-04, half
/// of them from 2022-02-05 (Circular 116/2021/TT-BTC), each line citing its document.
#[test]
fn import_and_export_before_and_after_circular_116() {
    let s = builtin();
    let cases = [
        ("2022-02-04", DeviceClass::ImportExportAboveMedium, 2, 14_000_000, "Thông tư 287/2016/TT-BTC"),
        ("2022-02-04", DeviceClass::ImportExportMedium, 1, 2_000_000, "Thông tư 287/2016/TT-BTC"),
        ("2022-02-04", DeviceClass::ImportExportBelowMedium, 3, 3_000_000, "Thông tư 287/2016/TT-BTC"),
        ("2022-02-05", DeviceClass::ImportExportAboveMedium, 2, 7_000_000, "Thông tư 116/2021/TT-BTC"),
        ("2022-02-05", DeviceClass::ImportExportMedium, 1, 1_000_000, "Thông tư 116/2021/TT-BTC"),
        ("2022-02-05", DeviceClass::ImportExportBelowMedium, 3, 1_500_000, "Thông tư 116/2021/TT-BTC"),
    ];
    for (day, class, count, total, document) in cases {
        let q = s
            .quote(
                &Application::builder("Hà Nội", Procedure::New, date(day))
                    .device(crate::dev(class, count))
                    .build()
                    .unwrap(),
            )
            .unwrap();
        assert_eq!(q.total.amount(), Decimal::from(total), "{class} on {day}");
        assert!(q.lines[0].basis.starts_with(document), "{}", q.lines[0].basis);
        assert_eq!(q.authority, Some(Authority::Varans));
        assert!(q.notes.iter().any(|n| n.contains("row number 7.")), "the presumed row number is shown");
    }
    // A renewal from 2022-02-05 cites 116/2021's wording: 75 % of the first-time fee.
    let q = s
        .quote(
            &Application::builder("Hà Nội", Procedure::Renewal, date("2022-02-05"))
                .device(crate::dev(DeviceClass::XrayCt, 1))
                .build()
                .unwrap(),
        )
        .unwrap();
    assert_eq!(q.total.amount(), Decimal::from(6_000_000));
    assert!(q.adjustments[0].basis.contains("75 % mức phí thẩm định cấp lần đầu"), "{}", q.adjustments[0].basis);
}

#[test]
fn worked_examples_of_the_reference() {
    let s = builtin();
    let q = |text: &str| s.quote(&crate::app(text)).unwrap().total.amount();
    let head = |proc: &str, day: &str, ch: &str| {
        format!("province = \"Huế\"\nprocedure = \"{proc}\"\nreceived = {day}\nchannel = \"{ch}\"\n")
    };
    let dev = |c: &str, n: u32| format!("[[device]]\nclass = \"{c}\"\ncount = {n}\n");
    // T1–T8 of docs/reference/vn-regulation.md §5.
    assert_eq!(
        q(&(head("new", "2024-02-01", "in_person") + &dev("xray_dental_intraoral", 1))),
        Decimal::from(2_000_000)
    );
    let t2 = dev("xray_general", 1) + &dev("xray_ct", 1);
    assert_eq!(q(&(head("new", "2024-02-01", "in_person") + &t2)), Decimal::from(11_000_000));
    assert_eq!(q(&(head("renewal", "2024-02-01", "in_person") + &t2)), Decimal::from(8_250_000));
    let t4 = dev("xray_dental_intraoral", 2) + &dev("xray_mammography", 1) + &dev("xray_fluoroscopy", 1);
    assert_eq!(q(&(head("new", "2024-02-01", "in_person") + &t4)), Decimal::from(11_000_000));
    assert_eq!(q(&(head("new", "2024-03-15", "online") + &dev("xray_dental_intraoral", 1))), Decimal::from(1_800_000));
    assert_eq!(q(&(head("new", "2026-01-10", "online") + &dev("xray_dental_intraoral", 1))), Decimal::from(2_000_000));
    let t7 = dev("xray_security_screening", 1) + &dev("xrf_analyzer", 1);
    let t7q = s.quote(&crate::app(&(head("new", "2024-02-01", "in_person") + &t7))).unwrap();
    assert_eq!((t7q.total.amount(), t7q.authority), (Decimal::from(8_000_000), Some(Authority::Varans)));
    let t7q = s.quote(&crate::app(&(head("new", "2026-02-01", "in_person") + &t7))).unwrap();
    assert_eq!(t7q.authority, Some(Authority::Province));
    for day in ["2024-02-01", "2026-02-01"] {
        let t8 =
            s.quote(&crate::app(&(head("new", day, "in_person") + &dev("xray_industrial_radiography", 1)))).unwrap();
        assert_eq!((t8.total.amount(), t8.authority), (Decimal::from(5_000_000), Some(Authority::Varans)));
    }
}

#[test]
fn not_ionizing_devices_are_a_line_of_zero_with_the_reason() {
    let q = builtin()
        .quote(&crate::app("province = \"Huế\"\nprocedure = \"new\"\nreceived = 2024-05-10\n[[device]]\nclass = \"not_ionizing\"\nlabel = \"MRI\"\n"))
        .unwrap();
    assert_eq!(q.total.amount(), Decimal::ZERO);
    assert_eq!(q.authority, None);
    assert!(q.lines[0].note.as_deref().unwrap().contains("no radiation licence"));
}

#[test]
fn sample_applications_give_their_golden_json() {
    let s = builtin();
    let dir = root().join("examples/applications");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let app = Application::from_toml(&format!("examples/applications/{name}.toml"), &text).unwrap();
        let Ok(q) = s.quote(&app) else { continue };
        snapshot(&root().join(format!("tests/golden/{name}.json")), &(q.to_json_pretty().unwrap() + "\n"));
        snapshot(&root().join(format!("tests/golden/{name}.txt")), &q.to_text());
        snapshot(&root().join(format!("tests/golden/{name}.html")), &q.to_html(&app));
        seen += 1;
    }
    assert_eq!(seen, 4);
    // The example in docs/quote-json.md is this quote, as the code writes it today.
    let doc = std::fs::read_to_string(root().join("docs/quote-json.md")).unwrap();
    let example = doc.split("```json\n").nth(2).and_then(|b| b.split("\n```").next()).unwrap();
    let golden = std::fs::read_to_string(root().join("tests/golden/dong-nai-renewal-online.json")).unwrap();
    assert_eq!(example, golden.trim_end(), "docs/quote-json.md shows a stale quote");
}

#[test]
fn shared_samples_give_their_expected_totals() {
    // The samples of ../shared/samples, copied into examples/applications/ with the totals its
    // README gives, typed here from it (and worked out by hand in the comments): the project's
    // own test, with or without ../shared beside it.
    let expected = [
        // 3,000,000 (general X-ray) + 8,000,000 (CT)
        ("hanoi-new-general-ct", 11_000_000),
        // (8,000,000 + 2 × 2,000,000) × 0.75 (renewal) × 0.90 (online, 2025-09-15)
        ("dong-nai-renewal-online", 8_100_000),
        // (5,000,000 + 2,000,000) × 0.75; no online reduction in 2026
        ("nghe-an-renewal-after-window", 5_250_000),
        // A former province (Bình Dương, Hồ Chí Minh City from 2025-07-01) and a panoramic
        // dental X-ray given by description only: 2,000,000.
        ("binh-duong-described-device", 2_000_000),
    ];
    let s = builtin();
    for (name, total) in expected {
        let path = root().join(format!("examples/applications/{name}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        let app = Application::from_toml(name, &text).unwrap();
        let q = s.quote(&app).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(q.total.amount(), Decimal::from(total), "{name}");
        assert_eq!(s.total(&app).unwrap().amount.amount(), Decimal::from(total), "{name}: the total agrees");
        // When ../shared is beside the project, its copy is the same file.
        let shared = root().join(format!("../shared/samples/applications/{name}.toml"));
        if let Ok(theirs) = std::fs::read_to_string(&shared) {
            assert_eq!(theirs, text, "{name}: examples/applications/ differs from ../shared/samples/");
        }
    }
}

#[test]
fn adjustments_caps_charges_and_total_rounding() {
    let s = Law::from_dir(root().join("tests/fixtures/good/adjustments")).unwrap();
    let quote = |procedure: Procedure, day: &str, online: bool, count: u32| {
        let app = Application::builder("Huế", procedure, date(day))
            .channel(if online { crate::r::Channel::Online } else { crate::r::Channel::InPerson })
            .device(crate::dev(DeviceClass::XrayGeneral, count))
            .build()
            .unwrap();
        s.quote(&app).unwrap()
    };
    let parts = |q: &crate::r::Quote| -> Vec<(String, String)> {
        q.adjustments.iter().map(|a| (a.id.clone(), a.amount.amount().to_string())).collect()
    };
    // 1 device, new, in person: 1,234,567 is below the floor of 1,500,000 → +265,433;
    // rounding to 1,000 changes nothing; + charge 100,000 = 1,600,000.
    let q = quote(Procedure::New, "2020-06-01", false, 1);
    assert_eq!(parts(&q), [("floor".into(), "265433".into())]);
    assert_eq!(q.total.amount(), Decimal::from(1_600_000));
    // 10 devices online: 12,345,670 × 0.85 = 10,493,819.5 (-1,851,850.5) → cap 10,000,000
    // (-493,819.5); rounding 0; charge → 10,100,000.
    let q = quote(Procedure::New, "2020-06-01", true, 10);
    assert_eq!(parts(&q), [("online".into(), "-1851850.5".into()), ("cap".into(), "-493819.5".into())]);
    assert_eq!(q.total.amount(), Decimal::from(10_100_000));
    // 2 devices, renewal, 2021, online: 2,469,134 × 0.75 = 1,851,850.5 (-617,283.5);
    // × 0.85 = 1,574,072.925 (-277,777.575); + 250 = 1,574,322.925;
    // round to 1,000 half away from zero = 1,574,000 (-322.925); + charge 100,000 = 1,674,000.
    let q = quote(Procedure::Renewal, "2021-03-01", true, 2);
    assert_eq!(
        parts(&q),
        [
            ("renewal".into(), "-617283.5".into()),
            ("online".into(), "-277777.575".into()),
            ("late".into(), "250".into()),
            ("rounding".into(), "-322.925".into()),
        ]
    );
    assert_eq!(q.total.amount(), Decimal::from(1_674_000));
    let sum: Decimal = q.lines.iter().map(|l| l.amount.amount()).sum::<Decimal>()
        + q.adjustments.iter().map(|a| a.amount.amount()).sum::<Decimal>()
        + q.charges.iter().map(|c| c.amount.amount()).sum::<Decimal>();
    assert_eq!(sum, q.total.amount());
    // Declaration: factor 0, the floor does not raise a zero fee, no charge for declarations.
    let q = quote(Procedure::Declaration, "2021-03-01", false, 1);
    assert_eq!(q.total.amount(), Decimal::ZERO);
    assert!(q.charges.is_empty());
}

#[test]
fn the_explanation_names_every_value_its_version_and_its_basis() {
    let text = std::fs::read_to_string(root().join("examples/applications/dong-nai-renewal-online.toml")).unwrap();
    let app = Application::from_toml("dong-nai.toml", &text).unwrap();
    let x = builtin().explain(&app).unwrap();
    assert_eq!(x.quote, builtin().quote(&app).unwrap(), "explaining does not change the quote");
    let sources: Vec<&str> = x.trace.iter().map(|s| s.source.as_str()).collect();
    assert_eq!(
        sources,
        [
            "fee-schedules/provinces/dong-nai.toml",
            "vn-287-2016-a63-2023, in force from 2023-12-01",
            "fee-schedules/authority.toml",
            "vn-287-2016, in force from 2017-01-01",
            "vn-287-2016, in force from 2017-01-01",
            "-",
            // The renewal factor, restated by Circular 116/2021 ("75 % of the first-time fee").
            "vn-287-2016-a116-2021, in force from 2022-02-05",
            "vn-287-2016-a63-2023, in force from 2023-12-01",
            "-",
        ]
    );
    assert!(x.trace[7].basis.starts_with("Thông tư 63/2023/TT-BTC"));
    assert_eq!(x.trace.last().unwrap().en, "Total: 8.100.000 ₫");
    snapshot(&root().join("tests/golden/explain-dong-nai.txt"), &x.to_text());
    let json = serde_json::to_value(&x).unwrap();
    assert_eq!(json["total"], "8100000");
    assert_eq!(json["trace"].as_array().unwrap().len(), 9);
}

/// The worked example of docs/fee-schedules.md ("A new circular"), added to the shipped files:
/// from its first day it repeals row 1.4.8, prices PET/CT and SPECT/CT with CT, re-prices dental
/// X-ray, makes amendments fee-bearing and withdraws the warning and the note it answers; the day
/// before, nothing changes.
#[test]
fn a_new_circular_is_one_version_file() {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/good/new-circular/national/74-2026-example.toml")).unwrap();
    let mut files = Law::builtin_files();
    files.push(crate::r::SourceFile::new("national/74-2026-example.toml", "74-2026-example.toml", text));
    let s = Law::from_files(files).unwrap_or_else(|e| panic!("{e}"));
    let q = |procedure: Procedure, day: &str, class: DeviceClass| {
        s.quote(&Application::builder("Huế", procedure, date(day)).device(crate::dev(class, 1)).build().unwrap())
            .unwrap()
    };
    // The day before: the 287/2016 figures, the warning-free date, the old rows.
    let before = q(Procedure::New, "2026-08-09", DeviceClass::PetCt);
    assert_eq!((before.total.amount(), before.lines[0].row.as_deref().unwrap()), (Decimal::from(16_000_000), "1.4.8"));
    // From 2026-08-10 under the example: PET/CT on row 1.4.7 at 8,000,000, and no warning.
    let after = q(Procedure::New, "2026-08-10", DeviceClass::PetCt);
    assert_eq!((after.total.amount(), after.lines[0].row.as_deref().unwrap()), (Decimal::from(8_000_000), "1.4.7"));
    assert_eq!(after.schedule.id, "vn-74-2026");
    assert!(after.warnings.iter().all(|w| w.id != "reported-74-2026"), "{:?}", after.warnings);
    assert!(after.notes.iter().all(|n| !n.contains("no issued fee circular replacing")), "{:?}", after.notes);
    assert!(!after.lines[0].by_analogy);
    let spect = q(Procedure::New, "2026-08-10", DeviceClass::SpectCt);
    assert_eq!(spect.total.amount(), Decimal::from(8_000_000));
    assert_eq!(
        q(Procedure::New, "2026-08-10", DeviceClass::XrayDentalPanoramic).total.amount(),
        Decimal::from(2_500_000)
    );
    // An amendment is fee-bearing: 8,000,000 × 0.5.
    assert_eq!(q(Procedure::Amendment, "2026-08-10", DeviceClass::XrayCt).total.amount(), Decimal::from(4_000_000));
    // Under the shipped files alone the warning stays.
    let shipped = builtin()
        .quote(
            &Application::builder("Huế", Procedure::New, date("2026-08-10"))
                .device(crate::dev(DeviceClass::PetCt, 1))
                .build()
                .unwrap(),
        )
        .unwrap();
    assert!(shipped.warnings.iter().any(|w| w.id == "reported-74-2026"));
}

/// Withdrawing what a version does not have is refused at its place.
#[test]
fn withdrawing_what_is_not_there_is_refused() {
    for (key, message) in [
        ("remove_notes", "withdraws note `nope`, which the version it amends does not have"),
        ("remove_adjustments", "removes adjustment `nope`, which the version it amends does not have"),
        ("remove_charges", "removes charge `nope`, which the version it amends does not have"),
        ("remove_warnings", "withdraws warning `nope`, which the version it amends does not have"),
    ] {
        let text = format!(
            "id = \"x\"\nextends = \"vn-287-2016-a63-2023\"\neffective_from = 2027-01-01\nlegal_basis = {{ document = \"x\" }}\n{key} = [\"nope\"]\n"
        );
        let mut files = Law::builtin_files();
        files.push(crate::r::SourceFile::new("national/x.toml", "x.toml", text));
        let e = Law::from_files(files).unwrap_err().to_string();
        assert!(e.contains(&format!("x.toml:5:{}: {message}", key.len() + 5)), "{key}: {e}");
    }
}

/// 2026-08-10: from that day every quote, classification of a fee-bearing device and batch
/// says that a newer circular is reported (the `reported-74-2026` warning of the schedule
/// files); the day before, none does. The amounts are the same on both sides.
#[test]
fn a_loud_warning_from_the_day_a_newer_circular_is_reported() {
    let s = builtin();
    let q = |day: &str| {
        s.quote(
            &Application::builder("Đồng Nai", Procedure::New, date(day))
                .device(crate::dev(DeviceClass::XrayCt, 1))
                .build()
                .unwrap(),
        )
        .unwrap()
    };
    let before = q("2026-08-09");
    let after = q("2026-08-10");
    assert!(before.warnings.is_empty(), "{:?}", before.warnings);
    assert_eq!(before.total, after.total);
    assert_eq!(after.total.amount(), Decimal::from(8_000_000));
    let w = &after.warnings[0];
    assert_eq!((w.id.as_str(), w.level), ("reported-74-2026", crate::r::WarningLevel::High));
    assert!(w.en.contains("Circular 74/2026/TT-BTC") && w.en.contains("check the circular in force before collecting"));
    assert!(w.vi.contains("kiểm tra văn bản đang có hiệu lực trước khi thu phí"));
    // JSON: a `warnings` list apart from `notes`; text: at the top, before the amounts.
    let json: serde_json::Value = serde_json::from_str(&after.to_json().unwrap()).unwrap();
    assert_eq!(json["warnings"][0]["id"], "reported-74-2026");
    assert!(
        json["notes"].as_array().unwrap().iter().all(|n| !n.as_str().unwrap().contains("74/2026/TT-BTC) is reported"))
    );
    let text = after.to_text();
    assert!(text.find("CẢNH BÁO").unwrap() < text.find("TỔNG CỘNG").unwrap());
    assert!(!before.to_text().contains("CẢNH BÁO"));
    // The explanation carries it too.
    let x = s
        .explain(
            &Application::builder("Đồng Nai", Procedure::New, date("2026-08-10"))
                .device(crate::dev(DeviceClass::XrayCt, 1))
                .build()
                .unwrap(),
        )
        .unwrap();
    assert_eq!(x.quote.warnings, after.warnings);
    // A batch counts the applications that carry it.
    let csv = "application_id,province,procedure,received,channel,class,count\nA,Huế,new,2026-08-09,,xray_ct,1\nB,Huế,new,2026-08-10,,xray_ct,1\nC,Huế,renewal,2026-11-30,,xray_general,2\n";
    let report = s.price_batch(csv.as_bytes(), &Default::default(), |_| {}).unwrap();
    assert_eq!(report.warnings.len(), 1);
    assert_eq!((report.warnings[0].id.as_str(), report.warnings[0].applications), ("reported-74-2026", 2));
    let ids: Vec<(&str, &[String])> =
        report.results.iter().map(|r| (r.application_id.as_str(), r.warnings.as_slice())).collect();
    assert_eq!(ids[0], ("A", &[][..]));
    assert_eq!(ids[1].1, ["reported-74-2026".to_owned()]);
    // A classification of a fee-bearing device on that date carries it.
    let d = crate::r::Description::named("Máy CT 64 lát").unwrap();
    assert!(s.classify(&d, date("2026-08-10")).unwrap().warnings.iter().any(|w| w.contains("reported-74-2026")));
    assert!(s.classify(&d, date("2026-08-09")).unwrap().warnings.iter().all(|w| !w.contains("reported-74-2026")));
}
