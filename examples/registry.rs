//! An example for services: load a registry, list the renewals due in the next 90 days with
//! their fees, and total them per province and per authority.
//!
//! ```text
//! cargo run --example registry -- examples/registry/sample.toml --today 2026-11-22
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool prints

mod common;

use std::process::ExitCode;

use clap::Parser;
use radfee::{Date, Registry};

/// List renewals due soon, priced.
#[derive(Parser, Debug)]
#[command(name = "registry", version)]
struct Args {
    /// A registry file (TOML, as written by Registry::to_toml).
    file: String,
    /// The first day of the window (default: today in Vietnam).
    #[arg(long)]
    today: Option<String>,
    /// Length of the window in days.
    #[arg(long, default_value_t = 90)]
    days: u32,
}

fn main() -> ExitCode {
    let args = match common::parse_args::<Args>() {
        Ok(a) => a,
        Err(code) => return code,
    };
    let today = match args.today.as_deref().map(str::parse::<Date>) {
        Some(Ok(d)) => d,
        Some(Err(e)) => {
            eprintln!("error: --today: {e}");
            return ExitCode::from(2);
        }
        None => Date::today_in_vietnam(),
    };
    let Some(until) = Date::from_days(today.to_days() + i64::from(args.days)) else {
        eprintln!("error: --days reaches past the supported calendar");
        return ExitCode::from(2);
    };
    let schedules = match common::load_schedules(None) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.file);
            return ExitCode::from(2);
        }
    };
    let registry = match Registry::from_toml(&args.file, &text, &schedules) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error:\n{e}");
            return ExitCode::from(2);
        }
    };
    let state = registry.state();
    println!(
        "{} facilities, {} devices, {} licences; renewals to file from {today} to {until} (45 days before expiry)\n",
        state.facilities.len(),
        state.equipment.len(),
        state.licences.len()
    );
    let report = registry.renewals_due(&schedules, today, until);
    for r in &report.renewals {
        let facility = state.facilities.get(&r.licence.facility).map_or("?", |f| f.name.as_str());
        match &r.quote {
            Ok(q) => println!(
                "{}  file by {}  (expires {})  {:<36} {:>8}  {:>14}",
                r.licence.number,
                r.file_by,
                r.licence.expires,
                facility,
                q.authority.map_or("-", |a| a.key()),
                q.total.to_string()
            ),
            Err(e) => println!("{}  file by {}  {facility}: cannot be priced: {e}", r.licence.number, r.file_by),
        }
    }
    println!("\nPer province:");
    for (p, total) in &report.per_province {
        let name = schedules.provinces().by_slug(p).map_or(p.as_str(), |x| x.name().vi.as_str());
        println!("  {name:<36} {:>14}", total.to_string());
    }
    println!("Per authority:");
    for (a, total) in &report.per_authority {
        println!("  {:<36} {:>14}", a.key(), total.to_string());
    }
    println!("Total: {}", report.total);
    ExitCode::SUCCESS
}
