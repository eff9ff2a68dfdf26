//! What every example tool does the same way: read its arguments, load the schedules, read
//! its inputs with bounds, write its outputs without losing data, and end with the right exit
//! code when standard output or standard error is closed or full.
//! (A folder without main.rs is not an example of its own; each tool includes it.)

#![allow(dead_code)] // not every tool uses every helper

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use radfee::Law;

#[allow(unused_imports)] // not every tool reads files
pub(crate) use args::*;
#[allow(unused_imports)]
pub(crate) use files::*;

mod args;
mod files;
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

/// The message of a one-finding error without a place (a flag has none), in Vietnamese and
/// in English.
pub(crate) fn message(e: &radfee::Error) -> (String, String) {
    let Some(f) = e.findings().first() else { return (e.to_string(), e.to_string()) };
    (f.message_vi().unwrap_or(&f.message).to_owned(), f.message.clone())
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
