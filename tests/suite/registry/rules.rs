//! The registry's rules on single events: years, licences in force, mobile devices, mistyped
//! keys, expired licences, corrected serials, the kinds of change, renewals too large to add.

use super::*;

/// A year of manufacture follows the one number rule: `2022.0` is 2022, `"2.022"` is refused
/// as ambiguous, a year before 1900 is refused.
#[test]
fn a_year_of_manufacture_is_read_by_the_number_rule() {
    let s = shared();
    let text = std::fs::read_to_string(root().join("examples/registry/sample.toml")).unwrap();
    assert!(text.contains("\nyear = 2022\n"));
    let plain = Registry::from_toml("a.toml", &text, s).unwrap();
    let float = Registry::from_toml("b.toml", &text.replacen("\nyear = 2022\n", "\nyear = 2022.0\n", 1), s).unwrap();
    assert_eq!(float, plain);
    let e = Registry::from_toml("c.toml", &text.replacen("\nyear = 2022\n", "\nyear = \"2.022\"\n", 1), s).unwrap_err();
    assert!(e.to_string().contains("`2.022` is ambiguous"), "{e}");
    let e = Registry::from_toml("d.toml", &text.replacen("\nyear = 2022\n", "\nyear = 1800\n", 1), s).unwrap_err();
    assert!(e.to_string().contains("year must be at least 1900, not 1800"), "{e}");
}

#[test]
fn a_device_is_on_one_licence_in_force_and_a_moved_device_leaves_its_old_licence() {
    let s = shared();
    let mut r = base();
    // D1 is on L1 (F1, in force until 2027-03-01): a second licence for it is refused…
    let err = r.apply(s, licence("2025-06-01", "L3", "F1", "2028-06-01", &["D1"])).unwrap_err().to_string();
    assert!(err.contains("device `D1` is already covered by licence `L1` (in force until 2027-03-01)"), "{err}");
    assert!(!r.state().licences.contains_key("L3"));
    // …and allowed once L1 has expired.
    let mut later = base();
    later.apply(s, licence("2027-03-02", "L3", "F1", "2030-03-02", &["D1"])).unwrap();
    // The mobile unit D2 moves to F2: F2 may license it while L1 is in force, and L1's renewal
    // prices only D1 (CT 8,000,000 at 75 % = 6,000,000), not the device it no longer holds.
    r.apply(
        s,
        at(
            "2025-08-02",
            Change::MoveEquipment {
                id: "D2".into(),
                to_facility: Some("F2".into()),
                to_province: None,
                location: None,
            },
        ),
    )
    .unwrap();
    r.apply(s, licence("2025-08-03", "L2", "F2", "2028-08-03", &["D2"])).unwrap();
    let report = r.renewals_due(s, date("2027-01-15"), date("2027-01-15"));
    assert_eq!(report.renewals.len(), 1);
    assert_eq!(report.renewals[0].quote.as_ref().unwrap().total.amount(), rust_decimal::Decimal::from(6_000_000));
}

#[test]
fn a_mobile_device_written_with_another_province_is_refused() {
    let s = shared();
    let mut r = base();
    let mut e = device("2024-04-01", "D9", "F1", DeviceClass::XrayMobile, "S9", true);
    if let Change::RegisterEquipment { equipment } = &mut e.change {
        equipment.province = "Hà Nội".into();
    }
    let err = r.apply(s, e.clone()).unwrap_err().to_string();
    assert!(err.contains("device `D9` is mobile") && err.contains("(`ho-chi-minh`), not `Hà Nội`"), "{err}");
    // Its own head office's province, in any spelling, is accepted.
    if let Change::RegisterEquipment { equipment } = &mut e.change {
        equipment.province = "TP. Hồ Chí Minh".into();
    }
    r.apply(s, e).unwrap();
    assert_eq!(r.state().equipment["D9"].province, "ho-chi-minh");
}

#[test]
fn a_mistyped_key_in_an_event_is_refused_at_its_place_not_dropped() {
    let text = "[[history]]\ndate = \"2026-01-05\"\nchange = \"move_equipment\"\nid = \"D1\"\nto_facilty = \"F2\"\n";
    let err = Registry::events_from_toml("changes.toml", text).unwrap_err().to_string();
    assert!(err.contains("changes.toml:") && err.contains("to_facilty"), "{err}");
    let json = r#"{"history": [{"date": "2026-01-05", "change": "decommission", "id": "D1", "reason": "hỏng"}]}"#;
    let err = Registry::from_json("r.json", json, shared()).unwrap_err().to_string();
    assert!(err.contains("reason"), "{err}");
    // The same change with its right keys is read.
    let ok = "[[history]]\ndate = \"2026-01-05\"\nchange = \"move_equipment\"\nid = \"D1\"\nto_facility = \"F2\"\n";
    assert_eq!(Registry::events_from_toml("changes.toml", ok).unwrap().len(), 1);
}

#[test]
fn an_expired_licence_is_not_renewed_and_a_move_must_move() {
    let s = shared();
    let mut r = base();
    // L1 expires 2027-03-01: renewed on its last day, refused the day after.
    let renew = |day: &str| at(day, Change::RenewLicence { number: "L1".into(), expires: date("2032-03-01") });
    let err = base().apply(s, renew("2027-03-02")).unwrap_err().to_string();
    assert!(err.contains("licence `L1` expired on 2027-03-01") && err.contains("issue a new licence"), "{err}");
    r.apply(s, renew("2027-03-01")).unwrap();
    let stay = at(
        "2027-03-02",
        Change::MoveEquipment { id: "D1".into(), to_facility: Some("F1".into()), to_province: None, location: None },
    );
    let err = r.apply(s, stay).unwrap_err().to_string();
    assert!(err.contains("device `D1` is already at facility `F1`"), "{err}");
}

#[test]
fn a_corrected_serial_is_checked_like_a_new_one() {
    let s = shared();
    let mut r = base();
    let correct = |id: &str, serial: &str| {
        at(
            "2024-04-01",
            Change::UpdateEquipment {
                id: id.into(),
                description: None,
                class: None,
                location: None,
                status: None,
                manufacturer: None,
                model: None,
                serial: Some(serial.into()),
                year: None,
            },
        )
    };
    // D3 (Acme X1) corrected to D1's serial S1: the same device twice, refused.
    let err = r.apply(s, correct("D3", "S1")).unwrap_err().to_string();
    assert!(err.contains("is already registered as device `D1`"), "{err}");
    // Corrected to S9: recorded; D1's old serial S1 stays taken, D3's old S3 is free again.
    r.apply(s, correct("D3", "S9")).unwrap();
    assert_eq!(r.state().equipment["D3"].serial.as_deref(), Some("S9"));
    r.apply(s, device("2024-04-02", "D8", "F2", DeviceClass::XrayGeneral, "S3", false)).unwrap();
    assert!(r.apply(s, device("2024-04-02", "D9", "F2", DeviceClass::XrayGeneral, "S9", false)).is_err());
}

#[test]
fn a_change_names_its_kind_as_files_write_it() {
    let mut r = base();
    let s = shared();
    for e in [
        at(
            "2024-04-01",
            Change::MoveEquipment {
                id: "D1".into(),
                to_facility: None,
                to_province: Some("Huế".into()),
                location: None,
            },
        ),
        at("2024-04-02", Change::RenewLicence { number: "L1".into(), expires: date("2030-01-01") }),
        at("2024-04-03", Change::Decommission { id: "D1".into() }),
        at("2024-04-04", Change::Dispose { id: "D1".into() }),
    ] {
        r.apply(s, e).unwrap();
    }
    let mut kinds = std::collections::BTreeSet::new();
    for e in r.history() {
        let written = serde_json::to_value(e).unwrap()["change"].as_str().unwrap().to_owned();
        assert_eq!(e.change.key(), written);
        kinds.insert(written);
    }
    assert_eq!(kinds.len(), 7, "every kind but update_equipment: {kinds:?}");
    let update = Change::UpdateEquipment {
        id: "D2".into(),
        description: None,
        class: None,
        location: Some("P2".into()),
        status: None,
        manufacturer: None,
        model: None,
        serial: None,
        year: None,
    };
    let json = serde_json::to_value(Event { date: date("2024-05-01"), change: update.clone() }).unwrap();
    assert_eq!(json["change"], update.key());
}

/// A renewal whose total cannot be added to the others exactly is left out of every sum and
/// says why; it is never silently missing from them.
#[test]
fn a_renewal_too_large_to_add_is_left_out_with_a_reason() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/good/minimal/schedule.toml")).unwrap();
    let huge = text.replace("amount = 8000000", "amount = \"60000000000000000000000000000\"");
    let law = radfee::Law::from_files(crate::with_version("s.toml", &huge)).unwrap();
    let s = shared();
    let mut r = Registry::new();
    for e in [
        facility("F1", "Bình Dương"),
        device("2024-02-01", "D1", "F1", DeviceClass::XrayCt, "S1", false),
        device("2024-02-01", "D2", "F1", DeviceClass::XrayCt, "S2", false),
        licence("2024-03-01", "L1", "F1", "2027-03-01", &["D1"]),
        licence("2024-03-01", "L2", "F1", "2027-03-01", &["D2"]),
    ] {
        r.apply(s, e).unwrap();
    }
    // Each renewal: 60,000,000,000,000,000,000,000,000,000 × 0.75 = 4.5 × 10^28 đồng; the two
    // together, 9 × 10^28, pass the largest Decimal (about 7.9 × 10^28).
    let report = r.renewals_due(&law, date("2027-01-15"), date("2027-01-15"));
    assert_eq!(report.renewals.len(), 2);
    let priced: Vec<_> = report.renewals.iter().filter_map(|d| d.quote.as_ref().ok()).collect();
    assert_eq!(priced.len(), 1);
    assert_eq!(priced[0].total.amount().to_string(), "45000000000000000000000000000");
    assert_eq!(report.total, priced[0].total);
    assert_eq!(report.per_province["ho-chi-minh"], priced[0].total);
    assert_eq!(report.per_authority[&Authority::Province], priced[0].total);
    let refused = report.renewals.iter().find_map(|d| d.quote.as_ref().err()).unwrap();
    assert!(matches!(refused.kind(), radfee::ErrorKind::Overflow { .. }), "{refused}");
    assert!(refused.to_string().contains("left out of them"), "{refused}");
}
