//! A schedule version as the engine reads it: rows, procedure factors, adjustments, charges,
//! notes, warnings, indexes and exemptions, with a chain of amendments already applied.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::model::{AdjustmentKind, Aggregation, RoundAt, Unit, WarningLevel};
use crate::date::Date;
use crate::money::{Currency, Rounding};
use crate::vocab::{Channel, ClassMap, Condition, DeviceClass, LegalRef, Procedure, Text};

/// How and where amounts are rounded. Never implicit: every schedule states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RoundingRule {
    /// Which way ties and remainders go.
    pub strategy: Rounding,
    /// The multiple rounded to, e.g. 1 đồng or 1000 đồng.
    pub step: Decimal,
    /// Each line and adjustment, or only the total.
    pub at: RoundAt,
}

/// The factor applied to the new-licence fee for one procedure, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProcedureRule {
    /// e.g. 0.75 for a renewal.
    pub factor: Decimal,
    /// The legal basis.
    pub basis: LegalRef,
    /// Set when the factor is an assumption rather than a cited figure; shown on every quote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumption: Option<Text>,
    /// The version (or deviation) that wrote this value; not part of the fingerprint.
    #[serde(skip)]
    pub(crate) origin: String,
}

/// A device class priced by a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ClassMapping {
    /// The class.
    pub class: DeviceClass,
    /// The law has no row for this class; it is priced like this row by analogy (an assumption).
    pub by_analogy: bool,
    /// Why, shown on the quote line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// One row of the fee table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Row {
    /// The circular's own numbering, e.g. `1.4.4`.
    pub id: String,
    /// What the row prices.
    pub name: Text,
    /// What one unit is.
    pub unit: Unit,
    /// Fee for one unit for a new licence (with `tiers`: the first tier).
    pub amount: Decimal,
    /// A tier table: the total for 1, 2, … units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Vec<Decimal>>,
    /// With `tiers`: the fee for each unit beyond the last tier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tail: Option<Decimal>,
    /// The amounts are in this indexed unit, converted at its value on the date received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indexed: Option<String>,
    /// The legal reference.
    pub basis: LegalRef,
    /// The classes this row prices.
    pub classes: Vec<ClassMapping>,
    /// Set when something about the row (e.g. its number) is an assumption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumption: Option<Text>,
    /// The version (or deviation) that wrote this value; not part of the fingerprint.
    #[serde(skip)]
    pub(crate) origin: String,
}

impl Row {
    /// Whether the row is a plain amount per unit in money (no tiers, no indexed unit).
    pub fn is_per_unit(&self) -> bool {
        self.tiers.is_none() && self.indexed.is_none()
    }
}

/// A dated, cited adjustment of the running amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Adjustment {
    /// Stable id.
    pub id: String,
    /// Name shown on the quote.
    pub name: Text,
    /// What it does.
    pub kind: AdjustmentKind,
    /// For [`AdjustmentKind::Factor`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor: Option<Decimal>,
    /// For caps, floors and surcharges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Decimal>,
    /// Only applications filed through this channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Only these procedures (all when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub procedures: Option<Vec<Procedure>>,
    /// First day of the window (inclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    /// Last day of the window (inclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// Only applications from these kinds of facility (all when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facility_kinds: Option<Vec<crate::vocab::FacilityKind>>,
    /// Only applications that state this condition (e.g. `late`, `partial_period`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// For volume discounts: (from, to, factor) by total device count; `to` open when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bands: Option<Vec<(u32, Option<u32>, Decimal)>>,
    /// Legal basis.
    pub basis: LegalRef,
    /// Set when the adjustment is an assumption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumption: Option<Text>,
    /// The version (or deviation) that wrote this value; not part of the fingerprint.
    #[serde(skip)]
    pub(crate) origin: String,
}

impl Adjustment {
    /// Whether the adjustment applies to an application (ignoring the amount).
    pub fn applies(&self, app: &crate::application::Application) -> bool {
        self.applies_to(&app.terms())
    }

    /// [`Adjustment::applies`] on the terms alone.
    pub(crate) fn applies_to(&self, app: &crate::application::Terms<'_>) -> bool {
        self.applies_but_for_facility(app)
            && self.facility_kinds.as_ref().is_none_or(|k| app.facility_kind.is_some_and(|f| k.contains(&f)))
    }

    /// Whether everything but the kind of facility lets the adjustment apply: channel,
    /// procedure, window and condition.
    pub(crate) fn applies_but_for_facility(&self, app: &crate::application::Terms<'_>) -> bool {
        self.channel.is_none_or(|c| c == app.channel)
            && self.procedures.as_ref().is_none_or(|p| p.contains(&app.procedure))
            && Date::within(app.received, self.from, self.until)
            && self.when.as_ref().is_none_or(|w| app.conditions.contains(w))
    }
}

/// A licence charge (lệ phí).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Charge {
    /// Stable id.
    pub id: String,
    /// Name shown on the quote.
    pub name: Text,
    /// Amount per application.
    pub amount: Decimal,
    /// Only these procedures (all when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub procedures: Option<Vec<Procedure>>,
    /// First day (inclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    /// Last day (inclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// Legal basis.
    pub basis: LegalRef,
    /// The version (or deviation) that wrote this value; not part of the fingerprint.
    #[serde(skip)]
    pub(crate) origin: String,
}

impl Charge {
    /// Whether the charge applies to this procedure on this date.
    pub fn applies(&self, procedure: Procedure, received: Date) -> bool {
        self.procedures.as_ref().is_none_or(|p| p.contains(&procedure)) && Date::within(received, self.from, self.until)
    }
}

/// A note printed on every quote made under a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Note {
    /// Its id, when it has one (a later version may withdraw it with `remove_notes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
    /// Whether the note states an assumption.
    pub assumption: bool,
    /// Legal basis or source, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<LegalRef>,
    /// Shown only for applications received on or after this day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    /// Shown only for applications received on or before this day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
}

/// A warning a version shows on the quotes it concerns (`[[warning]]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ScheduleWarning {
    /// Stable id.
    pub id: String,
    /// How prominently it is shown.
    pub level: WarningLevel,
    /// The warning.
    pub text: Text,
    /// Applications received on or after this day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    /// Applications received on or before this day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// Where its reason can be read.
    pub basis: LegalRef,
    /// The version (or deviation) that wrote it; not part of the fingerprint.
    #[serde(skip)]
    pub(crate) origin: String,
}

impl ScheduleWarning {
    /// Whether it concerns an application received on `date`.
    pub fn applies_on(&self, date: Date) -> bool {
        Date::within(date, self.from, self.until)
    }
}

/// One version of a schedule, with its amendments (`extends`) already applied.
#[derive(Clone, Debug, Serialize)]
pub struct Version {
    pub(crate) id: String,
    pub(crate) chain: Vec<String>,
    pub(crate) title: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) issuer: Option<Text>,
    pub(crate) effective_from: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) effective_until: Option<Date>,
    pub(crate) legal_basis: Vec<LegalRef>,
    pub(crate) currency: Currency,
    pub(crate) rounding: RoundingRule,
    #[serde(skip_serializing_if = "is_sum")]
    pub(crate) aggregation: Aggregation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) default_facility_kind: Option<FacilityDefault>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) indexes: Vec<Index>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) exempt: Vec<Exemption>,
    pub(crate) procedures: BTreeMap<Procedure, ProcedureRule>,
    pub(crate) rows: Vec<Row>,
    pub(crate) adjustments: Vec<Adjustment>,
    pub(crate) charges: Vec<Charge>,
    pub(crate) notes: Vec<Note>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) warnings: Vec<ScheduleWarning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) deviation: Option<DeviationInfo>,
    #[serde(skip)]
    pub(crate) fingerprint: String,
    #[serde(skip)]
    pub(crate) file: String,
    /// class → (row index, mapping index), resolved at load so quoting does no searching.
    #[serde(skip)]
    pub(crate) index: ClassMap<(usize, usize)>,
    /// What pricing reads on every application, resolved when the version is finished.
    #[serde(skip)]
    pub(crate) hot: Hot,
}

/// What the engine reads on every application, resolved once when a version is finished
/// ([`Hot::of`]) so that pricing does no searching and compares no `Decimal`s: the same facts
/// as the version's own fields, in tables.
#[derive(Clone, Debug, Default)]
pub(crate) struct Hot {
    /// class → its position in `exempt`.
    exempt: ClassMap<usize>,
    /// Each procedure's rule (by [`Procedure::ordinal`]) and whether its factor is 1.
    procedures: [Option<(ProcedureRule, bool)>; Procedure::ALL.len()],
    /// The rounding step is 1 (a whole amount is already rounded).
    pub(crate) unit_step: bool,
    /// The rounding step as a power of ten `10^k` (`k`), when it is one up to 10^18.
    pub(crate) step_pow10: Option<u32>,
    /// Some adjustment applies only to some kinds of facility.
    pub(crate) by_facility: bool,
}

impl Hot {
    /// The tables of a finished version.
    pub(crate) fn of(v: &Version) -> Hot {
        let mut exempt = ClassMap::default();
        // The first exemption of a class wins, as [`Version::exemption`]'s search did.
        for (i, e) in v.exempt.iter().enumerate().rev() {
            exempt.insert(e.class, i);
        }
        let procedures = Procedure::ALL.map(|p| v.procedures.get(&p).map(|r| (r.clone(), r.factor == Decimal::ONE)));
        let step = v.rounding.step;
        let step_pow10 = crate::exact::Exact::of(step).power_of_ten();
        Hot {
            exempt,
            procedures,
            unit_step: step == Decimal::ONE,
            step_pow10,
            by_facility: v.adjustments.iter().any(|a| a.facility_kinds.is_some()),
        }
    }
}

fn is_sum(a: &Aggregation) -> bool {
    *a == Aggregation::Sum
}

/// The kind of facility a version assumes when an application does not state one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FacilityDefault {
    /// The kind assumed.
    pub kind: crate::vocab::FacilityKind,
    /// Why the schedule may assume it.
    pub basis: LegalRef,
}

/// An indexed unit (e.g. a "fee unit") and its money value by date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Index {
    /// Id rows refer to.
    pub id: String,
    /// Name.
    pub name: Text,
    /// (first day, money value), oldest first.
    pub values: Vec<(Date, Decimal)>,
    /// Legal basis.
    pub basis: LegalRef,
}

impl Index {
    /// The money value on `date`, if one is set by then.
    pub fn value_on(&self, date: Date) -> Option<Decimal> {
        self.values.iter().rev().find(|(from, _)| *from <= date).map(|(_, v)| *v)
    }
}

/// A whole class exempt from the fee under a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Exemption {
    /// The class.
    pub class: DeviceClass,
    /// Why, shown on the quote line.
    pub note: Text,
    /// Legal basis.
    pub basis: LegalRef,
    /// The version that wrote it; not part of the fingerprint.
    #[serde(skip)]
    pub(crate) origin: String,
}

/// A provincial deviation applied on top of a national version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DeviationInfo {
    /// The province's slug.
    pub province: String,
    /// The deviation's id.
    pub id: String,
    /// Its name.
    pub name: Text,
    /// Its own legal basis.
    pub basis: LegalRef,
}

impl Version {
    /// The version's id, e.g. `vn-287-2016-a63-2023`.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The ids this version is built from, base first, itself last.
    pub fn chain(&self) -> &[String] {
        &self.chain
    }
    /// Title.
    pub fn title(&self) -> &Text {
        &self.title
    }
    /// Issuing body.
    pub fn issuer(&self) -> Option<&Text> {
        self.issuer.as_ref()
    }
    /// First day in force.
    pub fn effective_from(&self) -> Date {
        self.effective_from
    }
    /// Explicit last day in force, if the file states one (a newer version also ends it).
    pub fn effective_until(&self) -> Option<Date> {
        self.effective_until
    }
    /// Legal bases, base document first, then each amendment (and a deviation's basis last).
    pub fn legal_basis(&self) -> &[LegalRef] {
        &self.legal_basis
    }
    /// Currency code, e.g. `VND`.
    pub fn currency(&self) -> Currency {
        self.currency
    }
    /// The rounding rule.
    pub fn rounding(&self) -> &RoundingRule {
        &self.rounding
    }
    /// How lines add up.
    pub fn aggregation(&self) -> Aggregation {
        self.aggregation
    }

    /// The kind of facility assumed when an application does not state one, if the version
    /// declares it.
    pub fn default_facility_kind(&self) -> Option<&FacilityDefault> {
        self.default_facility_kind.as_ref()
    }

    /// The indexed units (`[[index]]`) of this version.
    pub fn indexes(&self) -> &[Index] {
        &self.indexes
    }

    /// The whole classes this version exempts (`[[exempt]]`).
    pub fn exemptions(&self) -> &[Exemption] {
        &self.exempt
    }

    /// The conditions (`when`) this version's adjustments test, sorted, without repeats.
    pub fn conditions(&self) -> Vec<&str> {
        let mut known: Vec<&str> =
            self.adjustments.iter().filter_map(|a| a.when.as_ref().map(Condition::as_str)).collect();
        known.sort_unstable();
        known.dedup();
        known
    }
    /// The indexed unit with this id.
    pub fn index(&self, id: &str) -> Option<&Index> {
        self.indexes.iter().find(|i| i.id == id)
    }
    /// The exemption of a whole class, if this version has one.
    pub fn exemption(&self, class: DeviceClass) -> Option<&Exemption> {
        self.exempt.get(*self.hot.exempt.get(class)?)
    }
    /// The factor for a procedure.
    pub fn procedure(&self, procedure: Procedure) -> Option<&ProcedureRule> {
        self.procedure_rule(procedure).map(|(r, _)| r)
    }
    /// The rule for a procedure and whether its factor is 1.
    pub(crate) fn procedure_rule(&self, procedure: Procedure) -> Option<(&ProcedureRule, bool)> {
        self.hot.procedures.get(procedure.ordinal())?.as_ref().map(|(r, one)| (r, *one))
    }
    /// Every row, by id.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }
    /// Adjustments, in the order the engine applies them.
    pub fn adjustments(&self) -> &[Adjustment] {
        &self.adjustments
    }
    /// Licence charges.
    pub fn charges(&self) -> &[Charge] {
        &self.charges
    }
    /// Notes printed on every quote.
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// Warnings shown on the quotes they concern (see [`ScheduleWarning::applies_on`]).
    pub fn warnings(&self) -> &[ScheduleWarning] {
        &self.warnings
    }
    /// The provincial deviation folded into this version, if any.
    pub fn deviation(&self) -> Option<&DeviationInfo> {
        self.deviation.as_ref()
    }
    /// `sha256:<hex>` over the canonical form of the version (independent of key order,
    /// comments and whitespace in the files).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
    /// The file the version was read from.
    pub fn file(&self) -> &str {
        &self.file
    }
    /// The row pricing `class`, and how it maps it.
    pub fn row_for(&self, class: DeviceClass) -> Option<(&Row, &ClassMapping)> {
        let &(r, m) = self.index.get(class)?;
        let row = self.rows.get(r)?;
        Some((row, row.classes.get(m)?))
    }
    /// Classes that need a fee row and have none in this version.
    pub fn uncovered_classes(&self) -> Vec<DeviceClass> {
        DeviceClass::ALL
            .iter()
            .copied()
            .filter(|c| c.needs_fee_row() && !self.index.contains_key(*c) && self.exemption(*c).is_none())
            .collect()
    }
}

/// The national version in force on `date` among `versions` (oldest first): the latest one
/// started on or before it, unless its explicit end has passed.
pub(crate) fn version_on(versions: &[Version], date: Date) -> Option<&Version> {
    let v = versions.iter().rev().find(|v| v.effective_from <= date)?;
    v.effective_until.is_none_or(|u| date <= u).then_some(v)
}
