//! Any text as a device name on a declaration form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use radfee::classify::Outcome;
use radfee::{Date, Description, Law};

fn schedules() -> &'static Law {
    Law::builtin().expect("shipped schedules load")
}

fuzz_target!(|data: &[u8]| {
    let name = String::from_utf8_lossy(data).into_owned();
    let Ok(d) = Description::named(name) else { return };
    if let Ok(c) = schedules().classify(&d, Date::new(2026, 3, 1).expect("valid")) {
        // Never a guess: one class, or at least two candidates and the field that decides.
        match &c.outcome {
            Outcome::Ambiguous { classes, .. } => assert!(classes.len() >= 2),
            Outcome::Settled(k) => assert_eq!(schedules().class_of(&d).ok(), Some(Outcome::Settled(*k))),
            _ => {}
        }
    }
});
