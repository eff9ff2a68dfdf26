//! # radfee: one engine for Vietnam's radiation-safety appraisal fee
//!
//! `radfee` computes the *phí thẩm định an toàn bức xạ* (radiation-safety appraisal fee) for a
//! licensing application the same way in every province. The law lives in data: the national
//! fee schedule (Circular 287/2016/TT-BTC and its amendments), the 34 province files and the
//! table of licensing authorities are TOML files under `fee-schedules/`, compiled into the crate
//! and replaceable at run time by a folder of edited files. The engine only evaluates them.
//!
//! Data flows one way: **application → province and schedule version in force → fee row per
//! device class → adjustments → itemised [`Quote`]**.
//!
//! ## A complete example
//!
//! ```
//! use radfee::{Application, Schedules};
//!
//! // Load the official schedules compiled into the crate (do this once and share them).
//! let schedules = Schedules::builtin()?;
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
//! let quote = schedules.quote(&app)?;
//! // (8,000,000 + 2 × 2,000,000) × 75 % (renewal) × 90 % (online, 2023-12-01 to 2025-12-31)
//! assert_eq!(quote.total.to_string(), "8.100.000 ₫");
//! println!("{}", quote.total);
//! # Ok::<(), radfee::Error>(())
//! ```
//!
//! [`Quote::to_text`] prints the bilingual itemised table an officer hands to the applicant;
//! [`Quote::to_json`] gives the JSON of docs/application.md (amounts as strings of digits).
//!
//! ## Building an application in code
//!
//! ```
//! use radfee::{Application, Channel, Date, DeviceClass, Procedure, Schedules};
//!
//! let schedules = Schedules::builtin()?;
//! let app = Application::new("Hà Nội", Procedure::New, Date::new(2024, 3, 15).unwrap())
//!     .with_channel(Channel::Online)
//!     .with_device(DeviceClass::XrayDentalIntraoral, 1);
//! let quote = schedules.quote(&app)?;
//! assert_eq!(quote.total.amount(), rust_decimal::Decimal::from(1_800_000));
//! # Ok::<(), radfee::Error>(())
//! ```
//!
//! ## Classifying a device
//!
//! ```
//! use radfee::{Date, Description, DeviceClass, Schedules, Status};
//!
//! let schedules = Schedules::builtin()?;
//! let form = Description { name: Some("Máy C-arm di động".into()), ..Description::default() };
//! let c = schedules.classify(&form, Date::new(2026, 3, 1).unwrap())?;
//! assert_eq!(c.class, Some(DeviceClass::XrayCArm));
//! assert_eq!(c.status, Some(Status::Licence));
//!
//! // Not enough to decide: the candidates and the field that would.
//! let form = Description { name: Some("Máy X-quang răng".into()), ..Description::default() };
//! let c = schedules.classify(&form, Date::new(2026, 3, 1).unwrap())?;
//! assert_eq!(c.class, None);
//! assert_eq!(c.candidates.unwrap().field, "modality");
//! # Ok::<(), radfee::Error>(())
//! ```
//!
//! ## Errors
//!
//! There is one error type, [`Error`]. [`Error::is_unpriceable`] means the application is
//! understood but cannot be priced as one application (a class with no fee row in the version in
//! force, or devices that fall to different authorities); [`Error::is_input`] and
//! [`Error::is_schedule`] mean a file must be fixed, and [`Error::findings`] says where
//! (file, line, column, key) and what was expected.
//!
//! ## Scope of this crate
//!
//! Implemented:
//! - the schedule format: dated versions that may amend a base version (`extends`), rows with
//!   stable ids, bilingual names, units, exact amounts, legal references and the device classes
//!   they price (with analogies flagged); procedure factors; adjustments limited by channel,
//!   procedure and date window (factor, cap, floor, surcharge); licence charges; an explicit
//!   rounding rule; notes; provincial deviations with their own legal basis;
//! - every check of docs/fee-schedules.md, each finding with file, line, column and key;
//! - Circular 287/2016/TT-BTC from 2017-01-01, its 116/2021 amendment (2022-02-05) and the
//!   online-filing reduction to 90 % (2023-12-01 to 2025-12-31), every figure cited;
//! - the 34 provinces with their 63 former names, forgiving and unambiguous lookup;
//! - the licensing authority by device class and date, as cited data;
//! - quotes with SHA-256 fingerprints of the schedule version applied, byte-identical JSON;
//! - the classifier ([`Schedules::classify`]): a device description (structured fields and/or
//!   a free-text name in Vietnamese or English) → class, family, exemption, authority on a
//!   date, source category (Σ A/D with decay), safety officer, inspection interval, reasons;
//!   ambiguity is returned as candidates with the field that would decide, never guessed;
//! - the registry ([`Registry`]): facilities, equipment and licences with an append-only dated
//!   history, queries, renewals due (45 days before expiry) priced, TOML/JSON persistence, CSV
//!   import of device lists;
//! - batch appraisal ([`Schedules::price_batch`]) of docs/batch.md;
//! - every structure of docs/fee-schedules.md as data: tier tables, volume-discount bands,
//!   highest-category-only, per-site surcharges, indexed units, conditions (late, partial
//!   period), whole-class exemptions, base fees by kind of facility; a semantic [`diff`]
//!   between versions; [`Schedules::explain`]; JSON Schemas of the file formats ([`schema`]);
//! - limits on every input, checked arithmetic, fuzz targets (`fuzz/`), no panics;
//! - lean paths for bulk work: [`Schedules::total`] (the total without the itemised quote)
//!   and [`Schedules::class_of`] (the class without the reasons); criterion benchmarks.
//!
//! Not done: some speed targets of the benchmarks are not reached yet (the README's table
//! says which). Not in the data: Circular 76/2010/TT-BTC and Decision 38/2006/QĐ-BTC, whose
//! figures cannot be cited row by row from the sources at hand, so a quote for a date before
//! 2017-01-01 is refused.
//!
//! ## Concurrency
//!
//! [`Schedules`] is immutable after loading and is `Send + Sync`: load it once and share it
//! between threads (e.g. in an `Arc`). There is no global state.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// The README's code blocks, compiled and run as doctests so its library snippet stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod application;
mod authority;
mod batch;
mod classify;
mod date;
mod error;
mod exact;
#[doc(hidden)]
pub mod generate;
mod money;
mod nuclide;
mod number;
mod province;
mod quote;
mod registry;
mod render;
mod schedule;
mod sheet;
mod source;
mod text;
mod vocab;

pub use application::{
    Application, DeviceEntry, MAX_APPLICATION_BYTES, MAX_CONDITIONS, MAX_COUNT, MAX_DEVICES, MAX_SITES, MAX_SOURCES,
    MAX_TEXT, devices_from_toml, parse_count,
};
pub use authority::{AlternativeAuthority, AuthorityRule, AuthorityTable, Contest};
pub use batch::{
    BATCH_COLUMNS, BatchProblem, BatchReport, BatchResult, BatchWarning, Keep, MAX_APPLICATIONS, MAX_PROBLEMS,
};
pub use classify::{
    AuthorityReading, Candidates, ClassOf, Classification, ClassificationRules, Reason, Status, modalities,
};
pub use date::{Date, DateError};
pub use error::{Error, Finding, Location, Severity};
pub use money::{Money, Rounding};
pub use nuclide::{Activity, ActivityError, Confidence, Nuclide, Nuclides, Provenance, SourceAssessment};
pub use province::{FormerProvince, FormerRef, LookupError, Province, Provinces, ResolvedProvince};
pub use quote::{
    ContestedAuthority, Explanation, Line, Quote, QuoteAdjustment, QuoteCharge, QuoteWarning, Reading, ReadingOutcome,
    ScheduleRef, Step,
};
pub use registry::{
    CSV_COLUMNS, Change, Equipment, EquipmentStatus, Event, Facility, ImportProblem, ImportReport, Licence, MAX_EVENTS,
    RENEWAL_NOTICE_DAYS, Registry, RenewalDue, RenewalReport, State,
};
pub use schedule::{
    Adjustment, AdjustmentKind, Aggregation, Authority, Charge, ClassMapping, DeviationInfo, Difference, Exemption,
    FacilityDefault, Index, LegalRef, MAX_FILE_BYTES, MAX_FILES, MAX_FINDINGS, MAX_ROWS, MAX_TOTAL_BYTES, Note,
    ProcedureRule, ProvinceKind, RoundAt, RoundingRule, Row, ScheduleWarning, Schedules, SourceFile, Text, Unit,
    Version, WarningLevel, diff, schema,
};
pub use source::read_text_file;
pub use vocab::{
    Body, Channel, Description, DeviceClass, FacilityKind, Family, Modality, Procedure, Radiation, SourceSpec, Use,
};

/// Text folding used for forgiving lookups (case, Vietnamese diacritics, punctuation).
pub mod fold {
    pub use crate::text::{compact, fold};
}
