//! The registry: facilities, equipment, licences, and the append-only history of every change,
//! modelled on what national regulators track (IAEA RAIS: facilities, sources and equipment,
//! authorisations).
//!
//! Every change is an [`Event`] with its date. [`Registry::apply`] checks it against the state
//! and appends it; nothing is ever rewritten or removed, so the state on any past date can be
//! rebuilt ([`Registry::state_on`]). The registry persists through serde as its history and
//! state; loading replays the history and refuses a file whose state does not match it.
//!
//! ```
//! use radfee::{Date, Law};
//! use radfee::registry::Registry;
//!
//! let law = Law::builtin()?;
//! let text = std::fs::read_to_string("examples/registry/sample.toml").unwrap();
//! let registry = Registry::from_toml("sample.toml", &text, law)?;
//! let from = Date::new(2026, 11, 22).unwrap();
//! let due = registry.renewals_due(law, from, Date::from_days(from.to_days() + 90).unwrap());
//! assert!(!due.renewals.is_empty());
//! # Ok::<(), radfee::Error>(())
//! ```

mod apply;
mod import;
mod model;
mod renewals;
#[cfg(feature = "sqlite")]
pub mod sqlite;
mod store;

pub use crate::vocab::FacilityKind;
pub use import::{CSV_COLUMNS, ImportProblem, ImportReport};
pub use model::{Change, Equipment, EquipmentStatus, Event, Facility, Licence, State};
pub use renewals::{RENEWAL_NOTICE_DAYS, RenewalDue, RenewalReport};
pub use store::{MAX_EVENTS, Registry};
