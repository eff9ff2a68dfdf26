//! Text that reads the same matches the same: Đ look-alikes (Ð U+00D0, ð U+00F0, Ɖ U+0189,
//! ɖ U+0256), decomposed (NFD) beside composed (NFC) text, old and new tone placement; and
//! text kept or echoed is NFC.

use crate::r::{Application, Change, Description, DeviceClass, Equipment, EquipmentStatus, Event, Registry};

use crate::{date, shared};

/// `s` with every letter decomposed (NFD), as some Mac and web forms send it.
fn nfd(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    s.nfd().collect()
}

#[test]
fn provinces_are_found_whatever_the_letters_used() {
    let s = shared();
    let on = date("2026-03-01");
    for (written, slug) in [
        ("\u{0189}à Nẵng", "da-nang"),
        ("\u{00D0}ồng Nai", "dong-nai"),
        ("\u{00F0}ồng nai", "dong-nai"),
        ("\u{0256}iện Biên", "dien-bien"),
        ("Thanh Hoá", "thanh-hoa"),
        ("Thanh Hóa", "thanh-hoa"),
        ("Khánh Hoà", "khanh-hoa"),
    ] {
        for w in [written.to_owned(), nfd(written)] {
            let (r, _) = s.provinces().resolve(&w, on).unwrap_or_else(|e| panic!("{w:?}: {}", e));
            assert_eq!(r.slug, slug, "{w:?}");
        }
    }
}

#[test]
fn the_classifier_reads_names_whatever_the_letters_used() {
    let s = shared();
    for name in ["thiết bị \u{00F0}o hạt nhân", "THIẾT BỊ \u{00D0}O HẠT NHÂN", "thiết bị đo hạt nhân"]
    {
        for n in [name.to_owned(), nfd(name)] {
            let d = Description::named(n.clone()).unwrap();
            let c = s.classify(&d, date("2026-03-01")).unwrap();
            assert_eq!(c.class(), Some(DeviceClass::NuclearGauge), "{n:?}");
        }
    }
}

#[test]
fn echoed_text_is_nfc() {
    let text = format!(
        "province = \"{}\"\nprocedure = \"new\"\nreceived = 2026-03-01\napplicant = \"{}\"\n[[device]]\nclass = \"xray_ct\"\nlabel = \"{}\"\n",
        nfd("\u{00D0}ồng Nai"),
        nfd("Bệnh viện Đa khoa \u{0189}ồng Nai"),
        nfd("Phòng chụp CT")
    );
    let app = Application::from_toml("a.toml", &text).unwrap();
    let q = shared().quote(&app).unwrap();
    assert_eq!(q.applicant.as_deref(), Some("Bệnh viện Đa khoa Đồng Nai"));
    assert_eq!(q.lines[0].label.as_deref(), Some("Phòng chụp CT"));
    assert_eq!(q.province_detail.as_written, "Đồng Nai");
}

fn equipment(id: &str, manufacturer: &str, model: &str, serial: &str) -> Event {
    Event {
        date: date("2025-09-01"),
        change: Change::RegisterEquipment {
            equipment: Equipment {
                id: id.into(),
                facility: "F1".into(),
                description: Description::default(),
                class: Some(DeviceClass::XrayCt),
                manufacturer: Some(manufacturer.into()),
                model: Some(model.into()),
                serial: Some(serial.into()),
                year: None,
                location: None,
                mobile: false,
                province: String::new(),
                status: EquipmentStatus::InService,
            },
        },
    }
}

#[test]
fn a_serial_is_a_duplicate_whatever_the_case_of_the_maker_or_the_letters_used() {
    let s = shared();
    let mut r = Registry::new();
    r.apply(
        s,
        Event {
            date: date("2025-09-01"),
            change: Change::RegisterFacility {
                facility: crate::r::Facility {
                    id: "F1".into(),
                    name: "Bệnh viện".into(),
                    tax_code: None,
                    province: "Huế".into(),
                    address: None,
                    kind: crate::r::FacilityKind::Hospital,
                },
            },
        },
    )
    .unwrap();
    r.apply(s, equipment("D1", "Siemens", "SOMATOM go.Up", "SN 1001")).unwrap();
    for (maker, model, serial) in [
        ("SIEMENS", "SOMATOM go.Up", "SN 1001"),
        ("siemens", "SOMATOM  go.Up ", "SN 1001"),
        ("Siemens", "SOMATOM go.Up", " SN  1001"),
    ] {
        let err = r.apply(s, equipment("D2", maker, model, serial)).unwrap_err().to_string();
        assert!(err.contains("is already registered as device `D1`"), "{maker} {model} {serial}: {err}");
    }
    // Vietnamese text in a maker's name: look-alikes, NFD and tone placement read the same.
    r.apply(s, equipment("D3", "Công ty Hoà Bình", "X-1", "Đ-7")).unwrap();
    for (maker, serial) in [("CÔNG TY HÒA BÌNH", "Đ-7"), (&*nfd("Công ty Hòa Bình"), "\u{00D0}-7")] {
        let err = r.apply(s, equipment("D4", maker, "X-1", serial)).unwrap_err().to_string();
        assert!(err.contains("is already registered as device `D3`"), "{maker} {serial}: {err}");
    }
    // A different serial is a different device; the model is compared with its case.
    r.apply(s, equipment("D5", "Siemens", "SOMATOM go.Up", "SN 1002")).unwrap();
    r.apply(s, equipment("D6", "Siemens", "somatom go.up", "SN 1001")).unwrap();
    // Kept in NFC.
    r.apply(s, equipment("D7", &nfd("Công ty Đức"), "Y", "1")).unwrap();
    assert_eq!(r.state().equipment["D7"].manufacturer.as_deref(), Some("Công ty Đức"));
}

#[test]
fn registry_headers_are_read_whatever_the_letters_used() {
    let s = shared();
    let mut r = Registry::new();
    r.apply(
        s,
        Event {
            date: date("2025-09-01"),
            change: Change::RegisterFacility {
                facility: crate::r::Facility {
                    id: "F1".into(),
                    name: "A".into(),
                    tax_code: None,
                    province: "Huế".into(),
                    address: None,
                    kind: crate::r::FacilityKind::Hospital,
                },
            },
        },
    )
    .unwrap();
    let csv = format!("{},{},Loại,{}\nF1,D1,xray_ct,Phòng 1\n", nfd("Mã cơ sở"), "Mã thiết bị", "\u{0110}ịa điểm");
    let report = r.import_csv(s, csv.as_bytes(), date("2025-09-02")).unwrap();
    assert_eq!(report.imported, 1, "{:?}", report.problems);
    let csv = "M\u{00E3} c\u{01A1} s\u{1EDF},Mã thiết bị,Loại,\u{00D0}ịa \u{00F0}iểm\nF1,D2,xray_ct,Phòng 2\n";
    let report = r.import_csv(s, csv.as_bytes(), date("2025-09-02")).unwrap();
    assert_eq!(report.imported, 1, "{:?}", report.problems);
    assert_eq!(r.state().equipment["D2"].location.as_deref(), Some("Phòng 2"));
}
