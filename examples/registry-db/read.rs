//! What the read-only actions print: `history`, `show`, `list`, `state`, `renewals` and
//! `export`. None of them changes the store, so each also works on a registry on a read-only
//! disk.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use radfee::registry::sqlite::{EventLog as _, SqliteStore};
use radfee::{Date, Law};

use crate::common::{self, in_line, usage};
use crate::{Args, day};

mod erased_pretty {
    /// A row shown as indented JSON.
    pub(crate) trait Pretty {
        fn pretty(&self) -> String;
    }
    impl<T: serde::Serialize> Pretty for T {
        fn pretty(&self) -> String {
            serde_json::to_string_pretty(self).unwrap_or_default()
        }
    }
}

/// One recorded event as `history` and `show` print it: its id, the day it took effect, who
/// recorded it and when (UTC), the change as JSON.
pub(crate) fn history_line(r: &radfee::registry::sqlite::Recorded) -> String {
    let json = serde_json::to_string(&r.event).unwrap_or_default();
    format!("{:>6}  {}  {}  {}  {json}", r.id, r.event.date.day_first(), r.recorded_by, r.recorded_at)
}

/// Refuses a facility or device id the registry has never held (a typing mistake would
/// otherwise read as "no device, no event").
pub(crate) fn known(store: &SqliteStore, facility: Option<&str>, device: Option<&str>) -> Result<(), ExitCode> {
    let missing = |what_vi: &str, what_en: &str, id: &str| {
        usage(&format!("sổ đăng ký không có {what_vi} `{id}`"), &format!("the registry holds no {what_en} `{id}`"))
    };
    if let Some(f) = facility
        && store.facility(f).map_err(|e| common::fail(&e))?.is_none()
    {
        return Err(missing("cơ sở", "facility", f));
    }
    if let Some(d) = device
        && store.equipment(d).map_err(|e| common::fail(&e))?.is_none()
    {
        return Err(missing("thiết bị", "device", d));
    }
    Ok(())
}

/// Refuses `--facility` and `--device` together: `history` and `show` read one of them (the
/// other would be left out without a word).
fn one_of(action: &str, args: &Args) -> Result<(), ExitCode> {
    if args.facility.is_some() && args.device.is_some() {
        return Err(usage(
            &format!("{action} đọc --facility hoặc --device, không đọc cả hai: chọn một"),
            &format!("{action} reads --facility or --device, not both: choose one"),
        ));
    }
    Ok(())
}

/// `history`: the events of a facility or a device (or all), one line each.
pub(crate) fn history(store: &SqliteStore, args: &Args, o: &mut String) -> Result<(), ExitCode> {
    one_of("history", args)?;
    known(store, args.facility.as_deref(), args.device.as_deref())?;
    for r in store.history_of(args.facility.as_deref(), args.device.as_deref()).map_err(|e| common::fail(&e))? {
        let _ = writeln!(o, "{}", history_line(&r));
    }
    Ok(())
}

/// `renewals`: the licences due for renewal between `--from-date` and `--days` later, each
/// with its fee or why it cannot be priced, the caveats, and totals per province and
/// licensing authority.
pub(crate) fn renewals(store: &SqliteStore, law: &Law, args: &Args, o: &mut String) -> Result<(), ExitCode> {
    let from = match args.from_date.as_deref().or(args.from.as_deref()) {
        Some(t) => day("--from-date", t)?,
        None => Date::today_in_vietnam(),
    };
    let until = Date::from_days(from.to_days() + i64::from(args.days))
        .ok_or_else(|| usage("--days vượt quá phạm vi lịch", "--days reaches past the calendar"))?;
    let report = store.renewals_due(law, from, until).map_err(|e| common::fail(&e))?;
    // As the in-memory registry tool prints them: each fee or why it cannot be priced,
    // the caveats of the figures, totals per province and per licensing authority.
    o.push_str(&common::renewals::render(&report, law));
    Ok(())
}

/// `show`: one facility or device as JSON, then its history.
pub(crate) fn show(store: &SqliteStore, args: &Args, o: &mut String) -> Result<(), ExitCode> {
    one_of("show", args)?;
    let pretty = |x: &dyn erased_pretty::Pretty| x.pretty();
    let (what, json) = match (&args.facility, &args.device) {
        (Some(f), _) => (f, store.facility(f).map_err(|e| common::fail(&e))?.map(|x| pretty(&x))),
        (None, Some(d)) => (d, store.equipment(d).map_err(|e| common::fail(&e))?.map(|x| pretty(&x))),
        (None, None) => {
            return Err(usage("show cần --facility MÃ hoặc --device MÃ", "show needs --facility ID or --device ID"));
        }
    };
    let Some(json) = json else {
        return Err(usage(&format!("sổ đăng ký không có `{what}`"), &format!("the registry holds no `{what}`")));
    };
    let _ = writeln!(o, "{json}\n{}", in_line("Lịch sử:", "History:"));
    let (f, d) = if args.facility.is_some() { (Some(what.as_str()), None) } else { (None, Some(what.as_str())) };
    for r in store.history_of(f, d).map_err(|e| common::fail(&e))? {
        let _ = writeln!(o, "{}", history_line(&r));
    }
    Ok(())
}

/// `list`: the devices that pass every filter given (province, class, family, status, the
/// licensing authority on `--on`), one line each.
pub(crate) fn list(store: &SqliteStore, law: &Law, args: &Args, o: &mut String) -> Result<(), ExitCode> {
    let on = match args.on.as_deref() {
        Some(t) => day("--on", t)?,
        None => Date::today_in_vietnam(),
    };
    // Every filter read first, so a mistyped one is said before any work.
    let province = match &args.province {
        Some(p) => {
            let (resolved, current) = law
                .provinces()
                .resolve(p, on)
                .map_err(|e| usage(&format!("--province: {}", e.message_vi()), &format!("--province: {e}")))?;
            // The registry keeps today's slugs: a former province means its successor.
            Some(if resolved.historical { current.slug().to_owned() } else { resolved.slug })
        }
        None => None,
    };
    let class = match &args.class {
        Some(c) => Some(
            radfee::DeviceClass::from_written(c)
                .map_err(|e| usage(&format!("--class: {}", e.message_vi), &format!("--class: {}", e.message)))?,
        ),
        None => None,
    };
    let family = match &args.family {
        Some(f) => Some(radfee::classify::Family::from_key(f).ok_or_else(|| {
            let all = radfee::classify::Family::ALL.map(|x| x.key()).join(", ");
            usage(
                &format!("--family: không có nhóm `{f}` (một trong: {all})"),
                &format!("--family: no family `{f}` (one of: {all})"),
            )
        })?),
        None => None,
    };
    let status = match &args.status {
        Some(s) => Some(radfee::registry::EquipmentStatus::from_key(s).ok_or_else(|| {
            let all = "in_service, stored, moved, decommissioned, disposed";
            usage(
                &format!("--status: không có tình trạng `{s}` (một trong {all})"),
                &format!("--status: no status `{s}` (one of {all})"),
            )
        })?),
        None => None,
    };
    let authority = match &args.authority {
        Some(a) => {
            let all = [radfee::Authority::Province, radfee::Authority::Varans, radfee::Authority::Ministry];
            Some(all.into_iter().find(|x| x.key() == a.as_str()).ok_or_else(|| {
                usage(
                    &format!("--authority: không có cơ quan `{a}` (province, varans, ministry)"),
                    &format!("--authority: no authority `{a}` (province, varans, ministry)"),
                )
            })?)
        }
        None => None,
    };
    // Province, class and status through the table's columns; family and the licensing
    // authority on `--on` from each device's class.
    let mut found = store.equipment_where(province.as_deref(), class, status).map_err(|e| common::fail(&e))?;
    if let Some(family) = family {
        found.retain(|e| e.class.is_some_and(|c| c.family() == family));
    }
    if let Some(authority) = authority {
        found.retain(|e| {
            e.class.and_then(|c| law.authority().rule(c, on)).is_some_and(|(r, _)| r.authority == authority)
        });
    }
    for e in &found {
        let class = e.class.map_or("-", |c| c.key());
        // The province by its name, as officers write it.
        let province = law.provinces().by_slug(&e.province).map_or(e.province.as_str(), |p| p.name().vi.as_str());
        let _ = writeln!(o, "{}  {}  {class}  {}  {province}", e.id, e.facility, e.status.key());
    }
    let n = found.len();
    let _ = writeln!(o, "{}", in_line(&format!("{n} thiết bị."), &format!("{n} device(s).")));
    Ok(())
}

/// `state`: what the registry (or one facility) held on `--on`.
pub(crate) fn state(store: &SqliteStore, args: &Args, o: &mut String) -> Result<(), ExitCode> {
    let on = args.on.as_deref().ok_or_else(|| usage("state cần --on NGÀY/THÁNG/NĂM", "state needs --on DD/MM/YYYY"))?;
    let on = day("--on", on)?;
    known(store, args.facility.as_deref(), None)?;
    let state = store.state_on(args.facility.as_deref(), on).map_err(|e| common::fail(&e))?;
    for e in state.equipment.values() {
        let _ = writeln!(o, "{}  {}  {}  {}", e.id, e.facility, e.class.map_or("-", |c| c.key()), e.status.key());
    }
    let (f, d, l) = (state.facilities.len(), state.equipment.len(), state.licences.len());
    let line = match &args.facility {
        Some(id) => in_line(
            &format!("Ngày {}: cơ sở {id} có {d} thiết bị, {l} giấy phép.", on.day_first()),
            &format!("On {on}: facility {id} holds {d} devices, {l} licences."),
        ),
        None => in_line(
            &format!("Ngày {}: {f} cơ sở, {d} thiết bị, {l} giấy phép.", on.day_first()),
            &format!("On {on}: {f} facilities, {d} devices, {l} licences."),
        ),
    };
    let _ = writeln!(o, "{line}");
    Ok(())
}

/// `export`: the registry as CSV (the device list's columns, imported back), JSON or TOML, to
/// `--out` (written whole or not at all; never over the registry or another database) or to
/// standard output (`-`).
pub(crate) fn export(store: &SqliteStore, law: &Law, args: &Args, o: &mut String) -> Result<(), ExitCode> {
    let out = args.out.as_ref().ok_or_else(|| usage("export cần --out TỆP", "export needs --out FILE"))?;
    // The journal and shared-memory files are named after the registry's real file,
    // whatever link or path named it here.
    let real = args.file.canonicalize().unwrap_or_else(|_| args.file.clone());
    let (wal, shm) =
        (PathBuf::from(format!("{}-wal", real.display())), PathBuf::from(format!("{}-shm", real.display())));
    let inputs = [
        ("tệp sổ đăng ký", "registry file", real.as_path()),
        ("tệp nhật ký của sổ đăng ký", "registry's journal file", wal.as_path()),
        ("tệp bộ nhớ chung của sổ đăng ký", "registry's shared-memory file", shm.as_path()),
    ];
    let to_stdout = out.as_os_str() == "-";
    if !to_stdout {
        common::check_outputs(&inputs, &[("--out", out)])?;
        // Never over a database (another registry, named by mistake).
        let mut head = [0_u8; 16];
        let is_db = std::fs::File::open(out)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .is_ok_and(|()| &head == b"SQLite format 3\0");
        if is_db {
            return Err(usage(
                &format!(
                    "--out {} là một cơ sở dữ liệu SQLite (có thể là một sổ đăng ký khác): không ghi đè; hãy chọn tệp khác",
                    out.display()
                ),
                &format!(
                    "--out {} is a SQLite database (perhaps another registry): not overwritten; choose another file",
                    out.display()
                ),
            ));
        }
    }
    // The format given, or the one the file's name says; never guessed.
    let extension = out.extension().and_then(|e| e.to_str()).map(str::to_lowercase);
    let format = match (args.format.as_deref(), extension.as_deref()) {
        (Some(f), _) => f.to_owned(),
        (None, Some(e @ ("csv" | "json" | "toml"))) => e.to_owned(),
        _ => {
            return Err(usage(
                "export cần --format csv, json hoặc toml (hoặc tên tệp có đuôi .csv, .json, .toml)",
                "export needs --format csv, json or toml (or a file name ending .csv, .json, .toml)",
            ));
        }
    };
    let text = match format.as_str() {
        "json" => store
            .registry(law)
            .map_err(|e| common::fail(&e))?
            .to_json()
            .map_err(|e| usage(&format!("không viết được JSON: {e}"), &format!("cannot write JSON: {e}")))?,
        "toml" => store.registry(law).map_err(|e| common::fail(&e))?.to_toml().map_err(|e| common::fail(&e))?,
        "csv" => {
            // The device list's own columns (it imports back), and the status; a cell a
            // spreadsheet would run as a formula is written as text.
            let cell = |t: &str| {
                let number = t.parse::<f64>().is_ok();
                if !number && t.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{t}") } else { t.to_owned() }
            };
            let mut w = csv::Writer::from_writer(Vec::new());
            let _ = w.write_record([
                "equipment_id",
                "facility_id",
                "name",
                "class",
                "manufacturer",
                "model",
                "serial",
                "year",
                "location",
                "mobile",
                "province",
                "status",
            ]);
            for e in store.equipment_where(None, None, None).map_err(|e| common::fail(&e))? {
                let _ = w.write_record([
                    cell(&e.id),
                    cell(&e.facility),
                    cell(e.description.name().unwrap_or("")),
                    e.class.map_or("", |c| c.key()).to_owned(),
                    cell(e.manufacturer.as_deref().unwrap_or("")),
                    cell(e.model.as_deref().unwrap_or("")),
                    cell(e.serial.as_deref().unwrap_or("")),
                    e.year.map(|y| y.to_string()).unwrap_or_default(),
                    cell(e.location.as_deref().unwrap_or("")),
                    if e.mobile { "có" } else { "không" }.to_owned(),
                    law.provinces().by_slug(&e.province).map_or(e.province.clone(), |p| p.name().vi.clone()),
                    e.status.key().to_owned(),
                ]);
            }
            // With a byte-order mark: Excel then reads the Vietnamese letters as UTF-8.
            let body = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
            format!("\u{feff}{body}")
        }
        other => {
            return Err(usage(
                &format!("--format: `{other}` không phải csv, json hoặc toml"),
                &format!("--format: `{other}` is not csv, json or toml"),
            ));
        }
    };
    if to_stdout {
        common::emit(&text)?;
        return Ok(());
    }
    let bytes = text.len();
    common::write_files(vec![(
        "--out",
        out,
        Box::new(move |w: &mut dyn std::io::Write| w.write_all(text.as_bytes())),
    )])?;
    let shown = out.display();
    let _ = writeln!(
        o,
        "{}",
        in_line(&format!("Đã ghi {shown} ({bytes} byte)."), &format!("Wrote {shown} ({bytes} bytes)."))
    );
    Ok(())
}
