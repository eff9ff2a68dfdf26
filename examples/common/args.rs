//! Reading a tool's arguments with clap, in the language of `--lang`: the Vietnamese help of
//! each tool and argument, and clap's mistakes explained in Vietnamese.

use std::process::ExitCode;

use super::*;

/// The tool's arguments, or the exit code after clap printed usage (2) or help/version (0).
/// A mistake in the arguments is explained in the language of `--lang` (read ahead of the
/// other arguments, so the explanation of a wrong flag is in Vietnamese by default), and
/// `--help` is in that language: `vi` gives the Vietnamese text of the tool (key `""`) and of
/// each argument (by its field name); the English is the doc comment. An argument without a
/// Vietnamese text is a mistake of the tool, caught by the tools' help test.
pub(crate) fn parse_args<T: clap::Parser>(vi: &[(&str, &str)]) -> Result<T, ExitCode> {
    let mut words = std::env::args().skip(1);
    let mut a_name = false;
    while let Some(w) = words.next() {
        // What follows --name or --device is a name (it may begin with `-`), never --lang.
        if std::mem::replace(&mut a_name, matches!(w.as_str(), "--name" | "--device")) {
            continue;
        }
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
