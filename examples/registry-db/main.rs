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

#![deny(clippy::print_stdout, clippy::print_stderr)] // output goes through common

mod changes;
#[path = "../common/mod.rs"]
mod common;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use common::{in_line, usage};
use radfee::Date;
use radfee::registry::Registry;
use radfee::registry::sqlite::{EventLog, SqliteStore};
use unicode_normalization::UnicodeNormalization as _;

/// What to do with the store.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Create the file (or check an existing one opens).
    Init,
    /// Bring in the history of a TOML or JSON registry file (`--from`).
    Migrate,
    /// Register the devices of a device list (`--list`, CSV or workbook) on `--date`.
    Import,
    /// Check the file: integrity, and the state against the history.
    Check,
    /// The recorded events, or those of one facility or device.
    History,
    /// The licences to renew from `--from` for `--days`, priced.
    Renewals,
    /// A facility (`--facility`) or a device (`--device`) now, with its whole dated history.
    Show,
    /// The devices, filtered by `--province`, `--class`, `--family`, `--status`, `--authority`.
    List,
    /// The registry as it stood on `--on` (a facility's devices with `--facility`).
    State,
    /// The whole registry to `--out` as CSV (devices), JSON or TOML (history and state).
    Export,
    /// The changes of an event file (`--events`: `[[history]]` entries: register, update,
    /// move, decommission, dispose, issue or renew a licence), all or none.
    Apply,
    /// Write the derived tables again from the history (when `check` finds them wrong).
    Rebuild,
    /// Register a facility: `--id --name --province --kind` [`--tax-code --address`].
    RegisterFacility,
    /// Register a device: `--id --facility` and `--class` or `--name` [`--manufacturer --model
    /// --serial --year --location --mobile --province`].
    Register,
    /// Correct a device: `--device` and `--name`, `--class`, `--location`, `--status`,
    /// `--manufacturer`, `--model`, `--serial` or `--year`.
    Update,
    /// Move a device: `--device` and `--to-facility` or `--to-province` [`--location`].
    Move,
    /// Take a device out of service for good: `--device`.
    Decommission,
    /// Dispose of a device (decommissioned, or destroyed in service): `--device`.
    Dispose,
    /// `licence issue --number --facility --authority --expires --devices` [`--issued`], or
    /// `licence renew --number --expires`.
    #[value(alias = "license")]
    Licence,
}

impl Action {
    /// Whether the action records a change given by flags.
    fn is_change(self) -> bool {
        matches!(
            self,
            Action::RegisterFacility
                | Action::Register
                | Action::Update
                | Action::Move
                | Action::Decommission
                | Action::Dispose
                | Action::Licence
        )
    }
}

/// The registry in a SQLite file.
#[derive(Parser, Debug)]
#[command(name = "registry-db", version)]
pub(crate) struct Args {
    /// The registry file (SQLite).
    file: PathBuf,
    /// What to do: init, migrate, import, check, rebuild, history, renewals, show, list,
    /// state, export, apply, register-facility, register, update, move, decommission,
    /// dispose, licence issue, licence renew.
    #[arg(value_enum)]
    action: Action,
    /// After `licence`: issue or renew.
    #[arg(value_name = "issue|renew")]
    what: Option<String>,
    /// register-facility, register: the new id.
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// register-facility: the facility's name; register, update: the device's name as on the
    /// form (the classifier reads it).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// register-facility: hospital, clinic, dental_clinic, veterinary, industrial, research,
    /// security or other.
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
    /// register-facility: the tax code (mã số thuế).
    #[arg(long = "tax-code", value_name = "CODE")]
    tax_code: Option<String>,
    /// register-facility: the address.
    #[arg(long, value_name = "ADDRESS")]
    address: Option<String>,
    /// register: the manufacturer.
    #[arg(long, value_name = "NAME")]
    manufacturer: Option<String>,
    /// register: the model.
    #[arg(long, value_name = "MODEL")]
    model: Option<String>,
    /// register: the serial number.
    #[arg(long, value_name = "SERIAL")]
    serial: Option<String>,
    /// register: the year of manufacture.
    #[arg(long, value_name = "YEAR")]
    year: Option<String>,
    /// register, update, move: the room or site.
    #[arg(long, value_name = "PLACE")]
    location: Option<String>,
    /// register: the device is used at more than one place (licensed by the head office's
    /// province).
    #[arg(long)]
    mobile: bool,
    /// move: the facility that holds the device from now on.
    #[arg(long = "to-facility", value_name = "ID")]
    to_facility: Option<String>,
    /// move: the province a fixed device now stands in.
    #[arg(long = "to-province", value_name = "PROVINCE")]
    to_province: Option<String>,
    /// licence: the licence number.
    #[arg(long, value_name = "NUMBER")]
    number: Option<String>,
    /// licence issue: the issue date (DD/MM/YYYY) [default: --date].
    #[arg(long, value_name = "DATE")]
    issued: Option<String>,
    /// licence issue, licence renew: the last day of validity (DD/MM/YYYY).
    #[arg(long, value_name = "DATE")]
    expires: Option<String>,
    /// licence issue: the device ids it covers, separated by commas.
    #[arg(long, value_name = "ID,ID")]
    devices: Option<String>,
    /// migrate: the TOML or JSON registry file to bring in.
    #[arg(long, value_name = "FILE")]
    from: Option<String>,
    /// import: the device list (CSV, .xlsx, .xls, .ods).
    #[arg(long, value_name = "FILE")]
    list: Option<PathBuf>,
    /// import: for a workbook, the sheet to read [default: the first].
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// import: the day the devices are registered (DD/MM/YYYY); a change: the day it took
    /// effect [default: today].
    #[arg(long)]
    date: Option<String>,
    /// Who records the change (an officer's name or account).
    #[arg(long, value_name = "NAME")]
    by: Option<String>,
    /// history, show, state: this facility id; register, licence issue: the facility.
    #[arg(long, value_name = "ID")]
    facility: Option<String>,
    /// history, show: this device id; update, move, decommission, dispose: the device.
    #[arg(long, value_name = "ID")]
    device: Option<String>,
    /// renewals: the first day of the window (DD/MM/YYYY; default today).
    #[arg(long = "from-date", value_name = "DATE")]
    from_date: Option<String>,
    /// renewals: the length of the window in days.
    #[arg(long, default_value_t = 90)]
    days: u32,
    /// list: devices in this province (any spelling; today's provinces); register-facility:
    /// its province; register: a fixed device's province when not its facility's.
    #[arg(long, value_name = "PROVINCE")]
    province: Option<String>,
    /// list: devices of this class (key); register, update: the device's class.
    #[arg(long, value_name = "CLASS")]
    class: Option<String>,
    /// list: devices of this family (medical_xray, sealed_source_device…).
    #[arg(long, value_name = "FAMILY")]
    family: Option<String>,
    /// list: devices with this status (in_service, stored, moved, decommissioned, disposed);
    /// update: in_service or stored.
    #[arg(long, value_name = "STATUS")]
    status: Option<String>,
    /// list: devices licensed by this authority (province, varans, ministry) on --on;
    /// licence issue: the authority that issues it.
    #[arg(long, value_name = "AUTHORITY")]
    authority: Option<String>,
    /// state: the day to see (DD/MM/YYYY); list: the day for --province and --authority
    /// (default today).
    #[arg(long, value_name = "DATE")]
    on: Option<String>,
    /// apply: the event file (TOML, `[[history]]` entries as in a registry file).
    #[arg(long, value_name = "FILE")]
    events: Option<String>,
    /// export: csv, json or toml.
    #[arg(long, value_name = "csv|json|toml")]
    format: Option<String>,
    /// export: the file to write (never the registry file itself; written whole or not at all).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Language of messages: vi (Vietnamese, the default), en or both.
    #[arg(long, value_name = "vi|en|both")]
    lang: Option<String>,
}

/// The day a flag gives, or the usage error.
pub(crate) fn day(flag: &str, text: &str) -> Result<Date, ExitCode> {
    Date::from_form(text).map_err(|e| usage(&format!("{flag}: {}", e.message_vi()), &format!("{flag}: {e}")))
}

/// Refuses a day after today (in Vietnam) for a change: the history is appended in date
/// order, so one change dated in the future would block every change until that day.
fn not_after_today(what: &str, date: Date) -> Result<(), ExitCode> {
    let today = Date::today_in_vietnam();
    if date <= today {
        return Ok(());
    }
    Err(usage(
        &format!(
            "{what}: ngày {} là ngày trong tương lai (hôm nay là {}); sổ đăng ký chỉ ghi thay đổi đã xảy ra",
            date.day_first(),
            today.day_first()
        ),
        &format!("{what}: {date} is in the future (today is {today}); the registry records changes that happened"),
    ))
}

/// Refuses a flag the action does not read (it would be ignored without a word, e.g. a serial
/// given to `update`, a facility to `renewals`), and text a flag cannot hold: a control
/// character (a terminal escape, a line break) or more than 1,000 characters.
fn check_flags(args: &Args) -> Result<(), ExitCode> {
    use Action as A;
    let texts: [(&str, Option<&String>, &[Action]); 31] = [
        ("--what", args.what.as_ref(), &[A::Licence]),
        ("--id", args.id.as_ref(), &[A::RegisterFacility, A::Register]),
        ("--name", args.name.as_ref(), &[A::RegisterFacility, A::Register, A::Update]),
        ("--kind", args.kind.as_ref(), &[A::RegisterFacility]),
        ("--tax-code", args.tax_code.as_ref(), &[A::RegisterFacility]),
        ("--address", args.address.as_ref(), &[A::RegisterFacility]),
        ("--manufacturer", args.manufacturer.as_ref(), &[A::Register, A::Update]),
        ("--model", args.model.as_ref(), &[A::Register, A::Update]),
        ("--serial", args.serial.as_ref(), &[A::Register, A::Update]),
        ("--year", args.year.as_ref(), &[A::Register, A::Update]),
        ("--location", args.location.as_ref(), &[A::Register, A::Update, A::Move]),
        ("--to-facility", args.to_facility.as_ref(), &[A::Move]),
        ("--to-province", args.to_province.as_ref(), &[A::Move]),
        ("--number", args.number.as_ref(), &[A::Licence]),
        ("--issued", args.issued.as_ref(), &[A::Licence]),
        ("--expires", args.expires.as_ref(), &[A::Licence]),
        ("--devices", args.devices.as_ref(), &[A::Licence]),
        ("--from", args.from.as_ref(), &[A::Migrate, A::Renewals]),
        ("--sheet", args.sheet.as_ref(), &[A::Import]),
        (
            "--date",
            args.date.as_ref(),
            &[A::Import, A::RegisterFacility, A::Register, A::Update, A::Move, A::Decommission, A::Dispose, A::Licence],
        ),
        (
            "--by",
            args.by.as_ref(),
            &[
                A::Migrate,
                A::Import,
                A::Apply,
                A::RegisterFacility,
                A::Register,
                A::Update,
                A::Move,
                A::Decommission,
                A::Dispose,
                A::Licence,
            ],
        ),
        ("--facility", args.facility.as_ref(), &[A::History, A::Show, A::State, A::Register, A::Licence]),
        ("--device", args.device.as_ref(), &[A::History, A::Show, A::Update, A::Move, A::Decommission, A::Dispose]),
        ("--from-date", args.from_date.as_ref(), &[A::Renewals]),
        ("--province", args.province.as_ref(), &[A::List, A::RegisterFacility, A::Register]),
        ("--class", args.class.as_ref(), &[A::List, A::Register, A::Update]),
        ("--family", args.family.as_ref(), &[A::List]),
        ("--status", args.status.as_ref(), &[A::List, A::Update]),
        ("--authority", args.authority.as_ref(), &[A::List, A::Licence]),
        ("--on", args.on.as_ref(), &[A::List, A::State]),
        ("--events", args.events.as_ref(), &[A::Apply]),
    ];
    let others: [(&str, bool, &[Action]); 5] = [
        ("--list", args.list.is_some(), &[A::Import]),
        ("--format", args.format.is_some(), &[A::Export]),
        ("--out", args.out.is_some(), &[A::Export]),
        ("--mobile", args.mobile, &[A::Register]),
        ("--days", args.days != 90, &[A::Renewals]),
    ];
    let given = texts.iter().map(|(f, v, a)| (*f, v.is_some(), *a)).chain(others);
    for (flag, is_given, actions) in given {
        if is_given && !actions.contains(&args.action) {
            let action =
                clap::ValueEnum::to_possible_value(&args.action).map(|v| v.get_name().to_owned()).unwrap_or_default();
            let flag = if flag == "--what" { "issue|renew" } else { flag };
            return Err(usage(
                &format!("{action} không dùng {flag}; hãy bỏ {flag} (nếu không, giá trị đó sẽ bị bỏ qua)"),
                &format!("{action} does not read {flag}; leave it out (it would be ignored)"),
            ));
        }
    }
    if args.action == A::Licence && args.what.as_deref() == Some("renew") {
        let issue_only = [
            ("--facility", args.facility.is_some()),
            ("--authority", args.authority.is_some()),
            ("--issued", args.issued.is_some()),
            ("--devices", args.devices.is_some()),
        ];
        if let Some((flag, _)) = issue_only.iter().find(|(_, given)| *given) {
            return Err(usage(
                &format!(
                    "licence renew không dùng {flag} (gia hạn chỉ đổi ngày hết hạn: --number, --expires); hãy bỏ {flag}"
                ),
                &format!(
                    "licence renew does not read {flag} (a renewal changes the expiry only: --number, --expires); leave it out"
                ),
            ));
        }
    }
    if args.action == A::List && args.on.is_some() && args.province.is_none() && args.authority.is_none() {
        return Err(usage(
            "list cho biết thiết bị như hiện nay; --on chỉ là ngày dùng cho --province và --authority. Để xem một ngày đã qua hãy dùng `state --on`",
            "list shows the devices as they stand now; --on is only the day for --province and --authority. For a past day use `state --on`",
        ));
    }
    // Invisible characters that make two ids look alike or turn text around.
    let invisible = |c: char| matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}');
    for (flag, value, _) in texts {
        let Some(v) = value else { continue };
        if v.chars().any(|c| c.is_control() || invisible(c)) || v.nfc().count() > 1000 {
            return Err(usage(
                &format!(
                    "{flag}: giá trị có ký tự điều khiển hoặc ký tự vô hình (xuống dòng, mã màn hình, khoảng trắng độ rộng 0) hoặc dài hơn 1.000 ký tự"
                ),
                &format!(
                    "{flag}: the value holds a control or invisible character (a line break, a terminal code, a zero-width space) or is longer than 1,000 characters"
                ),
            ));
        }
    }
    Ok(())
}

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
fn history_line(r: &radfee::registry::sqlite::Recorded) -> String {
    let json = serde_json::to_string(&r.event).unwrap_or_default();
    format!("{:>6}  {}  {}  {}  {json}", r.id, r.event.date.day_first(), r.recorded_by, r.recorded_at)
}

/// Refuses a facility or device id the registry has never held (a typing mistake would
/// otherwise read as "no device, no event").
fn known(store: &SqliteStore, facility: Option<&str>, device: Option<&str>) -> Result<(), ExitCode> {
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
    let args = common::parse_args::<Args>(&[
        ("", "Sổ đăng ký thiết bị bức xạ lưu trong tệp SQLite"),
        ("file", "Tệp sổ đăng ký (SQLite)"),
        (
            "action",
            "Việc cần làm: init (tạo tệp), migrate (chuyển từ tệp TOML/JSON), import (nhập danh sách thiết bị), check (kiểm tra), rebuild (dựng lại các bảng trạng thái từ lịch sử), history (lịch sử), renewals (giấy phép cần gia hạn), show (một cơ sở hoặc thiết bị), list (danh sách thiết bị theo bộ lọc), state (tình trạng vào một ngày), export (xuất ra CSV, JSON, TOML), apply (ghi các thay đổi trong tệp --events), register-facility (đăng ký cơ sở), register (đăng ký thiết bị), update (sửa thông tin thiết bị), move (chuyển thiết bị), decommission (ngừng sử dụng), dispose (thải bỏ), licence issue (cấp giấy phép), licence renew (gia hạn giấy phép)",
        ),
        ("what", "Sau `licence`: issue (cấp) hoặc renew (gia hạn)"),
        ("id", "register-facility, register: mã mới của cơ sở hoặc thiết bị"),
        ("name", "register-facility: tên cơ sở; register, update: tên thiết bị như trên tờ khai (để phân loại)"),
        (
            "kind",
            "register-facility: loại cơ sở (hospital, clinic, dental_clinic, veterinary, industrial, research, security, other)",
        ),
        ("tax_code", "register-facility: mã số thuế"),
        ("address", "register-facility: địa chỉ"),
        ("manufacturer", "register: hãng sản xuất"),
        ("model", "register: model (kiểu máy)"),
        ("serial", "register: số sê-ri"),
        ("year", "register: năm sản xuất"),
        ("location", "register, update, move: phòng hoặc nơi đặt thiết bị"),
        ("mobile", "register: thiết bị di động, dùng ở nhiều nơi (do tỉnh nơi đặt trụ sở chính cấp phép)"),
        ("to_facility", "move: cơ sở giữ thiết bị từ nay"),
        ("to_province", "move: tỉnh, thành phố nơi đặt thiết bị cố định từ nay"),
        ("number", "licence: số giấy phép"),
        ("issued", "licence issue: ngày cấp (NGÀY/THÁNG/NĂM) [mặc định: --date]"),
        ("expires", "licence issue, licence renew: ngày hết hạn (NGÀY/THÁNG/NĂM)"),
        ("devices", "licence issue: mã các thiết bị thuộc giấy phép, cách nhau bằng dấu phẩy"),
        ("from", "migrate: tệp sổ đăng ký TOML hoặc JSON cần chuyển vào"),
        ("list", "import: danh sách thiết bị (CSV, .xlsx, .xls, .ods)"),
        ("sheet", "import: với tệp bảng tính, tên trang tính cần đọc [mặc định: trang đầu tiên]"),
        (
            "date",
            "import: ngày đăng ký các thiết bị (NGÀY/THÁNG/NĂM); một thay đổi: ngày thay đổi có hiệu lực [mặc định: hôm nay]",
        ),
        ("by", "Người ghi nhận thay đổi (tên hoặc tài khoản cán bộ)"),
        (
            "facility",
            "history, show, state: cơ sở này (mã cơ sở); register, licence issue: cơ sở giữ thiết bị hoặc được cấp phép",
        ),
        (
            "device",
            "history, show: thiết bị này (mã thiết bị); update, move, decommission, dispose: thiết bị cần thay đổi",
        ),
        ("from_date", "renewals: ngày đầu của khoảng thời gian (NGÀY/THÁNG/NĂM; mặc định: hôm nay)"),
        ("days", "renewals: độ dài khoảng thời gian, tính bằng ngày [mặc định: 90]"),
        (
            "province",
            "list: thiết bị ở tỉnh, thành phố này (viết cách nào cũng được); register-facility: tỉnh của cơ sở; register: tỉnh đặt thiết bị cố định nếu khác tỉnh của cơ sở",
        ),
        ("class", "list: thiết bị thuộc loại này (mã loại); register, update: loại thiết bị"),
        ("family", "list: thiết bị thuộc nhóm này (medical_xray, sealed_source_device…)"),
        (
            "status",
            "list: thiết bị ở tình trạng này (in_service, stored, moved, decommissioned, disposed); update: in_service hoặc stored",
        ),
        (
            "authority",
            "list: thiết bị do cơ quan này cấp phép (province, varans, ministry) vào ngày --on; licence issue: cơ quan cấp giấy phép",
        ),
        (
            "on",
            "state: ngày cần xem (NGÀY/THÁNG/NĂM); list: ngày dùng cho --province và --authority (mặc định: hôm nay)",
        ),
        ("events", "apply: tệp các thay đổi (TOML, các mục [[history]] như trong tệp sổ đăng ký)"),
        ("format", "export: csv, json hoặc toml"),
        ("out", "export: tệp cần ghi (không được là tệp sổ đăng ký; ghi trọn vẹn hoặc không ghi)"),
        common::LANG_VI,
    ])?;
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
        Action::History => {
            known(&store, args.facility.as_deref(), args.device.as_deref())?;
            for r in store.history_of(args.facility.as_deref(), args.device.as_deref()).map_err(|e| common::fail(&e))? {
                let _ = writeln!(o, "{}", history_line(&r));
            }
        }
        Action::Renewals => {
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
        }
        Action::Show => {
            let pretty = |x: &dyn erased_pretty::Pretty| x.pretty();
            let (what, json) = match (&args.facility, &args.device) {
                (Some(f), _) => (f, store.facility(f).map_err(|e| common::fail(&e))?.map(|x| pretty(&x))),
                (None, Some(d)) => (d, store.equipment(d).map_err(|e| common::fail(&e))?.map(|x| pretty(&x))),
                (None, None) => {
                    return Err(usage(
                        "show cần --facility MÃ hoặc --device MÃ",
                        "show needs --facility ID or --device ID",
                    ));
                }
            };
            let Some(json) = json else {
                return Err(usage(
                    &format!("sổ đăng ký không có `{what}`"),
                    &format!("the registry holds no `{what}`"),
                ));
            };
            let _ = writeln!(o, "{json}\n{}", in_line("Lịch sử:", "History:"));
            let (f, d) =
                if args.facility.is_some() { (Some(what.as_str()), None) } else { (None, Some(what.as_str())) };
            for r in store.history_of(f, d).map_err(|e| common::fail(&e))? {
                let _ = writeln!(o, "{}", history_line(&r));
            }
        }
        Action::List => {
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
            let class =
                match &args.class {
                    Some(c) => Some(radfee::DeviceClass::from_written(c).map_err(|e| {
                        usage(&format!("--class: {}", e.message_vi), &format!("--class: {}", e.message))
                    })?),
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
                let province =
                    law.provinces().by_slug(&e.province).map_or(e.province.as_str(), |p| p.name().vi.as_str());
                let _ = writeln!(o, "{}  {}  {class}  {}  {province}", e.id, e.facility, e.status.key());
            }
            let n = found.len();
            let _ = writeln!(o, "{}", in_line(&format!("{n} thiết bị."), &format!("{n} device(s).")));
        }
        Action::State => {
            let on = args
                .on
                .as_deref()
                .ok_or_else(|| usage("state cần --on NGÀY/THÁNG/NĂM", "state needs --on DD/MM/YYYY"))?;
            let on = day("--on", on)?;
            known(&store, args.facility.as_deref(), None)?;
            let state = store.state_on(args.facility.as_deref(), on).map_err(|e| common::fail(&e))?;
            for e in state.equipment.values() {
                let _ =
                    writeln!(o, "{}  {}  {}  {}", e.id, e.facility, e.class.map_or("-", |c| c.key()), e.status.key());
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
        }
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
        Action::Export => {
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
                        if !number && t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                            format!("'{t}")
                        } else {
                            t.to_owned()
                        }
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
                return Ok(ExitCode::SUCCESS);
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
        }
    }
    common::emit(&o)?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    run().unwrap_or_else(|code| code)
}
