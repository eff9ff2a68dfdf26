//! A licensing application as received at the one-stop desk (docs/application.md).

mod file;
mod model;
mod write;

pub use crate::source::read_text_file;
pub use crate::vocab::{Channel, Condition, FacilityKind, MAX_SOURCES, MAX_TEXT, Procedure, UnknownTerm};
pub(crate) use file::application_schema;
pub use file::devices_from_toml;
pub use model::{
    Application, ApplicationBuilder, DeviceEntry, MAX_APPLICATION_BYTES, MAX_CONDITIONS, MAX_COUNT, MAX_DEVICES,
    MAX_SITES, parse_count,
};
pub(crate) use model::{COUNT, Places, Terms};
