//! The tool's arguments: the actions, the flags with their Vietnamese help, and the checks
//! that refuse a flag the action does not read or a text a flag cannot hold.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use radfee::Date;
use unicode_normalization::UnicodeNormalization as _;

use crate::common::{self, usage};

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
    pub(crate) fn is_change(self) -> bool {
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
    pub(crate) file: PathBuf,
    /// What to do: init, migrate, import, check, rebuild, history, renewals, show, list,
    /// state, export, apply, register-facility, register, update, move, decommission,
    /// dispose, licence issue, licence renew.
    #[arg(value_enum)]
    pub(crate) action: Action,
    /// After `licence`: issue or renew.
    #[arg(value_name = "issue|renew")]
    pub(crate) what: Option<String>,
    /// register-facility, register: the new id.
    #[arg(long, value_name = "ID")]
    pub(crate) id: Option<String>,
    /// register-facility: the facility's name; register, update: the device's name as on the
    /// form (the classifier reads it).
    #[arg(long, value_name = "NAME")]
    pub(crate) name: Option<String>,
    /// register-facility: hospital, clinic, dental_clinic, veterinary, industrial, research,
    /// security or other.
    #[arg(long, value_name = "KIND")]
    pub(crate) kind: Option<String>,
    /// register-facility: the tax code (mã số thuế).
    #[arg(long = "tax-code", value_name = "CODE")]
    pub(crate) tax_code: Option<String>,
    /// register-facility: the address.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) address: Option<String>,
    /// register: the manufacturer.
    #[arg(long, value_name = "NAME")]
    pub(crate) manufacturer: Option<String>,
    /// register: the model.
    #[arg(long, value_name = "MODEL")]
    pub(crate) model: Option<String>,
    /// register: the serial number.
    #[arg(long, value_name = "SERIAL")]
    pub(crate) serial: Option<String>,
    /// register: the year of manufacture.
    #[arg(long, value_name = "YEAR")]
    pub(crate) year: Option<String>,
    /// register, update, move: the room or site.
    #[arg(long, value_name = "PLACE")]
    pub(crate) location: Option<String>,
    /// register: the device is used at more than one place (licensed by the head office's
    /// province).
    #[arg(long)]
    pub(crate) mobile: bool,
    /// move: the facility that holds the device from now on.
    #[arg(long = "to-facility", value_name = "ID")]
    pub(crate) to_facility: Option<String>,
    /// move: the province a fixed device now stands in.
    #[arg(long = "to-province", value_name = "PROVINCE")]
    pub(crate) to_province: Option<String>,
    /// licence: the licence number.
    #[arg(long, value_name = "NUMBER")]
    pub(crate) number: Option<String>,
    /// licence issue: the issue date (DD/MM/YYYY) [default: --date].
    #[arg(long, value_name = "DATE")]
    pub(crate) issued: Option<String>,
    /// licence issue, licence renew: the last day of validity (DD/MM/YYYY).
    #[arg(long, value_name = "DATE")]
    pub(crate) expires: Option<String>,
    /// licence issue: the device ids it covers, separated by commas.
    #[arg(long, value_name = "ID,ID")]
    pub(crate) devices: Option<String>,
    /// migrate: the TOML or JSON registry file to bring in.
    #[arg(long, value_name = "FILE")]
    pub(crate) from: Option<String>,
    /// import: the device list (CSV, .xlsx, .xls, .ods).
    #[arg(long, value_name = "FILE")]
    pub(crate) list: Option<PathBuf>,
    /// import: for a workbook, the sheet to read [default: the first].
    #[arg(long, value_name = "NAME")]
    pub(crate) sheet: Option<String>,
    /// import: the day the devices are registered (DD/MM/YYYY); a change: the day it took
    /// effect [default: today].
    #[arg(long)]
    pub(crate) date: Option<String>,
    /// Who records the change (an officer's name or account).
    #[arg(long, value_name = "NAME")]
    pub(crate) by: Option<String>,
    /// history, show, state: this facility id; register, licence issue: the facility.
    #[arg(long, value_name = "ID")]
    pub(crate) facility: Option<String>,
    /// history, show: this device id; update, move, decommission, dispose: the device.
    #[arg(long, value_name = "ID")]
    pub(crate) device: Option<String>,
    /// renewals: the first day of the window (DD/MM/YYYY; default today).
    #[arg(long = "from-date", value_name = "DATE")]
    pub(crate) from_date: Option<String>,
    /// renewals: the length of the window in days.
    #[arg(long, default_value_t = 90)]
    pub(crate) days: u32,
    /// list: devices in this province (any spelling; today's provinces); register-facility:
    /// its province; register: a fixed device's province when not its facility's.
    #[arg(long, value_name = "PROVINCE")]
    pub(crate) province: Option<String>,
    /// list: devices of this class (key); register, update: the device's class.
    #[arg(long, value_name = "CLASS")]
    pub(crate) class: Option<String>,
    /// list: devices of this family (medical_xray, sealed_source_device…).
    #[arg(long, value_name = "FAMILY")]
    pub(crate) family: Option<String>,
    /// list: devices with this status (in_service, stored, moved, decommissioned, disposed);
    /// update: in_service or stored.
    #[arg(long, value_name = "STATUS")]
    pub(crate) status: Option<String>,
    /// list: devices licensed by this authority (province, varans, ministry) on --on;
    /// licence issue: the authority that issues it.
    #[arg(long, value_name = "AUTHORITY")]
    pub(crate) authority: Option<String>,
    /// state: the day to see (DD/MM/YYYY); list: the day for --province and --authority
    /// (default today).
    #[arg(long, value_name = "DATE")]
    pub(crate) on: Option<String>,
    /// apply: the event file (TOML, `[[history]]` entries as in a registry file).
    #[arg(long, value_name = "FILE")]
    pub(crate) events: Option<String>,
    /// export: csv, json or toml.
    #[arg(long, value_name = "csv|json|toml")]
    pub(crate) format: Option<String>,
    /// export: the file to write (never the registry file itself; written whole or not at all).
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    /// Language of messages: vi (Vietnamese, the default), en or both.
    #[arg(long, value_name = "vi|en|both")]
    pub(crate) lang: Option<String>,
}

/// The day a flag gives, or the usage error.
pub(crate) fn day(flag: &str, text: &str) -> Result<Date, ExitCode> {
    Date::from_form(text).map_err(|e| usage(&format!("{flag}: {}", e.message_vi()), &format!("{flag}: {e}")))
}

/// Refuses a day after today (in Vietnam) for a change: the history is appended in date
/// order, so one change dated in the future would block every change until that day.
pub(crate) fn not_after_today(what: &str, date: Date) -> Result<(), ExitCode> {
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
pub(crate) fn check_flags(args: &Args) -> Result<(), ExitCode> {
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

/// The arguments, with the Vietnamese help of each (`--lang`, [`common::parse_args`]).
pub(crate) fn parse() -> Result<Args, ExitCode> {
    common::parse_args::<Args>(&[
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
    ])
}
