//! Any bytes as a device list imported into a registry, and as a registry file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use radfee::registry::Registry;
use radfee::{Date, Law};

fn schedules() -> &'static Law {
    Law::builtin().expect("shipped schedules load")
}

fuzz_target!(|data: &[u8]| {
    let s = schedules();
    let day = Date::new(2026, 3, 1).expect("a date");
    let mut r = Registry::new();
    if let Ok(report) = r.import_csv(s, data, day) {
        // Every row read is imported or refused.
        assert_eq!(report.rows, report.imported + report.refused);
        assert!(report.problems.len() <= radfee::batch::MAX_PROBLEMS);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        // A registry file is read or refused with a message.
        if let Err(e) = Registry::from_toml("fuzz.toml", text, s) {
            assert!(!e.to_string().trim().is_empty());
        }
        if let Err(e) = Registry::from_json("fuzz.json", text, s) {
            assert!(!e.to_string().trim().is_empty());
        }
    }
});
