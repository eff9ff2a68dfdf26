//! JSON Schemas of the file formats, generated from the Rust types, for editors (completion
//! and errors while typing). The checked-in copies under `fee-schedules/schema/` are kept
//! equal to these by a test. Each function fails only if the JSON writer does, which these
//! schemas cannot cause; the error is returned rather than hidden.
use super::catalogue::CatalogueFile;
use super::files::{AuthorityFile, ProvinceFile};
use super::model::VersionFile;

fn render<T: schemars::JsonSchema>() -> Result<String, serde_json::Error> {
    let schema = schemars::schema_for!(T);
    Ok(serde_json::to_string_pretty(&schema)? + "\n")
}

/// The schema of a schedule version file (`fee-schedules/national/*.toml`).
///
/// # Errors
/// Only if the JSON writer fails, which this schema cannot cause.
pub fn version() -> Result<String, serde_json::Error> {
    render::<VersionFile>()
}

/// The schema of a province file (`fee-schedules/provinces/*.toml`).
///
/// # Errors
/// As [`version`].
pub fn province() -> Result<String, serde_json::Error> {
    render::<ProvinceFile>()
}

/// The schema of `fee-schedules/authority.toml`.
///
/// # Errors
/// As [`version`].
pub fn authority() -> Result<String, serde_json::Error> {
    render::<AuthorityFile>()
}

/// The schema of an application file (docs/application.md).
///
/// # Errors
/// As [`version`].
pub fn application() -> Result<String, serde_json::Error> {
    Ok(serde_json::to_string_pretty(&crate::application::application_schema())? + "\n")
}

/// The schema of a device catalogue file (`fee-schedules/catalogue/*.toml`).
///
/// # Errors
/// As [`version`].
pub fn catalogue() -> Result<String, serde_json::Error> {
    render::<CatalogueFile>()
}
