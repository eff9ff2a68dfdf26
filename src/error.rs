//! Errors and findings. Every problem a person can fix says where (file, line, column, key) and
//! what was expected, in plain words.

use std::fmt;

use serde::Serialize;

/// A place in a text file: 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
pub enum Severity {
    /// The file cannot be used until this is fixed.
    Error,
    /// The file can be used, but someone should look (e.g. a device class with no fee row).
    Warning,
}

/// One problem found in a file: where, which key, what is wrong, and a hint to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
}

impl Finding {
    /// An error at `location` about `key`.
    pub fn error(location: Option<Location>, key: Option<&str>, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Error,
            location,
            key: key.map(str::to_owned),
            message: message.into(),
            hint: None,
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

    /// A finding from a TOML syntax or shape error in `text` (the content of `file`).
    pub(crate) fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> Finding {
        let location = err.span().map(|s| Location::at(file, text, s.start));
        // A missing key has no line of its own: name it from the message.
        let missing = err.message().strip_prefix("missing field `").and_then(|m| m.split('`').next());
        let key = missing.map(str::to_owned).or_else(|| err.span().and_then(|s| key_at(text, s.start)));
        let message = plain_toml_message(err.message());
        Finding::error(location, key.as_deref(), message)
    }
}

/// The key written on the line that contains byte `offset`, if that line is `key = value`.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let end = text.get(offset..)?.find('\n').map_or(text.len(), |i| offset + i);
    let line = text.get(start..end)?.trim();
    if line.starts_with('[') || line.starts_with('#') {
        return line
            .trim_start_matches('[')
            .split(']')
            .next()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty() && !s.starts_with('#'));
    }
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty()).then(|| key.to_owned())
}

/// What a table of a given (internal) type looks like, for "expected …" messages.
const TABLE_SHAPES: &[(&str, &str)] = &[
    ("Text", "a table { vi = \"…\", en = \"…\" }"),
    ("LegalRef", "a table { document = \"…\", article = \"…\" } (article, date and url optional)"),
    ("Provenance", "a table { confidence = \"V\", source = \"…\" }"),
    ("BandFile", "a table { from = 2, to = 3, factor = \"0.95\" }"),
];

/// Rewrites serde's and toml's technical phrasing into words a policy officer reads easily,
/// and never lets an internal type name through.
fn plain_toml_message(message: &str) -> String {
    let mut m = message.trim().replace("unknown field", "unknown key").replace("missing field", "missing key");
    for (from, to) in [
        ("invalid type: ", "wrong kind of value: "),
        ("expected u32", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected u16", "expected a whole number"),
        ("expected u8", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected a boolean", "expected true or false"),
        ("expected a sequence", "expected a list [ … ]"),
        ("expected a string", "expected text in quotes"),
        ("expected a map", "expected a table"),
        ("unknown variant", "unknown value"),
        ("wanted string or table", "expected one of the allowed words, in quotes"),
        ("wanted exactly 1 element, more than 1 element", "expected a single [table], not a list [[table]]"),
        ("invalid length", "wrong number of items"),
    ] {
        m = m.replace(from, to);
    }
    // "expected struct Foo" / "expected enum Foo": say what to write instead.
    for kind in ["struct ", "enum "] {
        while let Some(i) = m.find(&format!("expected {kind}")) {
            let start = i + "expected ".len();
            let name_start = start + kind.len();
            let name_end =
                m[name_start..].find(|c: char| !c.is_alphanumeric() && c != '_').map_or(m.len(), |e| name_start + e);
            let name = &m[name_start..name_end];
            let shape = TABLE_SHAPES
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(if kind == "struct " { "a table" } else { "one of the allowed words, in quotes" }, |(_, s)| *s);
            m.replace_range(start..name_end, shape);
        }
    }
    m.replace('\n', " ")
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ErrorKind {
    /// The application (or another input) is malformed.
    Input,
    /// A schedule, province or authority file is malformed or fails its checks.
    Schedule,
    /// The input is understood but cannot be priced as one application.
    Unpriceable,
}

/// The one error type of the crate.
///
/// Use the predicates to decide what to do: [`Error::is_unpriceable`] (the application is valid
/// but must be split or the schedule lacks a row: exit code 1 in the tools), [`Error::is_input`]
/// and [`Error::is_schedule`] (something must be fixed in a file: exit code 2).
/// [`Error::findings`] lists every problem with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    findings: Vec<Finding>,
}

impl Error {
    pub(crate) fn input(finding: Finding) -> Error {
        Error { kind: ErrorKind::Input, findings: vec![finding] }
    }

    pub(crate) fn schedule(findings: Vec<Finding>) -> Error {
        Error { kind: ErrorKind::Schedule, findings }
    }

    pub(crate) fn unpriceable(message: impl Into<String>) -> Error {
        Error { kind: ErrorKind::Unpriceable, findings: vec![Finding::error(None, None, message)] }
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

    /// The application is understood but cannot be priced as one application: a class with no
    /// fee row in the schedule in force, or devices that fall to different authorities.
    pub fn is_unpriceable(&self) -> bool {
        self.kind == ErrorKind::Unpriceable
    }

    /// An input file (an application, a batch row, an argument) is malformed.
    pub fn is_input(&self) -> bool {
        self.kind == ErrorKind::Input
    }

    /// A schedule, province or authority file is malformed or fails its checks.
    pub fn is_schedule(&self) -> bool {
        self.kind == ErrorKind::Schedule
    }

    /// Every problem found, errors first, each with its place when it has one.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The exit code the example tools use for this error: 1 when unpriceable, else 2.
    pub fn exit_code(&self) -> i32 {
        if self.is_unpriceable() { 1 } else { 2 }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // When there are errors, warnings are noise in a one-line report; show only the errors.
        let any_error = self.findings.iter().any(Finding::is_error);
        let shown = self.findings.iter().filter(|x| !any_error || x.is_error());
        for (i, finding) in shown.enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{finding}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

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

    #[test]
    fn key_is_read_from_the_line() {
        let text = "[[device]]\nclass = \"x\"\ncount = 0\n";
        assert_eq!(key_at(text, text.find('0').unwrap()).as_deref(), Some("count"));
        assert_eq!(key_at(text, 2).as_deref(), Some("device"));
    }
}

/// A file being read: its name for messages and its text for turning spans into places.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Src<'a> {
    pub(crate) name: &'a str,
    pub(crate) text: &'a str,
}

impl Src<'_> {
    /// The place of a byte span's start.
    pub(crate) fn at(&self, span: std::ops::Range<usize>) -> Location {
        Location::at(self.name, self.text, span.start)
    }

    /// An error finding at a spanned value.
    pub(crate) fn error<T>(&self, value: &toml::Spanned<T>, key: &str, message: impl Into<String>) -> Finding {
        Finding::error(Some(self.at(value.span())), Some(key), message)
    }

    /// Parses the file as `T`; on a syntax or shape error records the finding and gives `None`.
    pub(crate) fn parse<T: serde::de::DeserializeOwned>(&self, findings: &mut Vec<Finding>) -> Option<T> {
        toml::from_str(self.text).map_err(|e| findings.push(Finding::from_toml(self.name, self.text, &e))).ok()
    }

    /// An error finding about the file as a whole (its first line).
    pub(crate) fn error_here(&self, key: Option<&str>, message: impl Into<String>) -> Finding {
        Finding::error(Some(Location::at(self.name, self.text, 0)), key, message)
    }
}
