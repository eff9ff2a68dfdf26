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
use common::{emit, in_lang, in_line};
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
    let args = common::parse_args::<Args>(&[
        ("", "Kiểm tra một thư mục tệp biểu phí trước khi đưa vào sử dụng"),
        ("dir", "Thư mục cần kiểm tra (mặc định: biểu phí có sẵn trong chương trình, từ fee-schedules/)"),
        common::LANG_VI,
    ])?;
    common::set_lang(args.lang.as_deref())?;
    let files = match &args.dir {
        Some(dir) => match Law::read_dir(dir) {
            Ok(f) => f,
            Err(e) => {
                emit(&format!("{}\n", e.display_in(common::lang())))?;
                return Ok(ExitCode::from(2));
            }
        },
        None => Law::builtin_files(),
    };
    // The files read (a file not read for its name is only warned of).
    let count = files.iter().filter(|f| f.is_read()).count();
    let findings = Law::check_files(files.clone());
    let mut o = String::new();
    for f in findings.iter().take(MAX_FINDINGS) {
        o.push_str(&format!("{}\n", f.display_in(common::lang())));
    }
    if findings.len() > MAX_FINDINGS {
        let more = findings.len() - MAX_FINDINGS;
        o.push_str(&in_lang(
            &format!("… và {more} vấn đề khác chưa liệt kê: hãy sửa các vấn đề trên rồi kiểm tra lại"),
            &format!("… and {more} more finding(s) not listed: fix those above and check again"),
        ));
        o.push('\n');
    }
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    if errors > 0 {
        o.push('\n');
        o.push_str(&in_lang(
            &format!(
                "Đã kiểm tra {count} tệp: {errors} lỗi, {warnings} cảnh báo. Hãy sửa các lỗi: chương trình không dùng các tệp này."
            ),
            &format!(
                "{count} file(s) checked: {errors} error(s), {warnings} warning(s). Fix the errors: the engine refuses these files."
            ),
        ));
        o.push('\n');
        emit(&o)?;
        return Ok(ExitCode::from(2));
    }
    let schedules = match Law::from_files(files) {
        Ok(s) => s,
        Err(e) => {
            emit(&format!("{o}{}\n", e.display_in(common::lang())))?;
            return Ok(ExitCode::from(2));
        }
    };
    o.push_str(&in_lang(
        &format!("Đã kiểm tra {count} tệp: không có lỗi, {warnings} cảnh báo."),
        &format!("{count} file(s) checked: no errors, {warnings} warning(s)."),
    ));
    o.push_str("\n\n");
    o.push_str(&in_line("Các phiên bản biểu phí:", "Versions:"));
    o.push('\n');
    for v in schedules.versions() {
        let (from, rows) = (v.effective_from(), v.rows().len());
        let (from_vi, until_vi) = (from.day_first(), v.effective_until().map(|u| u.day_first()));
        let until_vi = until_vi.map(|u| format!(" đến ngày {u}")).unwrap_or_default();
        let until_en = v.effective_until().map(|u| format!(" until {u}")).unwrap_or_default();
        o.push_str(&format!(
            "  {} ({})\n",
            v.id(),
            in_line(
                &format!("từ ngày {from_vi}{until_vi}; {rows} mục phí"),
                &format!("from {from}{until_en}; {rows} rows")
            )
        ));
        o.push_str(&format!("    {}: {}\n", in_line("mã kiểm tra (fingerprint)", "fingerprint"), v.fingerprint()));
        for w in v.warnings() {
            let window_vi = match (w.from, w.until) {
                (Some(f), Some(u)) => format!("từ ngày {} đến ngày {}", f.day_first(), u.day_first()),
                (Some(f), None) => format!("từ ngày {}", f.day_first()),
                (None, Some(u)) => format!("đến ngày {}", u.day_first()),
                (None, None) => "mọi thời điểm".to_owned(),
            };
            let window_en = match (w.from, w.until) {
                (Some(f), Some(u)) => format!("from {f} to {u}"),
                (Some(f), None) => format!("from {f}"),
                (None, Some(u)) => format!("until {u}"),
                (None, None) => "always".to_owned(),
            };
            let level_vi = match w.level {
                radfee::schedule::WarningLevel::High => "mức cao",
                _ => "lưu ý",
            };
            let text = in_lang(
                &format!("cảnh báo `{}` ({level_vi}, {window_vi}): {}", w.id, w.text.vi),
                &format!("warning `{}` ({}, {window_en}): {}", w.id, w.level.key(), w.text.en),
            );
            o.push_str(&format!("    {}\n", text.replace('\n', "\n    ")));
        }
        let missing = v.uncovered_classes();
        let coverage = if missing.is_empty() {
            in_line("mọi loại thiết bị đều có mục phí", "every device class has a fee row")
        } else {
            let keys: Vec<&str> = missing.iter().map(|c| c.key()).collect();
            let n = keys.len();
            let keys = keys.join(", ");
            in_line(
                &format!("{n} loại thiết bị chưa có mục phí: {keys}"),
                &format!("{n} class(es) without a fee row: {keys}"),
            )
        };
        o.push_str(&format!("    {}: {coverage}\n", in_line("phạm vi", "coverage")));
    }
    let deviating: Vec<&str> =
        schedules.provinces().all().iter().filter(|p| p.has_deviations()).map(|p| p.slug()).collect();
    let (n, d) = (schedules.provinces().all().len(), deviating.len());
    let list = if deviating.is_empty() { String::new() } else { format!(": {}", deviating.join(", ")) };
    o.push_str(&in_line(
        &format!("Tỉnh, thành phố: {n} ({d} có quy định riêng của địa phương{list})"),
        &format!("Provinces: {n} ({d} with a local deviation{list})"),
    ));
    o.push('\n');
    emit(&o)?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    run().unwrap_or_else(|code| code)
}
