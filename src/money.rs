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

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money::new)
    }

    /// `self - other`, or `None` on overflow.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money::new)
    }

    /// `self × factor`, exact (not rounded), or `None` on overflow.
    pub fn checked_mul(self, factor: Decimal) -> Option<Money> {
        self.0.checked_mul(factor).map(Money::new)
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

    /// Rounds `value` to a multiple of `step` (e.g. 1 đồng or 1,000 đồng) with this rule.
    /// `None` if `step` is not positive or the arithmetic overflows.
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
        // There is no round-to-multiple: divide, round to a whole number, multiply.
        let units = value.checked_div(step)?.round_dp_with_strategy(0, self.strategy());
        units.checked_mul(step)
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
            for rule in [
                Rounding::HalfAwayFromZero,
                Rounding::HalfEven,
                Rounding::Down,
                Rounding::Up,
                Rounding::TowardZero,
                Rounding::AwayFromZero,
            ] {
                let general = (d(v) / d("1.0")).round_dp_with_strategy(0, rule.strategy()) * d("1");
                assert_eq!(rule.to_step(d(v), d("1")), Some(canonical(general)), "{v} {rule:?}");
            }
        }
    }
}
