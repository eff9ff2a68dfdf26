//! The registry: facilities, equipment, licences, and the append-only history of every change,
//! modelled on what national regulators track (IAEA RAIS: facilities, sources and equipment,
//! authorisations).
//!
//! Every change is an [`Event`] with its date. [`Registry::apply`] checks it against the state
//! and appends it; nothing is ever rewritten or removed, so the state on any past date can be
//! rebuilt ([`Registry::state_on`]). The registry persists through serde as its history and
//! state; loading replays the history and refuses a file whose state does not match it.

mod apply;
mod import;
mod model;
mod renewals;
mod store;

pub use import::{CSV_COLUMNS, ImportProblem, ImportReport};
pub use model::{Change, Equipment, EquipmentStatus, Event, Facility, Licence, State};
pub use renewals::{RENEWAL_NOTICE_DAYS, RenewalDue, RenewalReport};
pub use store::{MAX_EVENTS, Registry};
