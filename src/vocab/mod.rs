//! The legal vocabulary (layer 1): what the law and the forms name, shared by every part of
//! the crate. Nothing here reads a file or knows a schedule.

pub(crate) mod class;
pub(crate) mod device;
pub(crate) mod legal;
pub(crate) mod terms;

pub(crate) use class::{ClassMap, unknown_class_message};
pub use class::{DeviceClass, Family};
pub(crate) use device::parse_modality;
pub use device::{Description, Modality, Radiation, SourceSpec, Use};
pub use legal::{Authority, Body, LegalRef, Text};
pub use terms::{Channel, FacilityKind, Procedure};
