//! The classifier: a device description → [`Classification`] (class, family, exemption,
//! licensing authority on a date, source category, inspection interval, safety officer, and
//! the reasons, each with its legal basis).
//!
//! It reads the structured fields of docs/device-classes.md and the free-text `name`
//! (Vietnamese with or without diacritics, English, abbreviations). Fields win over the name,
//! and a disagreement is reported. When the evidence leaves two or more classes it returns them
//! with the one field that would decide ([`Outcome::Ambiguous`]). It never guesses.
//!
//! ```
//! use radfee::{Date, DeviceClass, Law};
//! use radfee::classify::{Description, Field, Outcome, Status};
//!
//! let law = Law::builtin()?;
//! let day = Date::new(2026, 3, 1).unwrap();
//! let c = law.classify(&Description::named("Máy C-arm di động")?, day)?;
//! assert_eq!(c.outcome, Outcome::Settled(DeviceClass::XrayCArm));
//! assert_eq!(c.status, Some(Status::Licence));
//!
//! // Not enough to decide: the candidates and the field that would.
//! let c = law.classify(&Description::named("Máy X-quang răng")?, day)?;
//! assert!(matches!(c.outcome, Outcome::Ambiguous { field: Field::Modality, .. }));
//! # Ok::<(), radfee::Error>(())
//! ```

mod catalogue;
mod catalogue_check;
mod classifier;
mod evidence;
mod lazy;
mod lexicon;
mod matcher;
mod name;
mod outcome;
mod profiles;
mod rules;

pub use catalogue::{Catalogue, CatalogueEntry, Citation, MIN_ALONE, Manufacturer};
pub(crate) use classifier::Classifier;
pub(crate) use lazy::LazyCatalogue;
pub use outcome::{AuthorityReading, Classification, Outcome, Reason, Status};
pub use rules::ClassificationRules;

pub use crate::nuclide::SourceAssessment;
pub use crate::schedule::CitationKind;
pub use crate::vocab::{
    Description, DescriptionBuilder, DeviceClass, Family, Field, Modality, Radiation, SourceSpec, UnknownTerm, Use,
};
