//! The classify tool: what is this device, legally, and who licenses it?
//!
//! ```text
//! cargo run --example classify -- examples/devices/mixed.toml
//! cargo run --example classify -- DEVICES.toml --date 2025-06-30 --format json
//! cargo run --example classify -- --name "Máy X-quang răng toàn cảnh" --name "Máy C-arm"
//! ```
//!
//! Reads one or more `[[device]]` tables with description fields (docs/device-classes.md), or
//! names as the forms write them (`--name`, repeated), and prints one classification per
//! device, in order. `--date` (default: today in Vietnam)
//! fixes the licensing authority and the decay of sources. Exit code 1 when any device is
//! ambiguous (the others are still printed), 2 on bad input.

#![deny(clippy::print_stdout, clippy::print_stderr)] // output goes through common::emit

mod common;

use std::process::ExitCode;

use clap::Parser;
use common::Format;
use radfee::application::devices_from_toml;
use radfee::classify::Outcome;
use radfee::{Classification, Date, Description, Law};

/// Classify radiation equipment from what is written on the declaration form.
#[derive(Parser, Debug)]
#[command(name = "classify", version)]
struct Args {
    /// A TOML file of [[device]] tables, or `-` for standard input (or give --name).
    file: Option<String>,
    /// A device's name as written on the form, instead of a file (repeat for several; a name
    /// may begin with `-`, as "- Máy X-quang" copied from a list).
    #[arg(long = "name", value_name = "NAME", allow_hyphen_values = true)]
    names: Vec<String>,
    /// The date that fixes the authority and the decay of sources (DD/MM/YYYY or YYYY-MM-DD; default today).
    #[arg(long)]
    date: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// A folder of schedule files to use instead of the compiled-in ones.
    #[arg(long, value_name = "DIR")]
    schedules: Option<std::path::PathBuf>,
    /// Language of messages: vi (Vietnamese, the default), en or both.
    #[arg(long, value_name = "vi|en|both")]
    lang: Option<String>,
}

fn text(i: usize, c: &Classification) -> String {
    // Labels and values in the language asked (`--lang`): Vietnamese first by default.
    let l = common::in_line;
    let mut o = format!(
        "{} {}: {}\n",
        l("thiết bị", "device"),
        i + 1,
        c.name.as_deref().unwrap_or(&l("(không có tên)", "(no name)"))
    );
    let class_label = l("loại", "class");
    match &c.outcome {
        Outcome::Settled(class) => {
            let (vi, en) = (class.name_vi(), class.name_en());
            o.push_str(&format!("  {class_label}: {} (`{class}`)\n", l(vi, en)));
        }
        // An exempt device needs no class: it is not ambiguous for licensing (exit 0), only
        // which of the classes it is stays open.
        Outcome::Ambiguous { classes, field } if c.status == Some(radfee::classify::Status::Exempt) => {
            let keys = classes.iter().map(|c| c.key()).collect::<Vec<_>>().join(", ");
            o.push_str(&format!(
                "  {class_label}: {}\n",
                l(
                    &format!("một trong {keys} (loại nào cũng được miễn trừ; `{field}` sẽ phân biệt)"),
                    &format!("one of {keys} (exempt whichever it is; `{field}` would tell them apart)"),
                )
            ))
        }
        Outcome::Ambiguous { classes, field } => {
            let keys = classes.iter().map(|c| c.key()).collect::<Vec<_>>().join(", ");
            o.push_str(&format!(
                "  {class_label}: {}\n",
                l(
                    &format!("CHƯA XÁC ĐỊNH: {keys}; hãy ghi thêm `{field}`"),
                    &format!("AMBIGUOUS: {keys}; give `{field}` to decide"),
                )
            ))
        }
        _ => o.push_str(&format!(
            "  {class_label}: {}\n",
            l("chưa xác định; hãy ghi `modality`", "not settled; give `modality`")
        )),
    }
    if let Some(f) = c.family {
        o.push_str(&format!(
            "  {}: {}{}\n",
            l("nhóm", "family"),
            l(f.names().0, f.names().1),
            if f.is_x_ray_emitting() { l(" (thiết bị phát tia X)", " (X-ray emitting)") } else { String::new() }
        ));
    }
    if let Some(s) = c.status {
        o.push_str(&format!(
            "  {}: {}{}\n",
            l("tình trạng", "status"),
            l(s.names().0, s.names().1),
            c.exemption
                .as_ref()
                .map(|e| {
                    // The classifier's Vietnamese for why, beside its English.
                    let vi = c.reasons.iter().find(|r| r.rule.starts_with("exemption")).map(|r| r.text_vi.as_str());
                    format!(" ({})", l(vi.filter(|v| !v.is_empty()).unwrap_or(e), e))
                })
                .unwrap_or_default()
        ));
    }
    if let Some(a) = c.authority {
        o.push_str(&format!("  {}: {}\n", l("thẩm quyền cấp phép", "licensed by"), l(a.names().0, a.names().1)));
    }
    if let (Some(cat), Some(ad)) = (c.source_category, c.a_over_d) {
        o.push_str(&format!(
            "  {}: {} {cat} (Σ A/D = {})\n",
            l("nguồn", "sources"),
            l("nhóm", "category"),
            ad.round_sf(6).unwrap_or(ad).normalize()
        ));
    }
    if let Some(s) = c.safety_officer_required {
        o.push_str(&format!(
            "  {}: {}\n",
            l("người phụ trách an toàn bức xạ", "safety officer required"),
            if s { l("có", "yes") } else { l("không", "no") }
        ));
    }
    if let Some(m) = c.inspection_interval_months {
        o.push_str(&format!(
            "  {}: {}\n",
            l("kiểm định", "inspection"),
            l(&format!("{m} tháng một lần"), &format!("every {m} months"))
        ));
    }
    for (k, w) in c.warnings.iter().enumerate() {
        let shown = c.warnings_vi.get(k).map_or_else(|| w.clone(), |vi| common::in_line(vi, w));
        o.push_str(&format!("  ! {shown}\n"));
    }
    for r in &c.reasons {
        let text = if r.text_vi.is_empty() { r.text.clone() } else { common::in_line(&r.text_vi, &r.text) };
        o.push_str(&format!("  - {text} [{}]\n", r.basis));
    }
    o
}

fn run() -> Result<ExitCode, ExitCode> {
    let args = common::parse_args::<Args>(&[
        ("", "Phân loại thiết bị bức xạ theo mô tả (tên, loại bức xạ, mục đích sử dụng…)"),
        ("file", "Tệp TOML gồm các bảng [[device]], hoặc `-` để đọc từ đầu vào chuẩn (hoặc ghi tên bằng --name)"),
        (
            "names",
            "Tên thiết bị như ghi trên tờ khai, thay cho tệp (lặp lại để phân loại nhiều thiết bị; tên có thể bắt đầu bằng `-`, như \"- Máy X-quang\" chép từ danh sách)",
        ),
        (
            "date",
            "Ngày xác định cơ quan cấp phép và độ suy giảm hoạt độ của nguồn (NGÀY/THÁNG/NĂM hoặc NĂM-THÁNG-NGÀY; mặc định: hôm nay)",
        ),
        ("format", "Dạng kết quả: text (văn bản) hoặc json [mặc định: text]"),
        common::SCHEDULES_VI,
        common::LANG_VI,
    ])?;
    common::set_lang(args.lang.as_deref())?;
    if matches!(args.format, Format::Json) {
        common::json_errors();
    }
    let date = match args.date.as_deref().map(Date::from_form) {
        None => Date::today_in_vietnam(),
        Some(Ok(d)) => d,
        Some(Err(e)) => return Err(common::usage(&format!("--date: {}", e.message_vi()), &format!("--date: {e}"))),
    };
    // A name left out takes the next option as its value (`--name --date 2026-03-01`), and
    // what follows would be read as the file: said first.
    for (k, name) in args.names.iter().enumerate() {
        let (at_vi, at_en) = name_at(k, args.names.len());
        common::name_value((&at_vi, &at_en), name)?;
    }
    if args.file.is_some() && !args.names.is_empty() {
        return Err(common::usage(
            "cho một tệp mô tả thiết bị hoặc tên thiết bị (--name), không cho cả hai",
            "give a file of devices or names (--name), not both",
        ));
    }
    let schedules = common::load_schedules(args.schedules.as_deref())?;
    let mut results = Vec::new();
    let Some(file) = args.file.as_deref() else {
        if args.names.is_empty() {
            return Err(common::usage(
                "cần một tệp mô tả thiết bị (TỆP, hoặc `-` để đọc từ đầu vào chuẩn) hoặc tên thiết bị (--name TÊN); xem `classify --help`",
                "give a file of devices (FILE, or `-` for standard input) or a device's name (--name NAME); see `classify --help`",
            ));
        }
        for (k, name) in args.names.iter().enumerate() {
            let (at_vi, at_en) = name_at(k, args.names.len());
            // A name alone is refused only for its length: one finding.
            let description = Description::named(name.as_str()).map_err(|e| {
                let (vi, en) = common::message(&e);
                common::usage(&format!("{at_vi}: {vi}"), &format!("{at_en}: {en}"))
            })?;
            results.push(classify(schedules, &description, date, (&at_vi, &at_en))?);
        }
        return print(&results, args.format, date);
    };
    let (name, content) = common::read_input(file, radfee::application::MAX_APPLICATION_BYTES as u64, "a device")?;
    let devices = devices_from_toml(&name, &content).map_err(|e| common::fail(&e))?;
    for device in &devices {
        let at = device.location().map(ToString::to_string).unwrap_or_default();
        let Some(description) = device.description() else {
            return Err(common::usage(
                &format!(
                    "\n{at}: thiết bị này chỉ ghi loại (`class`); công cụ phân loại đọc phần mô tả (tên, loại bức xạ, mục đích sử dụng, phương thức…)"
                ),
                &format!(
                    "\n{at}: this device has only a class; the classify tool reads descriptions (name, radiation, use, modality…)"
                ),
            ));
        };
        results.push(classify(schedules, description, date, (&at, &at))?);
    }
    print(&results, args.format, date)
}

/// Names the `k`th of `n` names (from 0) in Vietnamese and English: `--name`, or
/// `--name (tên thứ 2)` when there are several.
fn name_at(k: usize, n: usize) -> (String, String) {
    match n {
        1 => ("--name".to_owned(), "--name".to_owned()),
        _ => (format!("--name (tên thứ {})", k + 1), format!("--name (name {})", k + 1)),
    }
}

/// Classifies one description; a refusal names where it was read (`at`, in Vietnamese and
/// English).
fn classify(
    schedules: &Law,
    description: &Description,
    date: Date,
    (at_vi, at_en): (&str, &str),
) -> Result<Classification, ExitCode> {
    schedules.classify(description, date).map_err(|e| {
        let at = |at: &str| if at.is_empty() { String::new() } else { format!("{at}: ") };
        common::usage(
            &format!("\n{}{}", at(at_vi), e.display_in(radfee::error::Lang::Vi)),
            &format!("\n{}{}", at(at_en), e.display_in(radfee::error::Lang::En)),
        )
    })
}

/// Prints the classifications; exit code 1 when any is ambiguous.
fn print(results: &[Classification], format: Format, date: Date) -> Result<ExitCode, ExitCode> {
    let text = match format {
        Format::Json => match serde_json::to_string_pretty(results) {
            Ok(json) => format!("{json}\n"),
            Err(e) => {
                return Err(common::usage(
                    &format!("không viết được JSON: {e}"),
                    &format!("cannot write the JSON: {e}"),
                ));
            }
        },
        Format::Text => {
            let mut o = common::in_lang(
                &format!("Phân loại thiết bị ngày {}\n\n", date.day_first()),
                &format!("Classification on {date}\n\n"),
            );
            for (i, c) in results.iter().enumerate() {
                o.push_str(&text(i, c));
                o.push('\n');
            }
            o
        }
    };
    common::emit(&text)?;
    Ok(if results.iter().any(Classification::is_ambiguous) { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn main() -> ExitCode {
    run().unwrap_or_else(|code| code)
}
