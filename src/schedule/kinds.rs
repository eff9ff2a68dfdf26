//! The closed sets a schedule file names: how rows are aggregated, where rounding happens,
//! what one unit of a row is, the kinds of adjustment, and how loudly a warning is shown.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How the lines of an application add up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Aggregation {
    /// Every device is charged (the Vietnamese rule).
    #[default]
    Sum,
    /// Only the most expensive line is charged, for one unit; the others are 0.
    Highest,
}

/// Where rounding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RoundAt {
    /// Every line and every adjustment is rounded as it is computed.
    Line,
    /// Only the total is rounded; the difference is shown as a rounding adjustment.
    Total,
}

/// What one fee row is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Unit {
    /// One device (thiết bị).
    Device,
    /// One system (hệ thiết bị).
    System,
    /// One machine (máy).
    Machine,
    /// One facility (cơ sở).
    Facility,
    /// One site (địa điểm).
    Site,
    /// One source (nguồn).
    Source,
    /// One package (kiện).
    Package,
    /// One shipment (chuyến).
    Shipment,
    /// One licence (giấy phép).
    Licence,
}

impl Unit {
    /// Vietnamese and English names of the unit.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Unit::Device => ("thiết bị", "device"),
            Unit::System => ("hệ thiết bị", "system"),
            Unit::Machine => ("máy", "machine"),
            Unit::Facility => ("cơ sở", "facility"),
            Unit::Site => ("địa điểm", "site"),
            Unit::Source => ("nguồn", "source"),
            Unit::Package => ("kiện", "package"),
            Unit::Shipment => ("chuyến", "shipment"),
            Unit::Licence => ("giấy phép", "licence"),
        }
    }
}

/// What an adjustment does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AdjustmentKind {
    /// Multiplies the running amount by `factor` (e.g. online filing at 90 %).
    Factor,
    /// Limits the running amount to at most `amount`.
    Cap,
    /// Raises the running amount to at least `amount`.
    Floor,
    /// Adds a flat `amount` (e.g. a base fee per application, a late fee).
    Surcharge,
    /// Multiplies the running amount by the `factor` of the band the application's total
    /// device count falls in (`bands`).
    VolumeDiscount,
    /// Adds `factor` × the running amount for each site beyond the first.
    SiteSurcharge,
}

impl AdjustmentKind {
    /// The key used in files and in quote JSON: `factor`, `cap`, `floor`, `surcharge`,
    /// `volume_discount` or `site_surcharge`.
    pub fn key(self) -> &'static str {
        match self {
            AdjustmentKind::Factor => "factor",
            AdjustmentKind::Cap => "cap",
            AdjustmentKind::Floor => "floor",
            AdjustmentKind::Surcharge => "surcharge",
            AdjustmentKind::VolumeDiscount => "volume_discount",
            AdjustmentKind::SiteSurcharge => "site_surcharge",
        }
    }
}

/// How prominently a schedule warning is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningLevel {
    /// At the top of every quote, before the amounts: the figures may not be the ones due.
    High,
    /// Shown with the quote, for the officer's attention.
    Notice,
}

impl WarningLevel {
    /// The key used in files and JSON: `high` or `notice`.
    pub fn key(self) -> &'static str {
        match self {
            WarningLevel::High => "high",
            WarningLevel::Notice => "notice",
        }
    }
}
