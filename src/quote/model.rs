//! The itemised quote and the total, as services and the JSON of docs/quote-json.md see them.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::money::{Currency, Money};
use crate::province::ResolvedProvince;
use crate::schedule::{AdjustmentKind, Unit, WarningLevel};
use crate::vocab::{Authority, Body, Channel, DeviceClass, Procedure, Text};

/// The schedule version a quote was priced with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScheduleRef {
    /// Version id (with `+province.deviation` when a local deviation applied).
    pub id: String,
    /// Title.
    pub title: Text,
    /// The legal bases, base document first, then amendments (and a deviation last).
    pub legal_basis: Vec<String>,
    /// `sha256:<hex>` of the version's canonical form.
    pub fingerprint: String,
    /// The version's first day in force.
    pub effective_from: Date,
    /// The chain of versions it is built from, base first.
    pub versions: Vec<String>,
    /// Set when a provincial deviation applied: its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviation: Option<String>,
}

/// One device entry of the application, priced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Line {
    /// Device class (`null` only for an exempt device whose class the description leaves open).
    pub class: Option<DeviceClass>,
    /// Number of devices.
    pub count: u32,
    /// Fee for one unit (new-licence rate).
    pub unit_fee: Money,
    /// The line's amount: `unit_fee × count` for a per-unit row, the tier table's figure for a
    /// tiered row, 0 for a line not charged (an exempt device, or not the highest line under
    /// `aggregation = "highest"`).
    pub amount: Money,
    /// Legal reference of the row, e.g. `Thông tư 287/2016/TT-BTC, Biểu phí, mục 1.4.7`.
    pub basis: String,
    /// The row id; `None` for a line no row prices (an exempt or not-ionising device). In
    /// JSON, `"-"`.
    #[serde(with = "row_id")]
    pub row: Option<String>,
    /// The row's name.
    pub name: Text,
    /// What one unit is.
    pub unit: Unit,
    /// The label given in the application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The device's name as written in the application (its description's `name`, NFC), so
    /// the line can be matched to the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// For a device priced from its description without a class given: what settled its
    /// class (the terms read in its name, the fields, the class with its legal basis: the
    /// classifier's reasons `name.*`, `field.*` and `class`); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classified_by: Vec<crate::classify::Reason>,
    /// The class has no row of its own and is priced like this row by analogy.
    pub by_analogy: bool,
    /// A note the officer must see (e.g. "applied by analogy"), English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The same note in Vietnamese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_vi: Option<String>,
}

/// A change to the running amount: procedure factor, online reduction, cap, rounding…
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QuoteAdjustment {
    /// What made the change.
    pub kind: StepKind,
    /// Stable id (the procedure key for procedure factors).
    pub id: String,
    /// Name shown on the quote.
    pub name: Text,
    /// The factor applied, for factors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<Decimal>,
    /// The signed change, VND (negative for reductions).
    pub amount: Money,
    /// Legal basis.
    pub basis: String,
    /// Whether the adjustment rests on an assumption.
    pub assumption: bool,
}

/// A warning the schedule in force shows on this quote (see
/// [`ScheduleWarning`](crate::schedule::ScheduleWarning)): e.g. a newer circular is reported from the
/// application's date and the amounts may not be the ones due.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QuoteWarning {
    /// Stable id of the warning in the schedule.
    pub id: String,
    /// `high` (shown before the amounts) or `notice`.
    pub level: WarningLevel,
    /// The warning in English.
    pub en: String,
    /// The warning in Vietnamese.
    pub vi: String,
    /// Where its reason can be read.
    pub basis: String,
}

/// Which reading of a contested question a quote applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reading {
    /// The reading `fee-schedules/authority.toml` chooses as the default.
    Default,
    /// The other reading (applied when the default would split the application and it does not).
    Alternative,
}

/// What one reading of a contested question gives for an application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReadingOutcome {
    /// The reading.
    pub reading: Text,
    /// Who licenses the application under it (`null` when the devices would split).
    pub authority: Option<Authority>,
    /// When the devices would split under it: which falls to whom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
}

/// The licensing authority of an application whose date falls in a contested period: both
/// readings, which was applied and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContestedAuthority {
    /// What is contested.
    pub question: Text,
    /// The reading applied.
    pub applied: Reading,
    /// Why that reading was applied.
    pub why: Text,
    /// The default reading and what it gives.
    pub default: ReadingOutcome,
    /// The other reading and what it gives.
    pub alternative: ReadingOutcome,
}

/// A licence charge (lệ phí).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QuoteCharge {
    /// Stable id.
    pub id: String,
    /// Name.
    pub name: Text,
    /// Amount.
    pub amount: Money,
    /// Legal basis.
    pub basis: String,
}

/// An itemised quote. `total = Σ lines.amount + Σ adjustments.amount + Σ charges.amount`,
/// exactly. The same application and schedules give byte-identical JSON everywhere.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Quote {
    /// Amount due.
    pub total: Money,
    /// The currency of every amount.
    pub currency: Currency,
    /// Warnings the officer must read before collecting (distinct from `notes`): the schedule's
    /// warnings in force on the date received, `high` ones first.
    pub warnings: Vec<QuoteWarning>,
    /// The canonical name of the province the application was resolved to
    /// (e.g. "Thành phố Hồ Chí Minh").
    pub province: String,
    /// How the province was resolved: slug, names, the name as written, former province.
    pub province_detail: ResolvedProvince,
    /// Who appraises and collects: `province`, `varans` or `ministry` (`null` when nothing in
    /// the application is regulated).
    pub authority: Option<Authority>,
    /// The body that appraises and collects.
    pub collector: Option<Body>,
    /// Set when who licenses the application is contested on its date: both readings, the one
    /// applied and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contested: Option<ContestedAuthority>,
    /// The applicant, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant: Option<String>,
    /// The procedure.
    pub procedure: Procedure,
    /// The filing channel.
    pub channel: Channel,
    /// The day the application was received.
    pub received: Date,
    /// The schedule version applied.
    pub schedule: ScheduleRef,
    /// One line per device entry, in the application's order.
    pub lines: Vec<Line>,
    /// `Σ lines.amount`.
    pub subtotal: Money,
    /// Adjustments, in the order applied.
    pub adjustments: Vec<QuoteAdjustment>,
    /// Licence charges.
    pub charges: Vec<QuoteCharge>,
    /// Assumptions and warnings the officer must see (English).
    pub notes: Vec<String>,
    /// The same notes in Vietnamese, in the same order.
    pub notes_vi: Vec<String>,
}

impl Quote {
    /// The quote as one line of JSON (docs/quote-json.md; byte-identical for identical inputs).
    ///
    /// # Errors
    /// Only if the JSON writer fails, which the quote's types cannot cause (every key is a
    /// string and every value serialises); the error is returned rather than hidden.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }

    /// The quote as pretty-printed JSON.
    ///
    /// # Errors
    /// As [`Quote::to_json`].
    pub fn to_json_pretty(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }
}

/// What changed the running amount in a [`QuoteAdjustment`]. In JSON its snake_case key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StepKind {
    /// The procedure's factor of the new-licence fee (e.g. renewal at 75 %).
    Procedure,
    /// A schedule adjustment multiplying the running amount.
    Factor,
    /// A schedule adjustment capping it.
    Cap,
    /// A schedule adjustment raising it to a floor.
    Floor,
    /// A schedule adjustment adding a fixed amount.
    Surcharge,
    /// A volume discount by number of devices.
    VolumeDiscount,
    /// A surcharge per extra site.
    SiteSurcharge,
    /// The rounding of the total.
    Rounding,
}

impl StepKind {
    /// The key used in JSON.
    pub fn key(self) -> &'static str {
        match self {
            StepKind::Procedure => "procedure",
            StepKind::Factor => "factor",
            StepKind::Cap => "cap",
            StepKind::Floor => "floor",
            StepKind::Surcharge => "surcharge",
            StepKind::VolumeDiscount => "volume_discount",
            StepKind::SiteSurcharge => "site_surcharge",
            StepKind::Rounding => "rounding",
        }
    }

    /// The step a schedule adjustment of `kind` makes.
    pub(crate) fn of(kind: AdjustmentKind) -> StepKind {
        match kind {
            AdjustmentKind::Factor => StepKind::Factor,
            AdjustmentKind::Cap => StepKind::Cap,
            AdjustmentKind::Floor => StepKind::Floor,
            AdjustmentKind::Surcharge => StepKind::Surcharge,
            AdjustmentKind::VolumeDiscount => StepKind::VolumeDiscount,
            AdjustmentKind::SiteSurcharge => StepKind::SiteSurcharge,
        }
    }
}

/// What [`Law::total`](crate::Law::total) gives: the amount due and who collects it, without
/// the itemised lines. The same engine as the quote, recording nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Total {
    /// The amount due.
    pub amount: Money,
    /// Who appraises and collects (`None` when nothing in the application is regulated).
    pub authority: Option<Authority>,
    /// Set when who licenses it is contested on its date: the reading applied.
    pub reading: Option<Reading>,
    /// The warnings the quote would carry (schedule warnings in force,
    /// `contested-authority`), high first, by id.
    pub warnings: Vec<WarningRef>,
}

/// A warning a quote carries, by id and level (the texts are in the schedule, or in
/// [`QuoteWarning`] on the itemised quote).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WarningRef {
    /// The warning's id (`contested-authority` for a contested licensing authority).
    pub id: String,
    /// How prominently it is shown.
    pub level: WarningLevel,
}

impl WarningRef {
    pub(crate) fn new(id: String, level: WarningLevel) -> WarningRef {
        WarningRef { id, level }
    }
}

/// `Line::row` in JSON: the row id, or `"-"` for none.
mod row_id {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(row: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(row.as_deref().unwrap_or("-"))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let text = String::deserialize(d)?;
        Ok((text != "-").then_some(text))
    }
}

/// One reason a described device was classified, as a quote prints it (bilingual, short):
/// the terms read in its name, a field as given, or the classifier's own words.
pub(crate) fn classified_line(r: &crate::classify::Reason) -> String {
    if r.rule == "name.phrases"
        && let Some((_, terms)) = r.text.split_once("contains: ")
    {
        return format!("phân loại theo các từ trong tên / classified by the terms in the name: {terms}");
    }
    if let Some(field) = r.rule.strip_prefix("field.")
        && let Some((_, value)) = r.text.split_once("given: ")
    {
        return format!("phân loại theo thông tin đã khai / classified by the field given: {field} = {value}");
    }
    if r.text_vi.is_empty() {
        format!("phân loại / classified: {} ({})", r.text, r.basis)
    } else {
        format!("phân loại / classified: {} / {} ({})", r.text_vi, r.text, r.basis)
    }
}
