//! Fee schedules: the TOML model, loading, checks, versions in force, fingerprints.
//!
//! A [`Schedules`] value is everything the engine needs: the national schedule's versions, the
//! 34 province files and the authority table. Load it once ([`Schedules::builtin`] or
//! [`Schedules::from_dir`]) and share it: it is immutable, `Send` and `Sync`.

mod diff;
mod load;
pub(crate) use load::apply_deviation;
pub use load::{MAX_FILE_BYTES, MAX_FILES, MAX_FINDINGS, MAX_ROWS, MAX_TOTAL_BYTES};
pub(crate) mod model;

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Serialize;

pub use crate::vocab::{Authority, LegalRef, Text};
pub use diff::{Difference, diff};
pub use model::{AdjustmentKind, Aggregation, ProvinceKind, RoundAt, Unit, WarningLevel};

use crate::authority::AuthorityTable;
use crate::classify::ClassificationRules;
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::money::Rounding;
use crate::nuclide::Nuclides;
use crate::province::Provinces;
use crate::vocab::{Channel, Procedure};
use crate::vocab::{ClassMap, DeviceClass};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_files.rs"));
}

/// How and where amounts are rounded. Never implicit: every schedule states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    pub origin: String,
}

/// A device class priced by a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    pub origin: String,
}

impl Row {
    /// Whether the row is a plain amount per unit in money (no tiers, no indexed unit).
    pub fn is_per_unit(&self) -> bool {
        self.tiers.is_none() && self.indexed.is_none()
    }
}

/// A dated, cited adjustment of the running amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    pub when: Option<String>,
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
    pub origin: String,
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
            && in_window(app.received, self.from, self.until)
            && self.when.as_ref().is_none_or(|w| app.conditions.contains(w))
    }
}

/// A licence charge (lệ phí).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    pub origin: String,
}

impl Charge {
    /// Whether the charge applies to this procedure on this date.
    pub fn applies(&self, procedure: Procedure, received: Date) -> bool {
        self.procedures.as_ref().is_none_or(|p| p.contains(&procedure)) && in_window(received, self.from, self.until)
    }
}

/// A note printed on every quote made under a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    pub origin: String,
}

impl ScheduleWarning {
    /// Whether it concerns an application received on `date`.
    pub fn applies_on(&self, date: Date) -> bool {
        in_window(date, self.from, self.until)
    }
}

pub(crate) fn in_window(date: Date, from: Option<Date>, until: Option<Date>) -> bool {
    from.is_none_or(|f| date >= f) && until.is_none_or(|u| date <= u)
}

/// One version of a schedule, with its amendments (`extends`) already applied.
#[derive(Clone, Debug, Serialize)]
pub struct Version {
    id: String,
    chain: Vec<String>,
    title: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer: Option<Text>,
    effective_from: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    effective_until: Option<Date>,
    legal_basis: Vec<LegalRef>,
    currency: String,
    rounding: RoundingRule,
    #[serde(skip_serializing_if = "is_sum")]
    aggregation: Aggregation,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_facility_kind: Option<FacilityDefault>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    indexes: Vec<Index>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    exempt: Vec<Exemption>,
    procedures: BTreeMap<Procedure, ProcedureRule>,
    rows: Vec<Row>,
    adjustments: Vec<Adjustment>,
    charges: Vec<Charge>,
    notes: Vec<Note>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<ScheduleWarning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deviation: Option<DeviationInfo>,
    #[serde(skip)]
    fingerprint: String,
    #[serde(skip)]
    file: String,
    /// class → (row index, mapping index), resolved at load so quoting does no searching.
    #[serde(skip)]
    index: ClassMap<(usize, usize)>,
}

fn is_sum(a: &Aggregation) -> bool {
    *a == Aggregation::Sum
}

/// The kind of facility a version assumes when an application does not state one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FacilityDefault {
    /// The kind assumed.
    pub kind: crate::vocab::FacilityKind,
    /// Why the schedule may assume it.
    pub basis: LegalRef,
}

/// An indexed unit (e.g. a "fee unit") and its money value by date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
pub struct Exemption {
    /// The class.
    pub class: DeviceClass,
    /// Why, shown on the quote line.
    pub note: Text,
    /// Legal basis.
    pub basis: LegalRef,
    /// The version that wrote it; not part of the fingerprint.
    #[serde(skip)]
    pub origin: String,
}

/// A provincial deviation applied on top of a national version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    pub fn currency(&self) -> &str {
        &self.currency
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
        let mut known: Vec<&str> = self.adjustments.iter().filter_map(|a| a.when.as_deref()).collect();
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
        self.exempt.iter().find(|e| e.class == class)
    }
    /// The factor for a procedure.
    pub fn procedure(&self, procedure: Procedure) -> Option<&ProcedureRule> {
        self.procedures.get(&procedure)
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

/// JSON Schemas of the file formats, generated from the Rust types, for editors (completion
/// and errors while typing). The checked-in copies under `fee-schedules/schema/` are kept
/// equal to these by a test.
pub mod schema {
    use super::model::{AuthorityFile, ProvinceFile, VersionFile};

    fn render<T: schemars::JsonSchema>() -> String {
        let schema = schemars::schema_for!(T);
        serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
    }

    /// The schema of a schedule version file (`fee-schedules/national/*.toml`).
    pub fn version() -> String {
        render::<VersionFile>()
    }

    /// The schema of a province file (`fee-schedules/provinces/*.toml`).
    pub fn province() -> String {
        render::<ProvinceFile>()
    }

    /// The schema of `fee-schedules/authority.toml`.
    pub fn authority() -> String {
        render::<AuthorityFile>()
    }

    /// The schema of an application file (docs/application.md).
    pub fn application() -> String {
        serde_json::to_string_pretty(&crate::application::application_schema()).unwrap_or_default() + "\n"
    }
}

/// Everything the engine reads: national versions, provinces, authority table.
#[derive(Clone, Debug)]
pub struct Schedules {
    versions: Vec<Version>,
    provinces: Provinces,
    authority: AuthorityTable,
    nuclides: Nuclides,
    rules: ClassificationRules,
    warnings: Vec<Finding>,
}

/// One file handed to [`Schedules::from_files`]: its path relative to the schedule folder
/// (`national/287-2016.toml`, `provinces/ha-noi.toml`, `authority.toml`), and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path relative to the folder; decides the file's role.
    pub path: String,
    /// The name used in messages (the path as the user would find it).
    pub display_name: String,
    /// Contents.
    pub text: String,
}

impl Schedules {
    /// The official schedules compiled into the crate from `fee-schedules/`.
    pub fn builtin() -> Result<Schedules, Error> {
        Schedules::from_files(Schedules::builtin_files())
    }

    /// The files compiled into the crate.
    pub fn builtin_files() -> Vec<SourceFile> {
        builtin::FILES
            .iter()
            .map(|(path, text)| SourceFile {
                path: (*path).to_owned(),
                display_name: format!("fee-schedules/{path}"),
                text: (*text).to_owned(),
            })
            .collect()
    }

    /// Reads the TOML files of a folder laid out like `fee-schedules/`: `provinces/*.toml` are
    /// province files, `authority.toml` the authority table, `nuclides.toml` the nuclide table,
    /// `classification.toml` the classifier's rules, every other `*.toml` a schedule version.
    /// A folder without one of these parts uses the built-in one, so staff can try an edited
    /// national schedule alone.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Schedules, Error> {
        Schedules::from_files(load::read_dir(dir.as_ref())?)
    }

    /// The schedule files of a folder (see [`Schedules::from_dir`] for the layout), unchecked.
    pub fn read_dir(dir: impl AsRef<Path>) -> Result<Vec<SourceFile>, Error> {
        load::read_dir(dir.as_ref())
    }

    /// Loads and checks a set of files. Any error-level finding refuses the whole set;
    /// warnings are kept in [`Schedules::warnings`].
    pub fn from_files(files: Vec<SourceFile>) -> Result<Schedules, Error> {
        let (schedules, findings) = load::load(files);
        match schedules {
            Some(s) if !findings.iter().any(Finding::is_error) => Ok(Schedules { warnings: findings, ..s }),
            _ => Err(Error::schedule(findings)),
        }
    }

    /// Checks a set of files and returns every finding, errors and warnings, without failing.
    pub fn check_files(files: Vec<SourceFile>) -> Vec<Finding> {
        load::load(files).1
    }

    /// Warnings found while loading (e.g. classes with no fee row).
    pub fn warnings(&self) -> &[Finding] {
        &self.warnings
    }

    /// Every national version, oldest first.
    pub fn versions(&self) -> &[Version] {
        &self.versions
    }

    /// The national version in force on `date`: the latest one started on or before it, unless
    /// its explicit end has passed.
    pub fn version_on(&self, date: Date) -> Option<&Version> {
        let v = self.versions.iter().rev().find(|v| v.effective_from <= date)?;
        v.effective_until.is_none_or(|u| date <= u).then_some(v)
    }

    /// The provinces.
    pub fn provinces(&self) -> &Provinces {
        &self.provinces
    }

    /// The authority table.
    pub fn authority(&self) -> &AuthorityTable {
        &self.authority
    }

    /// The nuclide table (D-values, half-lives, exemption activities).
    pub fn nuclides(&self) -> &Nuclides {
        &self.nuclides
    }

    /// The classifier's rules (exemption, categories, inspection, safety officer).
    pub fn classification_rules(&self) -> &ClassificationRules {
        &self.rules
    }
}
