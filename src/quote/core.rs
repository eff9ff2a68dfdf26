//! The pricing core: fee lines → subtotal (or the highest line) → procedure factor →
//! adjustments → rounding of the total → licence charges.
//!
//! There is one core, [`price`]. It is generic over the arithmetic ([`Amount`]: `Decimal`, or
//! [`Exact`], the same values in integer instructions) and over what it records
//! ([`Recorder`]: every step for the itemised quote, nothing for a total). The rules (which
//! adjustment applies, in which order, where rounding happens) exist once, so the itemised
//! quote, [`Law::total`](crate::Law::total), the batch and the registry cannot disagree.
//!
//! An [`Exact`] computation that leaves its range stops with [`Stop::Range`]; the caller then
//! prices with `Decimal`, whose overflow is an error ([`crate::ErrorKind::Overflow`]).

use rust_decimal::Decimal;

use crate::application::Terms;
use crate::error::{Error, ErrorKind, Finding};
use crate::exact::Exact;
use crate::schedule::{Adjustment, AdjustmentKind, Aggregation, Charge, ProcedureRule, RoundAt, Row, Version};
use crate::vocab::Text;

/// The arithmetic the core computes in. Every operation is exact or `None`.
pub(crate) trait Amount: Copy {
    /// The value of a `Decimal`.
    fn of(d: Decimal) -> Self;
    /// A whole number.
    fn whole(n: u64) -> Option<Self>;
    /// `self + other`.
    fn add(self, other: Self) -> Option<Self>;
    /// `self − other`.
    fn sub(self, other: Self) -> Option<Self>;
    /// `self × other`.
    fn mul(self, other: Self) -> Option<Self>;
    /// `self > other`.
    fn greater(self, other: Self) -> Option<bool>;
    /// Whether the value is zero.
    fn is_zero(self) -> bool;
    /// Whether the value is written without a fraction (so rounding to 1 leaves it as is).
    fn is_whole(self) -> bool;
    /// Whether `self − other` can be computed exactly (what a total checks of the changes an
    /// itemised quote prints, without always computing them).
    fn can_subtract(self, other: Self) -> bool {
        self.sub(other).is_some()
    }
    /// Rounded to a multiple of `step` (`10^pow10` when `pow10` is given) with `rule`.
    fn round(self, rule: crate::money::Rounding, step: Decimal, pow10: Option<u32>) -> Option<Self>;
    /// The value as a `Decimal`.
    fn decimal(self) -> Option<Decimal>;
}

impl Amount for Decimal {
    fn of(d: Decimal) -> Decimal {
        d
    }
    fn whole(n: u64) -> Option<Decimal> {
        Some(Decimal::from(n))
    }
    // Exact or `None`: `Decimal`'s own operations round past 28 significant digits.
    fn add(self, other: Decimal) -> Option<Decimal> {
        crate::money::exact_add(self, other)
    }
    fn sub(self, other: Decimal) -> Option<Decimal> {
        crate::money::exact_sub(self, other)
    }
    fn mul(self, other: Decimal) -> Option<Decimal> {
        crate::money::exact_mul(self, other)
    }
    fn greater(self, other: Decimal) -> Option<bool> {
        Some(self > other)
    }
    fn is_zero(self) -> bool {
        Decimal::is_zero(&self)
    }
    fn is_whole(self) -> bool {
        self.scale() == 0
    }
    fn round(self, rule: crate::money::Rounding, step: Decimal, _pow10: Option<u32>) -> Option<Decimal> {
        rule.to_step_exact(self, step)
    }
    fn decimal(self) -> Option<Decimal> {
        Some(self)
    }
}

impl Amount for Exact {
    fn of(d: Decimal) -> Exact {
        Exact::of(d)
    }
    fn whole(n: u64) -> Option<Exact> {
        Exact::int(n)
    }
    fn add(self, other: Exact) -> Option<Exact> {
        Exact::add(self, other)
    }
    fn sub(self, other: Exact) -> Option<Exact> {
        Exact::sub(self, other)
    }
    fn mul(self, other: Exact) -> Option<Exact> {
        Exact::mul(self, other)
    }
    fn greater(self, other: Exact) -> Option<bool> {
        Some(self.compare(other)? == std::cmp::Ordering::Greater)
    }
    fn is_zero(self) -> bool {
        self == Exact::ZERO || self.trimmed() == Exact::ZERO
    }
    fn is_whole(self) -> bool {
        self.scale() == 0
    }
    fn can_subtract(self, other: Exact) -> bool {
        Exact::can_subtract(self, other)
    }
    fn round(self, rule: crate::money::Rounding, _step: Decimal, pow10: Option<u32>) -> Option<Exact> {
        // Integer rounding handles steps that are powers of ten (1, 1,000 đồng); any other
        // step is left to Decimal.
        Exact::round(self, rule, pow10?)
    }
    fn decimal(self) -> Option<Decimal> {
        self.trimmed().to_decimal()
    }
}

/// Why a computation stopped.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The arithmetic left its range: `Decimal` overflowed (an error), or `Exact` did (price
    /// again with `Decimal`).
    Range,
    /// The application cannot be priced (a row that cannot price the count, a procedure
    /// without a factor…).
    Error(Error),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Stop {
        Stop::Error(e)
    }
}

/// What the core tells whoever watches it. Every method does nothing by default: a total
/// records nothing and pays nothing for it.
pub(crate) trait Recorder<A: Amount> {
    /// Whether it reads the changes (`delta`s) at all: a total does not, so the core does not
    /// compute them.
    const RECORDS: bool = true;
    /// Fee line `k`: the fee for one unit and the line's amount (rounded when every step is).
    fn fee(&mut self, _k: usize, _unit_fee: A, _amount: A) {}
    /// Under `aggregation = "highest"`: line `top` is charged, at the fee for one unit; the
    /// other lines are not.
    fn highest(&mut self, _top: usize, _fee: A) {}
    /// The procedure factor changed the running amount by `delta`.
    fn procedure(&mut self, _rule: &ProcedureRule, _delta: A) {}
    /// A schedule adjustment changed it by `delta` (not zero).
    fn adjustment(&mut self, _adj: &Adjustment, _delta: A) {}
    /// An adjustment that does not apply to these terms.
    fn not_applied(&mut self, _adj: &Adjustment) {}
    /// An assumption the amount rests on.
    fn assumption(&mut self, _text: &Text) {}
    /// The rounding of the total changed it by `delta` (not zero).
    fn rounding(&mut self, _delta: A) {}
    /// A licence charge was added.
    fn charge(&mut self, _charge: &Charge) {}
}

/// A recorder that records nothing.
pub(crate) struct Nothing;

impl<A: Amount> Recorder<A> for Nothing {
    const RECORDS: bool = false;
}

/// One fee line: a row and how many units it prices.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FeeLine<'v> {
    /// The row.
    pub(crate) row: &'v Row,
    /// The number of devices.
    pub(crate) count: u32,
}

/// The error for amounts too large to compute exactly. `schedule` when the schedule's own
/// amounts overflow for one unit of each line (fix the schedule), not the application's counts.
pub(crate) fn overflow(schedule: bool) -> Error {
    let (message, message_vi) = if schedule {
        (
            "the schedule's amounts are too large to compute exactly (more than 28 significant digits) even for one device of each line; check the schedule's amounts and factors",
            "các mức thu của biểu phí quá lớn, không tính chính xác được (hơn 28 chữ số có nghĩa) ngay cả với một thiết bị mỗi dòng; hãy kiểm tra các mức thu và hệ số của biểu phí",
        )
    } else {
        (
            "the amounts are too large to compute exactly (more than 28 significant digits); check the counts of devices",
            "số tiền quá lớn, không tính chính xác được (hơn 28 chữ số có nghĩa); hãy kiểm tra số lượng thiết bị",
        )
    };
    Error::new(ErrorKind::Overflow { schedule }, Finding::error(None, None, message).vi(message_vi))
}

/// The fee for `count` units of `row` on the terms' date: (fee for one unit, fee for all).
/// Handles tier tables with their linear tail and amounts in indexed units.
#[inline]
pub(crate) fn row_total<A: Amount>(
    row: &Row,
    count: u32,
    version: &Version,
    terms: &Terms<'_>,
) -> Result<(A, A), Stop> {
    let amount = A::of(row.amount);
    if row.is_per_unit() {
        // The common case: an amount per unit, in money.
        let all = amount.mul(A::whole(u64::from(count)).ok_or(Stop::Range)?).ok_or(Stop::Range)?;
        return Ok((amount, all));
    }
    table_total(row, count, version, terms)
}

/// [`row_total`] for a row with tiers or in an indexed unit.
#[inline(never)]
fn table_total<A: Amount>(row: &Row, count: u32, version: &Version, terms: &Terms<'_>) -> Result<(A, A), Stop> {
    let amount = A::of(row.amount);
    let cannot = |what: String, what_vi: String| {
        Stop::Error(
            Error::unpriceable(
                ErrorKind::RowCannotPrice { version: version.id().to_owned(), row: row.id.clone() },
                what,
            )
            .vi(what_vi),
        )
    };
    let scale = match &row.indexed {
        None => A::whole(1).ok_or(Stop::Range)?,
        Some(id) => match version.index(id).and_then(|ix| ix.value_on(terms.received)) {
            Some(v) => A::of(v),
            None => {
                return Err(cannot(
                    format!("row `{}` is in the indexed unit `{id}`, which has no value on {}", row.id, terms.received),
                    format!(
                        "mục phí `{}` tính theo đơn vị chỉ số `{id}`, nhưng đơn vị này không có giá trị vào ngày {}",
                        row.id,
                        terms.received.day_first()
                    ),
                ));
            }
        },
    };
    let total = match &row.tiers {
        None => amount.mul(A::whole(u64::from(count)).ok_or(Stop::Range)?).ok_or(Stop::Range)?,
        Some(tiers) => {
            let k = usize::try_from(count).unwrap_or(usize::MAX);
            match tiers.get(k.wrapping_sub(1)) {
                Some(t) => A::of(*t),
                None => {
                    let Some(tail) = row.tail else {
                        return Err(cannot(
                            format!("row `{}` prices at most {} units and has no `tail` for more", row.id, tiers.len()),
                            format!(
                                "mục phí `{}` chỉ tính được tối đa {} đơn vị tính và không có `tail` cho số lượng lớn hơn",
                                row.id,
                                tiers.len()
                            ),
                        ));
                    };
                    let extra = u64::from(count).saturating_sub(tiers.len() as u64);
                    let last = tiers.last().copied().unwrap_or(Decimal::ZERO);
                    A::of(tail)
                        .mul(A::whole(extra).ok_or(Stop::Range)?)
                        .and_then(|x| x.add(A::of(last)))
                        .ok_or(Stop::Range)?
                }
            }
        }
    };
    Ok((amount.mul(scale).ok_or(Stop::Range)?, total.mul(scale).ok_or(Stop::Range)?))
}

/// The running amount once an adjustment that applies is applied (before rounding); the
/// change it makes, for the itemised quote, is this less the running amount. `devices` is the
/// number of charged devices, for volume discounts. (Every operation is exact or refused, so
/// the itemised quote's changes add up to its total.)
fn adjusted<A: Amount>(adj: &Adjustment, running: A, devices: u64, sites: u32) -> Option<A> {
    Some(match adj.kind {
        AdjustmentKind::Factor => running.mul(A::of(adj.factor.unwrap_or(Decimal::ONE)))?,
        AdjustmentKind::Cap => {
            let cap = adj.amount.map_or(running, A::of);
            if running.greater(cap)? { cap } else { running }
        }
        AdjustmentKind::Floor => {
            let floor = adj.amount.map_or(running, A::of);
            if running.greater(A::whole(0)?)? && floor.greater(running)? { floor } else { running }
        }
        AdjustmentKind::Surcharge => running.add(A::of(adj.amount.unwrap_or(Decimal::ZERO)))?,
        AdjustmentKind::VolumeDiscount => {
            let band = adj
                .bands
                .iter()
                .flatten()
                .find(|(from, to, _)| devices >= u64::from(*from) && to.is_none_or(|t| devices <= u64::from(t)));
            match band {
                Some((_, _, f)) => running.mul(A::of(*f))?,
                None => running,
            }
        }
        // One site adds nothing (and computes nothing that could be refused).
        AdjustmentKind::SiteSurcharge if sites <= 1 => running,
        AdjustmentKind::SiteSurcharge => {
            let extra = A::whole(u64::from(sites - 1))?;
            running.add(running.mul(A::of(adj.factor.unwrap_or(Decimal::ZERO)))?.mul(extra)?)?
        }
    })
}

/// Prices `lines` under `version` on `terms`, telling `rec` every step; returns the amount due.
///
/// The order is the law's: the fee of each line at the new-licence rate; their sum (or, under
/// `aggregation = "highest"`, the fee for one unit of the highest line); the procedure's factor;
/// each adjustment of the version that applies, in the version's order; the rounding of the
/// total; the licence charges. When the version rounds every step, each amount due is rounded
/// as it is computed (a reduction rounds the same way as the amount it leaves).
pub(crate) fn price<A: Amount, R: Recorder<A>>(
    version: &Version,
    terms: &Terms<'_>,
    lines: &[FeeLine<'_>],
    rec: &mut R,
) -> Result<A, Stop> {
    let rounding = version.rounding();
    let each_step = rounding.at == RoundAt::Line;
    // To the đồng, a whole amount is already rounded (the usual case: nothing to do).
    let unit_step = version.hot.unit_step;
    let pow10 = version.hot.step_pow10;
    let step = |x: A| {
        if !each_step || (unit_step && x.is_whole()) {
            Ok(x)
        } else {
            x.round(rounding.strategy, rounding.step, pow10).ok_or(Stop::Range)
        }
    };
    let highest_only = version.aggregation() == Aggregation::Highest;

    let mut subtotal = A::whole(0).ok_or(Stop::Range)?;
    let mut top: Option<(usize, A)> = None;
    let mut charged = 0u64;
    for (k, line) in lines.iter().enumerate() {
        let (unit_fee, amount) = row_total::<A>(line.row, line.count, version, terms)?;
        let amount = step(amount)?;
        rec.fee(k, unit_fee, amount);
        subtotal = subtotal.add(amount).ok_or(Stop::Range)?;
        charged += u64::from(line.count);
        if highest_only {
            let one = step(row_total::<A>(line.row, 1, version, terms)?.1)?;
            let higher = match top {
                None => true,
                Some((_, best)) => one.greater(best).ok_or(Stop::Range)?,
            };
            if higher {
                top = Some((k, one));
            }
        }
    }
    if highest_only {
        subtotal = match top {
            Some((k, fee)) => {
                rec.highest(k, fee);
                fee
            }
            None => A::whole(0).ok_or(Stop::Range)?,
        };
    }

    let mut running = subtotal;
    let (rule, factor_is_one) = version.procedure_rule(terms.procedure).ok_or_else(|| {
        Error::unpriceable(
            ErrorKind::NoProcedureFactor { version: version.id().to_owned(), procedure: terms.procedure },
            format!(
                "schedule version `{}` gives no factor for the procedure `{}`",
                version.id(),
                terms.procedure.key()
            ),
        )
        .vi(format!(
            "biểu phí `{}` không có hệ số cho thủ tục {}",
            version.id(),
            terms.procedure.names().0.to_lowercase()
        ))
    })?;
    if let Some(a) = &rule.assumption {
        rec.assumption(a);
    }
    if !factor_is_one {
        // The amount due is rounded, not the signed change.
        let due = step(running.mul(A::of(rule.factor)).ok_or(Stop::Range)?)?;
        if let Some(delta) = change::<A, R>(running, due)? {
            rec.procedure(rule, delta);
        }
        running = due;
    }

    for adj in version.adjustments() {
        if !adj.applies_to(terms) {
            rec.not_applied(adj);
            continue;
        }
        let due = step(adjusted(adj, running, charged, terms.sites).ok_or(Stop::Range)?)?;
        if let Some(a) = &adj.assumption {
            rec.assumption(a);
        }
        move_to::<A, R>(&mut running, due, |delta| rec.adjustment(adj, delta))?;
    }

    // A whole amount rounded to the đồng is itself: nothing to round.
    if rounding.at == RoundAt::Total && !(unit_step && running.is_whole()) {
        let rounded = running.round(rounding.strategy, rounding.step, pow10).ok_or(Stop::Range)?;
        move_to::<A, R>(&mut running, rounded, |delta| rec.rounding(delta))?;
    }

    for charge in version.charges().iter().filter(|c| c.applies(terms.procedure, terms.received)) {
        running = running.add(A::of(charge.amount)).ok_or(Stop::Range)?;
        rec.charge(charge);
    }
    Ok(running)
}

/// The change from `running` to `due`, for a recorder that records it. A total, which records
/// nothing, only checks that the change can be held exactly: where the itemised quote could
/// not hold it (more than 28 significant digits), the total refuses as the quote does, and the
/// two never disagree.
fn change<A: Amount, R: Recorder<A>>(running: A, due: A) -> Result<Option<A>, Stop> {
    if R::RECORDS {
        return due.sub(running).map(Some).ok_or(Stop::Range);
    }
    if due.can_subtract(running) { Ok(None) } else { Err(Stop::Range) }
}

/// Moves the running amount to `due` after an adjustment or the rounding of the total. A
/// recorder that records is told the change (`tell`), unless it is zero: then the running
/// amount stays as it is written.
fn move_to<A: Amount, R: Recorder<A>>(running: &mut A, due: A, tell: impl FnOnce(A)) -> Result<(), Stop> {
    if let Some(delta) = change::<A, R>(*running, due)? {
        if delta.is_zero() {
            return Ok(());
        }
        tell(delta);
    }
    *running = due;
    Ok(())
}

/// Prices `lines` with `Decimal`, turning a range stop into the overflow error (blaming the
/// schedule when one unit of each line alone overflows).
pub(crate) fn price_decimal<R: Recorder<Decimal>>(
    version: &Version,
    terms: &Terms<'_>,
    lines: &[FeeLine<'_>],
    rec: &mut R,
) -> Result<Decimal, Error> {
    match price::<Decimal, R>(version, terms, lines, rec) {
        Ok(d) => Ok(d),
        Err(Stop::Error(e)) => Err(e),
        Err(Stop::Range) => {
            let ones: Vec<FeeLine<'_>> = lines.iter().map(|l| FeeLine { row: l.row, count: 1 }).collect();
            let schedule = matches!(price::<Decimal, Nothing>(version, terms, &ones, &mut Nothing), Err(Stop::Range));
            Err(overflow(schedule))
        }
    }
}

/// The amount due, computed with [`Exact`] where it suffices and with `Decimal` otherwise: the
/// same value either way.
pub(crate) fn total(version: &Version, terms: &Terms<'_>, lines: &[FeeLine<'_>]) -> Result<Decimal, Error> {
    match price::<Exact, Nothing>(version, terms, lines, &mut Nothing) {
        Ok(x) => match x.decimal() {
            Some(d) => Ok(d),
            None => price_decimal(version, terms, lines, &mut Nothing),
        },
        Err(Stop::Error(e)) => Err(e),
        Err(Stop::Range) => price_decimal(version, terms, lines, &mut Nothing),
    }
}

#[cfg(test)]
mod tests {
    use super::Amount;
    use crate::exact::Exact;
    use rust_decimal::Decimal;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// The exact path computes the law's figures itself; a failure would only send the total
    /// to the `Decimal` path, which gives the same value, so results alone cannot show it.
    #[test]
    fn exact_arithmetic_computes_without_falling_back() {
        let x = |s: &str| <Exact as Amount>::of(d(s));
        let back = |e: Option<Exact>| e.and_then(Amount::decimal);
        // 8,000,000 × 0.75 = 6,000,000; + 2,000,000; − 500,000.
        // Called through the trait (Exact's own methods of the same names would win otherwise).
        assert_eq!(back(Amount::mul(x("8000000"), x("0.75"))), Some(d("6000000")));
        assert_eq!(back(Amount::add(x("6000000"), x("2000000"))), Some(d("8000000")));
        assert_eq!(back(Amount::sub(x("2000000"), x("500000"))), Some(d("1500000")));
        // 187.5 rounded half away from zero to the đồng.
        let rounded = Amount::round(x("187.5"), crate::money::Rounding::HalfAwayFromZero, Decimal::ONE, Some(0));
        assert_eq!(back(rounded), Some(d("188")));
        assert_eq!(back(<Exact as Amount>::whole(3)), Some(d("3")));
        assert_eq!(x("8000000").greater(x("7999999.5")), Some(true));
        assert_eq!(x("1").greater(x("1.0")), Some(false));
        assert!(x("0.00").is_zero() && <Exact as Amount>::whole(0).is_some_and(Amount::is_zero));
        assert!(!x("0.01").is_zero());
        assert!(x("6000000").is_whole() && !x("187.5").is_whole());
        // The Decimal side of the same trait.
        assert!(Amount::is_whole(d("6000000")) && !Amount::is_whole(d("187.5")));
        assert_eq!(Amount::decimal(d("187.5")), Some(d("187.5")));
    }
}
