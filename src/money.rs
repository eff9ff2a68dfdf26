//! Money and exact decimals: VND amounts, rounding rules, formatting ("8.250.000 ₫").
//!
//! Every amount is a [`Decimal`]. Nothing here ever goes through a binary float: a TOML float is
//! accepted only when its value is exactly the decimal it was written as (0.75 is, 0.9 is not),
//! and every rounding names its strategy.
//!
//! ```
//! use radfee::Money;
//!
//! let m = Money::new(8_250_000.into());
//! assert_eq!(m.to_string(), "8.250.000 ₫");
//! assert_eq!(serde_json::to_string(&m).unwrap(), "\"8250000\"");
//! ```

use std::fmt;

pub use rust_decimal::Decimal;
use rust_decimal::RoundingStrategy;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

/// An amount of money in Vietnamese đồng (or the schedule's currency), exact.
///
/// In JSON it is a string of digits (`"8250000"`, `"-2750000"`), never a float, always in its
/// shortest form: no trailing zeros after a decimal point. Its `Display` is the form printed on a
/// quote: `8.250.000 ₫`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

impl Money {
    /// Zero đồng.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Wraps an exact amount. The value is normalised (`1500000.00` becomes `1500000`) so that
    /// equal amounts always print and serialise the same way.
    pub fn new(amount: Decimal) -> Money {
        Money(canonical(amount))
    }

    /// The exact amount.
    pub fn amount(self) -> Decimal {
        self.0
    }

    /// `self + other`, exact, or `None` when a [`Decimal`] cannot hold the exact sum: it
    /// overflows, or needs more than 28 significant digits (where `Decimal` itself would round
    /// without saying so).
    pub fn checked_add(self, other: Money) -> Option<Money> {
        exact_add(self.0, other.0).map(Money::new)
    }

    /// `self - other`, exact, or `None` when a [`Decimal`] cannot hold the exact difference.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        exact_sub(self.0, other.0).map(Money::new)
    }

    /// `self × factor`, exact (not rounded), or `None` when a [`Decimal`] cannot hold the
    /// exact product (more than 28 significant digits, or a scale past 28).
    pub fn checked_mul(self, factor: Decimal) -> Option<Money> {
        exact_mul(self.0, factor).map(Money::new)
    }

    /// The amount as printed on a quote, without the currency sign: `8.250.000`, `-500.000`,
    /// `1.234,5` (Vietnamese grouping: `.` for thousands, `,` for decimals).
    pub fn grouped(self) -> String {
        let text = self.0.to_string();
        let (sign, digits) = match text.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", text.as_str()),
        };
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (digits, None),
        };
        let mut out = String::with_capacity(text.len() + text.len() / 3 + 2);
        out.push_str(sign);
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push('.');
            }
            out.push(c);
        }
        if let Some(f) = frac {
            out.push(',');
            out.push_str(f);
        }
        out
    }
}

/// Removes trailing zeros and the sign of zero, so equal amounts have one representation.
pub(crate) fn canonical(d: Decimal) -> Decimal {
    if d.is_zero() {
        Decimal::ZERO
    } else if d.scale() == 0 {
        d // a whole number has no trailing decimal zeros
    } else {
        d.normalize()
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ₫", self.grouped())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        let text = String::deserialize(d)?;
        let value = Decimal::from_str_exact(&text).map_err(|_| {
            de::Error::custom(crate::text::join_both(
                &format!("`{text}` is not an exact amount"),
                &format!("`{text}` không phải là một số tiền chính xác"),
            ))
        })?;
        Ok(Money::new(value))
    }
}

/// The currency a schedule's amounts are in. Vietnamese đồng is the only one the law uses;
/// in files and JSON its ISO 4217 code, `VND`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub enum Currency {
    /// Vietnamese đồng (₫).
    #[default]
    #[serde(rename = "VND")]
    Vnd,
}

impl Currency {
    /// The ISO 4217 code: `VND`.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Vnd => "VND",
        }
    }

    /// The currency for an ISO 4217 code the schedules may use.
    pub fn from_code(code: &str) -> Option<Currency> {
        (code == "VND").then_some(Currency::Vnd)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// `a + b` exactly, or `None`.
///
/// `Decimal`'s own `checked_add` is `None` only on overflow: past 28 significant digits it
/// rounds the sum without saying so (`10000000000000000000000000000 + 0.5` gives
/// `10000000000000000000000000000`). A sum it holds exactly keeps the larger scale of the two;
/// when it had to round, the scale is smaller. So a sum is taken only when its scale is the
/// larger of the two; else it is tried again without trailing zeros after the point (`1.50`
/// as `1.5`, `0.000` as `0`, whose other side `Decimal` returns as it is), which may leave
/// room. A few exact sums past 28 digits whose dropped digits were zeros are still refused:
/// refused, never silently wrong. A proptest checks every sum against arbitrary-precision
/// integers.
pub(crate) fn exact_add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let sum = a.checked_add(b)?;
    if sum.scale() == a.scale().max(b.scale()) {
        return Some(sum);
    }
    without_trailing_zeros(a, b).and_then(|(a, b)| exact_add(a, b))
}

/// `a` and `b` without their trailing zeros after the point, when either has some: `1.50`
/// takes a digit `1.5` does not, so an operation refused with them may fit without them.
fn without_trailing_zeros(a: Decimal, b: Decimal) -> Option<(Decimal, Decimal)> {
    let (x, y) = (a.normalize(), b.normalize());
    (x.scale() < a.scale() || y.scale() < b.scale()).then_some((x, y))
}

/// `a - b` exactly, or `None` (as [`exact_add`]).
pub(crate) fn exact_sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    exact_add(a, -b)
}

/// `a × b` exactly, or `None`.
///
/// As with [`exact_add`]: `Decimal`'s `checked_mul` rounds a product that needs more than 28
/// significant digits or a scale past 28, by dropping its last digits. A product that kept the
/// sum of the two scales dropped nothing. One that kept fewer dropped `d` digits, which were
/// all zeros (the product is exact) exactly when `10^d` divides the product of the mantissas:
/// when the mantissas hold `d` factors of 2 and `d` factors of 5 between them
/// (`10^21 × 0.123456789` is exact; `10^22 × 1.0000000001` is not).
pub(crate) fn exact_mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    let product = a.checked_mul(b)?;
    let scale = a.scale() + b.scale();
    if a.is_zero() || b.is_zero() || product.scale() == scale {
        return Some(product);
    }
    let dropped = scale.checked_sub(product.scale())?;
    let (x, y) = (a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs());
    let factors = |p: u128| factors_of(x, p) + factors_of(y, p);
    (factors(2) >= dropped && factors(5) >= dropped).then_some(product)
}

/// How many times the prime `p` divides `n` (not 0).
fn factors_of(mut n: u128, p: u128) -> u32 {
    let mut k = 0;
    while n != 0 && n.is_multiple_of(p) {
        n /= p;
        k += 1;
    }
    k
}

/// How a rounding breaks ties and which way it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rounding {
    /// Nearest, ties away from zero (2.5 → 3, −2.5 → −3): the usual rule for money.
    HalfAwayFromZero,
    /// Nearest, ties to even (banker's rounding).
    HalfEven,
    /// Towards zero (truncate).
    TowardZero,
    /// Away from zero.
    AwayFromZero,
    /// Towards negative infinity.
    Down,
    /// Towards positive infinity.
    Up,
}

impl Rounding {
    /// The key used in schedule files: `half_away_from_zero`, `half_even`, `toward_zero`,
    /// `away_from_zero`, `down` or `up`.
    pub fn key(self) -> &'static str {
        match self {
            Rounding::HalfAwayFromZero => "half_away_from_zero",
            Rounding::HalfEven => "half_even",
            Rounding::TowardZero => "toward_zero",
            Rounding::AwayFromZero => "away_from_zero",
            Rounding::Down => "down",
            Rounding::Up => "up",
        }
    }

    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::TowardZero => RoundingStrategy::ToZero,
            Rounding::AwayFromZero => RoundingStrategy::AwayFromZero,
            Rounding::Down => RoundingStrategy::ToNegativeInfinity,
            Rounding::Up => RoundingStrategy::ToPositiveInfinity,
        }
    }

    /// Every rule, for tests that try each.
    #[cfg(test)]
    pub(crate) const ALL: [Rounding; 6] = [
        Rounding::HalfAwayFromZero,
        Rounding::HalfEven,
        Rounding::TowardZero,
        Rounding::AwayFromZero,
        Rounding::Down,
        Rounding::Up,
    ];

    /// Whether a value strictly between two multiples of the step goes to the one away from
    /// zero under this rule: `negative` is the value's sign; `half` compares what is left over
    /// with half a step and `odd` says whether the multiple towards zero is an odd one, each
    /// asked only by the rule that needs it (`None` when it cannot be told exactly). The one
    /// statement of the rules, for [`Rounding::to_step`] and the engine's integer rounding.
    pub(crate) fn goes_away(
        self,
        negative: bool,
        half: impl FnOnce() -> Option<std::cmp::Ordering>,
        odd: impl FnOnce() -> Option<bool>,
    ) -> Option<bool> {
        Some(match self {
            Rounding::TowardZero => false,
            Rounding::AwayFromZero => true,
            Rounding::Down => negative,
            Rounding::Up => !negative,
            Rounding::HalfAwayFromZero => half()? != std::cmp::Ordering::Less,
            Rounding::HalfEven => match half()? {
                std::cmp::Ordering::Greater => true,
                std::cmp::Ordering::Less => false,
                std::cmp::Ordering::Equal => odd()?,
            },
        })
    }

    /// Rounds `value` to a multiple of `step` (e.g. 1 đồng or 1,000 đồng) with this rule,
    /// exactly. `None` if `step` is not positive or a `Decimal` cannot hold a value on the way
    /// exactly (more than 28 significant digits): never a result rounded twice.
    pub fn to_step(self, value: Decimal, step: Decimal) -> Option<Decimal> {
        self.to_step_exact(value, step).map(canonical)
    }

    /// [`Rounding::to_step`] without normalising the result's scale (the value is the same;
    /// only its written form may carry trailing zeros). The engine normalises once, when an
    /// amount becomes [`Money`].
    pub(crate) fn to_step_exact(self, value: Decimal, step: Decimal) -> Option<Decimal> {
        if step <= Decimal::ZERO {
            return None;
        }
        if step == Decimal::ONE {
            if value.scale() == 0 {
                return Some(value); // already a whole number of đồng
            }
            // Dividing by one is the identity: round to a whole number directly.
            return Some(value.round_dp_with_strategy(0, self.strategy()));
        }
        // The multiple of the step towards zero and what is left over, each exact: dividing
        // first would round the quotient to 28 digits and then round it again
        // (3 × 10^27 + 0.4999… could come out a half).
        let rest = value.checked_rem(step)?; // |rest| < step, with the sign of `value`
        if rest.is_zero() {
            return Some(value);
        }
        let whole = exact_sub(value, rest)?;
        let away = self.goes_away(
            rest.is_sign_negative(),
            // What is left against half a step (a comparison is always exact).
            || exact_mul(step, Decimal::new(5, 1)).map(|half| rest.abs().cmp(&half)),
            // An odd multiple leaves a step over when divided by two steps.
            || Some(!whole.checked_rem(exact_add(step, step)?)?.is_zero()),
        )?;
        if !away {
            return Some(whole);
        }
        exact_add(whole, if value.is_sign_negative() { -step } else { step })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn formats_vietnamese_grouping() {
        assert_eq!(Money::new(d("8250000")).to_string(), "8.250.000 ₫");
        assert_eq!(Money::new(d("-500000.00")).to_string(), "-500.000 ₫");
        assert_eq!(Money::new(d("0")).to_string(), "0 ₫");
        assert_eq!(Money::new(d("999")).to_string(), "999 ₫");
        assert_eq!(Money::new(d("1000")).to_string(), "1.000 ₫");
        assert_eq!(Money::new(d("1234.50")).to_string(), "1.234,5 ₫");
    }

    #[test]
    fn serialises_shortest_digits() {
        let m = Money::new(d("2000000") * d("0.75"));
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"1500000\"");
        assert_eq!(serde_json::to_string(&Money::new(d("-0.00"))).unwrap(), "\"0\"");
    }

    /// A `Decimal` as an integer count of `10^-56` (any `Decimal` is one exactly).
    fn scaled(x: Decimal) -> num_bigint::BigInt {
        num_bigint::BigInt::from(x.mantissa()) * num_bigint::BigInt::from(10).pow(56 - x.scale())
    }

    /// Any `Decimal`: a mantissa of 0 to 96 bits, either sign, a scale of 0 to 28.
    fn any_decimal() -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        (0u32..=96, any::<u128>(), any::<bool>(), 0u32..=28).prop_map(|(bits, m, negative, scale)| {
            let m = if bits == 0 { 0 } else { (m >> (128 - bits)).min((1 << 96) - 1) };
            let m = i128::try_from(m).unwrap_or_default();
            Decimal::from_i128_with_scale(if negative { -m } else { m }, scale)
        })
    }

    /// `value` rounded to a multiple of `step` by `rule`, in integers of any size.
    fn rounded_exactly(rule: Rounding, value: Decimal, step: Decimal) -> num_bigint::BigInt {
        use num_integer::Integer;
        let (v, s) = (scaled(value), scaled(step));
        let (q, r) = v.div_rem(&s); // towards zero; the rest has the sign of `value`
        let zero = num_bigint::BigInt::from(0);
        let half = (&r * 2i32).magnitude().cmp(s.magnitude());
        let away = r != zero
            && match rule {
                Rounding::TowardZero => false,
                Rounding::AwayFromZero => true,
                Rounding::Down => r < zero,
                Rounding::Up => r > zero,
                Rounding::HalfAwayFromZero => half != std::cmp::Ordering::Less,
                Rounding::HalfEven => half == std::cmp::Ordering::Greater || (half.is_eq() && q.is_odd()),
            };
        let q = if !away {
            q
        } else if v < zero {
            q - 1
        } else {
            q + 1
        };
        q * s
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]

        /// Each operation gives the exact value or `None`: never a value rounded to 28 digits.
        #[test]
        fn exact_operations_are_exact_or_refused(a in any_decimal(), b in any_decimal()) {
            if let Some(sum) = exact_add(a, b) {
                proptest::prop_assert_eq!(scaled(sum), scaled(a) + scaled(b), "{} + {}", a, b);
            }
            if let Some(difference) = exact_sub(a, b) {
                proptest::prop_assert_eq!(scaled(difference), scaled(a) - scaled(b), "{} - {}", a, b);
            }
            if let Some(product) = exact_mul(a, b) {
                let want = num_bigint::BigInt::from(a.mantissa()) * num_bigint::BigInt::from(b.mantissa());
                let got = num_bigint::BigInt::from(product.mantissa())
                    * num_bigint::BigInt::from(10).pow(a.scale() + b.scale() - product.scale());
                proptest::prop_assert_eq!(got, want, "{} × {}", a, b);
            }
            // A product is refused only when no Decimal holds it: no scale from 0 to 28 at
            // which it is a whole number of at most 96 bits.
            if exact_mul(a, b).is_none() && a.checked_mul(b).is_some() {
                let product = num_bigint::BigInt::from(a.mantissa()) * num_bigint::BigInt::from(b.mantissa());
                let scale = a.scale() + b.scale();
                let ten = num_bigint::BigInt::from(10);
                let fits = (0..=28u32).any(|t| {
                    let at = if t >= scale {
                        Some(&product * ten.pow(t - scale))
                    } else {
                        let d = ten.pow(scale - t);
                        (&product % &d == num_bigint::BigInt::from(0)).then(|| &product / &d)
                    };
                    at.is_some_and(|m| m.magnitude().bits() <= 96)
                });
                proptest::prop_assert!(!fits, "{} × {} refused but exact", a, b);
            }
            // Within 28 digits nothing is refused: values of up to 14 digits each.
            let small = |x: Decimal| x.mantissa().unsigned_abs() < 10u128.pow(14) && x.scale() <= 14;
            if small(a) && small(b) {
                proptest::prop_assert!(exact_add(a, b).is_some() && exact_mul(a, b).is_some(), "{} {}", a, b);
            }
        }

        /// Rounding to a step gives the exactly rounded value or `None`.
        #[test]
        fn rounding_to_a_step_is_exact_or_refused(value in any_decimal(), step in any_decimal(), k in 0usize..6, which in 0usize..4) {
            let step = match which {
                0 if step.is_zero() => Decimal::ONE,
                0 => step.abs(),
                1 => Decimal::ONE,
                2 => Decimal::from(1000),
                _ => Decimal::from(3),
            };
            let rule = Rounding::ALL[k];
            if let Some(got) = rule.to_step(value, step) {
                proptest::prop_assert_eq!(scaled(got), rounded_exactly(rule, value, step), "{:?} {} to {}", rule, value, step);
            }
            if value.mantissa().unsigned_abs() < 10u128.pow(20) && which > 0 {
                proptest::prop_assert!(rule.to_step(value, step).is_some(), "{:?} {} to {}", rule, value, step);
            }
        }
    }

    /// Exact results that once were refused: trailing zeros of a whole product, a rounding
    /// rule that needs no half, a value already a multiple of a tiny step.
    #[test]
    fn exact_results_near_the_limit_are_not_refused() {
        assert_eq!(exact_mul(d("1000000000000000000000"), d("0.123456789")), Some(d("123456789000000000000")));
        assert_eq!(exact_mul(d("10000000000000000005000"), d("1.0000000001")), None, "30 digits: not exact");
        // A sum whose trailing zero after the point leaves no room for its 28 digits: taken
        // without the zero, on either side; a zero of any scale gives the other side.
        let most = d("7922816251426433759354395033");
        assert_eq!(exact_add(d("1.0"), most), Some(d("7922816251426433759354395034")));
        assert_eq!(exact_add(most, d("1.0")), Some(d("7922816251426433759354395034")));
        assert_eq!(exact_add(most, d("1.5")), None, "7922816251426433759354395034.5: 29 digits");
        assert_eq!(exact_add(d("0.000"), d("79228162514264337593543950335")), Some(d("79228162514264337593543950335")));
        assert_eq!(exact_sub(d("79228162514264337593543950335"), d("0.0")), Some(d("79228162514264337593543950335")));
        let v = d("7.9228162514264337593543950335");
        assert_eq!(Rounding::TowardZero.to_step(v, d("1000")), Some(d("0")));
        assert_eq!(Rounding::HalfEven.to_step(v, d("1000")), Some(d("0")));
        assert_eq!(Rounding::Up.to_step(v, d("1000")), Some(d("1000")));
        let big = d("79228162514264337593543950335");
        assert_eq!(Rounding::HalfAwayFromZero.to_step(big, d("0.0000000000000000000000000001")), Some(big));
        // Ties: away from zero, or to the even multiple.
        assert_eq!(Rounding::HalfEven.to_step(d("2500"), d("1000")), Some(d("2000")));
        assert_eq!(Rounding::HalfEven.to_step(d("3500"), d("1000")), Some(d("4000")));
        assert_eq!(Rounding::HalfEven.to_step(d("-3500"), d("1000")), Some(d("-4000")));
        assert_eq!(Rounding::HalfAwayFromZero.to_step(d("-2500"), d("1000")), Some(d("-3000")));
        assert_eq!(Rounding::HalfEven.to_step(d("750"), d("500")), Some(d("1000")));
        assert_eq!(Rounding::HalfEven.to_step(d("1250"), d("500")), Some(d("1000")));
    }

    #[test]
    fn rounds_to_step_with_named_strategy() {
        let r = Rounding::HalfAwayFromZero;
        assert_eq!(r.to_step(d("2.5"), d("1")), Some(d("3")));
        assert_eq!(r.to_step(d("-2.5"), d("1")), Some(d("-3")));
        assert_eq!(Rounding::HalfEven.to_step(d("2.5"), d("1")), Some(d("2")));
        assert_eq!(r.to_step(d("1234500"), d("1000")), Some(d("1235000")));
        assert_eq!(Rounding::TowardZero.to_step(d("1234999"), d("1000")), Some(d("1234000")));
        assert_eq!(r.to_step(d("5"), d("0")), None);
        // Step 1 takes a shortcut; it must agree with the general path.
        for v in ["2.5", "-2.5", "1234.4999", "0.5", "-0.5", "7"] {
            for rule in Rounding::ALL {
                let general = (d(v) / d("1.0")).round_dp_with_strategy(0, rule.strategy()) * d("1");
                assert_eq!(rule.to_step(d(v), d("1")), Some(canonical(general)), "{v} {rule:?}");
            }
        }
    }
}
