//! The legal vocabulary (layer 1): what the law and the forms name, shared by every part of
//! the crate. Nothing here reads a file or knows a schedule.

pub(crate) mod activity;
pub(crate) mod class;
pub(crate) mod condition;
pub(crate) mod device;
pub(crate) mod field;
pub(crate) mod legal;
pub(crate) mod modality;
pub(crate) mod terms;

pub use activity::{Activity, ActivityError};
pub(crate) use class::{ClassMap, unknown_class_message, unknown_class_message_vi};
pub use class::{DeviceClass, Family};
pub use condition::Condition;
pub(crate) use device::check_text;
pub use device::{Description, DescriptionBuilder, MAX_SOURCES, MAX_TEXT, Radiation, SourceSpec, Use};
pub use field::Field;
pub use legal::{Authority, Body, LegalRef, Text};
pub use modality::Modality;
pub(crate) use modality::parse_modality;
pub use terms::{Channel, FacilityKind, Procedure, UnknownTerm};
