//! Radionuclide data (D-values, half-lives, exemption activities) as cited data, exact activity
//! strings, decay to a date, and IAEA categories 1–5 from Σ A/D.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::{Decimal, MathematicalOps};
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::Finding;
use crate::schedule::model::Exact;
use crate::source::Src;
use crate::text::compact;

/// How far a value has been checked (docs/reference/iaea-sources.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Confidence {
    /// Verified against two independent sources.
    V2,
    /// Verified against the cited page.
    V,
    /// Recalled from the named primary document, not re-read: unverified.
    R,
    /// As `R`, low confidence: unverified.
    #[serde(rename = "R-low")]
    RLow,
}

impl Confidence {
    /// Whether the value has been verified against a source.
    pub fn is_verified(self) -> bool {
        matches!(self, Confidence::V | Confidence::V2)
    }
}

/// Where a value comes from and how sure we are of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// Confidence tag.
    pub confidence: Confidence,
    /// The source.
    pub source: String,
}

/// One radionuclide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Nuclide {
    /// Canonical name, e.g. `Cs-137`.
    pub name: String,
    /// D-value in TBq.
    pub d_value_tbq: Decimal,
    /// Where the D-value comes from.
    pub d_value: Provenance,
    /// Half-life in days.
    pub half_life_days: Decimal,
    /// Where the half-life comes from.
    pub half_life_source: Provenance,
    /// Exemption activity in Bq, when the data has one.
    pub exempt_activity_bq: Option<Decimal>,
    /// Where the exemption activity comes from.
    pub exempt_activity: Option<Provenance>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NuclideFile {
    name: toml::Spanned<String>,
    #[serde(default)]
    aliases: Vec<String>,
    d_value_tbq: toml::Spanned<Exact>,
    d_value: Provenance,
    half_life: toml::Spanned<String>,
    half_life_source: Provenance,
    #[serde(default)]
    exempt_activity_bq: Option<toml::Spanned<Exact>>,
    #[serde(default)]
    exempt_activity: Option<Provenance>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NuclidesFile {
    year_days: Exact,
    nuclide: Vec<NuclideFile>,
}

/// The nuclide table, looked up by any common spelling ("Cs-137", "cs137", "137Cs", "Cesium-137").
#[derive(Clone, Debug)]
pub struct Nuclides {
    list: Vec<Nuclide>,
    index: BTreeMap<String, usize>,
}

/// The lookup key of a nuclide spelling: letters then digits, lower case ("137Cs" → "cs137").
fn nuclide_key(s: &str) -> String {
    let c = compact(s);
    let digits: String = c.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() && c.len() > digits.len() {
        let rest = &c[digits.len()..];
        let letters: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
        let tail = &rest[letters.len()..];
        return format!("{letters}{digits}{tail}");
    }
    c
}

fn parse_half_life(text: &str, year_days: Decimal) -> Option<Decimal> {
    let (num, unit) = text.trim().split_once(' ')?;
    let value = Decimal::from_str_exact(num).ok()?;
    let per_day = match unit.trim() {
        "y" => year_days,
        "d" => Decimal::ONE,
        "h" => Decimal::ONE / Decimal::from(24),
        "min" => Decimal::ONE / Decimal::from(1440),
        _ => return None,
    };
    let days = value.checked_mul(per_day)?;
    (days > Decimal::ZERO).then_some(days)
}

impl Nuclides {
    pub(crate) fn load(src: &Src<'_>, findings: &mut Vec<Finding>) -> Option<Nuclides> {
        let raw: NuclidesFile = src.parse(findings)?;
        let mut list = Vec::new();
        let mut index = BTreeMap::new();
        for n in raw.nuclide {
            let Some(half_life_days) = parse_half_life(n.half_life.get_ref(), raw.year_days.0) else {
                findings.push(src.error(
                    &n.half_life,
                    "half_life",
                    format!("`{}` is not a half-life: write a positive number and a unit (y, d, h or min), e.g. \"30.08 y\"", n.half_life.get_ref()),
                ));
                continue;
            };
            let d = n.d_value_tbq.get_ref().0;
            if d <= Decimal::ZERO {
                findings.push(src.error(&n.d_value_tbq, "d_value_tbq", "a D-value must be a positive activity in TBq"));
                continue;
            }
            if n.exempt_activity_bq.is_some() != n.exempt_activity.is_some() {
                findings.push(src.error(
                    &n.name,
                    "exempt_activity",
                    "give exempt_activity_bq and its source (exempt_activity) together",
                ));
            }
            let i = list.len();
            for spelling in std::iter::once(n.name.get_ref()).chain(&n.aliases) {
                if index.insert(nuclide_key(spelling), i).is_some_and(|prev| prev != i) {
                    findings.push(src.error(
                        &n.name,
                        "aliases",
                        format!("the spelling `{spelling}` names two nuclides"),
                    ));
                }
            }
            list.push(Nuclide {
                name: n.name.get_ref().clone(),
                d_value_tbq: d,
                d_value: n.d_value,
                half_life_days,
                half_life_source: n.half_life_source,
                exempt_activity_bq: n.exempt_activity_bq.map(|e| e.get_ref().0),
                exempt_activity: n.exempt_activity,
            });
        }
        Some(Nuclides { list, index })
    }

    /// The nuclide for a spelling.
    pub fn get(&self, name: &str) -> Option<&Nuclide> {
        self.index.get(&nuclide_key(name)).and_then(|&i| self.list.get(i))
    }

    /// Every nuclide, in file order.
    pub fn all(&self) -> &[Nuclide] {
        &self.list
    }
}

/// An activity, exact, in becquerel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Activity {
    bq: Decimal,
}

/// Why an activity string could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityError(pub String);

impl fmt::Display for ActivityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Largest activity accepted, in Bq (10^18 Bq, far beyond any sealed source: a large
/// panoramic irradiator holds about 10^17 Bq).
const MAX_BQ: i64 = 1_000_000_000_000_000_000;

impl Activity {
    /// Parses "3.7 GBq", "100 mCi", "5 µCi", "2.5e3 MBq": a number (decimal point `.`, optional
    /// exponent) and a unit (Bq, kBq, MBq, GBq, TBq, PBq, Ci, mCi, µCi/uCi, nCi), exactly.
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
        let hint = "write a number and a unit, e.g. \"3.7 GBq\", \"100 mCi\" or \"5 uCi\"";
        if num.is_empty() || unit.is_empty() {
            return Err(ActivityError(format!("`{text}` is not an activity: {hint}")));
        }
        let value = crate::number::parse_decimal(num, crate::number::Form::Scientific)
            .map_err(|e| ActivityError(format!("activity `{}`: {e}", crate::text::excerpt(t))))?;
        if value <= Decimal::ZERO {
            return Err(ActivityError(format!(
                "`{}`: an activity is more than 0 (a source with no activity left is not declared)",
                crate::text::excerpt(text)
            )));
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
                return Err(ActivityError(format!(
                    "unknown activity unit `{unit}`: use Bq, kBq, MBq, GBq, TBq, PBq, Ci, mCi, µCi (or uCi), nCi"
                )));
            }
        };
        let bq = value
            .checked_mul(factor)
            .filter(|b| *b <= Decimal::from(MAX_BQ))
            .ok_or_else(|| ActivityError(format!("`{text}` is larger than any sealed source (limit 10^18 Bq)")))?;
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

/// One source as evaluated on a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceAssessment {
    /// Canonical nuclide name.
    pub nuclide: String,
    /// Activity on the date, TBq (decayed from the reference date when one was given).
    pub activity_tbq: Decimal,
    /// D-value used, TBq.
    pub d_value_tbq: Decimal,
    /// A/D of this source.
    pub a_over_d: Decimal,
    /// Whether every value used for this source is verified.
    pub verified: bool,
}

/// The category for a total A/D, given bounds (category, lower bound) from the most dangerous.
pub(crate) fn category(a_over_d: Decimal, bounds: &[(u8, Decimal)]) -> u8 {
    bounds.iter().find(|(_, lower)| a_over_d >= *lower).map_or(5, |(c, _)| *c)
}

/// Σ A/D (rounded to 28 digits), from sources already decayed to the date.
pub(crate) fn sum_a_over_d(sources: &[SourceAssessment]) -> Decimal {
    sources.iter().fold(Decimal::ZERO, |acc, s| acc.checked_add(s.a_over_d).unwrap_or(Decimal::MAX))
}

/// Assesses one source on `date`.
pub(crate) fn assess(
    nuclide: &Nuclide,
    activity: Activity,
    reference_date: Option<Date>,
    date: Date,
) -> SourceAssessment {
    let days = reference_date.map_or(0, |r| r.days_until(date));
    let now = activity.decayed(days, nuclide.half_life_days);
    let tbq = now.tbq();
    SourceAssessment {
        nuclide: nuclide.name.clone(),
        activity_tbq: crate::money::canonical(tbq),
        d_value_tbq: nuclide.d_value_tbq,
        a_over_d: crate::money::canonical(tbq.checked_div(nuclide.d_value_tbq).unwrap_or(Decimal::MAX)),
        verified: nuclide.d_value.confidence.is_verified()
            && (days == 0 || nuclide.half_life_source.confidence.is_verified()),
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
    fn nuclide_spellings() {
        assert_eq!(nuclide_key("Cs-137"), "cs137");
        assert_eq!(nuclide_key("137Cs"), "cs137");
        assert_eq!(nuclide_key("Am-241/Be"), "am241be");
        assert_eq!(nuclide_key("Tc-99m"), "tc99m");
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
