//! Quotes: an application and the law in force on its date → the itemised [`Quote`] an officer
//! hands to the applicant, or only its [`Total`].
//!
//! Both come from one engine: a plan of the application (terms, what each device is, who
//! licenses it) and one pricing core (fee lines, procedure factor, adjustments, rounding,
//! charges). The quote records every step; the total records none, so it costs less and can
//! never disagree with the quote.
//!
//! ```
//! use radfee::{Application, Law};
//! use radfee::quote::StepKind;
//!
//! let law = Law::builtin()?;
//! let app = Application::from_toml("renewal.toml", r#"
//!     province = "Đồng Nai"
//!     procedure = "renewal"
//!     received = 2025-09-15
//!     channel = "online"
//!     [[device]]
//!     class = "xray_ct"
//! "#)?;
//! let quote = law.quote(&app)?;
//! // 8,000,000 × 75 % (renewal) × 90 % (online, 2023-12-01 to 2025-12-31)
//! assert_eq!(quote.total.to_string(), "5.400.000 ₫");
//! assert_eq!(quote.adjustments[0].kind, StepKind::Procedure);
//! assert_eq!(law.total(&app)?.amount, quote.total);
//! # Ok::<(), radfee::Error>(())
//! ```

mod book;
mod core;
mod explain;
#[cfg(feature = "html")]
pub(crate) mod html;
mod itemise;
mod model;
mod plan;
mod render;
mod settle;

pub use crate::money::{Currency, Money};
pub(crate) use book::Book;
pub(crate) use explain::explain;
pub use explain::{Explanation, Step};
pub(crate) use itemise::{quote, quote_with_version};
pub use model::{
    ContestedAuthority, Line, Quote, QuoteAdjustment, QuoteCharge, QuoteWarning, Reading, ReadingOutcome, ScheduleRef,
    StepKind, Total, WarningRef,
};
pub(crate) use plan::DeviceRef;
