//! Any bytes as a batch CSV file.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use radfee::Schedules;

fn schedules() -> &'static Schedules {
    static S: OnceLock<Schedules> = OnceLock::new();
    S.get_or_init(|| Schedules::builtin().expect("shipped schedules load"))
}

fuzz_target!(|data: &[u8]| {
    // Half the time behind a valid header, so the fuzzer reaches the rows.
    let mut input = Vec::with_capacity(data.len() + 64);
    if data.first().is_some_and(|b| b % 2 == 0) {
        input.extend_from_slice(b"application_id,province,procedure,received,channel,class,count\n");
    }
    input.extend_from_slice(data);
    if let Ok(report) = schedules().price_batch(input.as_slice(), |_| {}) {
        assert_eq!(report.applications as usize, report.results.len());
    }
});
