//! Checks schedule files before anyone uses them.
//!
//! ```text
//! cargo run --example check-schedules                 # the shipped fee-schedules/
//! cargo run --example check-schedules -- my-folder/   # an edited copy
//! ```
//!
//! Prints every finding as `file:line:column: what is wrong (key)` with a hint, then, for each
//! version, the classes it leaves without a fee row and its fingerprint. Exit code 0 when the
//! folder is clean (warnings allowed), 2 on any error.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool prints

mod common;

use std::process::ExitCode;

use clap::Parser;
use radfee::{Schedules, Severity};

/// Check a folder of fee-schedule files.
#[derive(Parser, Debug)]
#[command(name = "check-schedules", version)]
struct Args {
    /// The folder (default: the schedules compiled into the crate from fee-schedules/).
    dir: Option<std::path::PathBuf>,
}

fn main() -> ExitCode {
    let args = match common::parse_args::<Args>() {
        Ok(a) => a,
        Err(code) => return code,
    };
    let files = match &args.dir {
        Some(dir) => match Schedules::read_dir(dir) {
            Ok(f) => f,
            Err(e) => {
                println!("{e}");
                return ExitCode::from(2);
            }
        },
        None => Schedules::builtin_files(),
    };
    let count = files.len();
    let findings = Schedules::check_files(files.clone());
    for f in &findings {
        println!("{f}");
    }
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    if errors > 0 {
        println!(
            "\n{count} file(s) checked: {errors} error(s), {warnings} warning(s). Fix the errors: the engine refuses these files."
        );
        return ExitCode::from(2);
    }
    let Ok(schedules) = Schedules::from_files(files) else {
        println!("the files could not be loaded");
        return ExitCode::from(2);
    };
    println!("{count} file(s) checked: no errors, {warnings} warning(s).\n");
    println!("Versions:");
    for v in schedules.versions() {
        let until = v.effective_until().map(|u| format!(" until {u}")).unwrap_or_default();
        println!("  {} (from {}{until}; {} rows)", v.id(), v.effective_from(), v.rows().len());
        println!("    fingerprint: {}", v.fingerprint());
        let missing = v.uncovered_classes();
        if missing.is_empty() {
            println!("    coverage: every device class has a fee row");
        } else {
            let keys: Vec<&str> = missing.iter().map(|c| c.key()).collect();
            println!("    coverage: {} class(es) without a fee row: {}", keys.len(), keys.join(", "));
        }
    }
    let deviating: Vec<&str> =
        schedules.provinces().all().iter().filter(|p| p.has_deviations()).map(|p| p.slug()).collect();
    println!(
        "Provinces: {} ({} with a local deviation{})",
        schedules.provinces().all().len(),
        deviating.len(),
        if deviating.is_empty() { String::new() } else { format!(": {}", deviating.join(", ")) }
    );
    ExitCode::SUCCESS
}
