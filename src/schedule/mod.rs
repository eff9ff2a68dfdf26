//! Fee schedules: dated versions of the national schedule (Circular 287/2016/TT-BTC and its
//! amendments), each a set of fee rows, procedure factors, adjustments, charges, notes and
//! warnings, with every figure's legal basis.
//!
//! A [`Version`] is what the engine prices with; [`Law::version_on`](crate::Law::version_on)
//! finds the one in force on a date. The file format (docs/fee-schedules.md) is read by
//! [`Law::from_dir`](crate::Law::from_dir); [`diff()`] compares two versions; [`schema`] gives the
//! JSON Schemas editors use.
//!
//! ```
//! use radfee::{Date, DeviceClass, Law};
//!
//! let law = Law::builtin()?;
//! let v = law.version_on(Date::new(2026, 3, 1).unwrap()).unwrap();
//! let (row, _) = v.row_for(DeviceClass::XrayCt).unwrap();
//! assert_eq!(row.id, "1.4.7");
//! assert_eq!(row.amount, 8_000_000.into());
//! # Ok::<(), radfee::Error>(())
//! ```

pub(crate) mod catalogue;
mod diff;
mod entries;
pub(crate) mod files;
mod kinds;
mod leaves;
pub(crate) mod model;
mod patch;
pub mod schema;
mod timeline;
mod version;
mod versions;

pub use crate::error::MAX_FINDINGS;
pub use crate::money::Rounding;
pub use crate::vocab::{LegalRef, Text};
pub use catalogue::CitationKind;
pub use diff::{Difference, diff};
pub use files::ProvinceKind;
pub use kinds::{AdjustmentKind, Aggregation, RoundAt, Unit, WarningLevel};
pub use patch::MAX_ROWS;
pub(crate) use version::version_on;
pub use version::{
    Adjustment, Charge, ClassMapping, DeviationInfo, Exemption, FacilityDefault, Index, Note, ProcedureRule,
    RoundingRule, Row, ScheduleWarning, Version,
};
pub(crate) use versions::{apply_deviation, load_versions};
