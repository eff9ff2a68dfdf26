//! The classify tool: what is this device, legally, and who licenses it?
//!
//! ```text
//! cargo run --example classify -- examples/devices/mixed.toml
//! cargo run --example classify -- DEVICES.toml --date 2025-06-30 --format json
//! ```
//!
//! Reads one or more `[[device]]` tables with description fields (spec/device-classes.md) and
//! prints one classification per device, in order. `--date` (default: today in Vietnam)
//! fixes the licensing authority and the decay of sources. Exit code 1 when any device is
//! ambiguous (the others are still printed), 2 on bad input.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool prints

mod common;

use std::process::ExitCode;

use clap::Parser;
use common::Format;
use radfee::{Classification, Date, devices_from_toml};

/// Classify radiation equipment from what is written on the declaration form.
#[derive(Parser, Debug)]
#[command(name = "classify", version)]
struct Args {
    /// A TOML file of [[device]] tables, or `-` for standard input.
    file: String,
    /// The date that fixes the authority and the decay of sources (YYYY-MM-DD; default today).
    #[arg(long)]
    date: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// A folder of schedule files to use instead of the compiled-in ones.
    #[arg(long, value_name = "DIR")]
    schedules: Option<std::path::PathBuf>,
}

fn text(i: usize, c: &Classification) -> String {
    let mut o = format!("device {}: {}\n", i + 1, c.name.as_deref().unwrap_or("(no name)"));
    match (&c.class, &c.candidates) {
        (Some(class), _) => {
            o.push_str(&format!("  class:     {} ({} / {})\n", class, class.name_vi(), class.name_en()))
        }
        (None, Some(k)) if k.classes.is_empty() => {
            o.push_str(&format!("  class:     not settled; give `{}`\n", k.field))
        }
        (None, Some(k)) => o.push_str(&format!(
            "  class:     AMBIGUOUS: {}; give `{}` to decide\n",
            k.classes.iter().map(|c| c.key()).collect::<Vec<_>>().join(", "),
            k.field
        )),
        (None, None) => {}
    }
    if let Some(f) = c.family {
        o.push_str(&format!(
            "  family:    {}{}\n",
            f.key(),
            if f.is_x_ray_emitting() { " (X-ray emitting)" } else { "" }
        ));
    }
    if let Some(s) = c.status {
        o.push_str(&format!(
            "  status:    {}{}\n",
            s.key(),
            c.exemption.as_ref().map(|e| format!(" ({e})")).unwrap_or_default()
        ));
    }
    if let Some(a) = c.authority {
        o.push_str(&format!("  authority: {}\n", a.key()));
    }
    if let (Some(cat), Some(ad)) = (c.source_category, c.a_over_d) {
        o.push_str(&format!("  sources:   category {cat} (Σ A/D = {})\n", ad.round_sf(6).unwrap_or(ad).normalize()));
    }
    if let Some(s) = c.safety_officer_required {
        o.push_str(&format!("  safety officer required: {}\n", if s { "yes" } else { "no" }));
    }
    if let Some(m) = c.inspection_interval_months {
        o.push_str(&format!("  inspection: every {m} months\n"));
    }
    for w in &c.warnings {
        o.push_str(&format!("  ! {w}\n"));
    }
    for r in &c.reasons {
        o.push_str(&format!("  - {} [{}]\n", r.text, r.basis));
    }
    o
}

fn main() -> ExitCode {
    let args = match common::parse_args::<Args>() {
        Ok(a) => a,
        Err(code) => return code,
    };
    let date = match args.date.as_deref().map(str::parse::<Date>) {
        None => Date::today_in_vietnam(),
        Some(Ok(d)) => d,
        Some(Err(e)) => {
            eprintln!("error: --date: {e}");
            return ExitCode::from(2);
        }
    };
    let schedules = match common::load_schedules(args.schedules.as_deref()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (name, content) = if args.file == "-" {
        let mut s = String::new();
        use std::io::Read as _;
        match std::io::stdin().take(radfee::MAX_APPLICATION_BYTES as u64 + 1).read_to_string(&mut s) {
            Ok(_) => ("<stdin>".to_owned(), s),
            Err(e) => {
                eprintln!("error: cannot read standard input: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        match std::fs::read_to_string(&args.file) {
            Ok(s) => (args.file.clone(), s),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", args.file);
                return ExitCode::from(2);
            }
        }
    };
    let devices = match devices_from_toml(&name, &content) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error:\n{e}");
            return ExitCode::from(2);
        }
    };
    let mut results = Vec::with_capacity(devices.len());
    for device in &devices {
        let Some(description) = &device.description else {
            eprintln!(
                "error:\n{}: this device has only a class; the classify tool reads descriptions (name, radiation, use, modality…)",
                device.location.as_ref().map(ToString::to_string).unwrap_or_default()
            );
            return ExitCode::from(2);
        };
        match schedules.classify(description, date) {
            Ok(c) => results.push(c),
            Err(e) => {
                let at = device.location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default();
                eprintln!("error:\n{at}{e}");
                return ExitCode::from(2);
            }
        }
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&results).unwrap_or_default()),
        Format::Text => {
            println!("Classification on {date}\n");
            for (i, c) in results.iter().enumerate() {
                println!("{}", text(i, c));
            }
        }
    }
    if results.iter().any(Classification::is_ambiguous) { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
