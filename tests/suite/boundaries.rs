//! Dates at the edges: the online-filing window, version changes, the authority transfer.

use crate::r::{Application, Authority, Channel, DeviceClass, Procedure};
use rust_decimal::Decimal;

use crate::{builtin, date};

fn online_dental(day: &str) -> crate::r::Quote {
    let app = Application::builder("Hà Nội", Procedure::New, date(day))
        .channel(Channel::Online)
        .device(crate::dev(DeviceClass::XrayDentalIntraoral, 1))
        .build()
        .unwrap();
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
    let app = Application::builder("Hà Nội", Procedure::New, date("2024-06-01"))
        .device(crate::dev(DeviceClass::XrayDentalIntraoral, 1))
        .build()
        .unwrap();
    assert_eq!(builtin().quote(&app).unwrap().total.amount(), Decimal::from(2_000_000));
}

#[test]
fn renewal_online_inside_the_window_applies_both_factors_in_order() {
    let app = Application::builder("Đồng Nai", Procedure::Renewal, date("2025-09-15"))
        .channel(Channel::Online)
        .device(crate::dev(DeviceClass::XrayCt, 1))
        .device(crate::dev(DeviceClass::XrayDentalPanoramic, 2))
        .build()
        .unwrap();
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
    // The 2022 amendment changed who collects and halved point 7 (import and export of
    // radioactive sources); every other row is the same.
    let v = s.versions();
    let amounts =
        |k: usize| -> Vec<(String, Decimal)> { v[k].rows().iter().map(|r| (r.id.clone(), r.amount)).collect() };
    let changed: Vec<(String, Decimal, Decimal)> =
        amounts(0).into_iter().zip(amounts(1)).filter(|(a, b)| a != b).map(|((id, a), (_, b))| (id, a, b)).collect();
    let d = Decimal::from;
    assert_eq!(
        changed,
        [
            ("7.1".to_owned(), d(7_000_000), d(3_500_000)),
            ("7.2".to_owned(), d(2_000_000), d(1_000_000)),
            ("7.3".to_owned(), d(1_000_000), d(500_000)),
        ]
    );
    assert_eq!(v[0].rows().len(), v[1].rows().len());
    assert_ne!(v[0].fingerprint(), v[1].fingerprint());
}

#[test]
fn authority_on_both_sides_of_the_transfer() {
    let s = builtin();
    let auth = |class: DeviceClass, day: &str| {
        let app = Application::builder("Huế", Procedure::New, date(day)).device(crate::dev(class, 1)).build().unwrap();
        s.quote(&app).unwrap().authority
    };
    assert_eq!(auth(DeviceClass::PetCt, "2025-06-30"), Some(Authority::Varans));
    // 2025-07-01 to 2025-12-31 is contested: VARANS under the default reading (the 2025 Law,
    // 2026-01-01), the province under Decree 133/2025 (2025-07-01).
    assert_eq!(auth(DeviceClass::PetCt, "2025-07-01"), Some(Authority::Varans));
    assert_eq!(auth(DeviceClass::XrayPcbInspection, "2025-12-31"), Some(Authority::Varans));
    assert_eq!(auth(DeviceClass::XrayPcbInspection, "2026-01-01"), Some(Authority::Province));
    assert_eq!(auth(DeviceClass::XrayGeneral, "2025-09-01"), Some(Authority::Province), "not contested");
    assert_eq!(auth(DeviceClass::XrayGeneral, "2020-06-01"), Some(Authority::Province));
    assert_eq!(auth(DeviceClass::XrayIndustrialRadiography, "2026-06-01"), Some(Authority::Varans));
    assert_eq!(auth(DeviceClass::IrradiatorSource, "2025-12-31"), Some(Authority::Ministry));
    assert_eq!(auth(DeviceClass::IrradiatorSource, "2026-01-01"), Some(Authority::Varans));
    assert_eq!(auth(DeviceClass::NuclearGauge, "2026-01-01"), Some(Authority::Varans));
    // The collector follows the authority.
    let app = Application::builder("Huế", Procedure::New, date("2024-01-01"))
        .device(crate::dev(DeviceClass::NuclearGauge, 1))
        .build()
        .unwrap();
    assert!(s.quote(&app).unwrap().collector.unwrap().en.contains("VARANS"));
}

/// Inside the contested period the quote states both readings, which one it applied and why;
/// an application is refused as split only when it splits under both readings.
#[test]
fn a_contested_period_shows_both_readings_and_splits_only_under_both() {
    use crate::r::Reading;
    let s = builtin();
    let app = |day: &str, classes: &[DeviceClass]| {
        classes
            .iter()
            .fold(Application::builder("Huế", Procedure::New, date(day)), |a, c| a.device(crate::dev(*c, 1)))
            .build()
            .unwrap()
    };
    // One PET/CT: the default reading applies (VARANS); the other gives the province.
    let q = s.quote(&app("2025-09-15", &[DeviceClass::PetCt])).unwrap();
    let c = q.contested.as_ref().expect("contested");
    assert_eq!((q.authority, c.applied), (Some(Authority::Varans), Reading::Default));
    assert_eq!((c.default.authority, c.alternative.authority), (Some(Authority::Varans), Some(Authority::Province)));
    assert!(c.alternative.reading.en.contains("Decree 133/2025"), "{}", c.alternative.reading.en);
    assert!(c.why.en.contains("published as new procedures in January 2026"), "{}", c.why.en);
    assert!(q.collector.as_ref().unwrap().en.contains("VARANS"));
    let w = q.warnings.iter().find(|w| w.id == "contested-authority").expect("a warning");
    assert_eq!(w.level, crate::r::WarningLevel::High, "the readings give different collectors");
    assert!(w.en.contains("Under the other reading (Decree 133/2025/ND-CP: moved on 2025-07-01) the application falls to the province (DOST)"), "{}", w.en);
    assert_eq!(q.total.amount(), Decimal::from(16_000_000), "the fee is the same under both");

    // CT (province under both) with PET/CT: split under the default reading, whole under the
    // other, so the other reading is applied, with a warning naming the reading that splits it.
    let q = s.quote(&app("2025-09-15", &[DeviceClass::XrayCt, DeviceClass::PetCt])).unwrap();
    let c = q.contested.as_ref().unwrap();
    assert_eq!((q.authority, c.applied), (Some(Authority::Province), Reading::Alternative));
    assert_eq!(c.default.authority, None);
    assert_eq!(c.default.split.as_deref(), Some("`xray_ct` falls to province, `pet_ct` falls to varans"));
    assert!(
        c.why.en.starts_with("under the default reading the devices fall to different authorities"),
        "{}",
        c.why.en
    );
    let w = q.warnings.iter().find(|w| w.id == "contested-authority").unwrap();
    assert!(w.en.contains("Under the default reading (the 2025 Law on Atomic Energy (94/2025/QH15)"), "{}", w.en);
    assert!(w.en.contains("falls to different authorities (it would have to be split)"), "{}", w.en);
    assert_eq!(q.total.amount(), Decimal::from(24_000_000));

    // PET/CT with a nuclear gauge (VARANS under both readings): whole under the default reading.
    let q = s.quote(&app("2025-09-15", &[DeviceClass::PetCt, DeviceClass::NuclearGauge])).unwrap();
    assert_eq!((q.authority, q.contested.as_ref().unwrap().applied), (Some(Authority::Varans), Reading::Default));
    assert_eq!(q.contested.as_ref().unwrap().alternative.authority, None, "the other reading would split it");

    // CT with a nuclear gauge splits under both readings (neither is contested): refused.
    let e = s.quote(&app("2025-09-15", &[DeviceClass::XrayCt, DeviceClass::NuclearGauge])).unwrap_err();
    assert!(e.is_unpriceable());
    // CT + PET/CT + gauge: split under the default (CT vs the rest) and the other (gauge vs the rest).
    let e =
        s.quote(&app("2025-09-15", &[DeviceClass::XrayCt, DeviceClass::PetCt, DeviceClass::NuclearGauge])).unwrap_err();
    assert!(e.is_unpriceable());
    assert!(e.to_string().contains("under both readings of a contested question"), "{e}");
    // Outside the period, no contest is shown.
    let q = s.quote(&app("2026-01-01", &[DeviceClass::PetCt])).unwrap();
    assert!(q.contested.is_none() && q.warnings.iter().all(|w| w.id != "contested-authority"));
    // The lean path agrees with the quote in the contested period.
    for classes in [&[DeviceClass::PetCt][..], &[DeviceClass::XrayCt, DeviceClass::PetCt]] {
        let a = app("2025-09-15", classes);
        let q = s.quote(&a).unwrap();
        let t = s.total(&a).unwrap();
        assert_eq!((t.amount, t.authority), (q.total, q.authority), "{classes:?}");
    }
}

#[test]
fn amounts_print_as_on_the_officers_form() {
    let app = Application::builder("Hà Nội", Procedure::Renewal, date("2024-01-05"))
        .device(crate::dev(DeviceClass::XrayGeneral, 1))
        .device(crate::dev(DeviceClass::XrayCt, 1))
        .build()
        .unwrap();
    let q = builtin().quote(&app).unwrap();
    assert_eq!(q.total.to_string(), "8.250.000 ₫");
    let text = q.to_text();
    assert!(text.contains("8.250.000 ₫") && text.contains("-2.750.000 ₫"), "{text}");
    assert!(
        text.contains("Gia hạn giấy phép: 75 % mức phí cấp mới")
            && text.contains("Licence renewal: 75 % of the new-licence fee")
    );
    let json = q.to_json().unwrap();
    assert!(json.contains("\"total\":\"8250000\"") && json.contains("\"currency\":\"VND\""), "{json}");
}

/// `Law::total` says which reading it applied in a contested period, and none outside it.
#[test]
fn a_total_names_the_reading_it_applied() {
    use crate::r::Reading;
    let s = builtin();
    let total = |day: &str, classes: &[DeviceClass]| {
        let app = classes
            .iter()
            .fold(Application::builder("Huế", Procedure::New, date(day)), |a, c| a.device(crate::dev(*c, 1)))
            .build()
            .unwrap();
        s.total(&app).unwrap()
    };
    assert_eq!(total("2025-09-15", &[DeviceClass::PetCt]).reading, Some(Reading::Default));
    assert_eq!(total("2025-09-15", &[DeviceClass::XrayCt, DeviceClass::PetCt]).reading, Some(Reading::Alternative));
    assert_eq!(total("2025-09-15", &[DeviceClass::XrayCt]).reading, None, "CT is not contested");
    assert_eq!(total("2026-01-01", &[DeviceClass::PetCt]).reading, None, "outside the period");
}

/// Warnings are listed high first, whatever their order in the files: a schedule notice and the
/// contested-authority warning (always high) on the same quote and total.
#[test]
fn warnings_come_high_first() {
    use crate::r::WarningLevel;
    let mut text = std::fs::read_to_string(crate::root().join("tests/fixtures/good/minimal/schedule.toml")).unwrap();
    text.push_str(
        r#"
[[row]]
id = "3"
name = { vi = "PET/CT", en = "PET/CT" }
unit = "device"
amount = 16000000
basis = { document = "Test document 1/2020", article = "row 3" }
classes = ["pet_ct"]

[[warning]]
id = "a-notice"
level = "notice"
from = 2025-01-01
vi = "Lưu ý thử nghiệm."
en = "A test notice."
basis = { document = "Test document 1/2020" }
"#,
    );
    let law = crate::r::Law::from_files(crate::with_version("s.toml", &text)).unwrap();
    let app = Application::builder("Huế", Procedure::New, date("2025-09-15"))
        .device(crate::dev(DeviceClass::PetCt, 1))
        .build()
        .unwrap();
    let q = law.quote(&app).unwrap();
    let ids: Vec<(&str, WarningLevel)> = q.warnings.iter().map(|w| (w.id.as_str(), w.level)).collect();
    assert_eq!(ids, [("contested-authority", WarningLevel::High), ("a-notice", WarningLevel::Notice)]);
    let t = law.total(&app).unwrap();
    let ids: Vec<(&str, WarningLevel)> = t.warnings.iter().map(|w| (w.id.as_str(), w.level)).collect();
    assert_eq!(ids, [("contested-authority", WarningLevel::High), ("a-notice", WarningLevel::Notice)]);
}

/// Before Decree 142/2020 (2017-01-01 to 2021-01-31) who licenses rests on an assumption; the
/// quote says so, and a quote after that period does not.
#[test]
fn the_authority_assumption_of_a_period_is_on_its_quotes() {
    let s = builtin();
    let quote = |day: &str| {
        s.quote(
            &Application::builder("Huế", Procedure::New, date(day))
                .device(crate::dev(DeviceClass::XrayGeneral, 1))
                .build()
                .unwrap(),
        )
        .unwrap()
    };
    let assumed = "the same split is assumed for 2017 to 2021-01-31";
    let q = quote("2021-01-31");
    assert!(q.notes.iter().any(|n| n.contains(assumed)), "{:#?}", q.notes);
    let q = quote("2021-02-01");
    assert!(!q.notes.iter().any(|n| n.contains(assumed)), "{:#?}", q.notes);
}

/// A class given with a description the classifier reads as several classes: the note names
/// them and says the class given is one of them (not a disagreement).
#[test]
fn a_class_given_among_the_candidates_is_not_a_disagreement() {
    let text = "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2026-03-02\n[[device]]\nclass = \"xray_dental_panoramic\"\nname = \"Máy X-quang răng\"\n";
    let q = builtin().quote(&crate::app(text)).unwrap();
    let note = q.notes.iter().find(|n| n.starts_with("Device 1:")).expect("a note on device 1");
    assert!(
        note.contains("the description fits `xray_dental_intraoral` or `xray_dental_panoramic`")
            && note.ends_with("the class given, `xray_dental_panoramic`, is one of them."),
        "{note}"
    );
    assert!(!q.notes.iter().any(|n| n.starts_with("DISAGREEMENT")));
}

/// What the classifier could not check reaches the quote as a note of its device; the
/// warnings the quote carries itself (the reported circular, a contested authority) do not
/// come twice.
#[test]
fn classifier_warnings_reach_the_quote_once() {
    let text = "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2026-09-15\n[[device]]\nname = \"máy đo mức\"\nradiation = \"sealed_source\"\nuse = \"industrial\"\n[[device.source]]\nnuclide = \"Cs-137\"\nactivity = \"3.7 GBq\"\n";
    let q = builtin().quote(&crate::app(text)).unwrap();
    assert!(q.warnings.iter().any(|w| w.id == "reported-74-2026"), "the quote's own warning");
    let device_notes: Vec<&String> = q.notes.iter().filter(|n| n.starts_with("Device 1: ")).collect();
    assert!(device_notes.iter().any(|n| n.contains("no reference_date")), "{device_notes:#?}");
    assert!(
        !device_notes.iter().any(|n| n.starts_with("Device 1: high (")
            || n.starts_with("Device 1: notice (")
            || n.starts_with("Device 1: contested:")),
        "{device_notes:#?}"
    );
}

/// `Adjustment::applies` (for services): the 63/2023 online reduction applies to an online
/// application of 2025, not to one filed in person.
#[test]
fn an_adjustment_says_whether_it_applies() {
    let s = builtin();
    let app = |channel| {
        Application::builder("Đồng Nai", Procedure::New, date("2025-09-15"))
            .channel(channel)
            .device(crate::dev(DeviceClass::XrayCt, 1))
            .build()
            .unwrap()
    };
    let v = s.versions().iter().rev().find(|v| v.effective_from() <= date("2025-09-15")).unwrap();
    let online: Vec<&str> =
        v.adjustments().iter().filter(|a| a.applies(&app(Channel::Online))).map(|a| a.id.as_str()).collect();
    let in_person: Vec<&str> =
        v.adjustments().iter().filter(|a| a.applies(&app(Channel::InPerson))).map(|a| a.id.as_str()).collect();
    assert!(!online.is_empty() && in_person.is_empty(), "{online:?} {in_person:?}");
}

/// A version with an explicit end is in force on that day and not the day after.
#[test]
fn a_version_ends_on_its_last_day() {
    let text = std::fs::read_to_string(crate::root().join("tests/fixtures/good/minimal/schedule.toml")).unwrap();
    let text =
        text.replacen("effective_from = 2020-01-01", "effective_from = 2020-01-01\neffective_until = 2022-12-31", 1);
    let law = crate::r::Law::from_files(crate::with_version("s.toml", &text)).unwrap();
    let app = |day: &str| {
        Application::builder("Huế", Procedure::New, date(day))
            .device(crate::dev(DeviceClass::XrayCt, 1))
            .build()
            .unwrap()
    };
    assert_eq!(law.total(&app("2022-12-31")).unwrap().amount.amount(), Decimal::from(8_000_000));
    let e = law.total(&app("2023-01-01")).unwrap_err();
    assert!(matches!(e.kind(), crate::r::ErrorKind::NothingInForce { .. }), "{e}");
}

/// In the contested period a described PET/CT carries the contest once, as the quote's own
/// warning, not again as a note of the device.
#[test]
fn a_contest_reaches_the_quote_once_for_a_described_device() {
    let text = "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2025-09-15\n[[device]]\nname = \"Máy PET/CT\"\n";
    let q = builtin().quote(&crate::app(text)).unwrap();
    assert_eq!(q.lines[0].class, Some(DeviceClass::PetCt));
    assert!(q.warnings.iter().any(|w| w.id == "contested-authority"));
    let c = builtin().classify(&crate::r::Description::named("Máy PET/CT").unwrap(), date("2025-09-15")).unwrap();
    assert!(c.warnings.iter().any(|w| w.starts_with("contested:")), "the classifier says it: {:?}", c.warnings);
    assert!(!q.notes.iter().any(|n| n.starts_with("Device 1: contested:")), "{:#?}", q.notes);
}
