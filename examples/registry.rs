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
use comfy_table::{CellAlignment, Table, presets::NOTHING};
use common::{in_lang, in_line};
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
    let registry = Registry::from_toml(&name, &text, schedules).map_err(|e| common::fail(&e))?;
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
    let mut table = Table::new();
    table.load_preset(NOTHING).set_header([
        in_line("giấy phép", "licence"),
        in_line("nộp trước ngày", "file by"),
        in_line("hết hạn", "expires"),
        in_line("cơ sở", "facility"),
        in_line("cơ quan cấp phép", "authority"),
        in_line("phí", "fee"),
    ]);
    let mut warned: Vec<(String, String)> = Vec::new();
    for r in &report.renewals {
        let facility = state.facilities.get(&r.licence.facility).map_or("?", |f| f.name.as_str());
        match &r.quote {
            Ok(q) => {
                let flags: Vec<&str> = q.warnings.iter().map(|w| w.id.as_str()).collect();
                let fee = if flags.is_empty() { q.total.to_string() } else { format!("{} (!)", q.total) };
                table.add_row([
                    r.licence.number.as_str(),
                    &r.file_by.day_first(),
                    &r.licence.expires.day_first(),
                    facility,
                    &q.authority.map_or_else(|| "-".to_owned(), |a| in_line(a.names().0, a.key())),
                    &fee,
                ]);
                for w in &q.warnings {
                    if !warned.iter().any(|(id, _)| *id == w.id) {
                        warned.push((w.id.clone(), in_lang(&w.vi, &w.en)));
                    }
                }
            }
            Err(e) => {
                table.add_row([
                    r.licence.number.as_str(),
                    &r.file_by.day_first(),
                    &r.licence.expires.day_first(),
                    facility,
                    "-",
                    &in_line(
                        &format!("không tính được phí: {}", e.display_in(radfee::error::Lang::Vi)),
                        &format!("cannot be priced: {}", e.display_in(radfee::error::Lang::En)),
                    ),
                ]);
            }
        }
    }
    if let Some(col) = table.column_mut(5) {
        col.set_cell_alignment(CellAlignment::Right);
    }
    if report.renewals.is_empty() {
        let _ = writeln!(
            o,
            "{}",
            in_line(
                "Không có giấy phép nào phải nộp hồ sơ gia hạn trong khoảng này.",
                "No licence is to be renewed in this window."
            )
        );
    } else {
        let _ = writeln!(o, "{table}");
    }
    for (id, text) in &warned {
        let _ = writeln!(o, "(!) {id}: {text}");
    }
    let _ = writeln!(o, "\n{}", in_line("Theo tỉnh, thành phố:", "Per province:"));
    let mut per = Table::new();
    per.load_preset(NOTHING);
    for (p, total) in &report.per_province {
        let name = schedules.provinces().by_slug(p).map_or(p.as_str(), |x| x.name().vi.as_str());
        per.add_row([name.to_owned(), total.to_string()]);
    }
    if let Some(col) = per.column_mut(1) {
        col.set_cell_alignment(CellAlignment::Right);
    }
    let _ = writeln!(o, "{per}");
    let _ = writeln!(o, "{}", in_line("Theo cơ quan cấp phép:", "Per authority:"));
    let mut per = Table::new();
    per.load_preset(NOTHING);
    for (a, total) in &report.per_authority {
        per.add_row([in_line(a.names().0, a.key()), total.to_string()]);
    }
    if let Some(col) = per.column_mut(1) {
        col.set_cell_alignment(CellAlignment::Right);
    }
    let _ = writeln!(o, "{per}");
    let _ = writeln!(o, "{} {}", in_line("Tổng cộng:", "Total:"), report.total);
    common::emit(&o)
}

fn main() -> ExitCode {
    run().map_or_else(|code| code, |()| ExitCode::SUCCESS)
}
