//! Invariants over generated applications (proptest).

use proptest::prelude::*;
use radfee::{Application, Channel, Date, DeviceClass, Procedure, Quote, Schedules};
use rust_decimal::Decimal;

use crate::builtin;

fn schedules() -> &'static Schedules {
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
            let mut app = Application::new(province, procedure, Date::from_days(days).unwrap())
                .with_channel(if online { Channel::Online } else { Channel::InPerson });
            for (class, count) in devices {
                app = app.with_device(class, count);
            }
            app
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
        let mut shuffled = app.clone();
        crate::shuffle(&mut shuffled.devices, seed);
        match (schedules().quote(&app), schedules().quote(&shuffled)) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a.total, b.total),
            (Err(a), Err(b)) => prop_assert_eq!(a.is_unpriceable(), b.is_unpriceable()),
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a.map(|q| q.total), b.map(|q| q.total)),
        }
    }

    #[test]
    fn renewal_never_exceeds_new(app in arb_app()) {
        let mut new = app.clone();
        new.procedure = Procedure::New;
        let mut renewal = app;
        renewal.procedure = Procedure::Renewal;
        if let (Ok(n), Ok(r)) = (schedules().quote(&new), schedules().quote(&renewal)) {
            prop_assert!(r.total <= n.total, "renewal {} > new {}", r.total, n.total);
        }
    }

    #[test]
    fn quoting_is_deterministic_and_json_round_trips(app in arb_app()) {
        if let Ok(q) = schedules().quote(&app) {
            let again = schedules().quote(&app.clone()).unwrap();
            let json = q.to_json();
            prop_assert_eq!(&json, &again.to_json());
            let back: Quote = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &q);
            prop_assert_eq!(back.to_json(), json);
        }
    }
}

#[test]
fn quotes_from_several_threads_are_identical() {
    let s = std::sync::Arc::new(builtin());
    let app = Application::new("Cần Thơ", Procedure::Renewal, Date::new(2025, 3, 3).unwrap())
        .with_channel(Channel::Online)
        .with_device(DeviceClass::XrayCt, 3)
        .with_device(DeviceClass::XrayMobile, 1);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let s = std::sync::Arc::clone(&s);
            let app = app.clone();
            std::thread::spawn(move || (0..50).map(|_| s.quote(&app).unwrap().to_json()).collect::<Vec<_>>())
        })
        .collect();
    let first = s.quote(&app).unwrap().to_json();
    for h in handles {
        for json in h.join().unwrap() {
            assert_eq!(json, first);
        }
    }
}
