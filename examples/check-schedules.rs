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

#![deny(clippy::print_stdout, clippy::print_stderr)] // output goes through common::emit

mod common;

use std::process::ExitCode;

use clap::Parser;
use common::emit;
use radfee::Law;
use radfee::error::{MAX_FINDINGS, Severity};

/// Check a folder of fee-schedule files.
#[derive(Parser, Debug)]
#[command(name = "check-schedules", version)]
struct Args {
    /// The folder (default: the schedules compiled into the crate from fee-schedules/).
    dir: Option<std::path::PathBuf>,
    /// Language of messages: vi (Vietnamese, the default), en or both.
    #[arg(long, value_name = "vi|en|both")]
    lang: Option<String>,
}

fn run() -> Result<ExitCode, ExitCode> {
    let args = common::parse_args::<Args>()?;
    common::set_lang(args.lang.as_deref())?;
    let files = match &args.dir {
        Some(dir) => match Law::read_dir(dir) {
            Ok(f) => f,
            Err(e) => {
                emit(&format!("{e}\n"))?;
                return Ok(ExitCode::from(2));
            }
        },
        None => Law::builtin_files(),
    };
    let count = files.len();
    let findings = Law::check_files(files.clone());
    let mut o = String::new();
    for f in findings.iter().take(MAX_FINDINGS) {
        o.push_str(&format!("{f}\n"));
    }
    if findings.len() > MAX_FINDINGS {
        o.push_str(&format!(
            "… and {} more finding(s) not listed: fix those above and check again\n",
            findings.len() - MAX_FINDINGS
        ));
    }
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    if errors > 0 {
        o.push_str(&format!(
            "\n{count} file(s) checked: {errors} error(s), {warnings} warning(s). Fix the errors: the engine refuses these files.\n"
        ));
        emit(&o)?;
        return Ok(ExitCode::from(2));
    }
    let Ok(schedules) = Law::from_files(files) else {
        emit(&format!("{o}the files could not be loaded\n"))?;
        return Ok(ExitCode::from(2));
    };
    o.push_str(&format!("{count} file(s) checked: no errors, {warnings} warning(s).\n\n"));
    o.push_str("Versions:\n");
    for v in schedules.versions() {
        let until = v.effective_until().map(|u| format!(" until {u}")).unwrap_or_default();
        o.push_str(&format!("  {} (from {}{until}; {} rows)\n", v.id(), v.effective_from(), v.rows().len()));
        o.push_str(&format!("    fingerprint: {}\n", v.fingerprint()));
        for w in v.warnings() {
            let window = match (w.from, w.until) {
                (Some(f), Some(u)) => format!("from {f} to {u}"),
                (Some(f), None) => format!("from {f}"),
                (None, Some(u)) => format!("until {u}"),
                (None, None) => "always".to_owned(),
            };
            o.push_str(&format!("    warning `{}` ({}, {window}): {}\n", w.id, w.level.key(), w.text.en));
        }
        let missing = v.uncovered_classes();
        if missing.is_empty() {
            o.push_str("    coverage: every device class has a fee row\n");
        } else {
            let keys: Vec<&str> = missing.iter().map(|c| c.key()).collect();
            o.push_str(&format!("    coverage: {} class(es) without a fee row: {}\n", keys.len(), keys.join(", ")));
        }
    }
    let deviating: Vec<&str> =
        schedules.provinces().all().iter().filter(|p| p.has_deviations()).map(|p| p.slug()).collect();
    o.push_str(&format!(
        "Provinces: {} ({} with a local deviation{})\n",
        schedules.provinces().all().len(),
        deviating.len(),
        if deviating.is_empty() { String::new() } else { format!(": {}", deviating.join(", ")) }
    ));
    emit(&o)?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    run().unwrap_or_else(|code| code)
}
