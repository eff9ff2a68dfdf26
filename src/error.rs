//! Errors and findings. Every problem a person can fix says where (file, line, column, key) and
//! what was expected, in plain words.

use std::fmt;

use serde::Serialize;

/// Most findings an error message or a check lists; the rest are counted.
pub const MAX_FINDINGS: usize = 10_000;

/// A place in a text file: 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[non_exhaustive]
pub struct Location {
    /// The file as the user named it (or `<stdin>`, or `fee-schedules/…` for a built-in file).
    pub file: String,
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1, in characters.
    pub column: u32,
}

impl Location {
    /// The location of byte `offset` in `text` (clamped to the text, and to a character boundary).
    pub fn at(file: &str, text: &str, offset: usize) -> Location {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..offset].chars().count() + 1;
        Location {
            file: file.to_owned(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Severity {
    /// The file cannot be used until this is fixed.
    Error,
    /// The file can be used, but someone should look (e.g. a device class with no fee row).
    Warning,
}

/// One problem found in a file: where, which key, what is wrong, and a hint to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// Where, if the problem has a place in a file.
    pub location: Option<Location>,
    /// The key (or dotted key path) concerned, if any.
    pub key: Option<String>,
    /// What is wrong, in plain words.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
    /// The message and hint in Vietnamese ([`Finding::message_vi`], [`Finding::hint_vi`]);
    /// boxed, so an error stays small on the path where nothing goes wrong.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    vi: Option<Box<FindingVi>>,
}

/// The Vietnamese texts of a finding (JSON keys `message_vi`, `hint_vi`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct FindingVi {
    message_vi: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint_vi: Option<String>,
}

/// The language a message is shown in: Vietnamese (what officers read, the tools' default),
/// English, or both (Vietnamese first).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lang {
    /// Vietnamese; a message the crate has no Vietnamese text for yet is shown in English.
    #[default]
    Vi,
    /// English.
    En,
    /// Vietnamese, then English beneath.
    Both,
}

impl Lang {
    /// `vi`, `en` or `both` (also `tiếng việt`, `tieng viet`, `english`, `song ngữ`).
    pub fn from_written(text: &str) -> Option<Lang> {
        match crate::text::fold(text).as_str() {
            "vi" | "tieng viet" | "viet" => Some(Lang::Vi),
            "en" | "english" | "tieng anh" => Some(Lang::En),
            "both" | "song ngu" | "vi en" => Some(Lang::Both),
            _ => None,
        }
    }
}

impl Finding {
    /// Adds the Vietnamese text of the message.
    pub fn vi(mut self, message_vi: impl Into<String>) -> Finding {
        self.set_vi(message_vi.into());
        self
    }

    fn set_vi(&mut self, message_vi: String) {
        let hint_vi = self.vi.take().and_then(|v| v.hint_vi);
        self.vi = Some(Box::new(FindingVi { message_vi, hint_vi }));
    }

    /// Adds the Vietnamese text of the message when there is one (a reader's message that may
    /// not have been translated yet).
    pub(crate) fn vi_opt(self, message_vi: Option<impl Into<String>>) -> Finding {
        match message_vi {
            Some(vi) => self.vi(vi),
            None => self,
        }
    }

    /// Adds the hint in both languages (the Vietnamese hint is kept only with a Vietnamese
    /// message: give [`Finding::vi`] first).
    pub fn with_hints(mut self, en: impl Into<String>, vi: impl Into<String>) -> Finding {
        self.hint = Some(en.into());
        if let Some(v) = &mut self.vi {
            v.hint_vi = Some(vi.into());
        }
        self
    }

    /// The message in Vietnamese, written by the crate (the law's own terms), when it has one;
    /// tools show it by default (`--lang vi`).
    pub fn message_vi(&self) -> Option<&str> {
        self.vi.as_ref().map(|v| v.message_vi.as_str())
    }

    /// The hint in Vietnamese, when there is one.
    pub fn hint_vi(&self) -> Option<&str> {
        self.vi.as_ref().and_then(|v| v.hint_vi.as_deref())
    }

    /// The finding as a line (or two, with its hint) in `lang`: place, message, key, hint.
    /// In Vietnamese, a finding without a Vietnamese text is shown in English.
    pub fn display_in(&self, lang: Lang) -> String {
        let en = self.to_string();
        let Some(vi_message) = self.message_vi() else { return en };
        let mut vi = String::new();
        if let Some(loc) = &self.location {
            vi.push_str(&format!("{loc}: "));
        }
        if self.severity == Severity::Warning {
            vi.push_str("cảnh báo: ");
        }
        vi.push_str(vi_message);
        if let Some(key) = &self.key {
            vi.push_str(&format!(" (khóa `{key}`)"));
        }
        if let Some(hint) = self.hint_vi().or(self.hint.as_deref()) {
            vi.push_str(&format!("\n  gợi ý: {hint}"));
        }
        match lang {
            Lang::Vi => vi,
            Lang::En => en,
            Lang::Both => format!("{vi}\n  [en] {}", en.replace('\n', "\n       ")),
        }
    }

    /// An error at `location` about `key`.
    pub fn error(location: Option<Location>, key: Option<&str>, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Error,
            location,
            key: key.map(str::to_owned),
            message: message.into(),
            hint: None,
            vi: None,
        }
    }

    /// A warning at `location` about `key`.
    pub fn warning(location: Option<Location>, key: Option<&str>, message: impl Into<String>) -> Finding {
        Finding { severity: Severity::Warning, ..Finding::error(location, key, message) }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Finding {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this finding stops the file from being used.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{loc}: ")?;
        }
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(key) = &self.key {
            write!(f, " (key `{key}`)")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// What kind of error, with the data a service needs to act on it without reading the text.
///
/// New kinds may be added as the law and the data grow: match with a `_` arm.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An input (an application file, a batch row, an argument, a value built in code) is
    /// malformed or over a limit: [`Error::findings`] says where and what was expected.
    Input,
    /// Schedule, province, authority, nuclide or classification files fail their checks:
    /// [`Error::findings`] lists every problem with file, line, column and key.
    Schedule,
    /// A file or folder could not be read (the I/O error is the [`std::error::Error::source`]).
    #[non_exhaustive]
    Io {
        /// The path as given.
        path: String,
    },
    /// The province is none of the 34 provinces or their 63 former names.
    #[non_exhaustive]
    UnknownProvince {
        /// The name as written.
        written: String,
        /// Close spellings, at most five (Vietnamese names).
        suggestions: Vec<String>,
    },
    /// A described device whose class the description does not settle (as
    /// [`Outcome::Ambiguous`](crate::classify::Outcome::Ambiguous) says it).
    #[non_exhaustive]
    UnsettledDevice {
        /// The device's position in the application, from 1.
        device: usize,
        /// The classes it could be (empty: nothing in the description identifies it).
        classes: Vec<crate::vocab::class::DeviceClass>,
        /// The description field that would decide, when there are candidates.
        field: Option<crate::vocab::field::Field>,
    },
    /// No schedule version is in force on the date received.
    #[non_exhaustive]
    NothingInForce {
        /// The date received.
        date: crate::date::Date,
        /// The first day of the earliest version, if any.
        earliest: Option<crate::date::Date>,
    },
    /// The version in force has no fee row for these classes.
    #[non_exhaustive]
    NoFeeRow {
        /// The version id.
        version: String,
        /// The date received.
        date: crate::date::Date,
        /// The classes without a row.
        classes: Vec<crate::vocab::class::DeviceClass>,
    },
    /// The version in force has no factor for the procedure.
    #[non_exhaustive]
    NoProcedureFactor {
        /// The version id.
        version: String,
        /// The procedure.
        procedure: crate::vocab::terms::Procedure,
    },
    /// A row cannot price this application (a tier table without `tail` for the count, an
    /// indexed unit with no value on the date).
    #[non_exhaustive]
    RowCannotPrice {
        /// The version id.
        version: String,
        /// The row id.
        row: String,
    },
    /// The authority table names no licensing authority for a class on the date.
    #[non_exhaustive]
    NoAuthority {
        /// The class.
        class: crate::vocab::class::DeviceClass,
        /// The date received.
        date: crate::date::Date,
    },
    /// The devices fall to different licensing authorities: one application per authority.
    #[non_exhaustive]
    SplitAuthority {
        /// The date received.
        date: crate::date::Date,
        /// Each authority with the first class that falls to it (under the default reading).
        parts: Vec<(crate::vocab::legal::Authority, crate::vocab::class::DeviceClass)>,
        /// The date falls in a contested period and the devices split under both readings.
        contested: bool,
    },
    /// A licence to renew covers no device still in service.
    #[non_exhaustive]
    EmptyLicence {
        /// The licence number.
        licence: String,
    },
    /// The amounts are too large to compute exactly (more than 28 significant digits).
    #[non_exhaustive]
    Overflow {
        /// Whether the schedule's own amounts overflow for one device of each class (`true`:
        /// fix the schedule) rather than the application's counts.
        schedule: bool,
    },
}

/// The one error type of the crate.
///
/// [`Error::kind`] says what happened, with data ([`ErrorKind`]); [`Error::findings`] lists
/// every problem with its place (file, line, column, key) and a hint; `Display` prints them
/// one per line. The predicates group the kinds: [`Error::is_unpriceable`] (the application is
/// understood but cannot be priced as one), [`Error::is_input`] and [`Error::is_schedule`] (a
/// file must be fixed).
///
/// ```
/// use radfee::{Application, ErrorKind, Law};
///
/// let app = Application::from_toml("a.toml", "province = \"Atlantis\"\nprocedure = \"new\"\nreceived = 2026-03-01\n[[device]]\nclass = \"xray_ct\"\n")?;
/// let err = Law::builtin()?.quote(&app).unwrap_err();
/// match err.kind() {
///     ErrorKind::UnknownProvince { written, .. } => assert_eq!(written, "Atlantis"),
///     other => panic!("{other:?}"),
/// }
/// assert_eq!(err.findings()[0].location.as_ref().unwrap().to_string(), "a.toml:1:12");
/// # Ok::<(), radfee::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Error {
    kind: ErrorKind,
    findings: Vec<Finding>,
    source: Option<std::sync::Arc<std::io::Error>>,
}

impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        self.kind == other.kind && self.findings == other.findings
    }
}

impl Eq for Error {}

impl From<crate::vocab::terms::UnknownTerm> for Error {
    /// An input error (kind [`ErrorKind::Input`]) with one finding, keyed by the term's field,
    /// without a place (the caller read the value and knows where it was written).
    fn from(e: crate::vocab::terms::UnknownTerm) -> Error {
        Error::input(Finding::error(None, Some(e.field), e.message).vi(e.message_vi))
    }
}

impl Error {
    /// An error of `kind` with one finding.
    pub(crate) fn new(kind: ErrorKind, finding: Finding) -> Error {
        Error { kind, findings: vec![finding], source: None }
    }

    pub(crate) fn input(finding: Finding) -> Error {
        Error::new(ErrorKind::Input, finding)
    }

    pub(crate) fn schedule(findings: Vec<Finding>) -> Error {
        Error { kind: ErrorKind::Schedule, findings, source: None }
    }

    /// A file that could not be read: `message` says what was being read.
    pub(crate) fn io(path: &str, message: String, source: std::io::Error) -> Error {
        Error {
            kind: ErrorKind::Io { path: path.to_owned() },
            findings: vec![Finding::error(None, None, message)],
            source: Some(std::sync::Arc::new(source)),
        }
    }

    /// An application that cannot be priced as one, with its kind and message.
    pub(crate) fn unpriceable(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error::new(kind, Finding::error(None, None, message))
    }

    /// Adds the Vietnamese text of the (first) finding's message.
    pub(crate) fn vi(mut self, message_vi: impl Into<String>) -> Error {
        if let Some(f) = self.findings.first_mut() {
            f.set_vi(message_vi.into());
        }
        self
    }

    /// Gives every finding without a place the place `at` (e.g. the device it concerns).
    pub(crate) fn at(mut self, at: Option<&Location>) -> Error {
        for f in &mut self.findings {
            if f.location.is_none() {
                f.location = at.cloned();
            }
        }
        self
    }

    /// What kind of error, with its data.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The application is understood but cannot be priced as one application: no schedule in
    /// force, a class with no fee row or no authority, a procedure without a factor, a row that
    /// cannot price the count, devices that fall to different authorities, amounts too large.
    pub fn is_unpriceable(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::NothingInForce { .. }
                | ErrorKind::NoFeeRow { .. }
                | ErrorKind::NoProcedureFactor { .. }
                | ErrorKind::RowCannotPrice { .. }
                | ErrorKind::NoAuthority { .. }
                | ErrorKind::SplitAuthority { .. }
                | ErrorKind::EmptyLicence { .. }
                | ErrorKind::Overflow { .. }
        )
    }

    /// An input (an application, a batch row, an argument, a value built in code) is
    /// malformed, names an unknown province, or describes a device too vaguely to price.
    pub fn is_input(&self) -> bool {
        matches!(self.kind, ErrorKind::Input | ErrorKind::UnknownProvince { .. } | ErrorKind::UnsettledDevice { .. })
    }

    /// A schedule, province or authority file is malformed or fails its checks.
    pub fn is_schedule(&self) -> bool {
        self.kind == ErrorKind::Schedule
    }

    /// Every problem found, errors first, each with its place when it has one.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }
}

impl Error {
    /// The error as its [`Display`](fmt::Display) shows it, in `lang` (see
    /// [`Finding::display_in`]).
    pub fn display_in(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        let any_error = self.findings.iter().any(Finding::is_error);
        let shown: Vec<&Finding> = self.findings.iter().filter(|x| !any_error || x.is_error()).collect();
        let mut out: Vec<String> = shown.iter().take(MAX_FINDINGS).map(|f| f.display_in(lang)).collect();
        if shown.len() > MAX_FINDINGS {
            out.push(format!(
                "… và {} lỗi khác chưa liệt kê: sửa các lỗi trên rồi kiểm tra lại / and {} more not listed",
                shown.len() - MAX_FINDINGS,
                shown.len() - MAX_FINDINGS
            ));
        }
        out.join("\n")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // When there are errors, warnings are noise in a one-line report; show only the errors.
        let any_error = self.findings.iter().any(Finding::is_error);
        let shown: Vec<&Finding> = self.findings.iter().filter(|x| !any_error || x.is_error()).collect();
        let limit = MAX_FINDINGS;
        for (i, finding) in shown.iter().take(limit).enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{finding}")?;
        }
        if shown.len() > limit {
            write!(f, "\n… and {} more not listed: fix those above and check again", shown.len() - limit)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Why a file or stream could not be read or written, in Vietnamese: what happened in plain
/// words (not found, no permission, disk full…), and the system's error number for whoever
/// looks further (the system's own text is English). The tools and the library's readers use
/// it for every I/O message.
pub fn io_message_vi(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let what = match e.kind() {
        K::NotFound => "không tìm thấy tệp hoặc thư mục",
        K::PermissionDenied => "không có quyền truy cập",
        K::StorageFull => "ổ đĩa đã đầy",
        K::ReadOnlyFilesystem => "ổ đĩa chỉ cho phép đọc",
        K::IsADirectory => "đường dẫn là một thư mục",
        K::NotADirectory => "một phần của đường dẫn không phải là thư mục",
        K::InvalidData => "dữ liệu không hợp lệ",
        K::UnexpectedEof => "tệp kết thúc đột ngột",
        K::BrokenPipe => "đầu nhận dữ liệu đã đóng",
        K::FileTooLarge => "tệp quá lớn",
        K::AlreadyExists => "tệp đã tồn tại",
        K::Interrupted => "thao tác bị ngắt",
        K::AddrInUse => "địa chỉ và cổng này đang được một chương trình khác dùng; hãy chọn cổng khác",
        K::AddrNotAvailable => "máy này không có địa chỉ đó",
        _ => "lỗi đọc ghi của hệ thống",
    };
    match e.raw_os_error() {
        Some(code) => format!("{what} (mã lỗi hệ thống {code})"),
        None => what.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_characters() {
        let text = "a = 1\nprovince = \"Hà Nội\"\nx = 2";
        let off = text.find("x").unwrap();
        assert_eq!(Location::at("f.toml", text, off).to_string(), "f.toml:3:1");
        let off = text.find('"').unwrap() + 4; // inside "Hà Nội", after a multi-byte char
        let loc = Location::at("f.toml", text, off);
        assert_eq!((loc.line, loc.column), (2, 15));
    }
}
