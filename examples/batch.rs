//! Batch appraisal: a CSV of many applications in, three checkable figures out
//! (docs/batch.md).
//!
//! ```text
//! cargo run --release --example batch -- examples/batch/sample.csv
//! cargo run --release --example batch -- BATCH.csv --out totals.csv
//! cargo run --release --example batch -- DANH_SACH.xlsx --sheet "Hồ sơ"   # a workbook
//! ```
//!
//! Prints `applications`, `grand_total` and `digest` on standard output. Rows and applications
//! that could not be priced are listed on standard error with their line numbers. Exit code 0
//! when everything was priced, 1 when some applications cannot be priced as one application
//! (the figures cover the others), 2 when a row is bad or the file cannot be read.

#![deny(clippy::print_stdout, clippy::print_stderr)] // output goes through common

mod common;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use radfee::batch::{Keep, Options};

/// Price every application of a batch CSV file.
#[derive(Parser, Debug)]
#[command(name = "batch", version)]
struct Args {
    /// The CSV file (application_id,province,procedure,received,channel,class,count) or a
    /// workbook (.xlsx, .xls, .ods) with those columns, or `-`.
    file: String,
    /// For a workbook: the sheet to read [default: the first].
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// Also write one CSV row per application: application_id,total,authority,warnings.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also write the priced lines: application_id,class,count,unit_fee,amount,row,warnings,by_analogy,note.
    #[arg(long, value_name = "FILE")]
    detail: Option<PathBuf>,
    /// A folder of schedule files to use instead of the compiled-in ones.
    #[arg(long, value_name = "DIR")]
    schedules: Option<PathBuf>,
    /// Language of messages: vi (Vietnamese, the default), en or both.
    #[arg(long, value_name = "vi|en|both")]
    lang: Option<String>,
}

/// Writes the totals file: application_id,total,authority,warnings (the ids of the schedule
/// warnings the application carries, separated by `;`).
fn write_totals(report: &radfee::batch::BatchReport, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(["application_id", "total", "authority", "warnings"])?;
    for r in &report.results {
        let total = r.total.amount().to_string();
        let warnings = r.warnings.join(";");
        w.write_record([r.application_id.as_str(), total.as_str(), r.authority.map_or("", |a| a.key()), &warnings])?;
    }
    w.flush()
}

/// Writes the detail file: application_id,class,count,unit_fee,amount,row,warnings,by_analogy,
/// note (whether the line's class is priced like its row by analogy, and the line's note, in
/// the language of `--lang`: the assumptions the analogy or the row rest on, or why a line is
/// not charged).
fn write_detail(report: &radfee::batch::BatchReport, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record([
        "application_id",
        "class",
        "count",
        "unit_fee",
        "amount",
        "row",
        "warnings",
        "by_analogy",
        "note",
    ])?;
    for r in &report.results {
        let warnings = r.warnings.join(";");
        for l in &r.lines {
            w.write_record([
                r.application_id.clone(),
                l.class.map_or_else(String::new, |c| c.key().to_owned()),
                l.count.to_string(),
                l.unit_fee.amount().to_string(),
                l.amount.amount().to_string(),
                l.row.clone().unwrap_or_else(|| "-".to_owned()),
                warnings.clone(),
                l.by_analogy.to_string(),
                match (&l.note_vi, &l.note) {
                    (Some(vi), Some(en)) => common::in_line(vi, en),
                    (vi, en) => vi.clone().or_else(|| en.clone()).unwrap_or_default(),
                },
            ])?;
        }
    }
    w.flush()
}

fn run() -> Result<ExitCode, ExitCode> {
    let args = common::parse_args::<Args>(&[
        ("", "Tính phí cho mọi hồ sơ trong một tệp danh sách (CSV hoặc bảng tính)"),
        (
            "file",
            "Tệp CSV (application_id,province,procedure,received,channel,class,count) hoặc tệp bảng tính (.xlsx, .xls, .ods) có các cột đó, hoặc `-` để đọc từ đầu vào chuẩn",
        ),
        ("sheet", "Với tệp bảng tính: tên trang tính cần đọc [mặc định: trang đầu tiên]"),
        ("out", "Ghi thêm tệp CSV, mỗi hồ sơ một dòng: application_id,total,authority,warnings"),
        (
            "detail",
            "Ghi thêm tệp CSV các dòng đã tính phí: application_id,class,count,unit_fee,amount,row,warnings,by_analogy,note",
        ),
        common::SCHEDULES_VI,
        common::LANG_VI,
    ])?;
    common::set_lang(args.lang.as_deref())?;
    // Outputs may not be the input or each other: checked before anything is read.
    let mut inputs: Vec<common::Input<'_>> = Vec::new();
    if args.file == "-" {
        // Standard input redirected from a file (`< totals.csv`) is that file.
        inputs.push(("dữ liệu vào chuẩn", "standard input", Path::new("/dev/stdin")));
    } else {
        inputs.push(("tệp đầu vào", "input file", Path::new(&args.file)));
    }
    let outputs: Vec<(&str, &Path)> = [("--out", args.out.as_deref()), ("--detail", args.detail.as_deref())]
        .into_iter()
        .filter_map(|(flag, p)| p.map(|p| (flag, p)))
        .collect();
    common::check_outputs(&inputs, &outputs)?;
    let schedules = common::load_schedules(args.schedules.as_deref())?;
    let mut input = common::open_stream(&args.file)?;
    // A workbook or CSV text: told apart by the file's first bytes, not its name.
    let mut head = Vec::with_capacity(8);
    std::io::Read::by_ref(&mut input).take(8).read_to_end(&mut head).map_err(|e| {
        common::usage(
            &format!("không đọc được {}: {}", args.file, common::io_vi(&e)),
            &format!("cannot read {}: {e}", args.file),
        )
    })?;
    let workbook = radfee::batch::looks_like_workbook(&head);
    if args.sheet.is_some() && !workbook {
        return Err(common::usage(
            "--sheet chỉ dùng cho tệp bảng tính (.xlsx, .xls, .ods); tệp này là CSV",
            "--sheet is for a workbook (.xlsx, .xls, .ods); this file is CSV text",
        ));
    }
    // Progress on a terminal only (indicatif draws nothing when standard error is not one).
    let progress = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    progress.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {human_pos} rows read ({per_sec})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    // Keep per-application results only when a file is written from them.
    let keep = match (&args.out, &args.detail) {
        (_, Some(_)) => Keep::Lines,
        (Some(_), None) => Keep::Totals,
        (None, None) => Keep::Figures,
    };
    let name = if args.file == "-" { "<stdin>" } else { args.file.as_str() };
    let options = Options::default().keep(keep);
    let report = if workbook {
        let limit = radfee::batch::MAX_WORKBOOK_BYTES as u64;
        let mut bytes = head;
        input.take(limit + 1 - bytes.len() as u64).read_to_end(&mut bytes).map_err(|e| {
            common::usage(&format!("không đọc được {name}: {}", common::io_vi(&e)), &format!("cannot read {name}: {e}"))
        })?;
        if bytes.len() as u64 > limit {
            return Err(common::usage(
                &format!("{name}: tệp bảng tính lớn hơn {limit} byte"),
                &format!("{name}: the workbook is larger than {limit} bytes"),
            ));
        }
        schedules.price_workbook(&bytes, args.sheet.as_deref(), &options, |rows| progress.set_position(rows))
    } else {
        schedules.price_batch(std::io::Cursor::new(head).chain(input), &options, |rows| progress.set_position(rows))
    }
    .map_err(|e| {
        common::usage(
            &format!("{name}: {}", e.display_in(radfee::error::Lang::Vi)),
            &format!("{name}: {}", e.display_in(radfee::error::Lang::En)),
        )
    })?;
    progress.finish_and_clear();
    let mut listed = String::new();
    if !report.ignored_columns.is_empty() {
        let cols = report.ignored_columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
        let all = radfee::batch::BATCH_COLUMNS.join(", ");
        let en = format!("{name}: note: column(s) {cols} not read (a batch reads {all})\n");
        let vi = format!("{name}: ghi chú: không đọc cột {cols} (bảng tính phí chỉ đọc các cột {all})\n");
        listed.push_str(&common::in_lang(&vi, &en));
    }
    for p in &report.problems {
        listed.push_str(&format!("{name}: {}\n", p.display_in(common::lang())));
    }
    let problems = report.bad_rows + report.unpriceable;
    if problems > 0 {
        let unlisted = problems - report.problems.len() as u64;
        let en = format!(
            "{} rows read; {} applications priced; {problems} problem(s){}\n",
            report.rows,
            report.applications,
            if unlisted > 0 {
                format!(", the first {} listed above", report.problems.len())
            } else {
                " listed above".to_owned()
            }
        );
        let vi = format!(
            "đã đọc {} dòng; đã tính phí {} hồ sơ; {problems} lỗi{}\n",
            report.rows,
            report.applications,
            if unlisted > 0 {
                format!(", {} lỗi đầu tiên được liệt kê ở trên", report.problems.len())
            } else {
                " được liệt kê ở trên".to_owned()
            }
        );
        listed.push_str(&common::in_lang(&vi, &en));
    }
    for w in &report.warnings {
        let (head_vi, head_en) = match w.level {
            radfee::schedule::WarningLevel::High => ("CẢNH BÁO", "WARNING"),
            _ => ("lưu ý", "notice"),
        };
        listed.push_str(&common::in_lang(
            &format!("{head_vi} ({}): áp dụng cho {} hồ sơ đã tính phí: {}", w.id, w.applications, w.text.vi),
            &format!("{head_en} ({}): {} priced application(s) carry it: {}", w.id, w.applications, w.text.en),
        ));
        listed.push('\n');
    }
    // The three figures are for checking (stdout, docs/batch.md); the officer also reads them
    // in words.
    let total = report.grand_total;
    listed.push_str(&common::in_lang(
        &format!("Đã tính phí {} hồ sơ; tổng số phí {total}.\n", report.applications),
        &format!("{} application(s) priced; grand total {total}.\n", report.applications),
    ));
    common::warn(&listed);
    let mut files: Vec<common::Output<'_>> = Vec::new();
    if let Some(path) = &args.out {
        files.push(("--out", path, Box::new(|w: &mut dyn std::io::Write| write_totals(&report, w))));
    }
    if let Some(path) = &args.detail {
        files.push(("--detail", path, Box::new(|w: &mut dyn std::io::Write| write_detail(&report, w))));
    }
    // The figures are printed even when a file cannot be written: they are never lost.
    let written = common::write_files(files);
    common::emit(&report.summary())?;
    written?;
    Ok(if report.bad_rows > 0 {
        ExitCode::from(2)
    } else if report.unpriceable > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn main() -> ExitCode {
    run().unwrap_or_else(|code| code)
}
