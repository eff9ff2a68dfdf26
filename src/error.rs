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
        let shown: Vec<&Finding> = self.findings.iter().filter(|x| !any_error || x.is_error()).collect();
        let limit = crate::schedule::MAX_FINDINGS;
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
}
