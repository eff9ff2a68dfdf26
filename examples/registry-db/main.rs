//! The registry kept in a SQLite file (feature `sqlite`, issue 17, first part): create it,
//! bring in a TOML/JSON registry or a device list, check it, read its history, list the
//! renewals due.
//!
//! ```text
//! cargo run --example registry-db --features sqlite -- so.sqlite init
//! cargo run --example registry-db --features sqlite -- so.sqlite migrate --from examples/registry/sample.toml --by "Nguyễn Văn A"
//! cargo run --example registry-db --features sqlite -- so.sqlite import --list thiet-bi.xlsx --date 05/01/2026 --by "Nguyễn Văn A"
//! cargo run --example registry-db --features sqlite -- so.sqlite check
//! cargo run --example registry-db --features sqlite -- so.sqlite history --device BV-DN-01-X1
//! cargo run --example registry-db --features sqlite -- so.sqlite renewals --from-date 22/11/2026 --days 90
//! ```
//!
//! Every change prints what it recorded and its event ids. An import checks each row under the
//! registry's rules: rows refused are listed with their line or cell, and the rows accepted are
//! recorded together in one transaction (all of them or, on a storage error, none). Exit code
//! 0 when done, 1 when some rows were refused (the others are recorded), 2 when nothing could
//! be done (a file, a value or the store).
//!
//! `args` reads the flags and refuses those the action does not read; `changes` makes one
//! change from them; `read` prints what the read-only actions show; this file opens the store
//! and runs the rest (init, migrate, import, check, rebuild, apply).

#![deny(clippy::print_stdout, clippy::print_stderr)] // output goes through common

mod args;
mod changes;
#[path = "../common/mod.rs"]
mod common;
mod read;

use std::fmt::Write as _;
use std::process::ExitCode;

use common::{in_line, usage};
use radfee::Date;
use radfee::registry::Registry;
use radfee::registry::sqlite::{EventLog, SqliteStore};

pub(crate) use args::{Action, Args, check_flags, day, not_after_today};

/// Records the one change the flags give, after the registry's rules accepted it.
fn record_change(store: &mut SqliteStore, law: &radfee::Law, args: &Args) -> Result<ExitCode, ExitCode> {
    let who = by(args)?;
    let date = match args.date.as_deref() {
        Some(t) => day("--date", t)?,
        None => Date::today_in_vietnam(),
    };
    not_after_today("--date", date)?;
    let event = changes::from_flags(args.action, args, date)?;
    let mut registry = store.registry_for(std::slice::from_ref(&event)).map_err(|e| common::fail(&e))?;
    if let Err(e) = registry.apply(law, event.clone()) {
        return Err(usage(
            &format!("{}\n(không có gì được ghi)", e.display_in(radfee::error::Lang::Vi)),
            &format!("{}\n(nothing was recorded)", e.display_in(radfee::error::Lang::En)),
        ));
    }
    // Checked again under the write lock: another officer may have changed the rows since.
    let ids = store.append(law, std::slice::from_ref(&event), &who).map_err(|e| {
        usage(
            &format!("{}\n(không có gì được ghi)", e.display_in(radfee::error::Lang::Vi)),
            &format!("{}\n(nothing was recorded)", e.display_in(radfee::error::Lang::En)),
        )
    })?;
    let recorded = registry.history().last().unwrap_or(&event);
    let json = serde_json::to_string(recorded).unwrap_or_default();
    let id = ids.first().copied().unwrap_or_default();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}\n{json}",
        in_line(
            &format!("Đã ghi sự kiện {id}, ngày {} (người ghi: {who}):", date.day_first()),
            &format!("Recorded event {id}, dated {date} (by {who}):"),
        )
    );
    common::emit(&o)?;
    Ok(ExitCode::SUCCESS)
}

/// Who records a change: `--by`, required for every change.
fn by(args: &Args) -> Result<String, ExitCode> {
    args.by.clone().filter(|b| !b.trim().is_empty()).ok_or_else(|| {
        usage(
            "ghi tên người ghi nhận thay đổi bằng --by (ví dụ --by \"Nguyễn Văn A\")",
            "say who records the change with --by (e.g. --by \"Nguyen Van A\")",
        )
    })
}

fn run() -> Result<ExitCode, ExitCode> {
    let args = args::parse()?;
    common::set_lang(args.lang.as_deref())?;
    check_flags(&args)?;
    let law = common::load_schedules(None)?;
    // Only `init` creates a registry: a mistyped path (or an empty file) is said, not made into
    // an empty registry.
    if args.action != Action::Init && !args.file.exists() {
        let shown = args.file.display();
        return Err(usage(
            &format!("không có tệp sổ đăng ký {shown}; tạo tệp mới bằng `registry-db {shown} init`"),
            &format!("no registry file {shown}; create one with `registry-db {shown} init`"),
        ));
    }
    // A registry on a read-only disk (an archived copy) can still be read.
    let reads_only = matches!(
        args.action,
        Action::Check
            | Action::History
            | Action::Show
            | Action::List
            | Action::State
            | Action::Renewals
            | Action::Export
    );
    let opened = if args.action == Action::Init {
        SqliteStore::open(&args.file)
    } else {
        // Only `init` makes a registry, even of an empty SQLite file.
        SqliteStore::open_existing(&args.file)
    };
    let mut store = match opened {
        Ok(store) => store,
        Err(e) if reads_only => SqliteStore::open_read_only(&args.file).map_err(|_| common::fail(&e))?,
        Err(e) => return Err(common::fail(&e)),
    };
    if args.action.is_change() {
        return record_change(&mut store, law, &args);
    }
    let shown = args.file.display();
    let mut o = String::new();
    match args.action {
        Action::RegisterFacility
        | Action::Register
        | Action::Update
        | Action::Move
        | Action::Decommission
        | Action::Dispose
        | Action::Licence => {}
        Action::Rebuild => {
            store.rebuild().map_err(|e| common::fail(&e))?;
            let problems = store.check(law).map_err(|e| common::fail(&e))?;
            let _ = writeln!(
                o,
                "{}",
                in_line(
                    &format!("Đã dựng lại các bảng trạng thái từ lịch sử; kiểm tra: {} vấn đề.", problems.len()),
                    &format!(
                        "The state tables were written again from the history; check: {} problem(s).",
                        problems.len()
                    ),
                )
            );
        }
        Action::Init => {
            let v = store.schema_version().map_err(|e| common::fail(&e))?;
            let n = store.history().map_err(|e| common::fail(&e))?.len();
            let _ = writeln!(
                o,
                "{}",
                in_line(
                    &format!("Sổ đăng ký {shown} sẵn sàng (cấu trúc phiên bản {v}, {n} sự kiện)."),
                    &format!("Registry {shown} ready (schema version {v}, {n} events)."),
                )
            );
        }
        Action::Migrate => {
            let who = by(&args)?;
            let from =
                args.from.as_deref().ok_or_else(|| usage("migrate cần --from TỆP", "migrate needs --from FILE"))?;
            let (name, text) = common::read_input(from, 256 * 1024 * 1024, "a registry")?;
            let old = if name.ends_with(".json") {
                Registry::from_json(&name, &text, law)
            } else {
                Registry::from_toml(&name, &text, law)
            }
            .map_err(|e| common::fail(&e))?;
            let ids = store.append(law, old.history(), &who).map_err(|e| common::fail(&e))?;
            let (first, last) = (ids.first().copied().unwrap_or(0), ids.last().copied().unwrap_or(0));
            let _ = writeln!(
                o,
                "{}",
                in_line(
                    &format!("Đã chuyển {} sự kiện từ {name} (sự kiện {first}–{last}).", ids.len()),
                    &format!("{} events brought in from {name} (events {first}–{last}).", ids.len()),
                )
            );
        }
        Action::Import => {
            let who = by(&args)?;
            let list = args.list.as_ref().ok_or_else(|| usage("import cần --list TỆP", "import needs --list FILE"))?;
            let date = day(
                "--date",
                args.date
                    .as_deref()
                    .ok_or_else(|| usage("import cần --date NGÀY/THÁNG/NĂM", "import needs --date DD/MM/YYYY"))?,
            )?;
            not_after_today("--date", date)?;
            // A regular file of at most the workbook limit: never a device, a FIFO or a stream
            // that does not end.
            let meta = std::fs::metadata(list).map_err(|e| {
                usage(
                    &format!("không đọc được {}: {}", list.display(), common::io_vi(&e)),
                    &format!("cannot read {}: {e}", list.display()),
                )
            })?;
            let limit = radfee::batch::MAX_WORKBOOK_BYTES as u64;
            if !meta.is_file() || meta.len() > limit {
                return Err(usage(
                    &format!("{} không phải là tệp thông thường hoặc lớn hơn {limit} byte", list.display()),
                    &format!("{} is not a regular file or is larger than {limit} bytes", list.display()),
                ));
            }
            let bytes = std::fs::read(list).map_err(|e| {
                usage(
                    &format!("không đọc được {}: {}", list.display(), common::io_vi(&e)),
                    &format!("cannot read {}: {e}", list.display()),
                )
            })?;
            // Each row checked under the rules, the accepted ones recorded together.
            let (report, ids) =
                store.import(law, &bytes, args.sheet.as_deref(), date, &who).map_err(|e| common::fail(&e))?;
            if !report.ignored_columns.is_empty() {
                let cols = report.ignored_columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
                let _ = writeln!(
                    o,
                    "{}",
                    in_line(
                        &format!("Các cột không được đọc: {cols} (kiểm tra chính tả nếu cột đó cần được nhập)"),
                        &format!("Columns not read: {cols} (check the spelling if one should be imported)"),
                    )
                );
            }
            for p in &report.problems {
                o.push_str(&format!("{}: {}\n", list.display(), p.display_in(common::lang())));
            }
            let (first, last) = (ids.first().copied().unwrap_or(0), ids.last().copied().unwrap_or(0));
            let recorded = if ids.is_empty() {
                in_line("không có sự kiện nào được ghi", "no event recorded")
            } else {
                in_line(&format!("sự kiện {first}–{last}"), &format!("events {first}–{last}"))
            };
            let _ = writeln!(
                o,
                "{}",
                in_line(
                    &format!(
                        "Đã đọc {} dòng: đăng ký {} thiết bị ({recorded}); {} dòng bị từ chối.",
                        report.rows, report.imported, report.refused
                    ),
                    &format!(
                        "{} rows read: {} devices registered ({recorded}); {} rows refused.",
                        report.rows, report.imported, report.refused
                    ),
                )
            );
            common::emit(&o)?;
            return Ok(if report.refused > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS });
        }
        Action::Check => {
            let problems = store.check(law).map_err(|e| common::fail(&e))?;
            if problems.is_empty() {
                let _ = writeln!(
                    o,
                    "{}",
                    in_line(
                        "Sổ đăng ký nhất quán: lịch sử và trạng thái khớp nhau.",
                        "The registry is sound: history and state agree."
                    )
                );
            } else {
                for p in &problems {
                    let _ = writeln!(o, "{}", p.display_in(common::lang()));
                }
                common::emit(&o)?;
                return Ok(ExitCode::from(2));
            }
        }
        Action::History => read::history(&store, &args, &mut o)?,
        Action::Renewals => read::renewals(&store, law, &args, &mut o)?,
        Action::Show => read::show(&store, &args, &mut o)?,
        Action::List => read::list(&store, law, &args, &mut o)?,
        Action::State => read::state(&store, &args, &mut o)?,
        Action::Apply => {
            let who = by(&args)?;
            let path =
                args.events.as_deref().ok_or_else(|| usage("apply cần --events TỆP", "apply needs --events FILE"))?;
            let (name, text) = common::read_input(path, 64 * 1024 * 1024, "an event")?;
            let changes = Registry::events_from_toml(&name, &text).map_err(|e| common::fail(&e))?;
            // Each change checked under the rules first, so a refusal names its place in the
            // file; then all are recorded in one transaction (the store checks them again).
            for (place, event) in &changes {
                not_after_today(&place.to_string(), event.date)?;
            }
            let all: Vec<_> = changes.iter().map(|(_, e)| e.clone()).collect();
            let mut registry = store.registry_for(&all).map_err(|e| common::fail(&e))?;
            for (place, event) in &changes {
                if let Err(e) = registry.apply(law, event.clone()) {
                    let (vi, en) = (e.display_in(radfee::error::Lang::Vi), e.display_in(radfee::error::Lang::En));
                    return Err(usage(
                        &format!("{place}: {vi}\n(không thay đổi nào trong tệp được ghi)"),
                        &format!("{place}: {en}\n(no change of the file was recorded)"),
                    ));
                }
            }
            let ids = store.append(law, &all, &who).map_err(|e| common::fail(&e))?;
            // Each change as the rules recorded it (province slugs, classes resolved).
            for (id, e) in ids.iter().zip(registry.history()) {
                let json = serde_json::to_string(e).unwrap_or_default();
                let _ = writeln!(o, "{id:>6}  {}  {json}", e.date.day_first());
            }
            let n = ids.len();
            let _ = writeln!(o, "{}", in_line(&format!("Đã ghi {n} thay đổi."), &format!("{n} change(s) recorded.")));
        }
        Action::Export => read::export(&store, law, &args, &mut o)?,
    }
    common::emit(&o)?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    run().unwrap_or_else(|code| code)
}
