//! Batch appraisal: a CSV of many applications in, three checkable figures out
//! (spec/batch.md).
//!
//! ```text
//! cargo run --release --example batch -- examples/batch/sample.csv
//! cargo run --release --example batch -- BATCH.csv --out totals.csv
//! ```
//!
//! Prints `applications`, `grand_total` and `digest` on standard output. Rows and applications
//! that could not be priced are listed on standard error with their line numbers. Exit code 0
//! when everything was priced, 1 when some applications cannot be priced as one application
//! (the figures cover the others), 2 when a row is bad or the file cannot be read.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool prints

mod common;

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Price every application of a batch CSV file.
#[derive(Parser, Debug)]
#[command(name = "batch", version)]
struct Args {
    /// The CSV file (application_id,province,procedure,received,channel,class,count), or `-`.
    file: String,
    /// Also write one CSV row per application: application_id,total,authority.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also write the priced lines: application_id,class,count,unit_fee,amount,row.
    #[arg(long, value_name = "FILE")]
    detail: Option<PathBuf>,
    /// A folder of schedule files to use instead of the compiled-in ones.
    #[arg(long, value_name = "DIR")]
    schedules: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = match common::parse_args::<Args>() {
        Ok(a) => a,
        Err(code) => return code,
    };
    let schedules = match common::load_schedules(args.schedules.as_deref()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let input: Box<dyn std::io::Read> = if args.file == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(&args.file) {
            Ok(f) => Box::new(f), // the batch reads in large chunks itself
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", args.file);
                return ExitCode::from(2);
            }
        }
    };
    let show_progress = std::io::stderr().is_terminal();
    // Keep per-application results only when a file is written from them.
    let keep = match (&args.out, &args.detail) {
        (_, Some(_)) => radfee::Keep::Lines,
        (Some(_), None) => radfee::Keep::Totals,
        (None, None) => radfee::Keep::Figures,
    };
    let report = match schedules.price_batch_keeping(input, keep, |rows| {
        if show_progress {
            eprint!("\r{rows} rows read…");
        }
    }) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e}", args.file);
            return ExitCode::from(2);
        }
    };
    if show_progress {
        eprintln!();
    }
    for p in &report.problems {
        eprintln!("{}: {p}", if args.file == "-" { "<stdin>" } else { args.file.as_str() });
    }
    let problems = report.bad_rows + report.unpriceable;
    if problems > 0 {
        let unlisted = problems - report.problems.len() as u64;
        eprintln!(
            "{} rows read; {} applications priced; {problems} problem(s){}",
            report.rows,
            report.applications,
            if unlisted > 0 {
                format!(", the first {} listed above", report.problems.len())
            } else {
                " listed above".to_owned()
            }
        );
    }
    if let Some(path) = &args.out {
        let written = std::fs::File::create(path).map_err(|e| e.to_string()).and_then(|f| {
            let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
            w.write_record(["application_id", "total", "authority"]).map_err(|e| e.to_string())?;
            for r in &report.results {
                let total = r.total.amount().to_string();
                w.write_record([r.application_id.as_str(), total.as_str(), r.authority.map_or("", |a| a.key())])
                    .map_err(|e| e.to_string())?;
            }
            w.flush().map_err(|e| e.to_string())
        });
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    if let Some(path) = &args.detail {
        let written = std::fs::File::create(path).map_err(|e| e.to_string()).and_then(|f| {
            let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
            w.write_record(["application_id", "class", "count", "unit_fee", "amount", "row"])
                .map_err(|e| e.to_string())?;
            for r in &report.results {
                for l in &r.lines {
                    w.write_record([
                        r.application_id.clone(),
                        l.class.map_or_else(String::new, |c| c.key().to_owned()),
                        l.count.to_string(),
                        l.unit_fee.amount().to_string(),
                        l.amount.amount().to_string(),
                        l.row.clone(),
                    ])
                    .map_err(|e| e.to_string())?;
                }
            }
            w.flush().map_err(|e| e.to_string())
        });
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(report.summary().as_bytes());
    if report.bad_rows > 0 {
        ExitCode::from(2)
    } else if report.unpriceable > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
