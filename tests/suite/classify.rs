//! The classifier: structured descriptions, names, exemption, sources, authority, the tool.

use crate::r::{
    Authority, Description, DescriptionBuilder, DeviceClass, Modality, Outcome, Radiation, SourceSpec, Status, Use,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::{date, root, shared};

fn classify(d: &Description, day: &str) -> crate::r::Classification {
    shared().classify(d, date(day)).unwrap()
}

fn described(radiation: Radiation, use_: Use, modality: Option<&str>) -> Description {
    builder(radiation, use_, modality).build().unwrap()
}

fn builder(radiation: Radiation, use_: Use, modality: Option<&str>) -> DescriptionBuilder {
    let b = Description::builder().radiation(radiation).use_(use_);
    match modality {
        Some(m) => b.modality(Modality::from_key(m).expect("known modality")),
        None => b,
    }
}

#[test]
fn every_device_class_is_reached_from_a_structured_description() {
    use Radiation::{Accelerator as A, None as N, SealedSource as S, XRay as X};
    use Use::*;
    let table: &[(&str, Radiation, Use, Option<&str>)] = &[
        ("xray_general", X, Medical, Some("radiography")),
        ("xray_fluoroscopy", X, Medical, Some("fluoroscopy")),
        ("xray_c_arm", X, Medical, Some("c_arm")),
        ("xray_angiography", X, Medical, Some("angiography")),
        ("xray_ct", X, Medical, Some("ct")),
        ("xray_mammography", X, Medical, Some("mammography")),
        ("xray_mobile", X, Medical, Some("mobile_radiography")),
        ("xray_dental_intraoral", X, Dental, Some("intraoral")),
        ("xray_dental_panoramic", X, Dental, Some("panoramic")),
        ("xray_dental_cephalometric", X, Dental, Some("cephalometric")),
        ("xray_dental_cbct", X, Dental, Some("cbct")),
        ("xray_bone_densitometry", X, Medical, Some("densitometry")),
        ("xray_veterinary", X, Veterinary, Some("radiography")),
        ("pet_ct", X, Medical, Some("pet_ct")),
        ("spect_ct", X, Medical, Some("spect_ct")),
        ("xray_security_screening", X, Security, Some("security_screening")),
        ("xray_pcb_inspection", X, Industrial, Some("pcb_inspection")),
        ("xrf_analyzer", X, Analytical, Some("xrf")),
        ("xrd_analyzer", X, Analytical, Some("xrd")),
        ("electron_microscope", X, Research, Some("electron_microscope")),
        ("xray_cabinet_inspection", X, Industrial, Some("cabinet_inspection")),
        ("xray_industrial_radiography", X, Industrial, Some("industrial_radiography")),
        ("radiotherapy_superficial", X, Radiotherapy, Some("superficial_therapy")),
        ("linac_radiotherapy", A, Radiotherapy, Some("linac")),
        ("accelerator_isotope_production", A, Medical, Some("cyclotron")),
        ("accelerator_irradiation", A, Irradiation, Some("irradiation")),
        ("accelerator_cargo_screening", A, Security, Some("cargo_screening")),
        ("accelerator_other", A, Analytical, None),
        ("teletherapy_source", S, Radiotherapy, Some("teletherapy")),
        ("brachytherapy_hdr", S, Radiotherapy, Some("brachytherapy_hdr")),
        ("irradiator_source", S, Irradiation, Some("irradiation")),
        ("gamma_cell", S, Research, Some("gamma_cell")),
        ("gamma_field", S, Irradiation, Some("gamma_field")),
        ("gamma_radiography", S, Industrial, Some("gamma_radiography")),
        ("well_logging", S, Industrial, Some("well_logging")),
        ("nuclear_gauge", S, Industrial, Some("gauge")),
        ("xrf_analyzer_source", S, Analytical, Some("xrf")),
        ("gas_chromatograph_ecd", S, Analytical, Some("ecd")),
        ("static_eliminator", S, Industrial, Some("static_eliminator")),
        ("mossbauer_spectrometer", S, Research, Some("mossbauer")),
        ("not_ionizing", N, Medical, Some("mri")),
    ];
    let devices: Vec<&DeviceClass> =
        DeviceClass::ALL.iter().filter(|c| c.family() != crate::r::Family::OtherPractice).collect();
    assert_eq!(table.len(), devices.len(), "every device class is in the table");
    for &(key, r, u, m) in table {
        let c = classify(&described(r, u, m), "2026-03-01");
        assert_eq!(c.class().map(|c| c.key()), Some(key), "{key}: {:?}", c.outcome);
        let class = c.class().unwrap();
        assert_eq!(c.family, Some(class.family()));
        assert_eq!(c.x_ray_emitting, Some(class.is_x_ray_emitting()));
        let expected_status = if key == "not_ionizing" { Status::NotIonizing } else { Status::Licence };
        assert_eq!(c.status, Some(expected_status), "{key}");
        assert_eq!(c.authority.is_some(), expected_status == Status::Licence, "{key}");
        assert!(c.reasons.iter().any(|r| r.rule == "class" && !r.basis.is_empty()), "{key}");
    }
    // Mobile rewrites: a mobile fluoroscope is a C-arm, mobile radiography a mobile X-ray.
    let d = builder(X, Medical, Some("fluoroscopy")).mobile(true).build().unwrap();
    assert_eq!(classify(&d, "2026-03-01").class(), Some(DeviceClass::XrayCArm));
    let d = builder(X, Medical, Some("radiography")).mobile(true).build().unwrap();
    assert_eq!(classify(&d, "2026-03-01").class(), Some(DeviceClass::XrayMobile));
}

/// (name, expected class key) or (name, "?field:class,class,…") for an ambiguous name.
const NAMES: &[(&str, &str)] = &[
    // Operating-theatre names: a new class's generic word ("phẫu thuật", "phòng mổ") must not
    // unsettle them (docs/architecture.md, "A device class", step 4).
    ("Máy C-arm trong phẫu thuật", "xray_c_arm"),
    ("Máy chụp CT trong phẫu thuật", "xray_ct"),
    ("Máy X-quang tăng sáng truyền hình dùng trong phẫu thuật", "xray_fluoroscopy"),
    ("Máy X-quang di động dùng trong phòng mổ", "xray_mobile"),
    ("Hệ thống chụp mạch DSA phòng mổ hybrid", "xray_angiography"),
    ("CT 64 lát", "xray_ct"),
    ("may chup cat lop 64 lat", "xray_ct"),
    ("Máy chụp cắt lớp vi tính", "xray_ct"),
    ("CT Scanner 128 slices", "xray_ct"),
    ("CT", "xray_ct"),
    ("Bệnh viện ABC - Máy CT 16 lát Siemens phòng 2", "xray_ct"),
    ("C-arm", "xray_c_arm"),
    ("Máy C-arm di động", "xray_c_arm"),
    ("X-quang C-arm", "xray_c_arm"),
    ("Hệ thống X-quang C-Arm tăng sáng", "xray_c_arm"),
    ("Máy X-quang di động", "xray_mobile"),
    ("may x quang di dong", "xray_mobile"),
    ("MÁY X-QUANG DI ĐỘNG", "xray_mobile"),
    ("Mobile X-ray unit", "xray_mobile"),
    ("Máy chụp nhũ ảnh", "xray_mammography"),
    ("nhu anh ky thuat so", "xray_mammography"),
    ("Mammography system", "xray_mammography"),
    ("Máy X-quang răng toàn cảnh", "xray_dental_panoramic"),
    ("máy chup x quang rang toan canh", "xray_dental_panoramic"),
    ("x quang toan canh", "xray_dental_panoramic"),
    ("Panoramic dental X-ray", "xray_dental_panoramic"),
    ("X-quang sọ mặt cephalometric", "xray_dental_cephalometric"),
    ("Máy X-quang răng cận chóp", "xray_dental_intraoral"),
    ("Intraoral dental X-ray", "xray_dental_intraoral"),
    ("CBCT", "xray_dental_cbct"),
    ("CT Cone Beam nha khoa", "xray_dental_cbct"),
    ("CT nha khoa", "xray_dental_cbct"),
    (
        "Máy X-quang răng",
        "?modality:xray_dental_intraoral,xray_dental_panoramic,xray_dental_cephalometric,xray_dental_cbct",
    ),
    ("Máy chụp toàn cảnh kết hợp sọ mặt", "?modality:xray_dental_panoramic,xray_dental_cephalometric"),
    ("Máy đo mật độ xương", "xray_bone_densitometry"),
    ("DEXA", "xray_bone_densitometry"),
    ("Máy X-quang tăng sáng truyền hình", "xray_fluoroscopy"),
    ("X-quang can thiệp mạch DSA", "xray_angiography"),
    ("Hệ thống chụp mạch số hóa xóa nền", "xray_angiography"),
    ("Máy X-quang thú y", "xray_veterinary"),
    ("Veterinary X-ray", "xray_veterinary"),
    ("CT thú y", "xray_veterinary"),
    ("X-quang kỹ thuật số DR", "xray_general"),
    ("Máy X-quang chẩn đoán thông thường", "xray_general"),
    ("PET/CT", "pet_ct"),
    ("Hệ thống PET-CT", "pet_ct"),
    ("SPECT/CT", "spect_ct"),
    ("Máy soi hành lý", "xray_security_screening"),
    ("soi chieu an ninh san bay", "xray_security_screening"),
    ("Baggage X-ray scanner", "xray_security_screening"),
    ("Máy soi container", "?radiation:xray_security_screening,accelerator_cargo_screening"),
    ("Máy gia tốc soi container", "accelerator_cargo_screening"),
    ("Thiết bị kiểm tra bo mạch PCB", "xray_pcb_inspection"),
    ("huỳnh quang tia X", "?radiation:xrf_analyzer,xrf_analyzer_source"),
    ("XRF cầm tay dùng ống phát tia X", "xrf_analyzer"),
    ("Máy XRF nguồn Cd-109", "xrf_analyzer_source"),
    ("Máy nhiễu xạ tia X", "xrd_analyzer"),
    ("XRD", "xrd_analyzer"),
    ("Kính hiển vi điện tử quét", "electron_microscope"),
    ("Máy soi kiểm tra dị vật thực phẩm", "xray_cabinet_inspection"),
    ("Máy chụp ảnh bức xạ công nghiệp bằng tia X", "xray_industrial_radiography"),
    ("Chụp ảnh bức xạ công nghiệp", "?radiation:xray_industrial_radiography,gamma_radiography"),
    ("Máy chụp ảnh gamma Ir-192", "gamma_radiography"),
    ("Máy xạ trị bề mặt", "radiotherapy_superficial"),
    ("Máy gia tốc xạ trị", "linac_radiotherapy"),
    ("Linac", "linac_radiotherapy"),
    ("Cyclotron", "accelerator_isotope_production"),
    ("Máy gia tốc chiếu xạ khử trùng", "accelerator_irradiation"),
    ("Thiết bị chiếu xạ Co-60", "irradiator_source"),
    ("Gamma knife", "teletherapy_source"),
    ("Máy xạ trị Cobalt", "?modality:teletherapy_source,brachytherapy_hdr"),
    ("Máy xạ trị áp sát HDR", "brachytherapy_hdr"),
    ("Thiết bị đo mức", "nuclear_gauge"),
    ("Troxler moisture density gauge", "nuclear_gauge"),
    ("Máy đo độ dày", "nuclear_gauge"),
    ("Máy đo địa vật lý giếng khoan", "well_logging"),
    ("Máy sắc ký khí ECD", "gas_chromatograph_ecd"),
    ("Thiết bị khử tĩnh điện Po-210", "static_eliminator"),
    ("Phổ kế Mossbauer", "mossbauer_spectrometer"),
    ("Gamma cell", "gamma_cell"),
    ("MRI", "not_ionizing"),
    ("Máy siêu âm", "not_ionizing"),
    ("may sieu am doppler", "not_ionizing"),
    ("Laser", "not_ionizing"),
    ("Máy X-quang", "?modality:*"),
    ("Thiết bị ABC-123", "?modality:"),
];

#[test]
fn names_alone_are_read_in_vietnamese_english_and_abbreviations() {
    assert!(NAMES.len() >= 60);
    let mut failures = Vec::new();
    for &(name, expected) in NAMES {
        let d = Description::named(name).unwrap();
        let c = classify(&d, "2026-03-01");
        let got = match &c.outcome {
            Outcome::Settled(k) => k.key().to_owned(),
            Outcome::Ambiguous { classes, field } => {
                format!("?{field}:{}", classes.iter().map(|c| c.key()).collect::<Vec<_>>().join(","))
            }
            _ => "?modality:".to_owned(),
        };
        let ok = match expected.strip_suffix('*') {
            Some(prefix) => got.starts_with(prefix) && got.len() > prefix.len() + 40,
            None => got == expected,
        };
        if !ok {
            failures.push(format!("{name:?}: expected {expected}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_name_and_the_fields_disagreeing_is_said() {
    let d =
        Description::builder().name("Máy X-quang răng toàn cảnh").modality(Modality::Cephalometric).build().unwrap();
    let c = classify(&d, "2026-03-01");
    assert_eq!(c.class(), Some(DeviceClass::XrayDentalCephalometric), "the field wins");
    assert!(
        c.warnings
            .iter()
            .any(|w| w
                == "name and fields disagree: the name suggests modality panoramic but the field says cephalometric"),
        "{:?}",
        c.warnings
    );
    // MRI by name, X-ray by field: a different device altogether.
    let d = Description::builder().name("MRI").radiation(Radiation::XRay).modality(Modality::Ct).build().unwrap();
    let c = classify(&d, "2026-03-01");
    assert_eq!(c.class(), Some(DeviceClass::XrayCt));
    assert!(c.warnings.iter().any(|w| w.contains("the name suggests modality mri")), "{:?}", c.warnings);
}

#[test]
fn exemption_exactly_at_5_kv_and_1_usv_per_hour() {
    let kv = |v: &str| {
        let d = builder(Radiation::XRay, Use::Analytical, Some("xrf"))
            .max_kv(Decimal::from_str_exact(v).unwrap())
            .build()
            .unwrap();
        classify(&d, "2026-03-01").status
    };
    assert_eq!(kv("5"), Some(Status::Exempt));
    assert_eq!(kv("5.0"), Some(Status::Exempt));
    assert_eq!(kv("5.001"), Some(Status::Licence));
    assert_eq!(kv("50"), Some(Status::Licence));
    let rate = |v: &str, approved: Option<bool>| {
        let b = builder(Radiation::XRay, Use::Security, Some("security_screening"))
            .max_kv(Decimal::from(160))
            .dose_rate_usv_h(Decimal::from_str_exact(v).unwrap());
        let d = match approved {
            Some(a) => b.type_approved(a),
            None => b,
        };
        classify(&d.build().unwrap(), "2026-03-01")
    };
    let c = rate("1", Some(true));
    assert_eq!((c.status, c.authority), (Some(Status::Exempt), None));
    assert_eq!(c.exemption.as_deref(), Some("type-approved, dose rate 1 µSv/h ≤ 1 µSv/h at 0.1 m"));
    assert_eq!(rate("1.01", Some(true)).status, Some(Status::Licence));
    assert_eq!(rate("0.5", Some(false)).status, Some(Status::Licence));
    assert_eq!(rate("0.5", None).status, Some(Status::Licence));
    // Exemption comes first: an exempt device need not be pinned to a class.
    let d = Description::builder().radiation(Radiation::XRay).max_kv(Decimal::from(4)).build().unwrap();
    let c = classify(&d, "2026-03-01");
    assert_eq!((c.status, c.class()), (Some(Status::Exempt), None));
    assert!(!c.is_ambiguous());
}

fn with_sources(sources: &[(&str, &str, Option<&str>)], day: &str) -> crate::r::Classification {
    let d = sources
        .iter()
        .fold(builder(Radiation::SealedSource, Use::Industrial, Some("gauge")), |b, (n, a, r)| {
            b.source(SourceSpec::new(n, a, r.map(date)).unwrap())
        })
        .build()
        .unwrap();
    classify(&d, day)
}

#[test]
fn category_boundaries_are_exact() {
    let cat = |nuclide: &str, activity: &str| with_sources(&[(nuclide, activity, None)], "2026-03-01").source_category;
    // Co-60: D = 0.03 TBq.
    assert_eq!(cat("Co-60", "30 TBq"), Some(1)); // A/D = 1000
    assert_eq!(cat("Co-60", "29.9990 TBq"), Some(2));
    assert_eq!(cat("Co-60", "0.3 TBq"), Some(2)); // 10
    assert_eq!(cat("Co-60", "0.299 TBq"), Some(3));
    assert_eq!(cat("Co-60", "0.03 TBq"), Some(3)); // 1
    assert_eq!(cat("Co-60", "0.3 GBq"), Some(4)); // 0.01, the classic floating-point trap
    assert_eq!(cat("Co-60", "0.299 GBq"), Some(5));
    // Ci are exact: 810.810… Ci of Co-60 is 30 TBq; 1000 Ci = 37 TBq.
    assert_eq!(cat("Co-60", "1000 Ci"), Some(1));
    // Nothing at or below the exemption activity is categorised (Am-241: 10 kBq).
    let c = with_sources(&[("Am-241", "10 kBq", None)], "2026-03-01");
    assert_eq!((c.source_category, c.status), (None, Some(Status::Exempt)));
    assert_eq!(cat("Am-241", "10001 Bq"), Some(5));
    assert_eq!(cat("Am-241/Be", "18.5 GBq"), Some(4)); // 0.5 Ci: A/D = 0.3083
}

#[test]
fn several_sources_are_summed_as_a_over_d() {
    // Each Cs-137 source alone: 0.06/0.1 = 0.6 → category 4; together 1.2 → category 3.
    assert_eq!(with_sources(&[("Cs-137", "60 GBq", None)], "2026-03-01").source_category, Some(4));
    let c = with_sources(&[("Cs-137", "60 GBq", None), ("Cs-137", "60 GBq", None)], "2026-03-01");
    assert_eq!((c.source_category, c.a_over_d), (Some(3), Some(Decimal::from_str_exact("1.2").unwrap())));
    // Mixed nuclides: 0.5 + 0.5 = 1 → category 3.
    let c = with_sources(&[("Co-60", "15 GBq", None), ("Cs-137", "50 GBq", None)], "2026-03-01");
    assert_eq!((c.source_category, c.a_over_d), (Some(3), Some(Decimal::ONE)));
}

#[test]
fn a_source_drops_category_as_it_decays() {
    // Ir-192 at exactly 10 × D on its reference date: category 2; a day later: category 3.
    assert_eq!(with_sources(&[("Ir-192", "0.8 TBq", Some("2026-01-01"))], "2026-01-01").source_category, Some(2));
    assert_eq!(with_sources(&[("Ir-192", "0.8 TBq", Some("2026-01-01"))], "2026-01-02").source_category, Some(3));
    // Co-60 at 1000 × D: category 1; one half-life (5.2713 y = 1925.34 d) later, A/D ≈ 500: 2.
    let c = with_sources(&[("Co-60", "30 TBq", Some("2020-01-01"))], "2025-04-10");
    assert_eq!(c.source_category, Some(2));
    let ad = c.a_over_d.unwrap();
    assert!(ad > Decimal::from(499) && ad < Decimal::from(501), "{ad}");
    assert!(c.warnings.iter().any(|w| w.contains("unverified")), "half-lives are tagged R");
}

#[test]
fn authority_on_both_sides_of_the_transfer() {
    let xrf = described(Radiation::XRay, Use::Analytical, Some("xrf"));
    assert_eq!(classify(&xrf, "2025-06-30").authority, Some(Authority::Varans));
    // Contested from 2025-07-01 to 2025-12-31: VARANS by default, the province under the other
    // reading, both stated.
    let during = classify(&xrf, "2025-07-01");
    assert_eq!(during.authority, Some(Authority::Varans));
    let alt = during.authority_alternative.as_ref().expect("the other reading");
    assert_eq!(alt.authority, Authority::Province);
    assert!(alt.reading.en.contains("Decree 133/2025") && alt.basis.contains("133/2025"), "{alt:?}");
    assert!(during.warnings.iter().any(|w| w.starts_with("contested:")), "{:?}", during.warnings);
    let after = classify(&xrf, "2026-01-01");
    assert_eq!((after.authority, after.authority_alternative), (Some(Authority::Province), None));
    let gauge = described(Radiation::SealedSource, Use::Industrial, Some("gauge"));
    assert_eq!(classify(&gauge, "2025-07-01").authority, Some(Authority::Varans));
    let ct = described(Radiation::XRay, Use::Medical, Some("ct"));
    assert_eq!(classify(&ct, "2020-01-01").authority, Some(Authority::Province));
}

#[test]
fn safety_officer_and_inspection_where_the_law_says() {
    let c = classify(&described(Radiation::XRay, Use::Dental, Some("intraoral")), "2026-03-01");
    assert_eq!((c.safety_officer_required, c.inspection_interval_months), (Some(false), Some(24)));
    let c = classify(&described(Radiation::XRay, Use::Medical, Some("ct")), "2026-03-01");
    assert_eq!((c.safety_officer_required, c.inspection_interval_months), (Some(true), Some(12)));
    let c = classify(&described(Radiation::XRay, Use::Industrial, Some("pcb_inspection")), "2026-03-01");
    assert_eq!((c.safety_officer_required, c.inspection_interval_months), (Some(false), None));
    // A category 5 source needs no safety officer.
    let c = with_sources(&[("Cs-137", "0.5 GBq", None)], "2026-03-01");
    assert_eq!((c.source_category, c.safety_officer_required), (Some(5), Some(false)));
}

#[test]
fn the_classify_tool_prints_json_and_exits_1_on_ambiguity() {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().and_then(|d| d.parent()).unwrap().join("examples").join("classify");
    let run = |args: &[&str]| std::process::Command::new(&bin).args(args).current_dir(root()).output().unwrap();
    let o = run(&["examples/devices/mixed.toml", "--date", "2026-03-01", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "one device is ambiguous");
    let json = String::from_utf8(o.stdout).unwrap();
    crate::snapshot(&root().join("tests/golden/classify-mixed.json"), &json);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 10);
    assert_eq!(v[0]["class"], "xray_c_arm");
    assert_eq!(v[0]["status"], "licence");
    assert_eq!(v[0]["authority"], "province");
    assert_eq!(v[0]["x_ray_emitting"], true);
    assert_eq!(v[7]["class"], serde_json::Value::Null);
    assert_eq!(v[7]["candidates"]["field"], "modality");
    assert_eq!(v[8]["source_category"], 4);
    assert_eq!(v[6]["status"], "not_ionizing");
    assert_eq!(v[6]["authority"], serde_json::Value::Null);
    let o = run(&["tests/fixtures/bad-applications/unknown-key.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["examples/devices/mixed.toml", "--date", "2026-02-30"]);
    assert_eq!(o.status.code(), Some(2));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn classification_is_deterministic(words in prop::collection::vec(prop::sample::select(NAMES.iter().map(|(n, _)| *n).collect::<Vec<_>>()), 1..3), kv in 1u32..200, approved in any::<bool>()) {
        let d = Description::builder().name(words.join(" ")).max_kv(Decimal::from(kv)).type_approved(approved).build().unwrap();
        let a = classify(&d, "2026-03-01");
        let b = classify(&d.clone(), "2026-03-01");
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    }

    #[test]
    fn a_decaying_source_never_rises_in_category(
        nuclide in prop::sample::select(vec!["Co-60", "Cs-137", "Ir-192", "Am-241", "Se-75", "Sr-90", "Kr-85", "Cf-252"]),
        mantissa in 1u32..10_000,
        unit in prop::sample::select(vec!["MBq", "GBq", "TBq", "mCi", "Ci"]),
        first in 0i64..4000,
        gap in 0i64..4000,
    ) {
        let base = crate::r::Date::new(2015, 1, 1).unwrap().to_days();
        let d1 = crate::r::Date::from_days(base + first).unwrap().to_string();
        let d2 = crate::r::Date::from_days(base + first + gap).unwrap().to_string();
        let activity = format!("{mantissa} {unit}");
        let rank = |day: &str| {
            let c = with_sources(&[(nuclide, &activity, Some("2015-01-01"))], day);
            // Exempt (no category) is the least dangerous: rank 6.
            c.source_category.unwrap_or(6)
        };
        prop_assert!(rank(&d2) >= rank(&d1), "{} {} : {} on {}, {} on {}", nuclide, activity, rank(&d1), d1, rank(&d2), d2);
    }
}

fn agrees(d: &Description) -> Result<(), String> {
    let full = shared().classify(d, date("2026-03-01")).map_err(|e| e.to_string())?;
    let lean = shared().class_of(d).map_err(|e| e.to_string())?;
    let expected = full.outcome.clone();
    if lean == expected { Ok(()) } else { Err(format!("{d:?}: class_of {lean:?}, classify {expected:?}")) }
}

#[test]
fn the_lean_class_of_decides_as_classify_does_on_every_name() {
    for (name, _) in NAMES {
        agrees(&Description::named(*name).unwrap()).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_lean_class_of_decides_as_classify_does(
        words in prop::collection::vec(prop::sample::select(NAMES.iter().map(|(n, _)| *n).collect::<Vec<_>>()), 0..3),
        radiation in prop::option::of(prop::sample::select(vec![Radiation::XRay, Radiation::SealedSource, Radiation::Accelerator, Radiation::None])),
        use_ in prop::option::of(prop::sample::select(vec![Use::Medical, Use::Dental, Use::Veterinary, Use::Industrial, Use::Security, Use::Analytical])),
        modality in prop::option::of(prop::sample::select(Modality::ALL.to_vec())),
        mobile in prop::option::of(any::<bool>()),
    ) {
        let mut b = Description::builder();
        if !words.is_empty() {
            b = b.name(words.join(" "));
        }
        if let Some(r) = radiation {
            b = b.radiation(r);
        }
        if let Some(u) = use_ {
            b = b.use_(u);
        }
        if let Some(m) = modality {
            b = b.modality(m);
        }
        if let Some(m) = mobile {
            b = b.mobile(m);
        }
        let d = b.build().unwrap();
        prop_assert!(agrees(&d).is_ok(), "{}", agrees(&d).unwrap_err());
    }
}

/// The outcome's JSON shape (docs/device-classes.md): `class` and `candidates`, read back to the
/// same outcome; `candidates()` only for an ambiguous one; the status keys.
#[test]
fn an_outcome_is_written_and_read_back_as_documented() {
    use radfee::classify::Field;
    let cases = [
        (Outcome::Settled(DeviceClass::XrayCt), r#"{"class":"xray_ct","candidates":null}"#),
        (
            Outcome::Ambiguous {
                classes: vec![DeviceClass::XrayDentalIntraoral, DeviceClass::XrayDentalPanoramic],
                field: Field::Modality,
            },
            r#"{"class":null,"candidates":{"classes":["xray_dental_intraoral","xray_dental_panoramic"],"field":"modality"}}"#,
        ),
        (Outcome::Unknown, r#"{"class":null,"candidates":{"classes":[],"field":"modality"}}"#),
    ];
    for (outcome, json) in cases {
        assert_eq!(serde_json::to_string(&outcome).unwrap(), json);
        assert_eq!(serde_json::from_str::<Outcome>(json).unwrap(), outcome, "{json}");
    }
    // A class wins over candidates written beside it; no class and no candidates is unknown.
    let both = r#"{"class":"xray_ct","candidates":{"classes":["pet_ct","spect_ct"],"field":"modality"}}"#;
    assert_eq!(serde_json::from_str::<Outcome>(both).unwrap(), Outcome::Settled(DeviceClass::XrayCt));
    assert_eq!(serde_json::from_str::<Outcome>(r#"{"class":null,"candidates":null}"#).unwrap(), Outcome::Unknown);
    let two = Outcome::Ambiguous { classes: vec![DeviceClass::PetCt, DeviceClass::SpectCt], field: Field::Modality };
    assert_eq!(two.candidates(), [DeviceClass::PetCt, DeviceClass::SpectCt]);
    assert!(Outcome::Settled(DeviceClass::PetCt).candidates().is_empty());
    assert!(Outcome::Unknown.candidates().is_empty());
    assert_eq!(
        [Status::Licence, Status::Exempt, Status::NotIonizing].map(Status::key),
        ["licence", "exempt", "not_ionizing"]
    );
}
