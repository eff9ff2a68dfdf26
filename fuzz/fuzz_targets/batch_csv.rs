//! Any bytes as a batch CSV file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use radfee::Law;

fn schedules() -> &'static Law {
    Law::builtin().expect("shipped schedules load")
}

fuzz_target!(|data: &[u8]| {
    // Half the time behind a valid header, so the fuzzer reaches the rows.
    let mut input = Vec::with_capacity(data.len() + 64);
    if data.first().is_some_and(|b| b % 2 == 0) {
        input.extend_from_slice(b"application_id,province,procedure,received,channel,class,count\n");
    }
    input.extend_from_slice(data);
    match schedules().price_batch(input.as_slice(), &Default::default(), |_| {}) {
        Ok(report) => {
            assert_eq!(report.applications as usize, report.results.len());
            assert!(report.problems.len() as u64 <= report.bad_rows + report.unpriceable);
        }
        Err(e) => assert!(!e.to_string().trim().is_empty()),
    }
});
