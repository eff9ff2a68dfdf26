//! Exact decimal arithmetic on `i128` for the pricing hot path ([`crate::Schedules::total`]).
//!
//! An [`Exact`] is `mantissa × 10^-scale`, like a [`Decimal`], but its operations are plain
//! integer instructions. Every operation keeps the result inside the range where `Decimal`
//! itself is exact (a mantissa below 2^96 and a scale of at most 28); outside it the operation
//! returns `None` and the caller falls back to the `Decimal` engine. So within its range an
//! `Exact` computation gives the very value the `Decimal` computation gives, and outside it
//! nobody relies on it.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::money::Rounding;

/// `Decimal`'s largest mantissa.
const MAX_MANTISSA: u128 = (1 << 96) - 1;
/// `Decimal`'s largest scale.
const MAX_SCALE: u32 = 28;

/// `10^k` for k in 0..=38 (the largest power of ten an `i128` holds).
const POW10: [i128; 39] = {
    let mut t = [1i128; 39];
    let mut k = 1;
    while k < 39 {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

fn pow10(k: u32) -> Option<i128> {
    POW10.get(usize::try_from(k).ok()?).copied()
}

/// `m / 10^k` and `m % 10^k` for `k` up to 28 (past 18, `10^k` exceeds any `i64`: the
/// quotient is 0). Each arm divides by a constant, which compiles to a multiply and a shift.
fn divide_by_power_of_ten(m: i64, k: u32) -> (i64, i64) {
    macro_rules! by {
        ($($k:literal => $d:literal),*) => {
            match k {
                0 => (m, 0),
                $($k => (m / $d, m % $d),)*
                _ => (0, m),
            }
        };
    }
    by!(1 => 10, 2 => 100, 3 => 1_000, 4 => 10_000, 5 => 100_000, 6 => 1_000_000,
        7 => 10_000_000, 8 => 100_000_000, 9 => 1_000_000_000, 10 => 10_000_000_000,
        11 => 100_000_000_000, 12 => 1_000_000_000_000, 13 => 10_000_000_000_000,
        14 => 100_000_000_000_000, 15 => 1_000_000_000_000_000, 16 => 10_000_000_000_000_000,
        17 => 100_000_000_000_000_000, 18 => 1_000_000_000_000_000_000)
}

/// `a × b`, or `None` on overflow: one widening multiply when both fit an `i64` (their
/// product then cannot overflow an `i128`), else `i128::checked_mul`, which is a call to a
/// software routine several times slower (profiled: a third of the hot path's time).
fn times(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => Some(i128::from(a) * i128::from(b)),
        _ => a.checked_mul(b),
    }
}

/// An exact decimal `m × 10^-s` within `Decimal`'s exact range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Exact {
    m: i128,
    s: u32,
}

impl Exact {
    /// Zero.
    pub(crate) const ZERO: Exact = Exact { m: 0, s: 0 };

    fn checked(m: i128, s: u32) -> Option<Exact> {
        (m.unsigned_abs() <= MAX_MANTISSA && s <= MAX_SCALE).then_some(Exact { m, s })
    }

    /// The same value as a `Decimal` (always in range: a `Decimal`'s parts are).
    pub(crate) fn of(d: Decimal) -> Exact {
        Exact { m: d.mantissa(), s: d.scale() }
    }

    /// The scale: digits after the point as held (`1.50` has 2).
    pub(crate) fn scale(self) -> u32 {
        self.s
    }

    /// A whole number.
    pub(crate) fn int(n: u64) -> Option<Exact> {
        Exact::checked(i128::from(n), 0)
    }

    /// Back to a `Decimal`, with the same mantissa and scale.
    pub(crate) fn to_decimal(self) -> Option<Decimal> {
        Decimal::try_from_i128_with_scale(self.m, self.s).ok()
    }

    /// Both mantissas at the larger of the two scales.
    fn aligned(self, other: Exact) -> Option<(i128, i128, u32)> {
        if self.s == other.s {
            return Some((self.m, other.m, self.s));
        }
        let s = self.s.max(other.s);
        let a = times(self.m, pow10(s - self.s)?)?;
        let b = times(other.m, pow10(s - other.s)?)?;
        Some((a, b, s))
    }

    /// `self + other`.
    pub(crate) fn add(self, other: Exact) -> Option<Exact> {
        let (a, b, s) = self.aligned(other)?;
        Exact::checked(a.checked_add(b)?, s)
    }

    /// `self - other`.
    pub(crate) fn sub(self, other: Exact) -> Option<Exact> {
        let (a, b, s) = self.aligned(other)?;
        Exact::checked(a.checked_sub(b)?, s)
    }

    /// Whether `self − other` is within range, without computing it when it surely is: two
    /// mantissas below 2^64 whose scales differ by at most 9 align below 2^94, so their
    /// difference is below 2^96.
    pub(crate) fn can_subtract(self, other: Exact) -> bool {
        let small = |m: i128| m.unsigned_abs() < 1 << 64;
        (small(self.m) && small(other.m) && self.s.abs_diff(other.s) <= 9) || self.sub(other).is_some()
    }

    /// `self × other`.
    pub(crate) fn mul(self, other: Exact) -> Option<Exact> {
        Exact::checked(times(self.m, other.m)?, self.s + other.s)
    }

    /// The same value without trailing zeros after the point (as `Decimal::normalize` gives
    /// it, without its repeated 96-bit divisions).
    pub(crate) fn trimmed(self) -> Exact {
        let (mut m, mut s) = (self.m, self.s);
        if m == 0 {
            return Exact::ZERO;
        }
        if let Ok(mut small) = i64::try_from(m) {
            while s > 0 && small % 10 == 0 {
                small /= 10;
                s -= 1;
            }
            return Exact { m: i128::from(small), s };
        }
        while s > 0 && m % 10 == 0 {
            m /= 10;
            s -= 1;
        }
        Exact { m, s }
    }

    /// Compares the values.
    pub(crate) fn compare(self, other: Exact) -> Option<Ordering> {
        let (a, b, _) = self.aligned(other)?;
        Some(a.cmp(&b))
    }

    /// `10^k` when this value is a whole power of ten up to 10^18 (a rounding step the hot
    /// path handles), else `None`.
    pub(crate) fn power_of_ten(self) -> Option<u32> {
        if self.s != 0 {
            return None;
        }
        (0..=18).find(|&k| POW10[k as usize] == self.m)
    }

    /// Rounds to a multiple of `10^k` with `rule`: the value of
    /// `Rounding::to_step_exact(self, 10^k)`.
    pub(crate) fn round(self, rule: Rounding, k: u32) -> Option<Exact> {
        if self.s == 0 && k == 0 {
            return Some(self);
        }
        // Beyond a scale of 28, Decimal's own division by the step would round first.
        let scale = self.s.checked_add(k).filter(|&t| t <= MAX_SCALE)?;
        let d = pow10(scale)?;
        let (q, r) = match i64::try_from(self.m) {
            // A 64-bit division by a constant where the value allows it: a multiply and a
            // shift, far cheaper than a division instruction, let alone a 128-bit division.
            Ok(m) => {
                let (q, r) = divide_by_power_of_ten(m, scale);
                (i128::from(q), i128::from(r))
            }
            _ => (self.m / d, self.m % d),
        };
        let away = r != 0
            && rule.goes_away(
                r < 0,
                // Twice the remainder against the divisor decides a half; u128 cannot overflow.
                || Some((r.unsigned_abs() * 2).cmp(&d.unsigned_abs())),
                || Some(q % 2 != 0),
            )?;
        let q = if away { q + self.m.signum() } else { q };
        Exact::checked(times(q, pow10(k)?)?, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    const RULES: [Rounding; 6] = Rounding::ALL;

    #[test]
    fn trims_as_decimal_normalizes() {
        for v in ["0", "0.00", "-0.0", "1", "10", "1.50", "-2750000.500", "8250000.00", "0.0001000", "1e-28"] {
            let x = d(v);
            let trimmed = Exact::of(x).trimmed().to_decimal().unwrap();
            assert_eq!((trimmed.mantissa(), trimmed.scale()), (x.normalize().mantissa(), x.normalize().scale()), "{v}");
        }
        let big = Decimal::from_i128_with_scale(79_228_162_514_264_337_593_543_950_000, 3);
        let trimmed = Exact::of(big).trimmed().to_decimal().unwrap();
        assert_eq!((trimmed.mantissa(), trimmed.scale()), (big.normalize().mantissa(), big.normalize().scale()));
    }

    #[test]
    fn divides_by_powers_of_ten_as_the_division_operator_does() {
        let values = [0i64, 1, -1, 7, -7, 999, 1000, -1001, 123_456_789, i64::MAX, i64::MIN, i64::MIN + 1];
        for m in values {
            for k in 0..=28u32 {
                let want = match 10i64.checked_pow(k) {
                    Some(d) => (m / d, m % d),
                    None => (0, m),
                };
                assert_eq!(divide_by_power_of_ten(m, k), want, "{m} / 10^{k}");
            }
        }
    }

    #[test]
    fn matches_decimal_on_every_operation() {
        let values = ["0", "1", "-1", "0.75", "0.9", "-0.1", "2000000", "8250000.5", "-2750000.5", "123.456", "1e-5"];
        for a in values.iter().filter_map(|v| Decimal::from_str(v).ok()) {
            for b in values.iter().filter_map(|v| Decimal::from_str(v).ok()) {
                let (x, y) = (Exact::of(a), Exact::of(b));
                assert_eq!(x.add(y).and_then(Exact::to_decimal), Some(a + b), "{a} + {b}");
                assert_eq!(x.sub(y).and_then(Exact::to_decimal), Some(a - b), "{a} - {b}");
                assert_eq!(x.mul(y).and_then(Exact::to_decimal), Some(a * b), "{a} × {b}");
                assert_eq!(x.compare(y), Some(a.cmp(&b)), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn rounds_as_the_decimal_rule_does() {
        let values = ["2.5", "-2.5", "3.5", "1500", "2500", "-2500", "1499.999", "0.0001", "-0.0001", "7", "0"];
        for rule in RULES {
            for v in values {
                for k in [0u32, 3] {
                    let step = Decimal::from(10i64.pow(k));
                    let want = rule.to_step_exact(d(v), step).map(|x| x.normalize());
                    let got = Exact::of(d(v)).round(rule, k).and_then(Exact::to_decimal).map(|x| x.normalize());
                    assert_eq!(got, want, "{v} to a step of {step} with {rule:?}");
                }
            }
        }
    }

    fn rule(k: u8) -> Rounding {
        RULES[usize::from(k % 6)]
    }

    proptest::proptest! {
        /// Wherever `Exact` gives a value, it is the value `Decimal` gives.
        #[test]
        fn agrees_with_decimal(a in proptest::num::i128::ANY, sa in 0u32..29, b in proptest::num::i64::ANY, sb in 0u32..29, r in 0u8..6, k in 0u32..7) {
            let a = a >> 32; // up to 96 bits, as a Decimal's mantissa
            let (Ok(x), Ok(y)) = (Decimal::try_from_i128_with_scale(a, sa), Decimal::try_from_i128_with_scale(i128::from(b), sb)) else {
                return Ok(());
            };
            let (ex, ey) = (Exact::of(x), Exact::of(y));
            if let Some(v) = ex.add(ey) { proptest::prop_assert_eq!(v.to_decimal(), x.checked_add(y)); }
            if let Some(v) = ex.sub(ey) { proptest::prop_assert_eq!(v.to_decimal(), x.checked_sub(y)); }
            if let Some(v) = ex.mul(ey) { proptest::prop_assert_eq!(v.to_decimal(), x.checked_mul(y)); }
            if let Some(o) = ex.compare(ey) { proptest::prop_assert_eq!(o, x.cmp(&y)); }
            // The shortcut never says yes where the subtraction is out of range.
            proptest::prop_assert_eq!(ex.can_subtract(ey), ex.sub(ey).is_some());
            proptest::prop_assert_eq!(ey.can_subtract(ex), ey.sub(ex).is_some());
            let small = Exact::of(Decimal::from_i128_with_scale(a >> 32, sa.min(9)));
            proptest::prop_assert_eq!(small.can_subtract(ey), small.sub(ey).is_some());
            if let Some(v) = ex.round(rule(r), k) {
                let step = Decimal::from(10i64.pow(k));
                proptest::prop_assert_eq!(v.to_decimal().map(|d| d.normalize()), rule(r).to_step_exact(x, step).map(|d| d.normalize()));
            }
        }
    }

    proptest::proptest! {
        /// The shortcut of `can_subtract` agrees with the subtraction for any two values, large
        /// ones included (mantissas of up to 96 bits, any scales).
        #[test]
        fn can_subtract_is_the_subtraction_in_range(a in proptest::num::i128::ANY, sa in 0u32..29, b in proptest::num::i128::ANY, sb in 0u32..29, shift in 0u32..64) {
            let (a, b) = (a >> 32, b >> (32 + shift % 40));
            let (x, y) = (Exact::of(Decimal::from_i128_with_scale(a, sa)), Exact::of(Decimal::from_i128_with_scale(b, sb)));
            proptest::prop_assert_eq!(x.can_subtract(y), x.sub(y).is_some());
            proptest::prop_assert_eq!(y.can_subtract(x), y.sub(x).is_some());
        }
    }

    #[test]
    fn refuses_what_decimal_cannot_hold_exactly() {
        let big = Exact::of(Decimal::MAX);
        assert_eq!(big.add(Exact::of(Decimal::ONE)), None);
        assert_eq!(big.mul(Exact::of(d("1.5"))), None);
        assert_eq!(Exact::of(d("0.0000000000000001")).mul(Exact::of(d("0.0000000000000001"))), None);
        assert_eq!(Exact::of(d("1000")).power_of_ten(), Some(3));
        assert_eq!(Exact::of(d("500")).power_of_ten(), None);
        assert_eq!(Exact::of(d("1.0")).power_of_ten(), None);
    }
}
