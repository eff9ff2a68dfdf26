//! Any text as an activity string ("3.7 GBq", "100 mCi").
#![no_main]

use libfuzzer_sys::fuzz_target;
use radfee::nuclide::Activity;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(a) = Activity::parse(text)
    {
        assert!(a.bq() >= rust_decimal::Decimal::ZERO);
        // Decay never makes an activity negative or larger, forward in time.
        let later = a.decayed(365, rust_decimal::Decimal::from(30));
        assert!(later.bq() >= rust_decimal::Decimal::ZERO && later.bq() <= a.bq());
    }
});
