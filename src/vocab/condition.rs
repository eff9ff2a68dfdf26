//! Conditions: what an application states and a schedule's adjustments test (`when`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Finding};

/// A condition an application states and a schedule's adjustment tests (`when = "late"`): a
/// snake_case name of 1 to 64 characters (`a`–`z`, `_`). Which conditions exist is the
/// schedule's to say: an application stating one its schedule does not test is refused.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Condition(String);

impl Condition {
    /// Longest condition name, in characters.
    pub const MAX_LEN: usize = 64;

    /// A condition by name.
    ///
    /// # Errors
    /// An input error (key `conditions`) when `name` is not snake_case or is too long.
    pub fn new(name: &str) -> Result<Condition, Error> {
        let ok = !name.is_empty()
            && name.len() <= Condition::MAX_LEN
            && name.chars().all(|x| x.is_ascii_lowercase() || x == '_');
        if ok {
            Ok(Condition(name.to_owned()))
        } else {
            Err(Error::input(Finding::error(
                None,
                Some("conditions"),
                format!(
                    "`{}` is not a condition name: use snake_case of at most {} letters, e.g. \"late\"",
                    crate::text::excerpt(name),
                    Condition::MAX_LEN
                ),
            )
            .vi(format!(
                "`{}` không phải là tên điều kiện: ghi chữ thường không dấu nối bằng `_`, tối đa {} ký tự, ví dụ \"late\"",
                crate::text::excerpt(name),
                Condition::MAX_LEN
            ))))
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Condition {
    type Error = Error;
    fn try_from(s: String) -> Result<Condition, Error> {
        Condition::new(&s)
    }
}

impl From<Condition> for String {
    fn from(c: Condition) -> String {
        c.0
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
