//! The fields of a description that can decide between candidate classes.

use serde::{Deserialize, Serialize};

/// The description field that would decide between candidate classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Field {
    /// `radiation`.
    Radiation,
    /// `use`.
    Use,
    /// `modality`.
    Modality,
}

impl Field {
    /// The key as written in files: `radiation`, `use`, `modality`.
    pub fn key(self) -> &'static str {
        match self {
            Field::Radiation => "radiation",
            Field::Use => "use",
            Field::Modality => "modality",
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}
