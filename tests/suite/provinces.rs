//! The 34 provinces give the same quote; lookup is forgiving and never ambiguous.

use crate::r::{Application, DeviceClass, Law, Procedure};

use crate::{builtin, date, root};

fn quote_in(s: &Law, province: &str, day: &str) -> crate::r::Quote {
    let app = Application::builder(province, Procedure::Renewal, date(day))
        .device(crate::dev(DeviceClass::XrayCt, 1))
        .device(crate::dev(DeviceClass::XrayMammography, 2))
        .build()
        .unwrap();
    s.quote(&app).unwrap_or_else(|e| panic!("{province}: {e}"))
}

#[test]
fn every_province_and_former_name_gives_the_identical_quote_and_fingerprint() {
    let s = builtin();
    let reference = quote_in(s, "Hà Nội", "2026-02-01");
    let mut names: Vec<String> = Vec::new();
    for p in s.provinces().all() {
        names.push(p.name().vi.clone());
        names.push(p.slug().to_owned());
        for f in p.former() {
            names.push(f.name.vi.clone());
        }
    }
    assert_eq!(names.len(), 34 * 2 + 29);
    for name in names {
        let q = quote_in(s, &name, "2026-02-01");
        assert_eq!(q.total, reference.total, "{name}");
        assert_eq!(q.lines, reference.lines, "{name}");
        assert_eq!(q.adjustments, reference.adjustments, "{name}");
        assert_eq!(q.schedule, reference.schedule, "{name}");
        assert!(s.provinces().by_slug(&q.province_detail.slug).is_some(), "{name} resolved to a current province");
    }
}

#[test]
fn lookup_forgives_spelling_and_resolves_former_names_by_date() {
    let s = builtin();
    let p = s.provinces();
    let slug =
        |name: &str, day: &str| p.resolve(name, date(day)).map(|(r, _)| r.slug).unwrap_or_else(|e| e.to_string());
    let cases = [
        ("Hà Nội", "ha-noi"),
        ("ha noi", "ha-noi"),
        ("HÀ NỘI", "ha-noi"),
        ("Hanoi", "ha-noi"),
        ("Thành phố Hà Nội", "ha-noi"),
        ("TP. Hà Nội", "ha-noi"),
        ("Ha\u{0300} No\u{0302}\u{0323}i", "ha-noi"),
        ("Hà Nam", "ninh-binh"),
        ("Quảng Nam", "da-nang"),
        ("Quảng Ninh", "quang-ninh"),
        ("quang ninh", "quang-ninh"),
        ("TP.HCM", "ho-chi-minh"),
        ("Ho Chi Minh City", "ho-chi-minh"),
        ("HCMC", "ho-chi-minh"),
        ("Thành phố Hồ Chí Minh", "ho-chi-minh"),
        ("Bình Dương", "ho-chi-minh"),
        ("Tỉnh Bà Rịa - Vũng Tàu", "ho-chi-minh"),
        ("dong-nai", "dong-nai"),
        ("Dong Nai", "dong-nai"),
        ("Bình Phước", "dong-nai"),
        ("Thừa Thiên Huế", "hue"),
        ("Đắk Nông", "lam-dong"),
        ("Đắk Lắk", "dak-lak"),
        ("Dak Lak Province", "dak-lak"),
        ("Kiên Giang", "an-giang"),
    ];
    for (name, expected) in cases {
        assert_eq!(slug(name, "2025-07-01"), expected, "{name}");
    }
    // Before the merger a former province is itself competent.
    let (r, _) = p.resolve("Bình Dương", date("2025-06-30")).unwrap();
    assert_eq!((r.slug.as_str(), r.historical), ("binh-duong", true));
    let (r, _) = p.resolve("Bình Dương", date("2025-07-01")).unwrap();
    assert_eq!((r.slug.as_str(), r.historical), ("ho-chi-minh", false));
    assert_eq!(r.former.unwrap().slug, "binh-duong");
    // Unknown names are refused with suggestions, never guessed.
    assert!(slug("Quảng", "2025-07-01").starts_with("unknown province `Quảng`; did you mean"));
    assert!(slug("Atlantis", "2025-07-01").starts_with("unknown province `Atlantis`"));
}

#[test]
fn a_former_name_before_the_merger_is_priced_by_its_own_department() {
    let s = builtin();
    let q = quote_in(s, "Bình Dương", "2024-06-01");
    assert_eq!(q.province, "Tỉnh Bình Dương");
    assert_eq!(q.collector.unwrap().vi, "Sở Khoa học và Công nghệ tỉnh Bình Dương");
    let q = quote_in(s, "Bình Dương", "2026-02-01");
    assert_eq!(q.province, "Thành phố Hồ Chí Minh");
    assert!(q.notes[0].contains("merged into Ho Chi Minh City on 2025-07-01"), "{:?}", q.notes);
}

#[test]
fn a_deviation_is_visible_on_the_quote() {
    let s = Law::from_dir(root().join("tests/fixtures/good/deviation")).unwrap();
    let app = |p: &str| {
        Application::builder(p, Procedure::New, date("2024-05-10"))
            .device(crate::dev(DeviceClass::XrayDentalIntraoral, 2))
            .build()
            .unwrap()
    };
    let q = s.quote(&app("TP.HCM")).unwrap();
    assert_eq!(q.total.amount(), rust_decimal::Decimal::from(3_000_000));
    assert_eq!(q.schedule.id, "test-base+ho-chi-minh.test-2021");
    assert!(q.schedule.deviation.as_deref().unwrap().contains("Local dental X-ray fee (test)"));
    assert!(q.notes.iter().any(|n| n.starts_with("LOCAL DEVIATION")));
    assert_eq!(q.schedule.legal_basis.last().unwrap(), "Nghị quyết HĐND thử nghiệm 01/2021, Điều 1");
    let national = s.versions()[0].fingerprint();
    assert_ne!(q.schedule.fingerprint, national);
    // Before the deviation starts, the national rule applies.
    let before = Application::builder("TP.HCM", Procedure::New, date("2020-05-10"))
        .device(crate::dev(DeviceClass::XrayDentalIntraoral, 2))
        .build()
        .unwrap();
    let q = s.quote(&before).unwrap();
    assert_eq!((q.total.amount(), q.schedule.fingerprint.as_str()), (rust_decimal::Decimal::from(4_000_000), national));
}

/// A former name is priced as its own province until the merger and as the new one from its
/// first day: a deviation of the new province applies to the former name only from then.
#[test]
fn a_former_name_follows_the_new_provinces_deviation_from_the_merger() {
    let s = Law::from_dir(root().join("tests/fixtures/good/deviation")).unwrap();
    let national = s.versions()[0].fingerprint().to_owned();
    for (name, day, total, deviated) in [
        ("Bình Dương", "2025-06-30", 4_000_000, false),
        ("Bình Dương", "2025-07-01", 3_000_000, true),
        ("Bà Rịa - Vũng Tàu", "2024-05-10", 4_000_000, false),
        // The new province's own name before its `since`: its deviation (from 2021) applies.
        ("TP.HCM", "2024-05-10", 3_000_000, true),
    ] {
        let app = Application::builder(name, Procedure::New, date(day))
            .device(crate::dev(DeviceClass::XrayDentalIntraoral, 2))
            .build()
            .unwrap();
        let q = s.quote(&app).unwrap();
        assert_eq!(q.total.amount(), rust_decimal::Decimal::from(total), "{name} {day}");
        assert_eq!(q.schedule.fingerprint != national, deviated, "{name} {day}");
        assert_eq!(s.total(&app).unwrap().amount, q.total, "{name} {day}: total and quote agree");
    }
}
