//! The engine: an application and the schedules in force → an itemised [`Quote`].

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::application::{Application, DeviceEntry, Places, Terms};
use crate::classify::{Classification, Status};
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::exact::Exact;
use crate::money::Money;
use crate::province::{Province, ResolvedProvince};
use crate::schedule::{
    Adjustment, AdjustmentKind, Aggregation, FacilityDefault, RoundAt, Row, Schedules, Unit, Version,
};
use crate::vocab::Body;
use crate::vocab::DeviceClass;
use crate::vocab::{Authority, LegalRef, Text};
use crate::vocab::{Channel, Procedure};

/// The schedule version a quote was priced with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The row id (`-` for a device outside the schedule, e.g. not ionising).
    pub row: String,
    /// The row's name.
    pub name: Text,
    /// What one unit is.
    pub unit: Unit,
    /// The label given in the application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
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
pub struct QuoteAdjustment {
    /// `procedure`, `factor`, `cap`, `floor`, `surcharge`, `volume_discount`, `site_surcharge`
    /// or `rounding`.
    pub kind: String,
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
/// [`ScheduleWarning`](crate::ScheduleWarning)): e.g. a newer circular is reported from the
/// application's date and the amounts may not be the ones due.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteWarning {
    /// Stable id of the warning in the schedule.
    pub id: String,
    /// `high` (shown before the amounts) or `notice`.
    pub level: crate::schedule::WarningLevel,
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
pub struct Quote {
    /// Amount due.
    pub total: Money,
    /// Currency code, `VND`.
    pub currency: String,
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
    /// The quote as one line of JSON (byte-identical for identical inputs).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The quote as pretty-printed JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

const NOT_IONIZING: (&str, &str, &str) = (
    "Not ionising-radiation equipment: no radiation licence and no appraisal fee.",
    "Không phải thiết bị bức xạ ion hóa: không cần giấy phép, không thu phí thẩm định.",
    "Luật Năng lượng nguyên tử: không phải thiết bị bức xạ ion hóa",
);

/// What an adjustment that applies changes on the running amount (before rounding).
/// `devices` is the number of charged devices, for volume discounts.
fn adjustment_delta(adj: &Adjustment, running: Decimal, devices: u64, sites: u32) -> Result<Decimal, Error> {
    Ok(match adj.kind {
        AdjustmentKind::Factor => {
            let f = adj.factor.unwrap_or(Decimal::ONE);
            running.checked_mul(f - Decimal::ONE).ok_or_else(overflow)?
        }
        AdjustmentKind::Cap => {
            let cap = adj.amount.unwrap_or(running);
            if running > cap { cap - running } else { Decimal::ZERO }
        }
        AdjustmentKind::Floor => {
            let floor = adj.amount.unwrap_or(running);
            if running > Decimal::ZERO && running < floor { floor - running } else { Decimal::ZERO }
        }
        AdjustmentKind::Surcharge => adj.amount.unwrap_or(Decimal::ZERO),
        AdjustmentKind::VolumeDiscount => {
            let band = adj
                .bands
                .iter()
                .flatten()
                .find(|(from, to, _)| devices >= u64::from(*from) && to.is_none_or(|t| devices <= u64::from(t)));
            match band {
                Some((_, _, f)) => running.checked_mul(*f - Decimal::ONE).ok_or_else(overflow)?,
                None => Decimal::ZERO,
            }
        }
        AdjustmentKind::SiteSurcharge => {
            let extra = Decimal::from(sites.saturating_sub(1));
            let f = adj.factor.unwrap_or(Decimal::ZERO);
            running.checked_mul(f).and_then(|x| x.checked_mul(extra)).ok_or_else(overflow)?
        }
    })
}

/// The fee for `count` units of a row on `date`: (fee for one unit, fee for all of them).
/// Handles tier tables with their linear tail and amounts in indexed units.
fn row_total(row: &Row, count: u32, version: &Version, date: Date) -> Result<(Decimal, Decimal), Error> {
    let scale = match &row.indexed {
        None => Decimal::ONE,
        Some(id) => version.index(id).and_then(|ix| ix.value_on(date)).ok_or_else(|| {
            Error::unpriceable(format!("row `{}` is in the indexed unit `{id}`, which has no value on {date}", row.id))
        })?,
    };
    if row.is_per_unit() {
        // The common case: an amount per unit, in money.
        return Ok((row.amount, row.amount.checked_mul(Decimal::from(count)).ok_or_else(overflow)?));
    }
    let total = match &row.tiers {
        None => row.amount.checked_mul(Decimal::from(count)),
        Some(tiers) => {
            let k = usize::try_from(count).unwrap_or(usize::MAX);
            match tiers.get(k.wrapping_sub(1)) {
                Some(t) => Some(*t),
                None => {
                    let tail = row.tail.ok_or_else(|| {
                        Error::unpriceable(format!(
                            "row `{}` prices at most {} units and has no `tail` for more",
                            row.id,
                            tiers.len()
                        ))
                    })?;
                    let extra = Decimal::from(count) - Decimal::from(tiers.len());
                    tiers.last().and_then(|last| tail.checked_mul(extra).and_then(|x| x.checked_add(*last)))
                }
            }
        }
    }
    .ok_or_else(overflow)?;
    Ok((row.amount.checked_mul(scale).ok_or_else(overflow)?, total.checked_mul(scale).ok_or_else(overflow)?))
}

/// A line of 0 for a device that needs no licence (exempt or not ionising), with the reason.
fn zero_line(class: Option<DeviceClass>, device: &DeviceEntry, basis: String, en: String, vi: String) -> Line {
    let name = match class {
        Some(c) => Text { vi: c.name_vi().to_owned(), en: c.name_en().to_owned() },
        None => Text { vi: "Thiết bị được miễn trừ".to_owned(), en: "Exempt device".to_owned() },
    };
    Line {
        class,
        count: device.count,
        unit_fee: Money::ZERO,
        amount: Money::ZERO,
        basis,
        row: "-".to_owned(),
        name,
        unit: Unit::Device,
        label: device.label.clone(),
        by_analogy: false,
        note: Some(en),
        note_vi: Some(vi),
    }
}

/// What the quote says when a device gives both a class and a description.
fn agreement(n: usize, given: DeviceClass, c: &Classification) -> (String, String) {
    let read = match (&c.class, &c.candidates) {
        (Some(k), _) => format!("`{k}`"),
        (None, Some(k)) if !k.classes.is_empty() => {
            k.classes.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(" or ")
        }
        _ => "no class".to_owned(),
    };
    if c.class == Some(given) {
        (
            format!("Device {n}: the classifier agrees that the description is `{given}`."),
            format!("Thiết bị {n}: bộ phân loại xác nhận mô tả là `{given}`."),
        )
    } else if c.candidates.as_ref().is_some_and(|k| k.classes.contains(&given)) {
        (
            format!("Device {n}: the description fits {read}; the class given, `{given}`, is one of them."),
            format!("Thiết bị {n}: mô tả phù hợp với {read}; loại đã khai `{given}` là một trong số đó."),
        )
    } else {
        (
            format!(
                "DISAGREEMENT, device {n}: the class given is `{given}` but the classifier reads the description as {read}; priced as given. Check the declaration."
            ),
            format!(
                "KHÔNG KHỚP, thiết bị {n}: loại đã khai là `{given}` nhưng bộ phân loại đọc mô tả là {read}; tính phí theo loại đã khai. Cần kiểm tra lại hồ sơ."
            ),
        )
    }
}

/// The error for a described device whose class the description does not settle.
fn ambiguous(n: usize, device: &DeviceEntry, c: &Classification) -> Error {
    let message = match &c.candidates {
        Some(k) if !k.classes.is_empty() => format!(
            "device {n}: the description does not settle the class: it could be {}; give `{}` to decide (or give class = \"<key>\")",
            k.classes.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", "),
            k.field
        ),
        _ => format!(
            "device {n}: nothing in the description identifies the device{}; give class = \"<key>\" or describe it with radiation, use and modality",
            if c.warnings.is_empty() { String::new() } else { format!(" ({})", c.warnings.join("; ")) }
        ),
    };
    Error::input(Finding::error(device.location.clone(), Some("device"), message))
}

/// A device built in code with neither class nor description (the parser refuses it earlier).
fn no_class(n: usize, device: &DeviceEntry) -> Error {
    Error::input(Finding::error(
        device.location.clone(),
        Some("device"),
        format!("device {n} has neither a class nor a description"),
    ))
}

fn basis_text(b: &LegalRef) -> String {
    b.to_string()
}

fn percent(f: Decimal) -> String {
    crate::money::canonical(f * Decimal::ONE_HUNDRED).to_string()
}

/// One step of an explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// What was done, with the values, in English.
    pub en: String,
    /// The same in Vietnamese.
    pub vi: String,
    /// Where the value came from: the schedule version and the date it took effect, or a file.
    pub source: String,
    /// The legal reference.
    pub basis: String,
}

/// A quote with the trace of how it was computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// The quote.
    #[serde(flatten)]
    pub quote: Quote,
    /// The steps, in the order the engine applied them.
    pub trace: Vec<Step>,
}

impl Explanation {
    /// The trace as numbered bilingual text an applicant can read.
    pub fn to_text(&self) -> String {
        let mut o = String::from("CÁCH TÍNH / HOW THIS FEE WAS COMPUTED\n");
        for (i, s) in self.trace.iter().enumerate() {
            o.push_str(&format!("{:>2}. {}\n    {}\n", i + 1, s.vi, s.en));
            if s.source != "-" {
                o.push_str(&format!("    nguồn / from: {}\n", s.source));
            }
            if !s.basis.is_empty() {
                o.push_str(&format!("    căn cứ / basis: {}\n", s.basis));
            }
        }
        o
    }
}

struct Notes {
    en: Vec<String>,
    vi: Vec<String>,
}

impl Notes {
    fn push(&mut self, en: String, vi: String) {
        if !self.en.contains(&en) {
            self.en.push(en);
            self.vi.push(vi);
        }
    }
    fn assumption(&mut self, t: &Text) {
        self.push(format!("Assumption: {}", t.en), format!("Giả định: {}", t.vi));
    }
}

/// The terms an application is priced on under `version`, once the facts the version's rules
/// need are checked: every stated condition must be one the version's adjustments test, and
/// when an adjustment that would apply depends on the kind of facility, the application must
/// state it, unless the version declares a default (then returned, for the quote to print).
fn settle<'a>(
    version: &'a Version,
    terms: Terms<'a>,
    places: &Places,
) -> Result<(Terms<'a>, Option<&'a FacilityDefault>), Error> {
    let known = version.conditions();
    for (i, c) in terms.conditions.iter().enumerate() {
        if known.contains(&c.as_str()) {
            continue;
        }
        let place = places.conditions.get(i).cloned().or_else(|| places.file.clone());
        let list = if known.is_empty() {
            "it tests no conditions: remove `conditions`".to_owned()
        } else {
            format!("it tests only {}", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
        };
        let close = known.iter().find(|k| crate::text::edit_distance(k, c) <= 2);
        let mut finding = Finding::error(
            place,
            Some("conditions"),
            format!(
                "condition `{}` is not one schedule version `{}` (in force on {}) knows: {list}",
                crate::text::excerpt(c),
                version.id(),
                terms.received
            ),
        );
        if let Some(k) = close {
            finding = finding.with_hint(format!("did you mean `{k}`?"));
        }
        return Err(Error::input(finding));
    }
    if terms.facility_kind.is_some() {
        return Ok((terms, None));
    }
    let needs = version.adjustments().iter().find(|a| a.facility_kinds.is_some() && a.applies_but_for_facility(&terms));
    let Some(adj) = needs else { return Ok((terms, None)) };
    match version.default_facility_kind() {
        Some(d) => Ok((Terms { facility_kind: Some(d.kind), ..terms }, Some(d))),
        None => {
            let kinds: Vec<&str> = crate::vocab::FacilityKind::ALL.iter().map(|k| k.key()).collect();
            Err(Error::input(
                Finding::error(
                    places.file.clone(),
                    Some("facility_kind"),
                    format!(
                        "schedule version `{}` charges by kind of facility ({}: {}), but the application does not say what kind of facility applies",
                        version.id(),
                        adj.id,
                        adj.name.en
                    ),
                )
                .with_hint(format!("add facility_kind = one of {}", kinds.join(", "))),
            ))
        }
    }
}

fn overflow() -> Error {
    Error::input(Finding::error(
        None,
        None,
        "the amounts are too large to compute exactly (more than 28 significant digits); check the counts and the schedule's amounts",
    ))
}

/// The version's rounding rule, with what it implies decided once per quote.
struct Rounder<'a> {
    version: &'a Version,
    /// Every step is rounded (not only the total).
    each_step: bool,
    /// The step is 1, so a whole amount needs no rounding.
    unit_step: bool,
}

impl<'a> Rounder<'a> {
    fn new(version: &'a Version) -> Rounder<'a> {
        let r = version.rounding();
        Rounder { version, each_step: r.at == RoundAt::Line, unit_step: r.step == Decimal::ONE }
    }

    /// Rounds an amount computed at a step, when the rule rounds every step.
    fn step(&self, value: Decimal) -> Result<Decimal, Error> {
        if !self.each_step || (self.unit_step && value.scale() == 0) {
            return Ok(value);
        }
        let r = self.version.rounding();
        r.strategy.to_step_exact(value, r.step).ok_or_else(overflow)
    }
}

impl Schedules {
    /// The province of an application on its date; an unknown name points at `province`.
    fn resolve_province(&self, app: &Application) -> Result<(ResolvedProvince, &Province), Error> {
        self.provinces()
            .resolve(&app.province, app.received)
            .map_err(|e| Error::input(Finding::error(app.places.province.clone(), Some("province"), e.message)))
    }

    /// The province (as resolved on the date) and the schedule version an application is
    /// priced under: the national version in force, or the province's deviation of it.
    fn select(&self, app: &Application) -> Result<(ResolvedProvince, &Province, &Version), Error> {
        let date = app.received;
        let (resolved, province) = self.resolve_province(app)?;
        let national = self.version_on(date).ok_or_else(|| {
            let first = self.versions().first().map(|v| v.effective_from().to_string()).unwrap_or_default();
            Error::unpriceable(format!(
                "no fee schedule is in force on {date} (the earliest version starts on {first}); this application cannot be priced with these schedules"
            ))
        })?;
        let version = if resolved.historical { national } else { province.version_applied(national, date) };
        Ok((resolved, province, version))
    }

    /// The total and authority of an application, without building the itemised quote: the
    /// hot path for services and batches. It uses the same rules and arithmetic as
    /// [`Schedules::quote`] (row fees, aggregation, procedure factor, adjustments, rounding,
    /// charges) with no string lookups and no allocation per line. Devices given by
    /// description, and every error, go through `quote` itself, so results and messages are
    /// identical.
    pub fn total(&self, app: &Application) -> Result<(Money, Option<Authority>), Error> {
        let devices =
            app.devices.iter().map(|d| if d.description.is_some() { None } else { Some((d.class?, d.count)) });
        let fast = self
            .provinces()
            .locate(&app.province)
            .and_then(|(province, former)| self.fast_total(&app.terms(), devices, province, former));
        match fast {
            Some(priced) => Ok(priced),
            None => self.quote(app).map(|q| (q.total, q.authority)),
        }
    }

    /// The version an application in `province` (written as a former province when `former`)
    /// received on `date` is priced under: the national version in force, or the province's
    /// deviation of it (a former province before its merger applies the national one).
    pub(crate) fn version_for<'a>(&'a self, province: &'a Province, former: bool, date: Date) -> Option<&'a Version> {
        let national = self.version_on(date)?;
        let historical = former && date < province.since();
        Some(if historical { national } else { province.version_applied(national, date) })
    }

    /// The total and authority of an application given by its terms and its devices as
    /// (class, count); a device `None` is one only the full engine prices (a description).
    /// `None` when the application needs the full engine (descriptions, anything refused, or
    /// amounts outside the range [`Exact`] computes in). The arithmetic is [`Exact`]'s: the same
    /// values `Decimal` gives, in integer instructions.
    pub(crate) fn fast_total(
        &self,
        app: &Terms<'_>,
        devices: impl IntoIterator<Item = Option<(DeviceClass, u32)>>,
        province: &Province,
        former: bool,
    ) -> Option<(Money, Option<Authority>)> {
        let date = app.received;
        let version = self.version_for(province, former, date)?;
        let (settled, _) = settle(version, *app, &Places::default()).ok()?;
        let app = &settled;
        let rounding = version.rounding();
        let step = Exact::of(rounding.step).power_of_ten()?;
        let each_step = rounding.at == RoundAt::Line;
        let round_step = |x: Exact| if each_step { x.round(rounding.strategy, step) } else { Some(x) };
        let highest_only = version.aggregation() == Aggregation::Highest;
        let period = self.authority().period_on(date)?;
        let mut authority: Option<Authority> = None;
        let mut subtotal = Exact::ZERO;
        let mut highest: Option<Exact> = None;
        let mut charged = 0u64;
        for device in devices {
            let (class, count) = device?;
            if !class.needs_fee_row() {
                continue;
            }
            let rule = period.rule(class)?;
            if authority.is_some_and(|a| a != rule.authority) {
                return None;
            }
            authority = Some(rule.authority);
            if version.exemption(class).is_some() {
                continue;
            }
            let (row, _) = version.row_for(class)?;
            let amount = if row.is_per_unit() {
                Exact::of(row.amount).mul(Exact::int(u64::from(count))?)?
            } else {
                Exact::of(row_total(row, count, version, date).ok()?.1)
            };
            subtotal = subtotal.add(round_step(amount)?)?;
            charged += u64::from(count);
            if highest_only {
                let one = round_step(Exact::of(row_total(row, 1, version, date).ok()?.1))?;
                highest = Some(highest.map_or(Some(one), |h| h.max(one))?);
            }
        }
        if highest_only {
            subtotal = highest.unwrap_or(Exact::ZERO);
        }
        let mut running = subtotal;
        let rule = version.procedure(app.procedure)?;
        let factor = Exact::of(rule.factor);
        if factor != Exact::ONE {
            // The amount due is rounded, not the signed change (a reduction rounds the same way
            // as the amount it leaves).
            running = round_step(running.mul(factor)?)?;
        }
        for adj in version.adjustments().iter().filter(|a| a.applies_to(app)) {
            let delta = match (adj.kind, adj.factor, adj.amount) {
                (AdjustmentKind::Factor, Some(f), _) => running.mul(Exact::of(f).sub(Exact::ONE)?)?,
                (AdjustmentKind::Surcharge, _, Some(a)) => Exact::of(a),
                // The rarer kinds: the engine's own Decimal rule on the same exact value.
                _ => Exact::of(adjustment_delta(adj, running.to_decimal()?, charged, app.sites).ok()?),
            };
            running = round_step(running.add(delta)?)?;
        }
        if rounding.at == RoundAt::Total {
            running = running.round(rounding.strategy, step)?;
        }
        for charge in version.charges().iter().filter(|c| c.applies(app.procedure, date)) {
            running = running.add(Exact::of(charge.amount))?;
        }
        Some((Money::new(running.trimmed().to_decimal()?), authority))
    }

    /// Prices an application and explains it: every value used, the version and effective
    /// date it came from, and its legal reference, in the order the engine applied them.
    pub fn explain(&self, app: &Application) -> Result<Explanation, Error> {
        let quote = self.quote(app)?;
        let (_, province, version) = self.select(app)?;
        let since = |origin: &str| {
            self.versions()
                .iter()
                .find(|v| v.id() == origin)
                .map_or_else(|| origin.to_owned(), |v| format!("{origin}, in force from {}", v.effective_from()))
        };
        let mut trace = Vec::new();
        let mut step = |en: String, vi: String, source: String, basis: String| {
            trace.push(Step { en, vi, source, basis });
        };
        let p = &quote.province_detail;
        step(
            format!("Province: \"{}\" is {} ({})", p.as_written, p.name.en, p.slug),
            format!("Tỉnh, thành phố: \"{}\" là {}", p.as_written, p.name.vi),
            format!("fee-schedules/provinces/{}.toml", province.slug()),
            province.basis().to_string(),
        );
        step(
            format!("Schedule in force on {}: {} ({})", quote.received, version.id(), version.title().en),
            format!("Biểu phí áp dụng ngày {}: {} ({})", quote.received, version.id(), version.title().vi),
            format!("{}, in force from {}", version.id(), version.effective_from()),
            quote.schedule.legal_basis.join("; "),
        );
        if let Some(a) = quote.authority {
            let basis = quote
                .lines
                .iter()
                .filter_map(|l| l.class)
                .find_map(|c| self.authority().rule(c, quote.received))
                .map(|(r, _)| match (&quote.contested, &r.alternative) {
                    (Some(c), Some(alt)) if c.applied == Reading::Alternative => alt.basis.to_string(),
                    _ => r.basis.to_string(),
                })
                .unwrap_or_default();
            let (body_vi, body_en) = quote.collector.as_ref().map_or(("", ""), |b| (b.vi.as_str(), b.en.as_str()));
            step(
                format!("Licensing authority: {} ({body_en}), which appraises and collects the fee", a.key()),
                format!("Cơ quan cấp phép: {} ({body_vi}), thẩm định và thu phí", a.key()),
                "fee-schedules/authority.toml".to_owned(),
                basis,
            );
        }
        for (i, l) in quote.lines.iter().enumerate() {
            let class = l.class.map_or("-", DeviceClass::key);
            match version.rows().iter().find(|r| r.id == l.row) {
                Some(row) => step(
                    format!(
                        "Device {}: {class} → row {} ({}): {} per {} × {} = {}",
                        i + 1,
                        row.id,
                        row.name.en,
                        l.unit_fee,
                        row.unit.names().1,
                        l.count,
                        l.amount
                    ),
                    format!(
                        "Thiết bị {}: {class} → mục {} ({}): {} / {} × {} = {}",
                        i + 1,
                        row.id,
                        row.name.vi,
                        l.unit_fee,
                        row.unit.names().0,
                        l.count,
                        l.amount
                    ),
                    since(&row.origin),
                    l.basis.clone(),
                ),
                None => step(
                    format!("Device {}: {class}: {}", i + 1, l.note.as_deref().unwrap_or("no fee")),
                    format!("Thiết bị {}: {class}: {}", i + 1, l.note_vi.as_deref().unwrap_or("không thu phí")),
                    "-".to_owned(),
                    l.basis.clone(),
                ),
            }
        }
        step(
            format!("Subtotal at the new-licence rate: {}", quote.subtotal),
            format!("Cộng theo mức cấp mới: {}", quote.subtotal),
            "-".to_owned(),
            String::new(),
        );
        for a in &quote.adjustments {
            let origin = match a.kind.as_str() {
                "procedure" => version.procedure(quote.procedure).map(|r| r.origin.clone()),
                "rounding" => Some(version.id().to_owned()),
                _ => version.adjustments().iter().find(|x| x.id == a.id).map(|x| x.origin.clone()),
            };
            step(
                format!("{}: {}", a.name.en, a.amount),
                format!("{}: {}", a.name.vi, a.amount),
                origin.map_or_else(|| "-".to_owned(), |o| since(&o)),
                a.basis.clone(),
            );
        }
        for c in &quote.charges {
            let origin = version.charges().iter().find(|x| x.id == c.id).map(|x| x.origin.clone()).unwrap_or_default();
            step(
                format!("Licence charge {}: {}", c.name.en, c.amount),
                format!("Lệ phí {}: {}", c.name.vi, c.amount),
                since(&origin),
                c.basis.clone(),
            );
        }
        step(format!("Total: {}", quote.total), format!("Tổng cộng: {}", quote.total), "-".to_owned(), String::new());
        Ok(Explanation { quote, trace })
    }

    /// Prices an application with the schedule in force on its `received` date, in its province.
    ///
    /// Errors: an unknown province is an input error (pointing at the `province` key when the
    /// application came from a file); a class without a fee row, devices that fall to
    /// different authorities, or a date with no schedule in force make the application
    /// unpriceable ([`Error::is_unpriceable`]).
    pub fn quote(&self, app: &Application) -> Result<Quote, Error> {
        let (resolved, province, version) = self.select(app)?;
        self.price(app, resolved, province, version)
    }

    /// Prices an application under a version chosen by the caller rather than the one in force
    /// on its date (to compare two versions on the same applications).
    pub fn quote_with_version(&self, app: &Application, version: &Version) -> Result<Quote, Error> {
        let (resolved, province) = self.resolve_province(app)?;
        self.price(app, resolved, province, version)
    }

    fn price(
        &self,
        app: &Application,
        resolved: ResolvedProvince,
        province: &Province,
        version: &Version,
    ) -> Result<Quote, Error> {
        let date = app.received;
        let round = Rounder::new(version);
        let mut notes = Notes { en: Vec::new(), vi: Vec::new() };
        let (terms, defaulted) = settle(version, app.terms(), &app.places)?;
        if let Some(d) = defaulted {
            notes.push(
                format!(
                    "The application does not state its kind of facility: the schedule assumes `{}` ({}).",
                    d.kind.key(),
                    d.basis
                ),
                format!("Hồ sơ không ghi loại cơ sở: biểu phí mặc định là `{}` ({}).", d.kind.key(), d.basis),
            );
        }

        if let Some(former) = &resolved.former {
            if resolved.historical {
                notes.push(
                    format!(
                        "{} was a province in its own right on {date} (it merged into {} on {}); its own Department appraised and collected.",
                        former.name.en, province.name().en, former.merged_on
                    ),
                    format!(
                        "Ngày {date}, {} còn là đơn vị hành chính cấp tỉnh (sáp nhập vào {} từ {}); Sở KH&CN của tỉnh đó thẩm định và thu phí.",
                        former.name.vi, province.name().vi, former.merged_on
                    ),
                );
            } else {
                notes.push(
                    format!(
                        "{} (as written) merged into {} on {}: the application is handled by {}.",
                        former.name.en,
                        province.name().en,
                        former.merged_on,
                        province.name().en
                    ),
                    format!(
                        "{} (như ghi trong hồ sơ) đã sáp nhập vào {} từ {}: hồ sơ do {} giải quyết.",
                        former.name.vi,
                        province.name().vi,
                        former.merged_on,
                        province.name().vi
                    ),
                );
            }
        }
        if let Some(dev) = version.deviation() {
            notes.push(
                format!(
                    "LOCAL DEVIATION: {} applies a local rule, {} ({}), on top of the national schedule.",
                    province.name().en,
                    dev.name.en,
                    dev.basis
                ),
                format!(
                    "QUY ĐỊNH RIÊNG CỦA ĐỊA PHƯƠNG: {} áp dụng {} ({}) bên cạnh biểu phí quốc gia.",
                    province.name().vi,
                    dev.name.vi,
                    dev.basis
                ),
            );
        }

        // Lines.
        let mut lines = Vec::with_capacity(app.devices.len());
        // Per line: the fee for one unit, for `aggregation = "highest"` (None: not a fee line).
        let mut single_unit: Vec<Option<Decimal>> = Vec::with_capacity(app.devices.len());
        let mut missing: Vec<DeviceClass> = Vec::new();
        let mut authorities: Vec<(Authority, DeviceClass)> = Vec::new();
        // Under the other reading of a contested period (the same as `authorities` otherwise).
        let mut alternatives: Vec<(Authority, DeviceClass)> = Vec::new();
        let mut contested = false;
        for (i, device) in app.devices.iter().enumerate() {
            let n = i + 1;
            let classified = match &device.description {
                Some(d) => Some(self.classify(d, date).map_err(|e| e.at(device.location.as_ref()))?),
                None => None,
            };
            if let Some(c) = &classified {
                if let Some(given) = device.class {
                    let (en, vi) = agreement(n, given, c);
                    notes.push(en, vi);
                }
                // What the classifier assumed or could not check (a source without a reference
                // date, unverified nuclide data), on the quote; the schedule's warnings and a
                // contested authority are the quote's own warnings already.
                for w in &c.warnings {
                    let own = w.starts_with("high (") || w.starts_with("notice (") || w.starts_with("contested:");
                    if !own {
                        notes.push(format!("Device {n}: {w}"), format!("Thiết bị {n}: {w}"));
                    }
                }
                let reason = match c.status {
                    Some(Status::Exempt) => Some((
                        format!("Exempt: {}.", c.exemption.as_deref().unwrap_or("below the exemption criteria")),
                        format!("Miễn trừ: {}.", c.exemption.as_deref().unwrap_or("dưới ngưỡng miễn trừ")),
                        c.reasons
                            .iter()
                            .find(|r| r.rule.starts_with("exemption"))
                            .map(|r| r.basis.clone())
                            .unwrap_or_default(),
                    )),
                    Some(Status::NotIonizing) if device.class.is_none() => {
                        Some((NOT_IONIZING.0.to_owned(), NOT_IONIZING.1.to_owned(), NOT_IONIZING.2.to_owned()))
                    }
                    _ => None,
                };
                if let Some((en, vi, basis)) = reason {
                    lines.push(zero_line(device.class.or(c.class), device, basis, en, vi));
                    single_unit.push(None);
                    continue;
                }
            }
            let class = match (device.class, classified.as_ref()) {
                (Some(c), _) => c,
                (None, Some(Classification { class: Some(c), .. })) => {
                    notes.push(
                        format!("Device {n}: classified as `{c}` ({}) from its description.", c.name_en()),
                        format!("Thiết bị {n}: được phân loại là `{c}` ({}) theo mô tả.", c.name_vi()),
                    );
                    *c
                }
                (None, Some(c)) => return Err(ambiguous(n, device, c)),
                (None, None) => return Err(no_class(n, device)),
            };
            if !class.needs_fee_row() {
                let (en, vi, basis) = NOT_IONIZING;
                lines.push(zero_line(Some(class), device, basis.to_owned(), en.to_owned(), vi.to_owned()));
                single_unit.push(None);
                continue;
            }
            match self.authority().rule(class, date) {
                Some((rule, period_assumption)) => {
                    if !authorities.iter().any(|(a, _)| *a == rule.authority) {
                        authorities.push((rule.authority, class));
                    }
                    let other = rule.alternative.as_ref().map_or(rule.authority, |a| a.authority);
                    if rule.alternative.is_some() {
                        contested = true;
                    }
                    if !alternatives.iter().any(|(a, _)| *a == other) {
                        alternatives.push((other, class));
                    }
                    if let Some(a) = &rule.assumption {
                        notes.assumption(a);
                    }
                    if let Some(a) = period_assumption {
                        notes.assumption(a);
                    }
                }
                None => {
                    return Err(Error::unpriceable(format!(
                        "the authority table gives no licensing authority for `{class}` on {date}"
                    )));
                }
            }
            if let Some(ex) = version.exemption(class) {
                lines.push(zero_line(
                    Some(class),
                    device,
                    ex.basis.to_string(),
                    format!("Exempt from the fee: {}", ex.note.en),
                    format!("Miễn phí: {}", ex.note.vi),
                ));
                single_unit.push(None);
                continue;
            }
            let Some((row, mapping)) = version.row_for(class) else {
                if !missing.contains(&class) {
                    missing.push(class);
                }
                continue;
            };
            let (unit_fee, amount) = row_total(row, device.count, version, date)?;
            let amount = round.step(amount)?;
            single_unit.push(Some(round.step(row_total(row, 1, version, date)?.1)?));
            let (mut note_en, mut note_vi) = (Vec::new(), Vec::new());
            if mapping.by_analogy {
                note_en.push(format!(
                    "Applied by analogy with row {} (assumption): the law has no row for this class.",
                    row.id
                ));
                note_vi.push(format!(
                    "Áp dụng tương tự mục {} (giả định): biểu phí không có mục riêng cho loại thiết bị này.",
                    row.id
                ));
            }
            if let Some(n) = &mapping.note {
                note_en.push(n.en.clone());
                note_vi.push(n.vi.clone());
            }
            if let Some(a) = &row.assumption {
                note_en.push(format!("Assumption: {}", a.en));
                note_vi.push(format!("Giả định: {}", a.vi));
            }
            for (en, vi) in note_en.iter().zip(&note_vi) {
                notes.push(format!("{} (line {}): {en}", class, i + 1), format!("{} (dòng {}): {vi}", class, i + 1));
            }
            lines.push(Line {
                class: Some(class),
                count: device.count,
                unit_fee: Money::new(unit_fee),
                amount: Money::new(amount),
                basis: basis_text(&row.basis),
                row: row.id.clone(),
                name: row.name.clone(),
                unit: row.unit,
                label: device.label.clone(),
                by_analogy: mapping.by_analogy,
                note: (!note_en.is_empty()).then(|| note_en.join(" ")),
                note_vi: (!note_vi.is_empty()).then(|| note_vi.join(" ")),
            });
        }
        if !missing.is_empty() {
            let list: Vec<&str> = missing.iter().map(|c| c.key()).collect();
            return Err(Error::unpriceable(format!(
                "schedule version `{}` (in force on {date}) has no fee row for: {}; the application cannot be priced until the schedule maps these classes",
                version.id(),
                list.join(", ")
            )));
        }
        let split = |parts: &[(Authority, DeviceClass)]| {
            parts.iter().map(|(a, c)| format!("`{c}` falls to {}", a.key())).collect::<Vec<_>>().join(", ")
        };
        let split_vi = |parts: &[(Authority, DeviceClass)]| {
            parts.iter().map(|(a, c)| format!("{} thuộc {}", c.name_vi(), a.names().0)).collect::<Vec<_>>().join("; ")
        };
        let contest = if contested { self.authority().contest_on(date) } else { None };
        let applied_alternative = match (authorities.len() > 1, alternatives.len() > 1, contest) {
            (false, _, _) => false,
            (true, false, Some(_)) => true,
            (true, _, Some(c)) => {
                return Err(Error::unpriceable(format!(
                    "the devices fall to different licensing authorities on {date} under both readings of a contested question ({}): under the default reading ({}) {}; under the other ({}) {}; file one application per authority",
                    c.question.en,
                    c.default.en,
                    split(&authorities),
                    c.alternative.en,
                    split(&alternatives)
                )));
            }
            (true, _, None) => {
                return Err(Error::unpriceable(format!(
                    "the devices fall to different licensing authorities on {date} ({}); file one application per authority",
                    split(&authorities)
                )));
            }
        };
        let authority = if applied_alternative { alternatives.first() } else { authorities.first() }.map(|(a, _)| *a);
        let contested = contest.map(|c| {
            let outcome = |parts: &[(Authority, DeviceClass)], reading: &Text| ReadingOutcome {
                reading: reading.clone(),
                authority: (parts.len() == 1).then(|| parts[0].0),
                split: (parts.len() > 1).then(|| split(parts)),
            };
            ContestedAuthority {
                question: c.question.clone(),
                applied: if applied_alternative { Reading::Alternative } else { Reading::Default },
                why: if applied_alternative {
                    Text {
                        vi: format!(
                            "theo cách hiểu mặc định các thiết bị thuộc thẩm quyền khác nhau ({}), còn theo cách hiểu còn lại thì cùng một cơ quan.",
                            split_vi(&authorities)
                        ),
                        en: format!(
                            "under the default reading the devices fall to different authorities ({}), while under the other reading they fall to one.",
                            split(&authorities)
                        ),
                    }
                } else {
                    c.why.clone()
                },
                default: outcome(&authorities, &c.default),
                alternative: outcome(&alternatives, &c.alternative),
            }
        });
        let collector = match authority {
            None => None,
            Some(Authority::Province) if resolved.historical => Some(Body {
                vi: format!("Sở Khoa học và Công nghệ {}", resolved.name.vi),
                en: format!("{} Department of Science and Technology", resolved.name.en),
                basis: province.collector().basis.clone(),
            }),
            Some(Authority::Province) => Some(province.collector().clone()),
            Some(a) => self.authority().national_body(a).cloned(),
        };

        if version.aggregation() == Aggregation::Highest
            && let Some((top, fee)) = single_unit.iter().enumerate().filter_map(|(k, f)| f.map(|f| (k, f))).fold(
                None,
                |best: Option<(usize, Decimal)>, (k, f)| match best {
                    Some((_, b)) if b >= f => best,
                    _ => Some((k, f)),
                },
            )
        {
            for (k, line) in lines.iter_mut().enumerate() {
                if single_unit[k].is_none() {
                    continue;
                }
                let (en, vi) = if k == top {
                    line.amount = Money::new(fee);
                    (
                        "Only the highest category is charged, once.".to_owned(),
                        "Chỉ thu theo mức cao nhất, một lần.".to_owned(),
                    )
                } else {
                    line.amount = Money::ZERO;
                    (
                        "Not charged: only the highest category is charged.".to_owned(),
                        "Không thu: chỉ thu theo mức cao nhất.".to_owned(),
                    )
                };
                line.note = Some(line.note.take().map_or(en.clone(), |n| format!("{n} {en}")));
                line.note_vi = Some(line.note_vi.take().map_or(vi.clone(), |n| format!("{n} {vi}")));
            }
        }
        let mut subtotal = Decimal::ZERO;
        for line in &lines {
            subtotal = subtotal.checked_add(line.amount.amount()).ok_or_else(overflow)?;
        }
        let mut running = subtotal;
        let mut adjustments = Vec::new();

        // Procedure factor.
        let rule = version.procedure(app.procedure).ok_or_else(|| {
            Error::unpriceable(format!(
                "schedule version `{}` gives no factor for the procedure `{}`",
                version.id(),
                app.procedure.key()
            ))
        })?;
        let (pvi, pen) = app.procedure.names();
        if let Some(a) = &rule.assumption {
            notes.assumption(a);
        }
        if rule.factor != Decimal::ONE {
            // The amount due is rounded, not the signed change.
            let due = round.step(running.checked_mul(rule.factor).ok_or_else(overflow)?)?;
            let delta = due - running;
            running = due;
            let pct = percent(rule.factor);
            adjustments.push(QuoteAdjustment {
                kind: "procedure".to_owned(),
                id: app.procedure.key().to_owned(),
                name: Text {
                    vi: format!("{pvi}: {pct} % mức phí cấp mới"),
                    en: format!("{pen}: {pct} % of the new-licence fee"),
                },
                factor: Some(rule.factor),
                amount: Money::new(delta),
                basis: basis_text(&rule.basis),
                assumption: rule.assumption.is_some(),
            });
        }

        // Dated adjustments, in the schedule's order. Volume discounts count charged devices.
        let charged_devices: u64 =
            lines.iter().zip(&single_unit).filter(|(_, f)| f.is_some()).map(|(l, _)| u64::from(l.count)).sum();
        for adj in version.adjustments() {
            if !adj.applies_to(&terms) {
                if let (Some(ch), true) =
                    (adj.channel, adj.procedures.as_ref().is_none_or(|p| p.contains(&app.procedure)))
                {
                    let window = match (adj.from, adj.until) {
                        (Some(f), Some(u)) => format!("from {f} to {u}"),
                        (Some(f), None) => format!("from {f}"),
                        (None, Some(u)) => format!("until {u}"),
                        (None, None) => "at any date".to_owned(),
                    };
                    let window_vi = window
                        .replace("from", "từ")
                        .replace("to", "đến")
                        .replace("until", "đến")
                        .replace("at any date", "mọi thời điểm");
                    notes.push(
                        format!(
                            "Not applied: {} ({}) is only for applications filed {} and received {window}; this one was filed {} on {date}.",
                            adj.name.en, adj.basis, ch.names().1.to_lowercase(), app.channel.names().1.to_lowercase()
                        ),
                        format!(
                            "Không áp dụng: {} ({}) chỉ dành cho hồ sơ nộp {} và tiếp nhận {window_vi}; hồ sơ này nộp {} ngày {date}.",
                            adj.name.vi, adj.basis, ch.names().0.to_lowercase(), app.channel.names().0.to_lowercase()
                        ),
                    );
                }
                continue;
            }
            let raw = adjustment_delta(adj, running, charged_devices, terms.sites)?;
            let due = round.step(running.checked_add(raw).ok_or_else(overflow)?)?;
            let delta = due - running;
            if let Some(a) = &adj.assumption {
                notes.assumption(a);
            }
            if delta.is_zero() {
                continue;
            }
            running = running.checked_add(delta).ok_or_else(overflow)?;
            adjustments.push(QuoteAdjustment {
                kind: adj.kind.key().to_owned(),
                id: adj.id.clone(),
                name: adj.name.clone(),
                factor: adj.factor,
                amount: Money::new(delta),
                basis: basis_text(&adj.basis),
                assumption: adj.assumption.is_some(),
            });
        }

        if version.rounding().at == RoundAt::Total {
            let r = version.rounding();
            let rounded = r.strategy.to_step(running, r.step).ok_or_else(overflow)?;
            let delta = rounded - running;
            if !delta.is_zero() {
                adjustments.push(QuoteAdjustment {
                    kind: "rounding".to_owned(),
                    id: "rounding".to_owned(),
                    name: Text { vi: "Làm tròn".to_owned(), en: "Rounding".to_owned() },
                    factor: None,
                    amount: Money::new(delta),
                    basis: basis_text(&version.legal_basis()[0]),
                    assumption: false,
                });
                running = rounded;
            }
        }

        let mut charges = Vec::new();
        for charge in version.charges().iter().filter(|c| c.applies(app.procedure, date)) {
            running = running.checked_add(charge.amount).ok_or_else(overflow)?;
            charges.push(QuoteCharge {
                id: charge.id.clone(),
                name: charge.name.clone(),
                amount: Money::new(charge.amount),
                basis: basis_text(&charge.basis),
            });
        }
        for note in version.notes().iter().filter(|n| crate::schedule::in_window(date, n.from, n.until)) {
            let (en, vi) = if note.assumption {
                (format!("Assumption: {}", note.en), format!("Giả định: {}", note.vi))
            } else {
                (note.en.clone(), note.vi.clone())
            };
            match &note.basis {
                Some(b) => notes.push(format!("{en} ({b})"), format!("{vi} ({b})")),
                None => notes.push(en, vi),
            }
        }

        let schedule = ScheduleRef {
            id: version.id().to_owned(),
            title: version.title().clone(),
            legal_basis: version
                .legal_basis()
                .iter()
                .map(|b| match b.date {
                    Some(d) => format!("{} ({d})", b),
                    None => b.to_string(),
                })
                .collect(),
            fingerprint: version.fingerprint().to_owned(),
            effective_from: version.effective_from(),
            versions: version.chain().to_vec(),
            deviation: version.deviation().map(|d| format!("{}: {} ({})", d.province, d.name.en, d.basis)),
        };
        let mut warnings: Vec<QuoteWarning> = version
            .warnings()
            .iter()
            .filter(|w| w.applies_on(date))
            .map(|w| QuoteWarning {
                id: w.id.clone(),
                level: w.level,
                en: w.text.en.clone(),
                vi: w.text.vi.clone(),
                basis: basis_text(&w.basis),
            })
            .collect();
        if let Some(c) = &contested {
            let (applied, other, applied_vi, other_vi, applied_en, other_en) = match c.applied {
                Reading::Default => (
                    &c.default,
                    &c.alternative,
                    "cách hiểu mặc định",
                    "cách hiểu còn lại",
                    "the default reading",
                    "the other reading",
                ),
                Reading::Alternative => (
                    &c.alternative,
                    &c.default,
                    "cách hiểu còn lại",
                    "cách hiểu mặc định",
                    "the other reading",
                    "the default reading",
                ),
            };
            let (falls_vi, falls_en) = match other.authority {
                Some(a) => (a.names().0.to_owned(), a.names().1.to_owned()),
                None => (
                    "nhiều cơ quan khác nhau (phải tách thành nhiều hồ sơ)".to_owned(),
                    "different authorities (it would have to be split)".to_owned(),
                ),
            };
            warnings.push(QuoteWarning {
                id: "contested-authority".to_owned(),
                level: if applied.authority == other.authority {
                    crate::schedule::WarningLevel::Notice
                } else {
                    crate::schedule::WarningLevel::High
                },
                en: format!(
                    "Contested: {} This quote follows {applied_en} ({}), because {} Under {other_en} ({}) the application falls to {falls_en}.",
                    c.question.en, applied.reading.en, c.why.en, other.reading.en
                ),
                vi: format!(
                    "Có cách hiểu khác nhau: {} Phiếu này tính theo {applied_vi} ({}), vì {} Theo {other_vi} ({}) hồ sơ thuộc thẩm quyền {falls_vi}.",
                    c.question.vi, applied.reading.vi, c.why.vi, other.reading.vi
                ),
                basis: "fee-schedules/authority.toml".to_owned(),
            });
        }
        warnings.sort_by_key(|w| w.level);
        Ok(Quote {
            total: Money::new(running),
            currency: version.currency().to_owned(),
            warnings,
            province: resolved.name.vi.clone(),
            province_detail: resolved,
            authority,
            collector,
            contested,
            applicant: app.applicant.clone(),
            procedure: app.procedure,
            channel: app.channel,
            received: date,
            schedule,
            lines,
            subtotal: Money::new(subtotal),
            adjustments,
            charges,
            notes: notes.en,
            notes_vi: notes.vi,
        })
    }
}
