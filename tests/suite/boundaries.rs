//! Dates at the edges: the online-filing window, version changes, the authority transfer.

use radfee::{Application, Authority, Channel, DeviceClass, Procedure};
use rust_decimal::Decimal;

use crate::{builtin, date};

fn online_dental(day: &str) -> radfee::Quote {
    let app = Application::new("Hà Nội", Procedure::New, date(day))
        .with_channel(Channel::Online)
        .with_device(DeviceClass::XrayDentalIntraoral, 1);
    builtin().quote(&app).unwrap()
}

#[test]
fn online_window_boundaries() {
    let cases = [
        ("2023-11-30", 2_000_000, "vn-287-2016-a116-2021"),
        ("2023-12-01", 1_800_000, "vn-287-2016-a63-2023"),
        ("2025-12-31", 1_800_000, "vn-287-2016-a63-2023"),
        ("2026-01-01", 2_000_000, "vn-287-2016-a63-2023"),
    ];
    for (day, total, version) in cases {
        let q = online_dental(day);
        assert_eq!(q.total.amount(), Decimal::from(total), "{day}");
        assert_eq!(q.schedule.id, version, "{day}");
        let reduced = q.adjustments.iter().any(|a| a.id == "online-90");
        assert_eq!(reduced, total == 1_800_000, "{day}");
    }
    // After the window the quote says why no reduction applied.
    assert!(online_dental("2026-01-01").notes.iter().any(|n| n.starts_with("Not applied: Filed online")));
    // In person, inside the window: no reduction.
    let app =
        Application::new("Hà Nội", Procedure::New, date("2024-06-01")).with_device(DeviceClass::XrayDentalIntraoral, 1);
    assert_eq!(builtin().quote(&app).unwrap().total.amount(), Decimal::from(2_000_000));
}

#[test]
fn renewal_online_inside_the_window_applies_both_factors_in_order() {
    let app = Application::new("Đồng Nai", Procedure::Renewal, date("2025-09-15"))
        .with_channel(Channel::Online)
        .with_device(DeviceClass::XrayCt, 1)
        .with_device(DeviceClass::XrayDentalPanoramic, 2);
    let q = builtin().quote(&app).unwrap();
    let amounts: Vec<String> = q.adjustments.iter().map(|a| a.amount.amount().to_string()).collect();
    assert_eq!(amounts, ["-3000000", "-900000"]);
    assert_eq!(q.total.amount(), Decimal::from(8_100_000));
}

#[test]
fn version_boundaries_2017_and_2022() {
    let s = builtin();
    let at = |day: &str| s.version_on(date(day)).map(|v| v.id().to_owned());
    assert_eq!(at("2016-12-31"), None);
    assert_eq!(at("2017-01-01").as_deref(), Some("vn-287-2016"));
    assert_eq!(at("2022-02-04").as_deref(), Some("vn-287-2016"));
    assert_eq!(at("2022-02-05").as_deref(), Some("vn-287-2016-a116-2021"));
    // The 2022 amendment changed who collects, not the amounts.
    let v = s.versions();
    assert_eq!(v[0].rows(), v[1].rows());
    assert_ne!(v[0].fingerprint(), v[1].fingerprint());
}

#[test]
fn authority_on_both_sides_of_the_transfer() {
    let s = builtin();
    let auth = |class: DeviceClass, day: &str| {
        let app = Application::new("Huế", Procedure::New, date(day)).with_device(class, 1);
        let q = s.quote(&app).unwrap();
        (q.authority, q.notes.iter().any(|n| n.contains("taken to have moved to the provinces on 2025-07-01")))
    };
    assert_eq!(auth(DeviceClass::PetCt, "2025-06-30"), (Some(Authority::Varans), false));
    assert_eq!(auth(DeviceClass::PetCt, "2025-07-01"), (Some(Authority::Province), true));
    assert_eq!(auth(DeviceClass::XrayPcbInspection, "2025-12-31"), (Some(Authority::Province), true));
    assert_eq!(auth(DeviceClass::XrayPcbInspection, "2026-01-01"), (Some(Authority::Province), false));
    assert_eq!(auth(DeviceClass::XrayGeneral, "2020-06-01").0, Some(Authority::Province));
    assert_eq!(auth(DeviceClass::XrayIndustrialRadiography, "2026-06-01").0, Some(Authority::Varans));
    assert_eq!(auth(DeviceClass::IrradiatorSource, "2025-12-31").0, Some(Authority::Ministry));
    assert_eq!(auth(DeviceClass::IrradiatorSource, "2026-01-01").0, Some(Authority::Varans));
    assert_eq!(auth(DeviceClass::NuclearGauge, "2026-01-01").0, Some(Authority::Varans));
    // The collector follows the authority.
    let app = Application::new("Huế", Procedure::New, date("2024-01-01")).with_device(DeviceClass::NuclearGauge, 1);
    assert!(s.quote(&app).unwrap().collector.unwrap().en.contains("VARANS"));
}

#[test]
fn amounts_print_as_on_the_officers_form() {
    let app = Application::new("Hà Nội", Procedure::Renewal, date("2024-01-05"))
        .with_device(DeviceClass::XrayGeneral, 1)
        .with_device(DeviceClass::XrayCt, 1);
    let q = builtin().quote(&app).unwrap();
    assert_eq!(q.total.to_string(), "8.250.000 ₫");
    let text = q.to_text();
    assert!(text.contains("8.250.000 ₫") && text.contains("-2.750.000 ₫"), "{text}");
    assert!(
        text.contains("Gia hạn giấy phép: 75 % mức phí cấp mới")
            && text.contains("Licence renewal: 75 % of the new-licence fee")
    );
    let json = q.to_json();
    assert!(json.contains("\"total\":\"8250000\"") && json.contains("\"currency\":\"VND\""), "{json}");
}
