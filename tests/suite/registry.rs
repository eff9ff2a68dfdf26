//! The registry: operations and refusals, moves, the 45-day rule, history, persistence,
//! CSV import.

use crate::r::{
    Authority, Change, Date, Description, DeviceClass, Equipment, EquipmentStatus, Event, Facility, FacilityKind,
    Family, Licence, Registry,
};
use proptest::prelude::*;

use crate::{date, root, shared};

fn facility(id: &str, province: &str) -> Event {
    Event {
        date: date("2024-01-01"),
        change: Change::RegisterFacility {
            facility: Facility {
                id: id.into(),
                name: format!("Facility {id}"),
                tax_code: None,
                province: province.into(),
                address: None,
                kind: FacilityKind::Hospital,
            },
        },
    }
}

fn device(day: &str, id: &str, facility: &str, class: DeviceClass, serial: &str, mobile: bool) -> Event {
    Event {
        date: date(day),
        change: Change::RegisterEquipment {
            equipment: Equipment {
                id: id.into(),
                facility: facility.into(),
                description: Description::default(),
                class: Some(class),
                manufacturer: Some("Acme".into()),
                model: Some("X1".into()),
                serial: Some(serial.into()),
                year: Some(2020),
                location: None,
                mobile,
                province: String::new(),
                status: EquipmentStatus::InService,
            },
        },
    }
}

fn licence(day: &str, number: &str, facility: &str, expires: &str, devices: &[&str]) -> Event {
    Event {
        date: date(day),
        change: Change::IssueLicence {
            licence: Licence {
                number: number.into(),
                facility: facility.into(),
                authority: Authority::Province,
                issued: date(day),
                expires: date(expires),
                devices: devices.iter().map(|d| (*d).to_owned()).collect(),
            },
        },
    }
}

fn on(day: &str, mut event: Event) -> Event {
    event.date = date(day);
    event
}

fn at(day: &str, change: Change) -> Event {
    Event { date: date(day), change }
}

/// A small registry: two facilities, three devices, one licence.
pub(crate) fn base() -> Registry {
    let s = shared();
    let mut r = Registry::new();
    for e in [
        facility("F1", "Bình Dương"),
        facility("F2", "Hà Nội"),
        device("2024-02-01", "D1", "F1", DeviceClass::XrayCt, "S1", false),
        device("2024-02-01", "D2", "F1", DeviceClass::XrayMobile, "S2", true),
        device("2024-02-01", "D3", "F2", DeviceClass::XrayDentalPanoramic, "S3", false),
        licence("2024-03-01", "L1", "F1", "2027-03-01", &["D1", "D2"]),
    ] {
        r.apply(s, e).unwrap();
    }
    r
}

#[test]
fn registering_resolves_provinces_and_classes() {
    let r = base();
    assert_eq!(r.state().facilities["F1"].province, "ho-chi-minh", "Bình Dương is HCMC from 2025-07-01");
    assert_eq!(r.state().equipment["D1"].province, "ho-chi-minh");
    // A described device is classified when it is registered.
    let mut r = base();
    let mut e = device("2024-04-01", "D9", "F2", DeviceClass::XrayCt, "S9", false);
    if let Change::RegisterEquipment { equipment } = &mut e.change {
        equipment.class = None;
        equipment.description = Description::named("Máy C-arm").unwrap();
    }
    r.apply(shared(), e).unwrap();
    assert_eq!(r.state().equipment["D9"].class, Some(DeviceClass::XrayCArm));
}

#[test]
fn every_refusal_says_why_and_changes_nothing() {
    let s = shared();
    let cases: Vec<(Event, &str)> = vec![
        (on("2024-05-01", facility("F1", "Huế")), "a facility with id `F1` is already registered"),
        (on("2024-05-01", facility("F9", "Atlantis")), "unknown province `Atlantis`"),
        (
            device("2024-05-01", "D1", "F1", DeviceClass::XrayCt, "Z", false),
            "a device with id `D1` is already registered",
        ),
        (device("2024-05-01", "D8", "F7", DeviceClass::XrayCt, "Z", false), "no facility with id `F7` is registered"),
        (
            device("2024-05-01", "D8", "F2", DeviceClass::XrayCt, "S1", false),
            "serial `S1` of Acme X1 is already registered as device `D1`",
        ),
        (device("2024-01-15", "D8", "F2", DeviceClass::XrayCt, "Z", false), "the history is append-only"),
        (at("2024-05-01", Change::Dispose { id: "D1".into() }), ""),
        (
            at(
                "2024-05-01",
                Change::MoveEquipment {
                    id: "D2".into(),
                    to_facility: None,
                    to_province: Some("Huế".into()),
                    location: None,
                },
            ),
            "device `D2` is mobile",
        ),
        (
            at(
                "2024-05-01",
                Change::MoveEquipment { id: "D7".into(), to_facility: None, to_province: None, location: None },
            ),
            "no device with id `D7`",
        ),
        (
            at("2024-05-01", Change::RenewLicence { number: "L1".into(), expires: date("2027-01-01") }),
            "a renewal must extend it",
        ),
        (
            at("2024-05-01", Change::RenewLicence { number: "L9".into(), expires: date("2030-01-01") }),
            "no licence numbered `L9`",
        ),
        (licence("2024-05-01", "L1", "F1", "2027-03-01", &["D1"]), "licence `L1` already exists"),
        (licence("2024-05-01", "L2", "F2", "2027-03-01", &["D1"]), "device `D1` belongs to another facility"),
        (licence("2024-05-01", "L2", "F2", "2024-04-01", &["D3"]), "expires on 2024-04-01 but is issued on 2024-05-01"),
        // The same device three times would be priced three times at renewal.
        (
            licence("2024-05-01", "L2", "F2", "2027-05-01", &["D3", "D3", "D3"]),
            "licence `L2` names device `D3` more than once",
        ),
        (licence("2024-05-01", "L2", "F2", "2027-05-01", &[]), "licence `L2` names no device"),
        // Issued after the day the change is recorded.
        (
            {
                let mut e = licence("2024-05-01", "L2", "F2", "2027-05-01", &["D3"]);
                if let Change::IssueLicence { licence } = &mut e.change {
                    licence.issued = date("2024-06-01");
                }
                e
            },
            "licence `L2` is issued on 2024-06-01, after the day this change records (2024-05-01)",
        ),
        // A dental panoramic X-ray falls to the province: VARANS cannot license it.
        (
            {
                let mut e = licence("2024-05-01", "L2", "F2", "2027-05-01", &["D3"]);
                if let Change::IssueLicence { licence } = &mut e.change {
                    licence.authority = Authority::Varans;
                }
                e
            },
            "licence `L2` is issued by varans but device `D3` (xray_dental_panoramic) falls to province on 2024-05-01",
        ),
    ];
    for (event, needle) in cases {
        let mut r = base();
        let before = r.clone();
        let result = r.apply(s, event.clone());
        if needle.is_empty() {
            // Disposing of an in-service device is allowed (e.g. destroyed); shown for contrast.
            assert!(result.is_ok());
            continue;
        }
        let err = result.expect_err(needle);
        assert!(err.to_string().contains(needle), "{needle}: {err}");
        assert!(err.to_string().starts_with(&event.date.to_string()), "the message starts with the date: {err}");
        assert_eq!(r, before, "a refused change leaves the registry as it was");
    }
}

#[test]
fn a_decommissioned_device_cannot_move_and_cannot_be_licensed() {
    let s = shared();
    let mut r = base();
    r.apply(s, at("2025-01-01", Change::Decommission { id: "D3".into() })).unwrap();
    let err = r
        .apply(
            s,
            at(
                "2025-02-01",
                Change::MoveEquipment {
                    id: "D3".into(),
                    to_facility: Some("F1".into()),
                    to_province: None,
                    location: None,
                },
            ),
        )
        .unwrap_err();
    assert!(err.to_string().contains("device `D3` is decommissioned and cannot change any more"), "{err}");
    let err = r.apply(s, licence("2025-02-01", "L5", "F2", "2028-01-01", &["D3"])).unwrap_err();
    assert!(err.to_string().contains("decommissioned"), "{err}");
    r.apply(s, at("2025-03-01", Change::Dispose { id: "D3".into() })).unwrap();
    assert!(r.apply(s, at("2025-03-02", Change::Dispose { id: "D3".into() })).is_err());
}

#[test]
fn a_fixed_device_goes_to_the_destination_a_mobile_one_stays_with_the_head_office() {
    let s = shared();
    let mut r = base();
    r.apply(
        s,
        at(
            "2025-08-01",
            Change::MoveEquipment {
                id: "D1".into(),
                to_facility: None,
                to_province: Some("Huế".into()),
                location: Some("Phòng 5".into()),
            },
        ),
    )
    .unwrap();
    assert_eq!(r.state().equipment["D1"].province, "hue");
    // The mobile unit changes hands to F2 (Hà Nội): it follows its new head office.
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
    assert_eq!(
        (r.state().equipment["D2"].facility.as_str(), r.state().equipment["D2"].province.as_str()),
        ("F2", "ha-noi")
    );
}

#[test]
fn renewals_are_due_45_days_before_expiry_exactly() {
    let s = shared();
    let r = base();
    // L1 expires 2027-03-01: file by 2027-01-15.
    let due = |from: &str, to: &str| r.renewals_due(s, date(from), date(to)).renewals.len();
    assert_eq!(due("2027-01-15", "2027-01-15"), 1);
    assert_eq!(due("2027-01-16", "2027-12-31"), 0);
    assert_eq!(due("2026-01-01", "2027-01-14"), 0);
    let report = r.renewals_due(s, date("2027-01-01"), date("2027-01-31"));
    let renewal = &report.renewals[0];
    assert_eq!(renewal.file_by, date("2027-01-15"));
    assert_eq!(renewal.application.as_ref().unwrap().received(), date("2027-01-15"));
    // CT 8,000,000 + mobile 2,000,000, renewal at 75 %.
    let q = renewal.quote.as_ref().unwrap();
    assert_eq!(q.total.amount(), rust_decimal::Decimal::from(7_500_000));
    assert_eq!(report.per_province["ho-chi-minh"], q.total);
    assert_eq!(report.per_authority[&Authority::Province], q.total);
    assert_eq!(r.expiring(date("2027-03-01"), date("2027-03-01")).len(), 1);
}

#[test]
fn queries_by_province_family_authority_status() {
    let s = shared();
    let r = base();
    let ids = |v: Vec<&Equipment>| v.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(r.in_province(s, "TP.HCM", date("2026-01-01")).unwrap()), ["D1", "D2"]);
    assert_eq!(ids(r.in_province(s, "Bình Dương", date("2026-01-01")).unwrap()), ["D1", "D2"]);
    assert_eq!(ids(r.in_province(s, "ha noi", date("2026-01-01")).unwrap()), ["D3"]);
    assert!(r.in_province(s, "Atlantis", date("2026-01-01")).is_err());
    assert_eq!(r.in_family(Family::MedicalXray).len(), 3);
    assert_eq!(r.under_authority(s, Authority::Province, date("2026-01-01")).len(), 3);
    assert_eq!(ids(r.equipment_where(|e| e.facility == "F2")), ["D3"]);
    assert_eq!(r.equipment_where(|e| e.status == EquipmentStatus::InService).len(), 3);
}

#[test]
fn the_past_is_rebuilt_from_the_history() {
    let s = shared();
    let mut r = base();
    r.apply(s, at("2025-01-01", Change::Decommission { id: "D3".into() })).unwrap();
    assert_eq!(r.state_on(date("2025-01-01")), *r.state());
    assert_eq!(r.state_on(date("2024-12-31")).equipment["D3"].status, EquipmentStatus::InService);
    assert!(r.state_on(date("2024-01-31")).equipment.is_empty());
    assert_eq!(r.state_on(date("2024-01-31")).facilities.len(), 2);
}

#[test]
fn the_sample_registry_round_trips_through_toml_and_json() {
    let s = shared();
    let text = std::fs::read_to_string(root().join("examples/registry/sample.toml")).unwrap();
    let r = Registry::from_toml("sample.toml", &text, s).unwrap();
    assert_eq!(r.state().equipment.len(), 9);
    let toml = r.to_toml().unwrap();
    assert_eq!(Registry::from_toml("again.toml", &toml, s).unwrap(), r);
    let json = r.to_json().unwrap();
    assert_eq!(Registry::from_json("again.json", &json, s).unwrap(), r);
    // A state that disagrees with its history is refused.
    let tampered = toml.replacen("status = \"decommissioned\"", "status = \"in_service\"", 1);
    assert_ne!(tampered, toml);
    let err = Registry::from_toml("t.toml", &tampered, s).unwrap_err();
    assert!(err.to_string().contains("does not match what its history gives"), "{err}");
}

#[test]
fn a_refused_history_event_is_named_by_its_place_in_the_file() {
    let s = shared();
    let toml = "[[history]]\ndate = 2024-01-01\nchange = \"register_facility\"\nfacility = { id = \"F1\", name = \"A\", province = \"Huế\", kind = \"hospital\" }\n\n[[history]]\ndate = 2024-02-01\nchange = \"decommission\"\nid = \"D9\"\n";
    let err = Registry::from_toml("r.toml", toml, s).unwrap_err();
    assert_eq!(err.to_string(), "r.toml:6:1: 2024-02-01: no device with id `D9` is registered");
    let r = Registry::from_toml("r.toml", &toml[..toml.find("\n\n").unwrap()], s).unwrap();
    let json = r.to_json().unwrap().replace("\n  \"state\"", "\n  \"history2\"");
    let err = Registry::from_json("r.json", &json, s).unwrap_err().to_string();
    assert!(err.starts_with("r.json:"), "{err}");
    let json = "{\"history\": [\n  {\"date\": \"2024-01-01\", \"change\": \"register_facility\", \"facility\": {\"id\": \"F1\", \"name\": \"A\", \"province\": \"Huế\", \"kind\": \"hospital\"}},\n  {\"date\": \"2024-02-01\", \"change\": \"dispose\", \"id\": \"D9\"}\n]}";
    let err = Registry::from_json("r.json", json, s).unwrap_err();
    assert_eq!(err.to_string(), "r.json:3:3: 2024-02-01: no device with id `D9` is registered");
    // JSON numbers with a fraction would pass through a binary float: refused at their place.
    let json = json.replace("\"id\": \"D9\"", "\"id\": \"D9\", \"year\": 0.7500000000000000001");
    let err = Registry::from_json("r.json", &json, s).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("r.json:3:67: `0.7500000000000000001`: JSON would read this number through a binary float"),
        "{err}"
    );
}

#[test]
fn csv_import_keeps_good_rows_and_reports_bad_ones_by_line() {
    let s = shared();
    let mut r = base();
    let csv = "Mã cơ sở,Mã thiết bị,Tên thiết bị,Loại,Hãng sản xuất,Model,Số seri,Năm sản xuất,Vị trí,Di động\n\
        F2,D10,Máy CT 64 lát,,GE,Revolution,R-1,2021,Phòng CT,không\n\
        F2,D11,,xray_mammography,Hologic,3Dimensions,H-1,2022,Phòng 3,\n\
        F9,D12,,xray_ct,GE,Revolution,R-2,2021,,\n\
        F2,D13,Máy X-quang răng,,Vatech,PaX,V-1,2020,,\n\
        F2,D14,,xray_ct,GE,Revolution,R-1,2021,,\n\
        F2,D15,,xray_cat,GE,Revolution,R-3,2021,,\n\
        F2,D16,,xray_mobile,GE,AMX,A-1,20x0,,\n\
        F2,D17,,xray_mobile,GE,AMX,A-2,2019,,có\n";
    let report = r.import_csv(s, csv.as_bytes(), date("2025-09-01")).unwrap();
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(report.imported, 3, "{problems:#?}");
    assert_eq!(problems.len(), 5, "{problems:#?}");
    assert!(problems[0].starts_with("line 4: ") && problems[0].contains("no facility with id `F9`"), "{}", problems[0]);
    assert!(problems[1].starts_with("line 5: ") && problems[1].contains("give its class"), "{}", problems[1]);
    assert!(problems[2].starts_with("line 6: ") && problems[2].contains("serial `R-1`"), "{}", problems[2]);
    assert!(
        problems[3].starts_with("line 7: ") && problems[3].contains("unknown device class `xray_cat`"),
        "{}",
        problems[3]
    );
    assert!(
        problems[4].starts_with("line 8: ") && problems[4].contains("year: `20x0` is not a number"),
        "{}",
        problems[4]
    );
    assert_eq!(r.state().equipment["D10"].class, Some(DeviceClass::XrayCt));
    assert!(r.state().equipment["D17"].mobile);
    // A wrong header is refused as a whole.
    let err = r.import_csv(s, "colour,Mã thiết bị\n".as_bytes(), date("2025-09-01")).unwrap_err();
    assert!(
        err.to_string()
            .contains("missing column `facility_id` (the header also has `colour`, which the import does not read"),
        "{err}"
    );
}

#[test]
fn the_registry_example_lists_renewals_with_totals() {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().and_then(|d| d.parent()).unwrap().join("examples").join("registry");
    let o = std::process::Command::new(bin)
        .args(["examples/registry/sample.toml", "--today", "2026-11-22", "--lang", "en"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("Total: 18.750.000 ₫"), "{out}");
    assert!(out.contains("Thành phố Hải Phòng") && out.contains("3.750.000 ₫"), "{out}");
}

/// Random sequences of changes, valid or not.
fn arb_events() -> impl Strategy<Value = Vec<(u16, u8, u8, u8)>> {
    prop::collection::vec((0u16..2000, 0u8..9, 0u8..6, 0u8..6), 1..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(80))]

    #[test]
    fn replay_equals_state_and_persistence_loses_nothing(steps in arb_events()) {
        let s = shared();
        let mut r = Registry::new();
        let mut days: Vec<u16> = steps.iter().map(|x| x.0).collect();
        days.sort_unstable();
        let start = Date::new(2024, 1, 1).unwrap().to_days();
        let provinces = ["Hà Nội", "Huế", "Bình Dương", "Đồng Nai"];
        let classes = [DeviceClass::XrayCt, DeviceClass::XrayMobile, DeviceClass::NuclearGauge, DeviceClass::XrayDentalIntraoral];
        for (k, (&(_, op, a, b), day)) in steps.iter().zip(days).enumerate() {
            let d = Date::from_days(start + i64::from(day)).unwrap();
            let change = match op {
                0 => Change::RegisterFacility { facility: Facility { id: format!("F{a}"), name: "F".into(), tax_code: None, province: provinces[usize::from(b) % 4].into(), address: None, kind: FacilityKind::Clinic } },
                1 | 2 => Change::RegisterEquipment { equipment: Equipment {
                    id: format!("D{k}"), facility: format!("F{a}"), description: Description::default(), class: Some(classes[usize::from(b) % 4]),
                    manufacturer: Some("M".into()), model: Some("X".into()), serial: Some(format!("S{}", b)), year: None, location: None,
                    mobile: b % 2 == 0, province: String::new(), status: EquipmentStatus::InService } },
                3 => Change::MoveEquipment { id: format!("D{a}"), to_facility: Some(format!("F{b}")), to_province: (a % 2 == 0).then(|| provinces[usize::from(b) % 4].to_owned()), location: None },
                4 => Change::Decommission { id: format!("D{a}") },
                5 => Change::Dispose { id: format!("D{a}") },
                6 => Change::IssueLicence { licence: Licence { number: format!("L{a}"), facility: format!("F{b}"), authority: Authority::Province, issued: d, expires: Date::from_days(d.to_days() + 1095).unwrap(), devices: vec![format!("D{a}"), format!("D{b}")] } },
                7 => Change::RenewLicence { number: format!("L{a}"), expires: Date::from_days(d.to_days() + 1500).unwrap() },
                _ => Change::UpdateEquipment { id: format!("D{a}"), description: None, class: None, location: Some(format!("room {b}")), status: None, manufacturer: None, model: None, serial: None, year: None },
            };
            let before = r.clone();
            if r.apply(s, Event { date: d, change }).is_err() {
                prop_assert_eq!(&r, &before);
            }
        }
        let last = r.history().last().map_or(Date::new(2024, 1, 1).unwrap(), |e| e.date);
        prop_assert_eq!(&r.state_on(last), r.state());
        let toml = r.to_toml().unwrap();
        prop_assert_eq!(&Registry::from_toml("r.toml", &toml, s).unwrap(), &r);
        prop_assert_eq!(&Registry::from_json("r.json", &r.to_json().unwrap(), s).unwrap(), &r);
    }
}

mod rules;
