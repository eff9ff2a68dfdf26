//! Any bytes as an application file: parse, then quote with the shipped schedules.
#![no_main]

use libfuzzer_sys::fuzz_target;
use radfee::{Application, Law};

fn schedules() -> &'static Law {
    Law::builtin().expect("shipped schedules load")
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
            // The total is the same engine, recording nothing: it agrees.
            let t = schedules().total(&app).expect("a quoted application has a total");
            assert_eq!((t.amount, t.authority), (q.total, q.authority));
        } else if let Err(e) = schedules().quote(&app) {
            // A refusal says something, and the total refuses the same way.
            assert!(!e.to_string().trim().is_empty());
            assert_eq!(schedules().total(&app).expect_err("refused"), e);
        }
    }
});
