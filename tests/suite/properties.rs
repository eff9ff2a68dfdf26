//! Invariants over generated applications (proptest).

use crate::r::{Application, Channel, Date, DeviceClass, Law, Procedure, Quote};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::builtin;

fn schedules() -> &'static Law {
    crate::shared()
}

fn priced_classes() -> Vec<DeviceClass> {
    DeviceClass::ALL.to_vec()
}

fn arb_app() -> impl Strategy<Value = Application> {
    let classes = priced_classes();
    (
        0..schedules().provinces().all().len(),
        prop::sample::select(Procedure::ALL.to_vec()),
        (Date::new(2017, 1, 1).unwrap().to_days()..Date::new(2028, 12, 31).unwrap().to_days()),
        any::<bool>(),
        prop::collection::vec((prop::sample::select(classes), 1u32..=1000), 1..8),
    )
        .prop_map(|(p, procedure, days, online, devices)| {
            let province = schedules().provinces().all()[p].name().vi.clone();
            let mut b = Application::builder(province, procedure, Date::from_days(days).unwrap()).channel(if online {
                Channel::Online
            } else {
                Channel::InPerson
            });
            for (class, count) in devices {
                b = b.device(crate::dev(class, count));
            }
            b.build().unwrap()
        })
}

fn sum_of_parts(q: &Quote) -> Decimal {
    q.lines.iter().map(|l| l.amount.amount()).sum::<Decimal>()
        + q.adjustments.iter().map(|a| a.amount.amount()).sum::<Decimal>()
        + q.charges.iter().map(|c| c.amount.amount()).sum::<Decimal>()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn total_is_the_sum_of_its_parts_and_never_negative(app in arb_app()) {
        match schedules().quote(&app) {
            Ok(q) => {
                prop_assert_eq!(q.total.amount(), sum_of_parts(&q));
                prop_assert!(q.total.amount() >= Decimal::ZERO);
                prop_assert_eq!(q.subtotal.amount(), q.lines.iter().map(|l| l.amount.amount()).sum::<Decimal>());
                for l in &q.lines {
                    prop_assert_eq!(l.amount.amount(), l.unit_fee.amount() * Decimal::from(l.count));
                }
            }
            // The only refusal possible here: devices of different authorities.
            Err(e) => prop_assert!(e.is_unpriceable() && e.to_string().contains("different licensing authorities"), "{}", e),
        }
    }

    #[test]
    fn device_order_does_not_change_the_total(app in arb_app(), seed in any::<u64>()) {
        let mut devices = app.devices().to_vec();
        crate::shuffle(&mut devices, seed);
        let shuffled = devices.into_iter().fold(app.to_builder().clear_devices(), |b, d| b.device(d)).build().unwrap();
        match (schedules().quote(&app), schedules().quote(&shuffled)) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a.total, b.total),
            (Err(a), Err(b)) => prop_assert_eq!(a.is_unpriceable(), b.is_unpriceable()),
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a.map(|q| q.total), b.map(|q| q.total)),
        }
    }

    #[test]
    fn renewal_never_exceeds_new(app in arb_app()) {
        let new = app.to_builder().procedure(Procedure::New).build().unwrap();
        let renewal = app.to_builder().procedure(Procedure::Renewal).build().unwrap();
        if let (Ok(n), Ok(r)) = (schedules().quote(&new), schedules().quote(&renewal)) {
            prop_assert!(r.total <= n.total, "renewal {} > new {}", r.total, n.total);
        }
    }

    #[test]
    fn quoting_is_deterministic_and_json_round_trips(app in arb_app()) {
        if let Ok(q) = schedules().quote(&app) {
            let again = schedules().quote(&app.clone()).unwrap();
            let json = q.to_json().unwrap();
            prop_assert_eq!(&json, &again.to_json().unwrap());
            let back: Quote = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &q);
            prop_assert_eq!(back.to_json().unwrap(), json);
        }
    }
}

#[test]
fn quotes_from_several_threads_are_identical() {
    let s = std::sync::Arc::new(builtin());
    let app = Application::builder("Cần Thơ", Procedure::Renewal, Date::new(2025, 3, 3).unwrap())
        .channel(Channel::Online)
        .device(crate::dev(DeviceClass::XrayCt, 3))
        .device(crate::dev(DeviceClass::XrayMobile, 1))
        .build()
        .unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let s = std::sync::Arc::clone(&s);
            let app = app.clone();
            std::thread::spawn(move || (0..50).map(|_| s.quote(&app).unwrap().to_json().unwrap()).collect::<Vec<_>>())
        })
        .collect();
    let first = s.quote(&app).unwrap().to_json().unwrap();
    for h in handles {
        for json in h.join().unwrap() {
            assert_eq!(json, first);
        }
    }
}

fn structure_schedules() -> &'static Vec<Law> {
    static S: std::sync::OnceLock<Vec<Law>> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        let dir = crate::root().join("tests/fixtures/structures");
        let mut dirs: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        dirs.sort();
        dirs.into_iter().map(|d| Law::from_dir(d).unwrap()).collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The hot path gives exactly the full engine's total and authority, or its error.
    #[test]
    fn total_equals_the_itemised_quote(
        app in arb_app(),
        which in 0usize..10,
        kind in prop::sample::select(vec![None, Some(crate::r::FacilityKind::Hospital), Some(crate::r::FacilityKind::DentalClinic), Some(crate::r::FacilityKind::Other)]),
        sites in 1u32..5,
        late in any::<bool>(),
        partial in any::<bool>(),
    ) {
        let mut b = app.to_builder().sites(sites);
        if let Some(k) = kind { b = b.facility_kind(k); }
        if late { b = b.condition("late"); }
        if partial { b = b.condition("partial_period"); }
        let s = if which == 0 { schedules() } else { &structure_schedules()[which - 1] };
        if which > 0 {
            // Keep the classes this schedule prices (or exempts), so totals, not errors, are compared.
            let v = &s.versions()[0];
            let priced: Vec<DeviceClass> = DeviceClass::ALL.iter().copied()
                .filter(|c| v.row_for(*c).is_some() || v.exemption(*c).is_some()).collect();
            b = app.devices().iter().enumerate().fold(b.clear_devices(), |b, (k, d)| {
                b.device(crate::dev(priced[k % priced.len()], d.count()))
            });
            if app.received() < Date::new(2020, 1, 1).unwrap() {
                b = b.received(Date::new(2024, 6, 1).unwrap());
            }
        }
        let app = b.build().unwrap();
        match (s.total(&app), s.quote(&app)) {
            (Ok(t), Ok(q)) => { prop_assert_eq!(t.amount, q.total); prop_assert_eq!(t.authority, q.authority); }
            (Err(e), Err(f)) => prop_assert_eq!(e.to_string(), f.to_string()),
            (t, q) => prop_assert!(false, "total {:?} vs quote {:?}", t.map(|x| x.amount), q.map(|x| x.total)),
        }
    }
}
