//! The catalogue of manufacturers and models (issue 18): names as officers copy them from the
//! form, read against the cited entries of fee-schedules/catalogue/. Every expected class below
//! is written by hand from the entry's source (an FDA 510(k) summary, a manual, a registry
//! sheet), never regenerated from the code.

use crate::r::{Description, DeviceClass, Field, Law, Outcome, SourceFile};
use crate::{date, shared};
use proptest::prelude::*;

/// The expected outcome: one class, or the candidates and the field that decides.
enum E {
    S(&'static str),
    A(&'static [&'static str], Field),
}
use E::{A, S};

fn class(key: &str) -> DeviceClass {
    DeviceClass::from_key(key).unwrap_or_else(|| panic!("{key} is a class key"))
}

fn outcome(name: &str) -> Outcome {
    shared().class_of(&Description::named(name).unwrap()).unwrap()
}

fn check(rows: &[(&str, E)]) {
    let mut failures = Vec::new();
    for (name, expected) in rows {
        let got = outcome(name);
        let ok = match (expected, &got) {
            (S(k), Outcome::Settled(c)) => *c == class(k),
            (A(ks, f), Outcome::Ambiguous { classes, field }) => {
                let mut want: Vec<DeviceClass> = ks.iter().map(|k| class(k)).collect();
                let mut have = classes.clone();
                want.sort();
                have.sort();
                want == have && field == f
            }
            _ => false,
        };
        if !ok {
            failures.push(format!("{name:?}: got {got:?}"));
        }
        // classify agrees with class_of.
        let full = shared().classify(&Description::named(*name).unwrap(), date("2026-03-01")).unwrap();
        assert_eq!(full.outcome, got, "{name}: classify and class_of disagree");
    }
    assert!(failures.is_empty(), "{} of {} wrong:\n{}", failures.len(), rows.len(), failures.join("\n"));
}

const DENTAL3: &[&str] = &["xray_dental_panoramic", "xray_dental_cephalometric", "xray_dental_cbct"];
const PANO_CEPH: &[&str] = &["xray_dental_panoramic", "xray_dental_cephalometric"];
const XRF2: &[&str] = &["xrf_analyzer", "xrf_analyzer_source"];

#[test]
fn the_names_of_the_issue_are_read() {
    check(&[
        ("Philips Incisive CT", S("xray_ct")),
        ("Ziehm Vision RFD", S("xray_c_arm")),
        ("Ziehm VisionRFD", S("xray_c_arm")),
        // Orthophos XG is sold panoramic with or without a cephalostat (K033073): the form's
        // modality decides.
        ("Sirona Orthophos XG", A(PANO_CEPH, Field::Modality)),
        ("Fujifilm FDR Go PLUS", S("xray_mobile")),
        ("Varian Halcyon", S("linac_radiotherapy")),
        ("Hitachi X-MET8000", S("xrf_analyzer")),
        ("XMET8000", S("xrf_analyzer")),
        // Weak sources (a distributor's DXA list quoted by a third party): a warning says so.
        ("Osteosys DEXXUM T", S("xray_bone_densitometry")),
    ]);
}

#[test]
fn medical_xray_models_bare_with_brand_with_vietnamese_words_and_misspelt() {
    check(&[
        // CT (FDA 510(k) K233650, K212441).
        ("SOMATOM go.Up", S("xray_ct")),
        ("SOMATOM go.Up VA40", S("xray_ct")),
        ("Siemens go.Up", S("xray_ct")),
        ("Máy chụp CT Somatom go.Now", S("xray_ct")),
        ("Máy chụp cắt lớp vi tính 128 lát Philips Incisive", S("xray_ct")),
        ("somatom-go-all R2.0", S("xray_ct")),
        // C-arm (Cios Select; Ziehm Vision FD white paper).
        ("Cios Select", S("xray_c_arm")),
        ("Máy X-quang C-arm Siemens Cios Fusion", S("xray_c_arm")),
        ("C-arm di động Ziehm Vision FD", S("xray_c_arm")),
        ("CIOS SELECT", S("xray_c_arm")),
        // Angiography (ARTIS icono; Azurion).
        ("ARTIS icono", S("xray_angiography")),
        ("Hệ thống chụp mạch số hóa xóa nền Philips Azurion 7", S("xray_angiography")),
        ("Artis zee", S("xray_angiography")),
        // The ARTIS family (K220432) beside Siemens; "Artis" alone is not enough.
        ("Siemens Artis Q", S("xray_angiography")),
        // Fluoroscopy (SONIALVISION G4 K131075).
        ("Shimadzu SONIALVISION G4", S("xray_fluoroscopy")),
        ("Máy X-quang tăng sáng truyền hình FLUOROspeed X1", S("xray_fluoroscopy")),
        // Mammography (Selenia Dimensions; MAMMOMAT Fusion).
        ("Hologic Selenia Dimensions", S("xray_mammography")),
        ("Máy chụp nhũ ảnh Mammomat Fusion", S("xray_mammography")),
        ("MAMMOMAT-Fusion", S("xray_mammography")),
        ("Fujifilm Amulet Innovality", S("xray_mammography")),
        // Mobile (Radiography 7000 M; MobileDaRt; GM85 needs Samsung named).
        ("Philips Radiography 7000 M", S("xray_mobile")),
        ("Máy X-quang di động Shimadzu MobileDaRt Evolution", S("xray_mobile")),
        ("Samsung GM85", S("xray_mobile")),
        // General radiography (DigitalDiagnost; uDR 596i).
        ("Philips DigitalDiagnost C90", S("xray_general")),
        ("Máy X-quang kỹ thuật số United Imaging uDR 596i", S("xray_general")),
        ("Digital Diagnost", S("xray_general")),
        // Dental intraoral (NOMAD Pro 2; Oralix AC).
        ("Aribex NOMAD Pro 2", S("xray_dental_intraoral")),
        ("Máy X-quang răng cầm tay Nomad Pro", S("xray_dental_intraoral")),
        ("Gendex Oralix AC", S("xray_dental_intraoral")),
        // Dental panoramic, cephalometric, CBCT: one chassis, the modality decides.
        ("Orthoralix 8500 DDE", S("xray_dental_panoramic")),
        ("Vatech PaX-i3D Smart", A(DENTAL3, Field::Modality)),
        ("Máy X-quang răng toàn cảnh Vatech PaX-i3D Smart", S("xray_dental_panoramic")),
        ("Máy CT Cone beam PaX-i3D Smart", S("xray_dental_cbct")),
        ("Máy chụp sọ nghiêng Vatech PaXi3D Smart", S("xray_dental_cephalometric")),
        ("Vatech PaX-Zenith3D", S("xray_dental_cbct")),
        ("Sirona Orthophos XG5", A(PANO_CEPH, Field::Modality)),
        // Bone densitometry (Lunar iDXA).
        ("GE Lunar iDXA", S("xray_bone_densitometry")),
        ("Máy đo mật độ xương Lunar Prodigy Advance", S("xray_bone_densitometry")),
        ("GE Prodigy", S("xray_bone_densitometry")),
        // Veterinary (VetPro DC).
        ("Progeny VetPro DC", S("xray_veterinary")),
        // Hybrid (uEXPLORER; Symbia Intevo).
        ("United Imaging uEXPLORER", S("pet_ct")),
        ("Hệ thống PET/CT Siemens Biograph Vision", S("pet_ct")),
        ("Symbia Intevo Bold", S("spect_ct")),
        ("Máy SPECT/CT Symbia Intevo", S("spect_ct")),
    ]);
}

#[test]
fn therapy_accelerator_and_source_models() {
    check(&[
        ("Varian TrueBeam", S("linac_radiotherapy")),
        ("Máy gia tốc xạ trị Varian TrueBeam STx", S("linac_radiotherapy")),
        ("Varian Edge", S("linac_radiotherapy")),
        ("Sensus SRT-100", S("radiotherapy_superficial")),
        ("Máy xạ trị bề mặt SRT100", S("radiotherapy_superficial")),
        ("Leksell Gamma Knife Icon", S("teletherapy_source")),
        ("Theratron Equinox", S("teletherapy_source")),
        ("Nucletron microSelectron HDR", S("brachytherapy_hdr")),
        ("Máy xạ trị áp sát nạp nguồn sau Flexitron", S("brachytherapy_hdr")),
        ("GE PETtrace 880", S("accelerator_isotope_production")),
        ("Máy gia tốc cyclotron IBA Cyclone 18", S("accelerator_isotope_production")),
        ("IBA Rhodotron TT200", S("accelerator_irradiation")),
        ("Siemens IONTRIS", S("accelerator_other")),
        ("Varian M6", S("accelerator_cargo_screening")),
        ("Gammacell 1000", S("gamma_cell")),
        ("Gamma Chamber 5000", S("gamma_cell")),
        ("Thiết bị chụp ảnh gamma Sentinel 989", S("gamma_radiography")),
        ("SPEC-150", S("gamma_radiography")),
        ("Troxler 3440", S("nuclear_gauge")),
        ("Thiết bị đo độ ẩm mật độ Troxler 3430", S("nuclear_gauge")),
        ("Troxler RoadReader", S("nuclear_gauge")),
        ("Schlumberger Litho-Density", S("well_logging")),
        ("SLB CNL", S("well_logging")),
        ("Agilent micro-ECD", S("gas_chromatograph_ecd")),
        ("Máy sắc ký khí Shimadzu ECD-2010 Plus", S("gas_chromatograph_ecd")),
        ("Staticmaster 3C500", S("static_eliminator")),
        ("MIMOS II", S("mossbauer_spectrometer")),
        ("RMD LPA-1", S("xrf_analyzer_source")),
        ("Protec LPA1", S("xrf_analyzer_source")),
        ("Nordion gamma irradiator", S("irradiator_source")),
    ]);
}

#[test]
fn non_medical_xray_and_not_ionising_models() {
    check(&[
        ("Bruker S1 TRACER", S("xrf_analyzer")),
        ("Máy phân tích huỳnh quang tia X cầm tay Bruker TRACER 5i", S("xrf_analyzer")),
        ("Bruker S1 Titan", S("xrf_analyzer")),
        // Niton makes tube- and isotope-excited analysers: the radiation decides.
        ("Thermo Niton XL3t", A(XRF2, Field::Radiation)),
        ("Bruker D6 PHASER", S("xrd_analyzer")),
        ("Máy nhiễu xạ tia X Rigaku MiniFlex 600", S("xrd_analyzer")),
        ("JEOL JSM-7800F", S("electron_microscope")),
        ("Kính hiển vi điện tử Thermo Fisher Talos F200i", S("electron_microscope")),
        ("Smiths HI-SCAN 6040 CTiX", S("xray_security_screening")),
        ("Máy soi hành lý Smiths Detection HI-SCAN 6040aTiX", S("xray_security_screening")),
        ("Nordson DAGE XD7600", S("xray_pcb_inspection")),
        ("NeoDen ND56X", S("xray_pcb_inspection")),
        ("ZEISS Xradia 620 Versa", S("xray_cabinet_inspection")),
        ("Bruker SkyScan 1173", S("xray_cabinet_inspection")),
        ("Teledyne LITEX", S("xray_industrial_radiography")),
        // "máy In…" is not a printer ("máy in") when "In" begins the model's name.
        ("máy InSight X-ray", S("xray_cabinet_inspection")),
        ("Golden Engineering XR150", S("xray_industrial_radiography")),
        ("Siemens MAGNETOM Vida", S("not_ionizing")),
        ("Máy cộng hưởng từ Siemens Vida", S("not_ionizing")),
        ("Máy siêu âm Samsung RS85", S("not_ionizing")),
        ("Philips EPIQ", S("not_ionizing")),
    ]);
}

#[test]
fn short_and_generic_patterns_need_their_manufacturer() {
    // `go.Up`, `Titan`, `Vida`, `GM85` alone are not enough; with the maker they are.
    for bare in ["go.Up", "Titan", "Vida", "GM85", "Edge", "Prodigy", "Artis Q"] {
        assert_eq!(outcome(bare), Outcome::Unknown, "{bare}");
    }
    // "Panorama" is a Philips MRI beside Philips, and a panoramic dental X-ray otherwise.
    check(&[
        ("Philips Panorama", S("not_ionizing")),
        ("Máy X-quang răng Panorama", S("xray_dental_panoramic")),
        ("Siemens Vida", S("not_ionizing")),
        ("Bruker S1 TITAN", S("xrf_analyzer")),
        ("SonoSite TITAN", S("not_ionizing")),
    ]);
}

#[test]
fn the_longest_pattern_wins() {
    // PaX-i (panoramic/cephalometric) is a prefix of PaX-i3D Smart (with CBCT).
    check(&[("Vatech PaX-i", A(PANO_CEPH, Field::Modality)), ("Vatech PaX-i3D Smart", A(DENTAL3, Field::Modality))]);
}

#[test]
fn a_catalogue_entry_and_the_names_words_that_disagree_leave_both_readings() {
    check(&[
        // The words say CT, the entry a C-arm: both kept, the modality decides.
        ("Máy chụp CT Ziehm Vision", A(&["xray_ct", "xray_c_arm"], Field::Modality)),
        ("Máy chụp nhũ ảnh Philips Incisive", A(&["xray_mammography", "xray_ct"], Field::Modality)),
        // "di động" beside a fixed general unit: mobile, C-arm or the entry's general X-ray.
        (
            "Máy X-quang di động Philips DigitalDiagnost",
            A(&["xray_mobile", "xray_c_arm", "xray_general"], Field::Modality),
        ),
    ]);
    let c = shared().classify(&Description::named("Máy chụp CT Ziehm Vision").unwrap(), date("2026-03-01")).unwrap();
    assert!(
        c.warnings.iter().any(|w| w.contains("catalogue entry") && w.contains("xray_c_arm") && w.contains("xray_ct")),
        "{:?}",
        c.warnings
    );
    assert!(c.warnings_vi.iter().any(|w| w.contains("mục danh mục")), "{:?}", c.warnings_vi);
}

#[test]
fn a_trailing_dr_no_longer_turns_a_mammography_or_mobile_unit_into_general_xray() {
    check(&[
        ("Hologic Selenia Dimensions DR", S("xray_mammography")),
        ("Philips Radiography 7000 M DR", S("xray_mobile")),
        ("Máy X-quang DR Mobilett Mira", S("xray_mobile")),
        // Without a catalogue entry, DR alone still reads as general radiography, with a warning.
        ("Máy X-quang DR", S("xray_general")),
    ]);
    let c = shared().classify(&Description::named("Máy X-quang DR").unwrap(), date("2026-03-01")).unwrap();
    assert!(c.warnings_vi.iter().any(|w| w.contains("đầu thu ảnh")), "{:?}", c.warnings_vi);
}

#[test]
fn the_fields_win_over_a_catalogue_entry_with_a_warning() {
    let d = Description::builder()
        .name("Philips Incisive CT")
        .modality(crate::r::Modality::from_key("mammography").unwrap())
        .build()
        .unwrap();
    let c = shared().classify(&d, date("2026-03-01")).unwrap();
    assert_eq!(c.outcome, Outcome::Settled(DeviceClass::XrayMammography));
    assert!(c.warnings.iter().any(|w| w.contains("catalogue entry") && w.contains("fields")), "{:?}", c.warnings);
    // A field that agrees settles a candidate entry.
    let d = Description::builder()
        .name("Vatech PaX-i3D Smart")
        .modality(crate::r::Modality::from_key("cbct").unwrap())
        .build()
        .unwrap();
    assert_eq!(shared().class_of(&d).unwrap(), Outcome::Settled(DeviceClass::XrayDentalCbct));
}

#[test]
fn the_reasons_name_the_entry_its_class_and_its_source() {
    let c = shared().classify(&Description::named("Varian Halcyon").unwrap(), date("2026-03-01")).unwrap();
    let r = c.reasons.iter().find(|r| r.rule == "name.catalogue").expect("a catalogue reason");
    assert!(r.text.contains("Halcyon") && r.text.contains("linac_radiotherapy"), "{}", r.text);
    assert!(r.text_vi.contains("mục danh mục thiết bị"), "{}", r.text_vi);
    assert!(r.text.contains("fee-schedules/catalogue/accelerators.toml:"), "{}", r.text);
    assert!(r.basis.contains("FDA 510(k) K170817") && r.basis.contains("https://"), "{}", r.basis);
    // A doubtful entry says so.
    let c = shared().classify(&Description::named("Fujifilm FDR Go PLUS").unwrap(), date("2026-03-01")).unwrap();
    assert!(c.warnings_vi.iter().any(|w| w.contains("chưa chắc chắn")), "{:?}", c.warnings_vi);
}

#[test]
fn model_numbers_are_never_read_as_values() {
    // SRT-100, Xstrahl 300, XR150, Model 3440: numbers of a model, not kV or activities.
    for name in ["Sensus SRT-100", "Xstrahl 300", "Golden XR150", "Troxler Model 3440", "Varian M9"] {
        let c = shared().classify(&Description::named(name).unwrap(), date("2026-03-01")).unwrap();
        assert!(c.exemption.is_none(), "{name}: {:?}", c.exemption);
        assert!(matches!(c.outcome, Outcome::Settled(_)), "{name}: {:?}", c.outcome);
    }
}

#[test]
fn the_vocabulary_gaps_of_issue_18() {
    check(&[
        ("Máy X-quang răng cầm tay", S("xray_dental_intraoral")),
        ("Máy X-quang cầm tay", A(&["xray_mobile", "xray_dental_intraoral"], Field::Modality)),
        // Lead-in-paint analysers are XRF, with a tube or a source.
        ("Máy đo chì trong sơn", A(XRF2, Field::Radiation)),
        ("Máy XRF cầm tay", A(XRF2, Field::Radiation)),
        ("Máy X-quang di động công nghiệp", S("xray_industrial_radiography")),
        ("Máy X-quang xách tay dùng trong công nghiệp", S("xray_industrial_radiography")),
        // Letters joined to digits are read as words: "CT660" says CT.
        ("GE Optima CT660", S("xray_ct")),
    ]);
    // No field given: no warning may claim the name disagrees with one.
    for name in ["Máy X-quang di động công nghiệp", "Máy siêu âm CT răng", "Máy X-quang cầm tay"] {
        let c = shared().classify(&Description::named(name).unwrap(), date("2026-03-01")).unwrap();
        for w in c.warnings.iter().chain(&c.warnings_vi) {
            assert!(!w.contains("field") && !w.contains("trường"), "{name}: {w}");
        }
    }
}

/// Words an officer may write around a model: Vietnamese and English, none of them a word of
/// the classifier's vocabulary.
const FILLER: &[&str] = &[
    "máy",
    "thiết bị",
    "hệ thống",
    "model",
    "kiểu",
    "hãng",
    "sản xuất",
    "năm",
    "2019",
    "số",
    "serial",
    "No.",
    "new",
    "the",
    "unit",
    "system",
    "của",
    "và",
    "đã",
    "qua",
    "sử dụng",
    "mới",
    "100%",
    "(",
    ")",
    "-",
    ",",
    "loại",
    "tại",
    "Việt Nam",
    "Japan",
    "Germany",
    "USA",
    "SN",
    "2024",
    "đời",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// No catalogue pattern that stands alone is misread when wrapped in arbitrary words: the
    /// result is its entry's class, or its candidates with the field that decides.
    #[test]
    fn no_catalogue_pattern_is_misread_among_other_words(
        entry in 0usize..1000,
        which in 0usize..8,
        before in proptest::collection::vec(0usize..FILLER.len(), 0..4),
        after in proptest::collection::vec(0usize..FILLER.len(), 0..4),
    ) {
        let law = shared();
        let entries = law.catalogue().entries();
        let e = &entries[entry % entries.len()];
        prop_assume!(!e.patterns.is_empty());
        let pattern = &e.patterns[which % e.patterns.len()];
        let words: Vec<&str> = before.iter().map(|i| FILLER[*i]).chain([pattern.as_str()]).chain(after.iter().map(|i| FILLER[*i])).collect();
        let name = words.join(" ");
        let got = law.class_of(&Description::named(name.as_str()).unwrap()).unwrap();
        match (&got, e.classes.as_slice()) {
            (Outcome::Settled(c), [one]) => prop_assert_eq!(c, one, "{}", name),
            (Outcome::Ambiguous { classes, field }, many) if many.len() > 1 => {
                prop_assert!(classes.iter().all(|c| many.contains(c)), "{}: {:?} for {:?}", name, classes, many);
                prop_assert_eq!(Some(*field), e.decided_by, "{}", name);
            }
            (Outcome::Settled(c), many) if many.len() > 1 => prop_assert!(many.contains(c), "{}: {:?}", name, got),
            _ => prop_assert!(false, "{}: {:?} for entry {} {:?}", name, got, e.label(), e.classes),
        }
    }
}

#[test]
fn every_standalone_pattern_of_the_catalogue_reads_as_its_entry() {
    let law = shared();
    let mut wrong = Vec::new();
    for e in law.catalogue().entries() {
        for p in &e.patterns {
            let got = law.class_of(&Description::named(p.as_str()).unwrap()).unwrap();
            let ok = match &got {
                Outcome::Settled(c) => e.classes.contains(c),
                Outcome::Ambiguous { classes, .. } => classes.iter().all(|c| e.classes.contains(c)),
                _ => false,
            };
            if !ok {
                wrong.push(format!("{p:?} ({}, {:?}): {got:?}", e.label(), e.classes));
            }
        }
    }
    assert!(wrong.is_empty(), "{} patterns misread:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn every_brand_only_pattern_reads_as_its_entry_beside_its_maker() {
    let law = shared();
    let mut wrong = Vec::new();
    for e in law.catalogue().entries() {
        let Some(maker) = &e.manufacturer else { continue };
        for p in &e.with_brand {
            let name = format!("{maker} {p}");
            let got = law.class_of(&Description::named(name.as_str()).unwrap()).unwrap();
            let ok = match &got {
                Outcome::Settled(c) => e.classes.contains(c),
                Outcome::Ambiguous { classes, .. } => classes.iter().all(|c| e.classes.contains(c)),
                _ => false,
            };
            if !ok {
                wrong.push(format!("{name:?} ({:?}): {got:?}", e.classes));
            }
        }
    }
    assert!(wrong.is_empty(), "{} misread:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn a_name_one_letter_away_is_read_with_a_warning_but_never_another_model_number() {
    check(&[
        ("Sirona Ortophos XG", A(PANO_CEPH, Field::Modality)),
        ("Varian Halcion", S("linac_radiotherapy")),
        ("Philips Incisve", S("xray_ct")),
    ]);
    let c = shared().classify(&Description::named("Varian Halcion").unwrap(), date("2026-03-01")).unwrap();
    assert!(c.warnings_vi.iter().any(|w| w.contains("viết khác một chữ cái")), "{:?}", c.warnings_vi);
    // CS 8400 is not CS 8200 (no such model is catalogued): digits are never "corrected".
    assert_eq!(outcome("CS 8400"), Outcome::Unknown);
    assert_eq!(outcome("Sensus SRT-101"), Outcome::Unknown);
}

/// A name one letter away from another maker's pattern, or the pattern without one of its
/// one-letter words, is no misspelling: GE's Revolution Maxima is a CT, not Shimadzu's
/// MAXima_X diffractometer (found reading brand + model names copied from forms).
#[test]
fn a_near_spelling_is_never_another_makers_model_nor_a_word_left_out() {
    let xrd = class("xrd_analyzer");
    for name in ["GE Revolution Maxima", "Revolution Maxima", "GE Maxima", "Máy CT GE Revolution Maxima"] {
        let got = outcome(name);
        assert!(
            !matches!(&got, Outcome::Settled(c) if *c == xrd)
                && !matches!(&got, Outcome::Ambiguous { classes, .. } if classes.contains(&xrd)),
            "{name}: {got:?}"
        );
    }
    // Beside its own maker, a letter mistyped is still read, with its warning.
    check(&[("Shimadzu MAXXima_X", S("xrd_analyzer")), ("Shimadzu XRD-7000", S("xrd_analyzer"))]);
}

/// Entries added after a newcomer read ~100 brand + model names from forms against the
/// catalogue (sources: OEC 9900 Elite manuals; K133590; BrightSpeed manuals; K183448; K220664;
/// a third-party history of Philips C-arms, marked doubtful).
#[test]
fn models_added_from_a_newcomers_pass() {
    const CBCT_CT: &[&str] = &["xray_dental_cbct", "xray_ct"];
    check(&[
        ("GE OEC 9900 Elite", S("xray_c_arm")),
        ("ge oec 9900 elite", S("xray_c_arm")),
        ("OEC9900", S("xray_c_arm")),
        ("Máy C-arm GE OEC 9900 Elite", S("xray_c_arm")),
        ("Máy X-quang di động GE OEC 9900 Elite", S("xray_c_arm")),
        ("Siemens SOMATOM Perspective", S("xray_ct")),
        ("Siemens Perspective 32", S("xray_ct")),
        ("Máy chụp CT SOMATOM Perspective 16 lát", S("xray_ct")),
        ("GE BrightSpeed Elite", S("xray_ct")),
        ("BrightSpeed16", S("xray_ct")),
        ("Philips BV Pulsera", S("xray_c_arm")),
        ("BV Endura", S("xray_c_arm")),
        ("Máy X-quang C-arm Philips BV Pulsera", S("xray_c_arm")),
        // NewTom images teeth and jaws and also ENT, spine and limbs: the modality decides.
        ("NewTom 5G XL", A(CBCT_CT, Field::Modality)),
        ("Cefla NewTom 7G", A(CBCT_CT, Field::Modality)),
        ("Máy CBCT nha khoa NewTom 7G", S("xray_dental_cbct")),
        // Sentinel 880 series manual MAN-027 (Ir-192); SENTRY manual MAN-038 (Co-60).
        ("Sentinel 880 Delta", S("gamma_radiography")),
        ("QSA Global 880 Elite", S("gamma_radiography")),
        ("Thiết bị chụp ảnh phóng xạ công nghiệp Sentinel 880 Sigma", S("gamma_radiography")),
        ("Sentinel Sentry 330", S("gamma_radiography")),
        // K973889 (a collimator for the Varian Clinac linear accelerator).
        ("Varian Clinac iX", S("linac_radiotherapy")),
        ("Máy gia tốc xạ trị Clinac 2100C", S("linac_radiotherapy")),
        // K012009, seen as K172539's reference device (marked doubtful).
        ("Philips Brilliance 64", S("xray_ct")),
        ("Philips Brilliance CT 16", S("xray_ct")),
        ("Máy CT Philips Brilliance 16 lát", S("xray_ct")),
        // Hitachi SEMs (LNF wiki SU8000; AZoOptics FlexSEM1000).
        ("Hitachi SU8000", S("electron_microscope")),
        ("Kính hiển vi điện tử quét Hitachi SU8700", S("electron_microscope")),
        ("FlexSEM1000", S("electron_microscope")),
        // CS 8100 user manual (panoramic, cephalometric); CS 8100 3D family guide (SM844).
        ("Carestream CS 8100", A(PANO_CEPH, Field::Modality)),
        ("CS 8100 3D", A(DENTAL3, Field::Modality)),
        ("Máy X-quang răng toàn cảnh Carestream CS 8100", S("xray_dental_panoramic")),
        // Planmeca ProMax user manual (cephalostat, 2D or 3D patient supports).
        ("Planmeca ProMax 2D S3", A(PANO_CEPH, Field::Modality)),
    ]);
    // "Brilliance" and "880 Elite" alone need their maker.
    assert_eq!(outcome("Brilliance"), Outcome::Unknown);
    assert_eq!(outcome("880 Elite"), Outcome::Unknown);
    // "Perspective" alone is a common word: only beside Siemens.
    assert_eq!(outcome("Perspective"), Outcome::Unknown);
}

/// A maker named without a model, beside a generic word of a kind the catalogue never lists
/// for it: "Comet Yxlon FF35 CT" reads "CT" as a medical CT, but YXLON's catalogue models are
/// all industrial; the reading stands (the catalogue is no closed list) with a warning.
#[test]
fn a_maker_known_only_for_other_kinds_is_said() {
    let warned = |name: &str| {
        let c = shared().classify(&Description::named(name).unwrap(), date("2026-11-01")).unwrap();
        let vi = c.warnings_vi.iter().any(|w| w.contains("mọi model trong danh mục"));
        let en = c.warnings.iter().any(|w| w.contains("whose models in the catalogue are all"));
        assert_eq!(vi, en, "{name}: {:?}", c.warnings);
        vi
    };
    assert!(warned("Comet Yxlon FF35 CT"));
    assert!(warned("Máy chụp CT YXLON"));
    // One name for two makers (Samsung): either one's models count.
    assert!(!warned("Máy siêu âm Samsung HS60"));
    assert!(!warned("Máy chụp CT GE"));
    assert!(!warned("Máy X-quang răng toàn cảnh Vatech"));
    // A model found: the catalogue entry speaks, not the maker.
    assert!(!warned("YXLON SMART 225"));
}

/// An entry's note is for officers, so it is shown: a detector alone is read as not emitting,
/// and the note says the X-ray unit it is fitted to is declared separately (K221620 CXDI).
#[test]
fn an_entrys_note_reaches_the_officer() {
    let c = shared().classify(&Description::named("Canon CXDI-710C").unwrap(), date("2026-11-01")).unwrap();
    assert_eq!(c.outcome, Outcome::Settled(class("not_ionizing")));
    assert!(
        c.warnings_vi.iter().any(|w| w.contains("ghi chú") && w.contains("declared separately")),
        "{:?}",
        c.warnings_vi
    );
    assert!(c.warnings.iter().any(|w| w.starts_with("note on the catalogue entry")), "{:?}", c.warnings);
}

mod checks;
