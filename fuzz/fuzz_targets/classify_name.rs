//! Any text as a device name on a declaration form.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use radfee::{Date, Description, Schedules};

fn schedules() -> &'static Schedules {
    static S: OnceLock<Schedules> = OnceLock::new();
    S.get_or_init(|| Schedules::builtin().expect("shipped schedules load"))
}

fuzz_target!(|data: &[u8]| {
    let name = String::from_utf8_lossy(data).into_owned();
    let d = Description { name: Some(name), ..Description::default() };
    if let Ok(c) = schedules().classify(&d, Date::new(2026, 3, 1).expect("valid")) {
        // Never a guess: a class, or candidates, never both.
        assert!(c.class.is_none() || c.candidates.is_none());
    }
});
