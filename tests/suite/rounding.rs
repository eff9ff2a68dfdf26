//! Rounding at each step rounds the amount due, never the signed change: a reduction rounds the
//! same way as the amount it leaves. Expected values are computed here directly from the rule
//! (round(round(Σ lines × procedure factor) × adjustment factor)), not by the engine.

use crate::r::{Application, Channel, Date, DeviceClass, Law, Procedure};
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

/// A one-row schedule: `unit` đồng per dental X-ray, a renewal `factor`, an online adjustment
/// `online`, every step rounded to 1 đồng by `strategy`.
fn schedule(strategy: &str, unit: u64, factor: &str, online: &str) -> Law {
    let text = format!(
        r#"id = "r"
title = {{ vi = "Biểu thử", en = "Test" }}
effective_from = 2020-01-01
legal_basis = {{ document = "Test document" }}
[rounding]
strategy = "{strategy}"
step = 1
at = "line"
[procedure.new]
factor = 1
basis = {{ document = "Test document" }}
[procedure.renewal]
factor = "{factor}"
basis = {{ document = "Test document" }}
[procedure.supplement]
factor = 1
basis = {{ document = "Test document" }}
[procedure.amendment]
factor = 0
basis = {{ document = "Test document" }}
[procedure.reissue]
factor = 0
basis = {{ document = "Test document" }}
[procedure.declaration]
factor = 0
basis = {{ document = "Test document" }}
[[row]]
id = "1"
name = {{ vi = "X-quang răng", en = "Dental X-ray" }}
unit = "device"
amount = {unit}
basis = {{ document = "Test document" }}
classes = ["xray_dental_intraoral"]
[[adjustment]]
id = "online"
name = {{ vi = "Trực tuyến", en = "Online" }}
kind = "factor"
factor = "{online}"
channel = "online"
basis = {{ document = "Test document" }}
"#
    );
    Law::from_files(crate::with_version("r.toml", &text)).unwrap_or_else(|e| panic!("{e}"))
}

fn renewal(count: u32) -> Application {
    Application::builder("Huế", Procedure::Renewal, Date::new(2024, 5, 10).unwrap())
        .channel(Channel::Online)
        .device(crate::dev(DeviceClass::XrayDentalIntraoral, count))
        .build()
        .unwrap()
}

const STRATEGIES: [(&str, RoundingStrategy); 6] = [
    ("half_away_from_zero", RoundingStrategy::MidpointAwayFromZero),
    ("half_even", RoundingStrategy::MidpointNearestEven),
    ("toward_zero", RoundingStrategy::ToZero),
    ("away_from_zero", RoundingStrategy::AwayFromZero),
    ("down", RoundingStrategy::ToNegativeInfinity),
    ("up", RoundingStrategy::ToPositiveInfinity),
];

#[test]
fn reductions_round_the_amount_due() {
    // (strategy, unit fee, renewal factor, expected total), online factor 1.
    let cases = [
        ("half_away_from_zero", 7, "0.5", 4), // 3.5 → 4 (rounding the change −3.5 gave 3)
        ("toward_zero", 9, "0.75", 6),        // 6.75 → 6 (rounding the change −2.25 gave 7)
        ("away_from_zero", 9, "0.75", 7),     // 6.75 → 7
        ("down", 9, "0.75", 6),
        ("up", 9, "0.75", 7),
        ("half_even", 5, "0.5", 2), // 2.5 → 2
        ("half_even", 7, "0.5", 4), // 3.5 → 4
        ("up", 10, "0.33", 4),      // 3.3 → 4
        ("down", 10, "0.33", 3),    // 3.3 → 3
    ];
    for (strategy, unit, factor, expected) in cases {
        let s = schedule(strategy, unit, factor, "1");
        let q = s.quote(&renewal(1)).unwrap();
        assert_eq!(q.total.amount(), Decimal::from(expected), "{strategy}: {factor} × {unit}");
        assert_eq!(s.total(&renewal(1)).unwrap().amount, q.total, "{strategy}: the lean path agrees");
        // The quote still adds up.
        let parts: Decimal = q.lines.iter().map(|l| l.amount.amount()).sum::<Decimal>()
            + q.adjustments.iter().map(|a| a.amount.amount()).sum::<Decimal>();
        assert_eq!(parts, q.total.amount());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    #[test]
    fn every_strategy_matches_a_direct_computation(
        k in 0usize..6,
        unit in 1u64..10_000_000,
        count in 1u32..5,
        factor in prop::sample::select(vec!["0.75", "0.5", "0.9", "0.33", "1.25", "0.999"]),
        online in prop::sample::select(vec!["0.9", "0.5", "0.33", "1.1", "0.01"]),
    ) {
        let (name, rule) = STRATEGIES[k];
        let s = schedule(name, unit, factor, online);
        let dec = |x: &str| Decimal::from_str_exact(x).unwrap();
        let lines = Decimal::from(unit) * Decimal::from(count);
        let after_procedure = (lines * dec(factor)).round_dp_with_strategy(0, rule);
        let expected = (after_procedure * dec(online)).round_dp_with_strategy(0, rule);
        let q = s.quote(&renewal(count)).unwrap();
        prop_assert_eq!(q.total.amount(), expected);
        prop_assert_eq!(s.total(&renewal(count)).unwrap().amount, q.total);
    }
}

/// With a step of 1,000 đồng at each line, a whole amount that is not a multiple of 1,000 is
/// rounded too (only a step of 1 đồng leaves a whole amount as it is): 2,000,500 × 3 devices
/// = 6,001,500 → 6,002,000 (half away from zero), in the quote and in the total.
#[test]
fn a_step_of_a_thousand_rounds_whole_amounts() {
    let app = Application::builder("Huế", Procedure::New, Date::new(2024, 5, 10).unwrap())
        .device(crate::dev(DeviceClass::XrayDentalIntraoral, 3))
        .build()
        .unwrap();
    let thousand = thousand_step_schedule();
    assert_eq!(thousand.quote(&app).unwrap().total.amount(), Decimal::from(6_002_000));
    assert_eq!(thousand.total(&app).unwrap().amount.amount(), Decimal::from(6_002_000));
}

fn thousand_step_schedule() -> Law {
    let text = r#"id = "k"
title = { vi = "Biểu thử", en = "Test" }
effective_from = 2020-01-01
legal_basis = { document = "Test document" }
[rounding]
strategy = "half_away_from_zero"
step = 1000
at = "line"
[procedure.new]
factor = 1
basis = { document = "Test document" }
[procedure.renewal]
factor = "0.75"
basis = { document = "Test document" }
[procedure.supplement]
factor = 1
basis = { document = "Test document" }
[procedure.amendment]
factor = 0
basis = { document = "Test document" }
[procedure.reissue]
factor = 0
basis = { document = "Test document" }
[procedure.declaration]
factor = 0
basis = { document = "Test document" }
[[row]]
id = "1"
name = { vi = "X-quang răng", en = "Dental X-ray" }
unit = "device"
amount = 2000500
basis = { document = "Test document" }
classes = ["xray_dental_intraoral"]
"#;
    Law::from_files(crate::with_version("k.toml", text)).unwrap_or_else(|e| panic!("{e}"))
}
