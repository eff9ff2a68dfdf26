//! A deterministic generator of batch CSV files (docs/batch.md), for tests and benchmarks.
//!
//! ```text
//! cargo run --release --example gen_batch -- --rows 1000000 --seed 42 > batch.csv
//! ```
//!
//! The same `--rows`, `--applications` and `--seed` always give the same bytes. Every
//! application's rows agree on province, procedure, date and channel, and its classes fall to
//! one authority, so every application can be priced. Rows are interleaved across
//! applications, as in real exports.

#![deny(clippy::print_stdout, clippy::print_stderr)] // output goes through common

mod common;

use std::io::{BufWriter, Write as _};

use clap::Parser;

/// Generate a batch CSV file on standard output.
#[derive(Parser, Debug)]
#[command(name = "gen_batch", version)]
struct Args {
    /// Number of data rows.
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Number of applications (default: rows / 2.5).
    #[arg(long)]
    applications: Option<u64>,
    /// Seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Language of messages: vi (Vietnamese, the default), en or both.
    #[arg(long, value_name = "vi|en|both")]
    lang: Option<String>,
}

fn main() -> std::process::ExitCode {
    let args = match common::parse_args::<Args>(&[
        ("", "Tạo một tệp danh sách hồ sơ giả lập để đo tốc độ"),
        ("rows", "Số dòng dữ liệu [mặc định: 1000000]"),
        ("applications", "Số hồ sơ (mặc định: số dòng chia 2,5)"),
        ("seed", "Hạt giống của bộ sinh số ngẫu nhiên (cùng hạt giống cho cùng một tệp) [mặc định: 42]"),
        common::LANG_VI,
    ]) {
        Ok(a) => a,
        Err(code) => return code,
    };
    if let Err(code) = common::set_lang(args.lang.as_deref()) {
        return code;
    }
    let schedules = match common::load_schedules(None) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let apps = args.applications.unwrap_or((args.rows * 2 / 5).max(1));
    let out = std::io::stdout();
    let mut w = BufWriter::with_capacity(1 << 20, out.lock());
    let written = common::generate::write_batch(schedules, &mut w, args.rows, apps, args.seed).and_then(|()| w.flush());
    match written {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::ExitCode::from(common::CLOSED_PIPE),
        Err(e) => common::usage(
            &format!("không ghi được ra đầu ra chuẩn: {}", common::io_vi(&e)),
            &format!("cannot write to standard output: {e}"),
        ),
    }
}
