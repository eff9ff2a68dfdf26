//! Any bytes as a schedule version file, checked with the shipped provinces and authority.
#![no_main]

use libfuzzer_sys::fuzz_target;
use radfee::Law;
use radfee::law::SourceFile;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut files: Vec<SourceFile> =
            Law::builtin_files().into_iter().filter(|f| !f.path.starts_with("national/")).collect();
        files.push(SourceFile::new("fuzz.toml", "fuzz.toml", text.to_owned()));
        if let Err(e) = Law::from_files(files) {
            // Every error has a place.
            for f in e.findings().iter().filter(|f| f.is_error()) {
                assert!(f.location.is_some(), "{f}");
            }
        }
    }
});
