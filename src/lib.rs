//! # radfee: one engine for Vietnam's radiation-safety appraisal fee
//!
//! `radfee` computes the *phí thẩm định an toàn bức xạ* (radiation-safety appraisal fee) for a
//! licensing application the same way in every province, and classifies radiation equipment
//! the same way. The law lives in data: the national fee schedule (Circular 287/2016/TT-BTC and
//! its amendments), the 34 province files, the table of licensing authorities, the nuclide
//! table and the classifier's rules are TOML files under `fee-schedules/`, compiled into the
//! crate and replaceable at run time by a folder of edited files. The engine only evaluates
//! them.
//!
//! Data flows one way: **application → province and schedule version in force → fee row per
//! device class → procedure factor and adjustments → itemised [`Quote`]**.
//!
//! ## A complete example
//!
//! ```
//! use radfee::{Application, Law};
//!
//! // The official body of law compiled into the crate (parsed once per process, then shared).
//! let law = Law::builtin()?;
//!
//! // An application as the one-stop desk receives it.
//! let app = Application::from_toml("renewal.toml", r#"
//!     province = "Đồng Nai"
//!     procedure = "renewal"
//!     received = 2025-09-15
//!     channel = "online"
//!
//!     [[device]]
//!     class = "xray_ct"
//!
//!     [[device]]
//!     class = "xray_dental_panoramic"
//!     count = 2
//! "#)?;
//!
//! let quote = law.quote(&app)?;
//! // (8,000,000 + 2 × 2,000,000) × 75 % (renewal) × 90 % (online, 2023-12-01 to 2025-12-31)
//! assert_eq!(quote.total.to_string(), "8.100.000 ₫");
//! println!("{}", quote.to_text());
//! # Ok::<(), radfee::Error>(())
//! ```
//!
//! [`Quote::to_text`] prints the bilingual itemised table an officer hands to the applicant;
//! [`Quote::to_json`] gives the JSON of docs/quote-json.md (amounts as strings of digits).
//!
//! ## Building an application in code
//!
//! ```
//! use radfee::{Application, Channel, Date, DeviceClass, Law, Procedure};
//! use radfee::application::DeviceEntry;
//!
//! let app = Application::builder("Hà Nội", Procedure::New, Date::new(2024, 3, 15).unwrap())
//!     .channel(Channel::Online)
//!     .device(DeviceEntry::of_class(DeviceClass::XrayDentalIntraoral, 1)?)
//!     .build()?;
//! let quote = Law::builtin()?.quote(&app)?;
//! assert_eq!(quote.total.amount(), 1_800_000.into());
//! # Ok::<(), radfee::Error>(())
//! ```
//!
//! ## Errors
//!
//! There is one error type, [`Error`]. [`Error::kind`] says what happened with its data
//! ([`ErrorKind`]: an unknown province and its close spellings, the classes without a fee
//! row, the authorities a split application falls to…); [`Error::findings`] says where (file,
//! line, column, key) and what was expected. [`Error::is_unpriceable`] groups the kinds where
//! the application is understood but cannot be priced as one.
//!
//! ## The map
//!
//! The root holds what a first user needs; each concept has its module, with its guide:
//!
//! | module | what it holds |
//! |---|---|
//! | [`law`] | [`Law`], the loaded body of law, and every operation on it |
//! | [`application`] | [`Application`], its builder, device entries, limits |
//! | [`quote`] | [`Quote`], [`Total`], explanations |
//! | [`classify`] | [`Classification`], descriptions, device classes, modalities |
//! | [`schedule`] | schedule versions, rows, adjustments, diffs, JSON Schemas |
//! | [`province`] | the 34 provinces, former names, lookup |
//! | [`authority`] | who licenses a class on a date |
//! | [`nuclide`] | D-values, half-lives, activities |
//! | [`batch`] | pricing a CSV of many applications |
//! | [`registry`] | facilities, equipment, licences, renewals due |
//! | [`error`], [`date`], [`money`] | errors, dates, exact amounts |
//!
//! ## Layers
//!
//! Modules import only from their own layer and those below (a test reads the imports and
//! keeps it so; docs/architecture.md draws the house):
//!
//! 0. base: `text`, `money`, `number`, `date`, `exact`, `sheet`;
//! 1. [`error`], `source` and the legal vocabulary: device classes, legal references,
//!    procedures, descriptions, fields;
//! 2. [`application`];
//! 3. [`schedule`] (versions only);
//! 4. [`nuclide`], [`province`], [`authority`];
//! 5. [`classify`];
//! 6. [`quote`] (the plan, the one pricing core, the itemised quote);
//! 7. [`batch`];
//! 8. [`law`], the facade;
//! 9. [`registry`], a record kept with the law.
//!
//! ## Concurrency
//!
//! [`Law`] is immutable after loading and is `Send + Sync`: load it once and share it between
//! threads. There is no global state (the built-in law is parsed once and cached).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// The README's code blocks, compiled and run as doctests so its library snippet stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod application;
pub mod authority;
pub mod batch;
pub mod classify;
pub mod date;
#[cfg(feature = "desk")]
pub mod desk;
pub mod error;
mod exact;
pub mod law;
pub mod money;
pub mod nuclide;
mod number;
pub mod province;
pub mod quote;
pub mod registry;
pub mod schedule;
mod sheet;
mod source;
mod text;
mod vocab;

pub use application::Application;
pub use classify::{Classification, Description};
pub use date::Date;
pub use error::{Error, ErrorKind};
#[allow(deprecated)]
pub use law::{Law, Schedules};
pub use money::Money;
pub use quote::{Quote, Total};
pub use vocab::{Authority, Channel, DeviceClass, Procedure};
