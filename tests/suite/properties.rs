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

/// A decimal of up to `digits` significant digits with up to `scale` after the point, as
/// written in a schedule.
fn arb_decimal(digits: u32, scale: u32) -> impl Strategy<Value = String> {
    (1u32..=digits, any::<u128>(), 0..=scale).prop_map(|(n, m, s)| {
        let m = m % 10u128.pow(n);
        Decimal::from_i128_with_scale(i128::try_from(m).unwrap_or_default(), s).to_string()
    })
}

/// A `Decimal` as an integer count of `10^-28` (any `Decimal` is one exactly).
fn scaled(x: Decimal) -> num_bigint::BigInt {
    num_bigint::BigInt::from(x.mantissa()) * num_bigint::BigInt::from(10).pow(28 - x.scale())
}

/// A factor as a schedule allows it (0 to 10), with up to 11 digits after the point.
fn arb_factor() -> impl Strategy<Value = String> {
    (0u64..10, any::<u64>(), 0u32..=11).prop_map(|(whole, fraction, digits)| {
        let f = Decimal::from(whole) + Decimal::new(i64::try_from(fraction % 10u64.pow(digits)).unwrap_or(0), digits);
        // `1.001` could be a thousand and one as Vietnamese writes it, and is refused: `1.0010`.
        let text = f.to_string();
        if text.split_once('.').is_some_and(|(_, fraction)| fraction.len() == 3) { text + "0" } else { text }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    /// Near and past 28 significant digits (huge amounts, long factors, a factor adjustment, a
    /// surcharge, every rounding rule): an itemised quote's parts still add up to its total and
    /// the total agrees with it, or both refuse as too large to compute exactly. (Before every
    /// operation was exact, `Decimal` rounded there and the parts could miss the total.)
    #[test]
    fn an_itemised_quote_adds_up_near_28_digits_or_is_refused(
        amount in arb_decimal(26, 0),
        factor in arb_factor(),
        adjustment in arb_factor(),
        surcharge in arb_decimal(24, 0),
        rule in 0usize..6,
        step in prop::sample::select(vec!["1", "500", "1000"]),
        at in prop::sample::select(vec!["line", "total"]),
        count in 1u32..=1000,
    ) {
        let rule = ["half_away_from_zero", "half_even", "toward_zero", "away_from_zero", "down", "up"][rule];
        let base = std::fs::read_to_string(crate::root().join("tests/fixtures/good/minimal/schedule.toml")).unwrap();
        let text = base
            .replace("amount = 8000000", &format!("amount = \"{amount}\""))
            .replace("[procedure.new]\nfactor = 1", &format!("[procedure.new]\nfactor = \"{factor}\""))
            .replace("strategy = \"half_away_from_zero\"", &format!("strategy = \"{rule}\""))
            .replace("step = 1\nat = \"line\"", &format!("step = {step}\nat = \"{at}\""))
            + &format!(
                "\n[[adjustment]]\nid = \"f\"\nname = {{ vi = \"f\", en = \"f\" }}\nkind = \"factor\"\nfactor = \"{adjustment}\"\nbasis = {{ document = \"Test document 1/2020\", article = \"f\" }}\n\
                 \n[[adjustment]]\nid = \"s\"\nname = {{ vi = \"s\", en = \"s\" }}\nkind = \"surcharge\"\namount = \"{surcharge}\"\nbasis = {{ document = \"Test document 1/2020\", article = \"s\" }}\n"
            );
        let law = Law::from_files(crate::with_version("s.toml", &text)).unwrap();
        let app = crate::app(&format!(
            "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2024-05-10\n[[device]]\nclass = \"xray_ct\"\ncount = {count}\n"
        ));
        match (law.quote(&app), law.total(&app)) {
            (Ok(q), Ok(t)) => {
                // Added up in integers of any size: a `Decimal` sum of the parts could itself
                // need more than 28 digits.
                let parts = q.lines.iter().map(|l| l.amount)
                    .chain(q.adjustments.iter().map(|a| a.amount))
                    .chain(q.charges.iter().map(|c| c.amount));
                let sum = parts.fold(num_bigint::BigInt::from(0), |s, m| s + scaled(m.amount()));
                prop_assert_eq!(scaled(q.total.amount()), sum);
                prop_assert_eq!(q.total, t.amount);
            }
            (Err(a), Err(b)) => {
                prop_assert!(matches!(a.kind(), crate::r::ErrorKind::Overflow { .. }), "{}", a);
                prop_assert_eq!(a, b);
            }
            (a, b) => prop_assert!(false, "quote {:?} vs total {:?}", a.map(|q| q.total), b.map(|t| t.amount)),
        }
    }
}
