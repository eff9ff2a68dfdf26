//! Any bytes as a device list imported into a registry, and as a registry file.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use radfee::{Date, Registry, Schedules};

fn schedules() -> &'static Schedules {
    static S: OnceLock<Schedules> = OnceLock::new();
    S.get_or_init(|| Schedules::builtin().expect("shipped schedules load"))
}

fuzz_target!(|data: &[u8]| {
    let s = schedules();
    let day = Date::new(2026, 3, 1).expect("a date");
    let mut r = Registry::new();
    if let Ok(report) = r.import_csv(s, data, day) {
        // Every row read is imported or refused.
        assert_eq!(report.rows, report.imported + report.refused);
        assert!(report.problems.len() <= radfee::MAX_PROBLEMS);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Registry::from_toml("fuzz.toml", text, s);
        let _ = Registry::from_json("fuzz.json", text, s);
    }
});
