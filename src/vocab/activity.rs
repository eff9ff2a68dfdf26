//! Activity: how much of a radionuclide a sealed source holds, exact, in becquerel (SI), as an
//! application or a device list writes it ("3.7 GBq", "100 mCi").

use std::fmt;

use rust_decimal::{Decimal, MathematicalOps};

/// An activity, exact, in becquerel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Activity {
    bq: Decimal,
}

/// Why an activity string could not be read: `Display` gives the English,
/// [`ActivityError::message_vi`] the Vietnamese.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityError {
    message: String,
    message_vi: String,
}

impl ActivityError {
    fn new(message: String, message_vi: String) -> ActivityError {
        ActivityError { message, message_vi }
    }

    /// The message in English (as `Display` shows it).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The message in Vietnamese.
    pub fn message_vi(&self) -> &str {
        &self.message_vi
    }
}

impl fmt::Display for ActivityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ActivityError {}

/// Largest activity accepted, in Bq (10^18 Bq, far beyond any sealed source: a large
/// panoramic irradiator holds about 10^17 Bq).
const MAX_BQ: i64 = 1_000_000_000_000_000_000;

impl Activity {
    /// Parses "3.7 GBq", "100 mCi", "5 µCi", "2.5e3 MBq": a number (decimal point `.`, optional
    /// exponent) and a unit (Bq, kBq, MBq, GBq, TBq, PBq, Ci, mCi, µCi/uCi, nCi), exactly.
    ///
    /// # Errors
    /// [`ActivityError`] saying what is wrong: no number or no unit, an unknown unit, a number
    /// against the number rule, an activity that is not above 0 or is over 10^18 Bq.
    pub fn parse(text: &str) -> Result<Activity, ActivityError> {
        let t = text.trim();
        // The unit starts at the first letter that is not an exponent ("2.5e3 MBq").
        let chars: Vec<(usize, char)> = t.char_indices().collect();
        let is_exponent = |k: usize| {
            matches!(chars[k].1, 'e' | 'E')
                && k > 0
                && chars[k - 1].1.is_ascii_digit()
                && chars.get(k + 1).is_some_and(|(_, n)| n.is_ascii_digit() || *n == '-' || *n == '+')
        };
        let split = (0..chars.len())
            .find(|&k| (chars[k].1.is_alphabetic() || chars[k].1 == 'µ') && !is_exponent(k))
            .map_or(t.len(), |k| chars[k].0);
        let (num, unit) = (t[..split].trim(), t[split..].trim());
        if num.is_empty() || unit.is_empty() {
            return Err(ActivityError::new(
                format!(
                    "`{text}` is not an activity: write a number and a unit, e.g. \"3.7 GBq\", \"100 mCi\" or \"5 uCi\""
                ),
                format!(
                    "`{text}` không phải là hoạt độ: hãy ghi một số và một đơn vị, ví dụ \"3.7 GBq\", \"100 mCi\" hoặc \"5 uCi\""
                ),
            ));
        }
        let value = crate::number::parse_decimal(num, crate::number::Form::Scientific).map_err(|e| {
            let shown = crate::text::excerpt(t);
            ActivityError::new(format!("activity `{shown}`: {e}"), format!("hoạt độ `{shown}`: {}", e.message_vi))
        })?;
        if value <= Decimal::ZERO {
            let shown = crate::text::excerpt(text);
            return Err(ActivityError::new(
                format!("`{shown}`: an activity is more than 0 (a source with no activity left is not declared)"),
                format!("`{shown}`: hoạt độ phải lớn hơn 0 (nguồn đã hết hoạt độ thì không kê khai)"),
            ));
        }
        let ci = Decimal::from(37_000_000_000_i64); // 1 Ci = 3.7e10 Bq exactly, by definition
        let factor = match unit {
            "Bq" => Decimal::ONE,
            "kBq" => Decimal::from(1_000),
            "MBq" => Decimal::from(1_000_000),
            "GBq" => Decimal::from(1_000_000_000),
            "TBq" => Decimal::from(1_000_000_000_000_i64),
            "PBq" => Decimal::from(1_000_000_000_000_000_i64),
            "Ci" => ci,
            "mCi" => ci / Decimal::from(1_000),
            "µCi" | "μCi" | "uCi" => ci / Decimal::from(1_000_000),
            "nCi" => ci / Decimal::from(1_000_000_000),
            _ => {
                return Err(ActivityError::new(
                    format!(
                        "unknown activity unit `{unit}`: use Bq, kBq, MBq, GBq, TBq, PBq, Ci, mCi, µCi (or uCi), nCi"
                    ),
                    format!(
                        "không có đơn vị hoạt độ `{unit}`: hãy dùng Bq, kBq, MBq, GBq, TBq, PBq, Ci, mCi, µCi (hoặc uCi), nCi"
                    ),
                ));
            }
        };
        let bq = value.checked_mul(factor).filter(|b| *b <= Decimal::from(MAX_BQ)).ok_or_else(|| {
            ActivityError::new(
                format!("`{text}` is larger than any sealed source (limit 10^18 Bq)"),
                format!("`{text}` lớn hơn hoạt độ của mọi nguồn phóng xạ kín (giới hạn 10^18 Bq)"),
            )
        })?;
        Ok(Activity { bq })
    }

    /// The activity in becquerel.
    pub fn bq(self) -> Decimal {
        self.bq
    }

    /// The activity in terabecquerel.
    pub fn tbq(self) -> Decimal {
        self.bq / Decimal::from(1_000_000_000_000_i64)
    }

    /// The activity `days` later (negative: earlier) for a half-life in days:
    /// A · 2^(−days / T½), computed in decimal arithmetic. Never negative; 0 once it has decayed
    /// below what a decimal can hold.
    pub fn decayed(self, days: i64, half_life_days: Decimal) -> Activity {
        if days == 0 || self.bq.is_zero() {
            return self;
        }
        // ln 2 to 28 significant digits.
        let ln2 = Decimal::from_i128_with_scale(6_931_471_805_599_453_094_172_321_215, 28);
        let exponent = Decimal::from(days).checked_div(half_life_days).and_then(|x| x.checked_mul(ln2));
        let factor = match exponent {
            Some(x) if x > Decimal::from(60) => Decimal::ZERO, // below 10^-26 of the start
            Some(x) => (-x).checked_exp().unwrap_or(Decimal::ZERO),
            None => Decimal::ZERO,
        };
        let bq = self.bq.checked_mul(factor).unwrap_or(if days < 0 { Decimal::from(MAX_BQ) } else { Decimal::ZERO });
        Activity { bq: bq.min(Decimal::from(MAX_BQ)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn activities_parse_exactly() {
        assert_eq!(Activity::parse("3.7 GBq").unwrap().bq(), d("3700000000"));
        assert_eq!(Activity::parse("100 mCi").unwrap().bq(), d("3700000000"));
        assert_eq!(Activity::parse("1 Ci").unwrap().tbq(), d("0.037"));
        assert_eq!(Activity::parse("5 µCi").unwrap().bq(), d("185000"));
        assert_eq!(Activity::parse("5 uCi").unwrap().bq(), d("185000"));
        assert_eq!(Activity::parse("5μCi").unwrap().bq(), d("185000"));
        assert_eq!(Activity::parse("0.3 GBq").unwrap().tbq(), d("0.0003"));
        assert_eq!(Activity::parse("2.5e3 MBq").unwrap().bq(), d("2500000000"));
        for bad in ["", "3.7", "GBq", "3,7 GBq", "1,000 mCi", "3.7 Gbq", "-1 Bq", "abc Bq", "1e30 TBq"] {
            assert!(Activity::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn one_half_life_halves_the_activity() {
        let a = Activity::parse("1 TBq").unwrap();
        let half = a.decayed(100, d("100"));
        assert!((half.tbq() - d("0.5")).abs() < d("0.0000000000001"), "{}", half.tbq());
        let back = a.decayed(-100, d("100"));
        assert!((back.tbq() - d("2")).abs() < d("0.0000000000001"));
        assert_eq!(a.decayed(100_000, d("0.1")).bq(), Decimal::ZERO);
    }
}
