//! Radionuclide data (D-values, half-lives, exemption activities) as cited data, exact activity
//! strings, decay to a date, and IAEA categories 1–5 from Σ A/D.
//!
//! ```
//! use radfee::nuclide::Activity;
//!
//! let a = Activity::parse("100 mCi").unwrap();
//! assert_eq!(a.bq(), 3_700_000_000i64.into()); // 1 Ci = 3.7e10 Bq, exactly
//! assert!(Activity::parse("3,7 GBq").is_err()); // a decimal comma is refused, not guessed
//! ```

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::Finding;
use crate::number::Number;
use crate::source::Src;
use crate::text::compact;

pub use crate::vocab::{Activity, ActivityError};

/// How far a value has been checked (docs/reference/iaea-sources.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
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
#[non_exhaustive]
pub struct Provenance {
    /// Confidence tag.
    pub confidence: Confidence,
    /// The source.
    pub source: String,
}

/// One radionuclide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
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
    d_value_tbq: toml::Spanned<Number>,
    d_value: Provenance,
    half_life: toml::Spanned<String>,
    half_life_source: Provenance,
    #[serde(default)]
    exempt_activity_bq: Option<toml::Spanned<Number>>,
    #[serde(default)]
    exempt_activity: Option<Provenance>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NuclidesFile {
    year_days: Number,
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
                )
                .vi(format!(
                    "`{}` không phải là chu kỳ bán rã: ghi một số dương kèm đơn vị (y: năm, d: ngày, h: giờ, min: phút), ví dụ \"30.08 y\"",
                    n.half_life.get_ref()
                )));
                continue;
            };
            let d = n.d_value_tbq.get_ref().0;
            if d <= Decimal::ZERO {
                findings.push(
                    src.error(&n.d_value_tbq, "d_value_tbq", "a D-value must be a positive activity in TBq")
                        .vi("giá trị D phải là hoạt độ dương, tính bằng TBq"),
                );
                continue;
            }
            if n.exempt_activity_bq.is_some() != n.exempt_activity.is_some() {
                findings.push(src.error(
                    &n.name,
                    "exempt_activity",
                    "give exempt_activity_bq and its source (exempt_activity) together",
                )
                .vi("ghi đồng thời mức hoạt độ miễn trừ (`exempt_activity_bq`) và căn cứ của mức đó (`exempt_activity`)"));
            }
            let i = list.len();
            for spelling in std::iter::once(n.name.get_ref()).chain(&n.aliases) {
                if index.insert(nuclide_key(spelling), i).is_some_and(|prev| prev != i) {
                    findings.push(
                        src.error(&n.name, "aliases", format!("the spelling `{spelling}` names two nuclides"))
                            .vi(format!("cách viết `{spelling}` được dùng cho hai đồng vị phóng xạ khác nhau")),
                    );
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

/// One source as evaluated on a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
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

    #[test]
    fn nuclide_spellings() {
        assert_eq!(nuclide_key("Cs-137"), "cs137");
        assert_eq!(nuclide_key("137Cs"), "cs137");
        assert_eq!(nuclide_key("Am-241/Be"), "am241be");
        assert_eq!(nuclide_key("Tc-99m"), "tc99m");
    }
}
