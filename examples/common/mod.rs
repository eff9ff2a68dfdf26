//! What every example tool does the same way: read its arguments, load the schedules, read
//! its inputs with bounds, write its outputs without losing data, and end with the right exit
//! code when standard output or standard error is closed or full.
//! (A folder without main.rs is not an example of its own; each tool includes it.)

#![allow(dead_code)] // not every tool uses every helper

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use radfee::Law;

pub(crate) mod generate;
#[allow(dead_code)] // used by the registry tools only
pub(crate) mod renewals;

/// Output format of the tools that print a result.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum Format {
    /// Readable text.
    Text,
    /// JSON.
    Json,
}

/// The exit code of a tool cut off by a closed pipe (`| head`): 141, what a shell reports for
/// any Unix tool stopped by SIGPIPE (128 + 13).
pub(crate) const CLOSED_PIPE: u8 = 141;

/// The tool's arguments, or the exit code after clap printed usage (2) or help/version (0).
/// A mistake in the arguments is explained in the language of `--lang` (read ahead of the
/// other arguments, so the explanation of a wrong flag is in Vietnamese by default), and
/// `--help` is in that language: `vi` gives the Vietnamese text of the tool (key `""`) and of
/// each argument (by its field name); the English is the doc comment. An argument without a
/// Vietnamese text is a mistake of the tool, caught by the tools' help test.
pub(crate) fn parse_args<T: clap::Parser>(vi: &[(&str, &str)]) -> Result<T, ExitCode> {
    let mut words = std::env::args().skip(1);
    while let Some(w) = words.next() {
        let written = match w.strip_prefix("--lang") {
            Some("") => words.next(),
            Some(v) => v.strip_prefix('=').map(str::to_owned),
            None => continue,
        };
        if let Some(lang) = written.as_deref().and_then(radfee::error::Lang::from_written) {
            let _ = LANG.set(lang);
        }
        break;
    }
    let parsed = command::<T>(vi).try_get_matches().and_then(|m| T::from_arg_matches(&m));
    parsed.map_err(|e| {
        let code = if e.use_stderr() { 2 } else { 0 };
        if e.use_stderr() {
            let en = e.render().to_string();
            let text = match lang() {
                radfee::error::Lang::En => en,
                radfee::error::Lang::Both => {
                    format!("{}\n[en]\n{en}", clap_vi(&e).replacen("lỗi:", "lỗi / error:", 1))
                }
                _ => clap_vi(&e),
            };
            warn(&text);
        } else if let Err(code) = emit(&e.render().to_string()) {
            return code;
        }
        ExitCode::from(code)
    })
}

/// The Vietnamese help of `--lang`, shared by the tools.
pub(crate) const LANG_VI: (&str, &str) =
    ("lang", "Ngôn ngữ của thông báo: vi (tiếng Việt, mặc định), en (tiếng Anh) hoặc both (cả hai)");

/// The Vietnamese help of `--schedules`, shared by the tools.
pub(crate) const SCHEDULES_VI: (&str, &str) =
    ("schedules", "Thư mục chứa các tệp biểu phí dùng thay cho biểu phí có sẵn trong chương trình");

/// The tool's command line in the language of the messages: with `vi` or `both`, the
/// Vietnamese help of the tool and of each argument, headings in Vietnamese, and the help and
/// version flags described in Vietnamese.
fn command<T: clap::CommandFactory>(vi: &[(&str, &str)]) -> clap::Command {
    use clap::{Arg, ArgAction};
    // `--count -1` is a value to refuse with a reason, not an unknown flag.
    let mut cmd = T::command().allow_negative_numbers(true);
    let l = lang();
    if l == radfee::error::Lang::En {
        return cmd;
    }
    // The placeholders of values in Vietnamese (`<TỆP>`, not `<FILE>`).
    let ids: Vec<String> = cmd.get_arguments().map(|a| a.get_id().to_string()).collect();
    for id in ids {
        cmd = cmd.mut_arg(id, |a| {
            let names: Vec<clap::builder::Str> = a
                .get_value_names()
                .unwrap_or_default()
                .iter()
                .map(|n| value_name_vi(n.as_str()).map_or_else(|| n.clone(), clap::builder::Str::from))
                .collect();
            if names.is_empty() { a } else { a.value_names(names) }
        });
    }
    let both = |vi: &str, en: &str| match l {
        radfee::error::Lang::Both if !en.is_empty() => format!("{vi}\n{en}"),
        _ => vi.to_owned(),
    };
    for (id, text) in vi {
        if id.is_empty() {
            let en = cmd.get_about().map(ToString::to_string).unwrap_or_default();
            cmd = cmd.about(both(text, &en));
        } else {
            cmd = cmd.mut_arg(*id, |a| {
                let en = a.get_long_help().or(a.get_help()).map(ToString::to_string).unwrap_or_default();
                // The Vietnamese text names the values allowed and the default itself (clap
                // would add them in English).
                let takes_values = a.get_action().takes_values();
                a.help(both(text, &en))
                    .long_help(None::<&str>)
                    .hide_possible_values(takes_values)
                    .hide_default_value(takes_values)
            });
        }
    }
    let usage = cmd.clone().render_usage().to_string();
    let usage = usage.trim().strip_prefix("Usage:").unwrap_or(usage.trim()).trim().replace("[OPTIONS]", "[TÙY_CHỌN]");
    cmd = cmd.override_usage(usage);
    let positionals = cmd.get_positionals().next().is_some();
    let template = if positionals {
        "{about-with-newline}\nCách dùng: {usage}\n\nTham số:\n{positionals}\n\nTùy chọn:\n{options}\n"
    } else {
        "{about-with-newline}\nCách dùng: {usage}\n\nTùy chọn:\n{options}\n"
    };
    let versioned = cmd.get_version().is_some();
    cmd = cmd.help_template(template).disable_help_flag(true).arg(
        Arg::new("help").short('h').long("help").action(ArgAction::Help).help(both("In hướng dẫn này", "Print help")),
    );
    if versioned {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(both("In số phiên bản", "Print version")),
        );
    }
    cmd
}

/// The Vietnamese placeholder of a value (`FILE` → `TỆP`); one the table lacks is kept.
fn value_name_vi(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_uppercase().as_str() {
        "FILE" => "TỆP",
        "DIR" => "THƯ_MỤC",
        "APPLICATION" => "TỆP_HỒ_SƠ",
        "PROVINCE" => "TỈNH",
        "NAME" => "TÊN",
        "DATE" => "NGÀY",
        "TODAY" => "NGÀY",
        "DAYS" => "SỐ_NGÀY",
        "COUNT" => "SỐ_LƯỢNG",
        "CLASS" => "MÃ_LOẠI",
        "PROCEDURE" => "THỦ_TỤC",
        "CHANNEL" => "HÌNH_THỨC",
        "APPLICANT" => "TỔ_CHỨC",
        "FACILITY_KIND" => "LOẠI_CƠ_SỞ",
        "FORMAT" => "DẠNG",
        "FROM" | "TO" => "PHIÊN_BẢN",
        "OLD" | "NEW" => "THƯ_MỤC",
        "ROWS" | "APPLICATIONS" | "SEED" | "REQUESTS" | "CLIENTS" => "SỐ",
        "BIND" => "ĐỊA_CHỈ",
        "ACTION" => "VIỆC",
        "ID" => "MÃ",
        "CLASS_OR_NAME[:N]" => "MÃ_LOẠI_HOẶC_TÊN[:N]",
        _ => return None,
    })
}

/// A mistake in the arguments explained in Vietnamese, from what clap found (the flag, the
/// value, the values allowed, a close flag, the usage line).
fn clap_vi(e: &clap::Error) -> String {
    use clap::error::{ContextKind as C, ContextValue as V, ErrorKind as K};
    let get = |kind| match e.get(kind) {
        Some(V::String(s)) => s.clone(),
        Some(V::Strings(v)) => v.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "),
        Some(V::StyledStr(s)) => s.to_string(),
        Some(V::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let (arg, value) = (get(C::InvalidArg), get(C::InvalidValue));
    let mut m = match e.kind() {
        K::UnknownArgument if !arg.starts_with('-') => {
            format!("thừa tham số `{arg}`: lệnh này chỉ nhận một tệp; các giá trị khác ghi sau tùy chọn của chúng")
        }
        K::UnknownArgument => format!("không có tùy chọn hay tham số `{arg}`"),
        K::ArgumentConflict if get(C::PriorArg) == arg => format!("{arg} được ghi hai lần; chỉ ghi một lần"),
        K::ValueValidation => {
            let source = std::error::Error::source(e);
            let why = if source.is_some_and(|s| s.is::<std::num::ParseIntError>()) {
                ": phải là một số nguyên không âm, ví dụ 90"
            } else if value.parse::<i128>().is_ok() {
                ": số nằm ngoài khoảng cho phép (số nguyên không âm, không quá lớn)"
            } else if source.is_some_and(|s| s.is::<std::net::AddrParseError>()) {
                ": phải là địa chỉ và cổng, ví dụ 127.0.0.1:8080"
            } else {
                ""
            };
            format!("giá trị `{value}` không hợp lệ cho {arg}{why}")
        }
        K::InvalidValue if value.is_empty() => format!("{arg} cần một giá trị"),
        K::InvalidValue => format!("giá trị `{value}` không hợp lệ cho {arg}"),
        K::MissingRequiredArgument => format!("thiếu tham số bắt buộc: {arg}"),
        K::ArgumentConflict => format!("{arg} không dùng cùng với {}", get(C::PriorArg)),
        K::TooManyValues | K::TooFewValues | K::WrongNumberOfValues => format!("số giá trị của {arg} không đúng"),
        K::NoEquals => format!("{arg} cần dấu `=` trước giá trị"),
        K::InvalidUtf8 => "tham số không phải văn bản UTF-8".to_owned(),
        _ => "các tham số không đúng".to_owned(),
    };
    let valid = get(C::ValidValue);
    if !valid.is_empty() {
        m.push_str(&format!("; các giá trị hợp lệ: {valid}"));
    }
    let suggested = get(C::SuggestedArg);
    if !suggested.is_empty() {
        m.push_str(&format!("; có phải ý bạn là `{suggested}`?"));
    }
    let usage = get(C::Usage);
    let usage = usage.trim().strip_prefix("Usage:").unwrap_or(usage.trim()).trim();
    let usage = if usage.is_empty() { String::new() } else { format!("\n\nCách dùng: {usage}") };
    format!("lỗi: {m}{usage}\n\nXem hướng dẫn đầy đủ: --help\n")
}

/// Writes `text` to standard output and flushes it. A closed pipe ends the tool quietly with
/// [`CLOSED_PIPE`]; any other failure (a full disk: `> /dev/full`) is reported on standard
/// error with exit code 2, so figures are never lost without a word.
pub(crate) fn emit(text: &str) -> Result<(), ExitCode> {
    if stdout_was_closed() {
        usage(
            "đầu ra chuẩn đã bị đóng (>&-): kết quả sẽ bị mất; hãy ghi ra một tệp hoặc một đường ống",
            "standard output is closed (>&-): the result would be lost; send it to a file or a pipe",
        );
        return Err(ExitCode::from(2));
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(ExitCode::from(CLOSED_PIPE)),
        Err(e) => Err(usage(
            &format!("không ghi được ra đầu ra chuẩn: {}", io_vi(&e)),
            &format!("cannot write to standard output: {e}"),
        )),
    }
}

/// Whether the tool was started with standard output closed (`>&-`). The Rust runtime then
/// opens `/dev/null` in its place, read-write, so every write would succeed and the figures
/// would vanish; a `/dev/null` the shell opened for output (`> /dev/null`) is write-only.
/// Linux tells the two apart in `/proc/self/fdinfo/1`; elsewhere this says no.
fn stdout_was_closed() -> bool {
    static CLOSED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *CLOSED.get_or_init(|| {
        let is_null = std::fs::read_link("/proc/self/fd/1").is_ok_and(|t| t == Path::new("/dev/null"));
        let read_write = std::fs::read_to_string("/proc/self/fdinfo/1").is_ok_and(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("flags:"))
                .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
                .is_some_and(|flags| flags & 0o3 == 0o2)
        });
        is_null && read_write
    })
}

/// Writes `text` to standard error. When standard error is closed or full there is nowhere to
/// report, so a failure is ignored (the exit code still says what happened).
pub(crate) fn warn(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// Reports a tool's own error on standard error, in the language asked (`vi`, `en`, or both),
/// and gives exit code 2. Both texts are required: a tool has no English-only message.
pub(crate) fn usage(vi: &str, en: &str) -> ExitCode {
    warn(&format!("{}: {}\n", in_line("lỗi", "error"), in_lang(vi, en)));
    ExitCode::from(2)
}

/// Refuses a device's name given on the command line that is empty (an unset shell variable)
/// or reads as an option (`--name --date …`, `--name -h`, `--name -- …`: the name was left
/// out), for options whose values may begin with `-` (a name copied from a list: "- Máy
/// X-quang", "-CT"). `at` names the option in Vietnamese and English (`--name (tên thứ 2)`).
pub(crate) fn name_value((at_vi, at_en): (&str, &str), value: &str) -> Result<(), ExitCode> {
    let word = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let option = match value.strip_prefix("--") {
        // `--`, or `--date`, `--lang`…: a long option (a name has spaces or other letters).
        Some(rest) => rest.is_empty() || (rest.starts_with(|c: char| c.is_ascii_alphabetic()) && word(rest)),
        // `-`, `-h`, `-V`: standard input or a short option.
        None => value == "-" || (value.len() == 2 && value.starts_with('-') && word(&value[1..])),
    };
    if option {
        return Err(usage(
            &format!("{at_vi} cần một giá trị, không phải tùy chọn `{value}`: có lẽ đã bỏ sót tên thiết bị"),
            &format!("{at_en} needs a value, not the option `{value}`: the device's name seems to be missing"),
        ));
    }
    if value.trim().is_empty() {
        return Err(usage(
            &format!("{at_vi}: tên trống; ghi tên thiết bị như trên tờ khai"),
            &format!("{at_en}: the name is empty; write the device's name as on the form"),
        ));
    }
    Ok(())
}

/// An I/O error in Vietnamese (the library's wording, with the system's error number).
pub(crate) fn io_vi(e: &std::io::Error) -> String {
    radfee::error::io_message_vi(e)
}

/// Whether errors are written as JSON (the tool's output is JSON), set once.
static JSON_ERRORS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// Errors of the library are written on standard error as one JSON object (`--format json`):
/// `{"error": {"unpriceable": …, "findings": [{"severity", "location", "key", "message",
/// "message_vi", "hint", "hint_vi"}]}}`, both languages always.
pub(crate) fn json_errors() {
    let _ = JSON_ERRORS.set(true);
}

/// Whether errors are written as JSON ([`json_errors`] was called).
pub(crate) fn json_errors_on() -> bool {
    JSON_ERRORS.get().copied().unwrap_or(false)
}

/// The language of the tool's messages (`--lang`), set once when the arguments are read.
static LANG: std::sync::OnceLock<radfee::error::Lang> = std::sync::OnceLock::new();

/// Sets the language of messages from `--lang` (`vi`, `en` or `both`; default `vi`).
pub(crate) fn set_lang(written: Option<&str>) -> Result<(), ExitCode> {
    let lang = match written {
        None => radfee::error::Lang::Vi,
        Some(w) => radfee::error::Lang::from_written(w).ok_or_else(|| {
            warn(&format!("lỗi / error: --lang: `{w}` không phải vi, en hoặc both / is not vi, en or both\n"));
            ExitCode::from(2)
        })?,
    };
    let _ = LANG.set(lang);
    Ok(())
}

/// The language of the tool's messages.
pub(crate) fn lang() -> radfee::error::Lang {
    LANG.get().copied().unwrap_or_default()
}

/// A short text in the language asked, on one line: `vi`, `en`, or `vi / en`.
pub(crate) fn in_line(vi: &str, en: &str) -> String {
    match lang() {
        radfee::error::Lang::En => en.to_owned(),
        radfee::error::Lang::Both => format!("{vi} / {en}"),
        _ => vi.to_owned(),
    }
}

/// A tool's own message in the language asked: `vi`, `en`, or both (Vietnamese first).
pub(crate) fn in_lang(vi: &str, en: &str) -> String {
    match lang() {
        radfee::error::Lang::En => en.to_owned(),
        radfee::error::Lang::Both => format!("{vi}\n  [en] {en}"),
        _ => vi.to_owned(),
    }
}

/// Reports an error of the library: its findings on standard error, exit code 1 when the
/// input is understood but cannot be priced as one application, else 2.
pub(crate) fn fail(err: &radfee::Error) -> ExitCode {
    if JSON_ERRORS.get().copied().unwrap_or(false) {
        let json = serde_json::json!({ "error": { "unpriceable": err.is_unpriceable(), "findings": err.findings() } });
        warn(&format!("{json}\n"));
        return ExitCode::from(exit_code(err));
    }
    let head = match (err.is_unpriceable(), lang()) {
        (true, radfee::error::Lang::En) => "cannot be priced as one application:",
        (true, radfee::error::Lang::Both) => "không tính được phí cho hồ sơ này / cannot be priced as one application:",
        (true, _) => "không tính được phí cho hồ sơ này:",
        (false, radfee::error::Lang::En) => "error:",
        (false, radfee::error::Lang::Both) => "lỗi / error:",
        (false, _) => "lỗi:",
    };
    warn(&format!("{head}\n{}\n", err.display_in(lang())));
    ExitCode::from(exit_code(err))
}

/// The body of law of `dir`, or the compiled-in one; on a bad folder, the findings on
/// standard error and exit code 2. A tool loads it once and keeps it for its whole run.
pub(crate) fn load_schedules(dir: Option<&Path>) -> Result<&'static Law, ExitCode> {
    let loaded = match dir {
        Some(d) => Law::from_dir(d).map(|law| &*Box::leak(Box::new(law))),
        None => Law::builtin(),
    };
    loaded.map_err(|e| {
        warn(&format!("{}:\n{}\n", in_line("lỗi", "error"), e.display_in(lang())));
        ExitCode::from(2)
    })
}

/// The exit code for an error of the library (docs/exit-codes.md): 1 when the application is
/// understood but cannot be priced as one, 2 for anything that must be fixed in a file or an
/// argument.
pub(crate) fn exit_code(err: &radfee::Error) -> u8 {
    if err.is_unpriceable() { 1 } else { 2 }
}

/// A text input named on the command line: `-` is standard input (at most `limit` bytes),
/// anything else a regular file of at most `limit` bytes. `what` names the file in English for
/// the library ("an application"). Gives the name for messages and the text.
pub(crate) fn read_input(path: &str, limit: u64, what: &str) -> Result<(String, String), ExitCode> {
    if path == "-" {
        use std::io::Read as _;
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().lock().take(limit + 1).read_to_end(&mut bytes) {
            return Err(usage(
                &format!("không đọc được dữ liệu vào chuẩn: {}", io_vi(&e)),
                &format!("cannot read standard input: {e}"),
            ));
        }
        if bytes.len() as u64 > limit {
            return Err(usage(
                &format!("dữ liệu vào chuẩn dài hơn {limit} byte; tệp này tối đa {limit} byte"),
                &format!("standard input holds more than {limit} bytes; {what} file may be at most {limit}"),
            ));
        }
        return String::from_utf8(bytes).map(|t| ("<stdin>".to_owned(), t)).map_err(|_| {
            usage(
                "dữ liệu vào chuẩn không phải văn bản UTF-8 (hãy lưu tệp với bảng mã UTF-8)",
                "standard input is not UTF-8 text",
            )
        });
    }
    radfee::application::read_text_file(Path::new(path), limit, what)
        .map(|t| (path.to_owned(), t))
        .map_err(|e| fail(&e))
}

/// Opens a named input that is read as a stream (a batch): `-` is standard input, anything else
/// must be a regular file (a FIFO or a device could block or never end).
pub(crate) fn open_stream(path: &str) -> Result<Box<dyn std::io::Read + Send>, ExitCode> {
    if path == "-" {
        return Ok(Box::new(std::io::stdin()));
    }
    let unreadable = |e: std::io::Error| {
        usage(&format!("không đọc được {path}: {}", io_vi(&e)), &format!("cannot read {path}: {e}"))
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(usage(
            &format!(
                "{path} không phải là một tệp thông thường; hãy chỉ ra một tệp, hoặc ghi - và chuyển dữ liệu vào chuẩn"
            ),
            &format!("{path} is not a regular file; give a file, or - and pipe the data to standard input"),
        ));
    }
    std::fs::File::open(path).map(|f| Box::new(f) as Box<dyn std::io::Read + Send>).map_err(unreadable)
}

/// Where a path would be: its folder made canonical, then its name (the file need not exist).
fn where_is(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Some(parent.canonicalize().ok()?.join(name))
}

/// Whether two paths name the same file: the same file on disk (device and inode, so hard
/// links and symbolic links count), or the same place once folders are resolved. Nothing is
/// opened (opening a FIFO could block). A character device (`/dev/null`, a terminal) holds
/// no data to destroy: two outputs may both go there.
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _};
    if std::fs::metadata(a).is_ok_and(|m| m.file_type().is_char_device()) {
        return false;
    }
    let identity = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
    if let (Some(x), Some(y)) = (identity(a), identity(b)) {
        return x == y;
    }
    let resolve = |p: &Path| p.canonicalize().ok().or_else(|| where_is(p));
    matches!((resolve(a), resolve(b)), (Some(x), Some(y)) if x == y)
}

/// An input a tool reads, for [`check_outputs`]: what it is in Vietnamese and in English
/// (for messages), and its path.
pub(crate) type Input<'a> = (&'a str, &'a str, &'a Path);

/// Refuses outputs that would overwrite an input or each other. `outputs` are (flag, path)
/// pairs.
pub(crate) fn check_outputs(inputs: &[Input<'_>], outputs: &[(&str, &Path)]) -> Result<(), ExitCode> {
    for (i, (flag, out)) in outputs.iter().enumerate() {
        for (what_vi, what_en, input) in inputs {
            if same_file(out, input) {
                let shown = out.display();
                return Err(usage(
                    &format!(
                        "{flag} {shown} chính là {what_vi}: ghi vào đó sẽ xóa mất dữ liệu đầu vào; hãy chọn tệp khác"
                    ),
                    &format!(
                        "{flag} {shown} is the {what_en}: writing it would destroy the input; choose another file"
                    ),
                ));
            }
        }
        for (other_flag, other) in &outputs[..i] {
            if same_file(out, other) {
                let shown = out.display();
                return Err(usage(
                    &format!("{flag} và {other_flag} cùng chỉ một tệp ({shown}); hãy cho mỗi tùy chọn một tệp riêng"),
                    &format!("{flag} and {other_flag} name the same file ({shown}); give each its own"),
                ));
            }
        }
        target(flag, out)?;
    }
    Ok(())
}

/// What an output path names.
enum Target {
    /// A regular file to create or replace: the path itself, or the file a link points at.
    File(PathBuf),
    /// A character device (`/dev/null`, a terminal): written in place, never replaced.
    Device(PathBuf),
}

/// What `path` names as an output: a regular file (new or existing, through links) or a
/// character device; a folder, a FIFO, a socket or a link to nothing is refused.
fn target(flag: &str, path: &Path) -> Result<Target, ExitCode> {
    use std::os::unix::fs::FileTypeExt as _;
    let shown = path.display();
    let refuse = |vi: &str, en: &str| {
        usage(
            &format!("{flag} {shown}: {vi}; hãy chỉ ra đường dẫn của một tệp"),
            &format!("{flag} {shown}: {en}; give the path of a file"),
        )
    };
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Target::File(path.to_owned())),
        Err(e) => Err(refuse(&io_vi(&e), &e.to_string())),
        Ok(m) if m.file_type().is_symlink() => match path.canonicalize() {
            // A link to nothing is refused: it is more often a mistake than a wish to create
            // the file it names (docs/batch.md).
            Err(_) => Err(refuse("đây là một liên kết không trỏ tới tệp nào", "it is a link to nothing")),
            Ok(real) => target(flag, &real),
        },
        Ok(m) if m.is_file() => Ok(Target::File(path.to_owned())),
        Ok(m) if m.file_type().is_char_device() => Ok(Target::Device(path.to_owned())),
        Ok(m) if m.is_dir() => Err(refuse("đây là một thư mục", "it is a folder")),
        Ok(_) => Err(refuse(
            "đây không phải là tệp thông thường (một đường ống, một socket hay một thiết bị khối)",
            "it is not a regular file (a pipe, a socket or a block device)",
        )),
    }
}

/// A file to write: its flag (for messages), its path, and what to write in it.
pub(crate) type Output<'a> = (&'a str, &'a Path, Box<dyn FnOnce(&mut dyn std::io::Write) -> std::io::Result<()> + 'a>);

/// Writes files without ever leaving one half-written, and all of them or none: each regular
/// file's content goes to a temporary file in its folder and is flushed to disk; only when
/// every one is written are they renamed over their paths (a device such as `/dev/null` is
/// written in place). On any error (a full disk) every temporary file is removed and existing
/// files are left as they were.
pub(crate) fn write_files(outputs: Vec<Output<'_>>) -> Result<(), ExitCode> {
    let mut staged: Vec<(tempfile::NamedTempFile, PathBuf, &Path)> = Vec::new();
    let mut devices = Vec::new();
    for (flag, path, write) in outputs {
        let fail = |e: std::io::Error| {
            usage(
                &format!("không ghi được {}: {} (chưa tệp kết quả nào bị thay đổi)", path.display(), io_vi(&e)),
                &format!("cannot write {}: {e} (no output file was changed)", path.display()),
            )
        };
        match target(flag, path)? {
            Target::Device(dev) => devices.push((dev, path, write)),
            Target::File(real) => {
                let folder = real.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
                // The file keeps the permissions it had; a new one gets the usual rw-r--r-- (a
                // temporary file would otherwise be private to its owner).
                let permissions = std::fs::metadata(&real).map(|m| m.permissions()).unwrap_or_else(|_| {
                    use std::os::unix::fs::PermissionsExt as _;
                    std::fs::Permissions::from_mode(0o644)
                });
                let mut tmp = tempfile::Builder::new()
                    .prefix(".radfee-")
                    .suffix(".tmp")
                    .permissions(permissions)
                    .tempfile_in(folder)
                    .map_err(fail)?;
                {
                    let mut w = std::io::BufWriter::new(tmp.as_file_mut());
                    write(&mut w).map_err(fail)?;
                    w.flush().map_err(fail)?;
                }
                tmp.as_file().sync_all().map_err(fail)?;
                staged.push((tmp, real, path));
            }
        }
    }
    for (dev, path, write) in devices {
        let fail = |e: std::io::Error| {
            usage(
                &format!("không ghi được {}: {}", path.display(), io_vi(&e)),
                &format!("cannot write {}: {e}", path.display()),
            )
        };
        let file = std::fs::OpenOptions::new().write(true).open(&dev).map_err(fail)?;
        let mut w = std::io::BufWriter::new(file);
        write(&mut w).map_err(fail)?;
        w.flush().map_err(fail)?;
    }
    for (tmp, real, path) in staged {
        tmp.persist(&real).map_err(|e| {
            usage(
                &format!("không ghi được {}: {}", path.display(), io_vi(&e.error)),
                &format!("cannot write {}: {}", path.display(), e.error),
            )
        })?;
    }
    Ok(())
}
