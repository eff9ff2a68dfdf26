//! Any bytes as an application file: parse, then quote with the shipped schedules.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use radfee::{Application, Schedules};

fn schedules() -> &'static Schedules {
    static S: OnceLock<Schedules> = OnceLock::new();
    S.get_or_init(|| Schedules::builtin().expect("shipped schedules load"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(app) = Application::from_toml("fuzz.toml", text)
    {
        if let Ok(q) = schedules().quote(&app) {
            // The invariant every quote keeps.
            let sum = q.lines.iter().map(|l| l.amount.amount()).sum::<rust_decimal::Decimal>()
                + q.adjustments.iter().map(|a| a.amount.amount()).sum::<rust_decimal::Decimal>()
                + q.charges.iter().map(|c| c.amount.amount()).sum::<rust_decimal::Decimal>();
            assert_eq!(sum, q.total.amount());
        }
    }
});
