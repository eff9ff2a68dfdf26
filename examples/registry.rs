//! An example for services: load a registry, list the renewals due in the next 90 days with
//! their fees, and total them per province and per authority.
//!
//! ```text
//! cargo run --example registry -- examples/registry/sample.toml --today 2026-11-22
//! ```

#![deny(clippy::print_stdout, clippy::print_stderr)] // output goes through common::emit

mod common;

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::Parser;
use common::in_lang;
use radfee::Date;
use radfee::registry::Registry;

/// Largest registry file read, in bytes.
const MAX_REGISTRY_BYTES: u64 = 256 * 1024 * 1024;

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
    /// Language of messages: vi (Vietnamese, the default), en or both.
    #[arg(long, value_name = "vi|en|both")]
    lang: Option<String>,
}

fn run() -> Result<(), ExitCode> {
    let mut o = String::new();
    let args = common::parse_args::<Args>(&[
        ("", "Liệt kê các giấy phép sắp phải gia hạn, kèm phí"),
        ("file", "Tệp sổ quản lý thiết bị (TOML, do chương trình ghi ra)"),
        ("today", "Ngày đầu của khoảng thời gian (NGÀY/THÁNG/NĂM; mặc định: hôm nay theo giờ Việt Nam)"),
        ("days", "Độ dài khoảng thời gian, tính bằng ngày [mặc định: 90]"),
        common::LANG_VI,
    ])?;
    common::set_lang(args.lang.as_deref())?;
    let today = match args.today.as_deref().map(Date::from_form) {
        Some(Ok(d)) => d,
        Some(Err(e)) => return Err(common::usage(&format!("--today: {}", e.message_vi()), &format!("--today: {e}"))),
        None => Date::today_in_vietnam(),
    };
    let Some(until) = Date::from_days(today.to_days() + i64::from(args.days)) else {
        return Err(common::usage(
            "--days vượt quá phạm vi lịch chương trình hỗ trợ",
            "--days reaches past the supported calendar",
        ));
    };
    let schedules = common::load_schedules(None)?;
    let (name, text) = common::read_input(&args.file, MAX_REGISTRY_BYTES, "a registry")?;
    // A registry as `registry-db export` writes it: TOML, or JSON by its name.
    let registry = if name.to_lowercase().ends_with(".json") {
        Registry::from_json(&name, &text, schedules)
    } else {
        Registry::from_toml(&name, &text, schedules)
    }
    .map_err(|e| common::fail(&e))?;
    let state = registry.state();
    let (f, d, l) = (state.facilities.len(), state.equipment.len(), state.licences.len());
    let _ = writeln!(
        o,
        "{}\n",
        in_lang(
            &format!(
                "{f} cơ sở, {d} thiết bị, {l} giấy phép; hồ sơ gia hạn cần nộp từ ngày {} đến ngày {} (45 ngày trước khi giấy phép hết hạn)",
                today.day_first(),
                until.day_first()
            ),
            &format!(
                "{f} facilities, {d} devices, {l} licences; renewals to file from {today} to {until} (45 days before expiry)"
            ),
        )
    );
    let report = registry.renewals_due(schedules, today, until);
    o.push_str(&common::renewals::render(&report, schedules));
    common::emit(&o)
}

fn main() -> ExitCode {
    run().map_or_else(|code| code, |()| ExitCode::SUCCESS)
}
