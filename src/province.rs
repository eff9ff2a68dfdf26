//! The 34 provincial-level units (from 2025-07-01), the 63 former names, forgiving lookup, and
//! each province's collecting body and local deviations.
//!
//! ```
//! use radfee::{Date, Law};
//!
//! let provinces = Law::builtin()?.provinces();
//! let on = Date::new(2026, 3, 1).unwrap();
//! // Forgiving: case, diacritics, prefixes, English names, former provinces.
//! let (resolved, _) = provinces.resolve("tp hcm", on).unwrap();
//! assert_eq!(resolved.slug, "ho-chi-minh");
//! let (resolved, _) = provinces.resolve("Bình Dương", on).unwrap();
//! assert_eq!(resolved.slug, "ho-chi-minh"); // merged on 2025-07-01
//! let err = provinces.resolve("Ha Noj", on).unwrap_err();
//! assert!(err.suggestions.contains(&"Thành phố Hà Nội".to_owned()), "{err}");
//! # Ok::<(), radfee::Error>(())
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::Finding;
use crate::schedule::files::ProvinceFile;
use crate::schedule::model::DeviationFile;
use crate::schedule::{DeviationInfo, ProvinceKind, Version};
use crate::source::SourceFile;
use crate::source::Src;
use crate::text::{compact, edit_distance, fold};

use crate::vocab::{Body, LegalRef, Text};

pub use crate::schedule::ProvinceKind as Kind;

/// A former province merged into a current one on the reorganisation date.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FormerProvince {
    /// Stable slug, e.g. `binh-duong`.
    pub slug: String,
    /// Names.
    pub name: Text,
    /// Other spellings.
    pub aliases: Vec<String>,
}

/// A deviation of one province, precomputed against each national version it overlaps.
#[derive(Clone, Debug)]
struct Deviation {
    from: Date,
    until: Option<Date>,
    /// (national version id, the version the province applies under the deviation).
    versions: Vec<(String, Version)>,
}

/// A current provincial-level unit.
#[derive(Clone, Debug)]
pub struct Province {
    slug: String,
    name: Text,
    kind: ProvinceKind,
    aliases: Vec<String>,
    since: Date,
    basis: LegalRef,
    former: Vec<FormerProvince>,
    collector: Body,
    deviations: Vec<Deviation>,
}

impl Province {
    /// Stable slug, e.g. `ho-chi-minh`.
    pub fn slug(&self) -> &str {
        &self.slug
    }
    /// Official names, e.g. "Thành phố Hồ Chí Minh" / "Ho Chi Minh City".
    pub fn name(&self) -> &Text {
        &self.name
    }
    /// Province or centrally-run city.
    pub fn kind(&self) -> ProvinceKind {
        self.kind
    }
    /// The day the unit took its current form (2025-07-01 for all 34).
    pub fn since(&self) -> Date {
        self.since
    }
    /// The legal basis of its current form.
    pub fn basis(&self) -> &LegalRef {
        &self.basis
    }
    /// Former provinces merged into it.
    pub fn former(&self) -> &[FormerProvince] {
        &self.former
    }
    /// The body that appraises and collects for provincially licensed devices.
    pub fn collector(&self) -> &Body {
        &self.collector
    }
    /// Other accepted spellings.
    pub fn aliases(&self) -> &[String] {
        &self.aliases
    }
    /// Whether the province declares any local deviation from the national schedule.
    pub fn has_deviations(&self) -> bool {
        !self.deviations.is_empty()
    }

    /// The version this province applies on `date` when the national version in force is
    /// `national`: the national version itself, or its deviation.
    pub fn version_applied<'a>(&'a self, national: &'a Version, date: Date) -> &'a Version {
        self.deviations
            .iter()
            .filter(|d| Date::within(date, Some(d.from), d.until))
            .find_map(|d| d.versions.iter().find(|(id, _)| id == national.id()).map(|(_, v)| v))
            .unwrap_or(national)
    }
}

/// The result of looking up a province name on a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResolvedProvince {
    /// Slug of the unit that is competent on the date.
    pub slug: String,
    /// Its names.
    pub name: Text,
    /// The name as written in the application.
    pub as_written: String,
    /// Set when the name was a former province: its slug and names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub former: Option<FormerRef>,
    /// Whether the unit on that date is a former province in its own right (dates before the
    /// merger): its own department appraised and collected.
    #[serde(default)]
    pub historical: bool,
}

/// A former province named in an application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FormerRef {
    /// Slug of the former province.
    pub slug: String,
    /// Its names.
    pub name: Text,
    /// The day it merged into its successor.
    pub merged_on: Date,
}

/// Why a name did not resolve: the name as written and the close spellings.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LookupError {
    /// The name as written.
    pub written: String,
    /// Close spellings (Vietnamese names of current or former provinces), at most five.
    pub suggestions: Vec<String>,
}

impl std::fmt::Display for LookupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = crate::text::excerpt(&self.written);
        if self.suggestions.is_empty() {
            write!(
                f,
                "unknown province `{shown}`: write the name of one of the 34 provinces or cities (or a former province), e.g. \"Hà Nội\", \"Đồng Nai\", \"Bình Dương\""
            )
        } else {
            write!(f, "unknown province `{shown}`; did you mean {}?", self.suggestions.join(", "))
        }
    }
}

impl std::error::Error for LookupError {}

impl LookupError {
    /// The message in Vietnamese.
    pub fn message_vi(&self) -> String {
        let shown = crate::text::excerpt(&self.written);
        if self.suggestions.is_empty() {
            format!(
                "không có tỉnh, thành phố `{shown}`: ghi tên một trong 34 tỉnh, thành phố (hoặc tên tỉnh cũ trước khi sáp nhập), ví dụ \"Hà Nội\", \"Đồng Nai\", \"Bình Dương\""
            )
        } else {
            format!("không có tỉnh, thành phố `{shown}`; có phải là {}?", self.suggestions.join(", "))
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Entry {
    Current(usize),
    Former(usize, usize),
}

/// All provinces, with a lookup that forgives case, diacritics, prefixes and English names,
/// and is never ambiguous (the loader refuses two units sharing a spelling).
#[derive(Clone, Debug)]
pub struct Provinces {
    list: Vec<Province>,
    index: BTreeMap<String, Entry>,
    /// Spellings exactly as the files write them (and their short forms), for a lookup that
    /// folds nothing and allocates nothing; anything else goes through `index`.
    exact: std::collections::HashMap<String, Entry, crate::text::Fixed>,
}

/// Administrative prefixes as written in the files (for the exact-spelling table).
const PREFIX_WORDS: &[&str] = &["Thành phố ", "Tỉnh "];

const PREFIXES: &[&str] = &["thanh pho ", "tinh ", "tp ", "t p ", "city of ", "province of "];
const SUFFIXES: &[&str] = &[" city", " province"];

/// The lookup keys of a spelling: with and without the administrative prefix or suffix.
fn keys_of(text: &str) -> Vec<String> {
    let folded = fold(text);
    let mut stripped = folded.clone();
    for p in PREFIXES {
        if let Some(rest) = stripped.strip_prefix(p) {
            stripped = rest.to_owned();
            break;
        }
    }
    for s in SUFFIXES {
        if let Some(rest) = stripped.strip_suffix(s) {
            stripped = rest.to_owned();
            break;
        }
    }
    let mut keys = vec![compact(&folded)];
    let k = stripped.replace(' ', "");
    if !k.is_empty() && !keys.contains(&k) {
        keys.push(k);
    }
    keys
}

impl Provinces {
    pub(crate) fn load(files: &[&SourceFile], versions: &[Version], findings: &mut Vec<Finding>) -> Option<Provinces> {
        let mut list: Vec<Province> = Vec::new();
        let mut index: BTreeMap<String, (Entry, String)> = BTreeMap::new();
        let mut ok = true;
        for file in files {
            let src = Src::new(&file.display_name, &file.text);
            let Some(raw) = src.parse::<ProvinceFile>(findings) else {
                ok = false;
                continue;
            };
            let p = list.len();
            let mut add = |spelling: &toml::Spanned<String>, entry: Entry, key: &str, findings: &mut Vec<Finding>| {
                for k in keys_of(spelling.get_ref()) {
                    if k.is_empty() {
                        continue;
                    }
                    match index.get(&k) {
                        Some((e, owner)) if !same(*e, entry) => {
                            findings.push(src.error(
                                spelling,
                                key,
                                format!(
                                    "the spelling `{}` is also used by {owner}: province lookup would be ambiguous",
                                    spelling.get_ref()
                                ),
                            )
                            .vi(format!(
                                "cách viết `{}` đã được dùng trong tệp {owner}: khi tra cứu sẽ không xác định được là tỉnh, thành phố nào",
                                spelling.get_ref()
                            )));
                        }
                        Some(_) => {}
                        None => {
                            index.insert(k, (entry, file.display_name.clone()));
                        }
                    }
                }
            };
            let slug_str = raw.slug.get_ref().clone();
            if list.iter().any(|q| q.slug == slug_str) {
                findings.push(
                    src.error(&raw.slug, "slug", format!("slug `{slug_str}` is used by another province file")).vi(
                        format!("mã `{slug_str}` (khóa `slug`) đã được dùng trong tệp của một tỉnh, thành phố khác"),
                    ),
                );
            }
            add(&raw.slug, Entry::Current(p), "slug", findings);
            for name in [&raw.name.vi, &raw.name.en] {
                add(&toml::Spanned::new(raw.slug.span(), name.clone()), Entry::Current(p), "name", findings);
            }
            for alias in &raw.aliases {
                add(alias, Entry::Current(p), "aliases", findings);
            }
            let mut former = Vec::new();
            for (j, f) in raw.former.iter().enumerate() {
                let entry = Entry::Former(p, j);
                add(&f.slug, entry, "former.slug", findings);
                for name in [&f.name.vi, &f.name.en] {
                    add(&toml::Spanned::new(f.slug.span(), name.clone()), entry, "former.name", findings);
                }
                for alias in &f.aliases {
                    add(alias, entry, "former.aliases", findings);
                }
                former.push(FormerProvince {
                    slug: f.slug.get_ref().clone(),
                    name: f.name.clone(),
                    aliases: f.aliases.iter().map(|a| a.get_ref().clone()).collect(),
                });
            }
            if raw.schedule.get_ref() != "national" {
                findings.push(
                    src.error(&raw.schedule, "schedule", format!("unknown schedule `{}`", raw.schedule.get_ref()))
                        .vi(format!("không có biểu phí `{}`", raw.schedule.get_ref()))
                        .with_hints(
                            "a province applies the national schedule: schedule = \"national\"; local changes are [[deviation]] tables",
                            "tỉnh, thành phố áp dụng biểu phí quốc gia: schedule = \"national\"; quy định riêng của địa phương ghi trong các bảng [[deviation]]",
                        ),
                );
            }
            let deviations = load_deviations(&src, &slug_str, &raw.deviations, versions, findings);
            list.push(Province {
                slug: slug_str,
                name: raw.name.clone(),
                kind: raw.kind,
                aliases: raw.aliases.iter().map(|a| a.get_ref().clone()).collect(),
                since: *raw.since.get_ref(),
                basis: raw.basis.clone(),
                former,
                collector: Body {
                    vi: raw.collector.vi.clone(),
                    en: raw.collector.en.clone(),
                    basis: raw.collector.basis.clone(),
                },
                deviations,
            });
        }
        let mut exact = std::collections::HashMap::with_hasher(crate::text::Fixed::default());
        // A unit's spellings as the files write them: slug, both names, the Vietnamese name
        // without its administrative prefix, and the aliases.
        let spellings = |slug: &str, name: &Text, aliases: &[String]| {
            let short = PREFIX_WORDS.iter().find_map(|w| name.vi.strip_prefix(w)).unwrap_or(&name.vi).to_owned();
            [slug.to_owned(), name.vi.clone(), name.en.clone(), short].into_iter().chain(aliases.to_vec())
        };
        for (p, prov) in list.iter().enumerate() {
            for n in spellings(&prov.slug, &prov.name, &prov.aliases) {
                exact.entry(n).or_insert(Entry::Current(p));
            }
            for (j, f) in prov.former.iter().enumerate() {
                for n in spellings(&f.slug, &f.name, &f.aliases) {
                    exact.entry(n).or_insert(Entry::Former(p, j));
                }
            }
        }
        ok.then(|| Provinces { list, index: index.into_iter().map(|(k, (e, _))| (k, e)).collect(), exact })
    }

    /// Every current province, in file order.
    pub fn all(&self) -> &[Province] {
        &self.list
    }

    /// The current province with this slug.
    pub fn by_slug(&self, slug: &str) -> Option<&Province> {
        self.list.iter().find(|p| p.slug == slug)
    }

    /// Resolves any spelling of a current or former province on `date`. A former name resolves
    /// to its successor from the merger date on; before it, to the former province itself.
    ///
    /// # Errors
    /// [`LookupError`] with the name as written and up to five close spellings.
    pub fn resolve(&self, name: &str, date: Date) -> Result<(ResolvedProvince, &Province), LookupError> {
        let entry = self.entry(name);
        let Some(entry) = entry else {
            return Err(self.unknown(name));
        };
        match entry {
            Entry::Current(p) => {
                let prov = &self.list[p];
                Ok((
                    ResolvedProvince {
                        slug: prov.slug.clone(),
                        name: prov.name.clone(),
                        as_written: name.to_owned(),
                        former: None,
                        historical: false,
                    },
                    prov,
                ))
            }
            Entry::Former(p, j) => {
                let prov = &self.list[p];
                let f = &prov.former[j];
                let former = FormerRef { slug: f.slug.clone(), name: f.name.clone(), merged_on: prov.since };
                if date >= prov.since {
                    Ok((
                        ResolvedProvince {
                            slug: prov.slug.clone(),
                            name: prov.name.clone(),
                            as_written: name.to_owned(),
                            former: Some(former),
                            historical: false,
                        },
                        prov,
                    ))
                } else {
                    Ok((
                        ResolvedProvince {
                            slug: f.slug.clone(),
                            name: f.name.clone(),
                            as_written: name.to_owned(),
                            former: Some(former),
                            historical: true,
                        },
                        prov,
                    ))
                }
            }
        }
    }

    fn entry(&self, name: &str) -> Option<Entry> {
        self.exact.get(name).copied().or_else(|| keys_of(name).iter().find_map(|k| self.index.get(k).copied()))
    }

    /// The unit a spelling names: the current province (its index in the list) and, for the
    /// name of a former province, which former one (competent in its own right before its
    /// merger). Allocates nothing for the spellings the files use.
    pub(crate) fn unit_of(&self, name: &str) -> Option<(usize, Option<usize>)> {
        Some(match self.entry(name)? {
            Entry::Current(p) => (p, None),
            Entry::Former(p, j) => (p, Some(j)),
        })
    }

    /// The province at `index` in the list ([`Provinces::unit_of`]).
    pub(crate) fn get_index(&self, index: usize) -> Option<&Province> {
        self.list.get(index)
    }

    fn unknown(&self, name: &str) -> LookupError {
        /// Spellings longer than this (folded) are not compared letter by letter: no province
        /// name is near that long, and the comparison grows with the square of the length.
        const MAX_COMPARED: usize = 64;
        let key = compact(name);
        let mut close: Vec<&str> = self
            .index
            .iter()
            .filter(|(k, _)| {
                key.len() >= 3
                    && key.len() <= MAX_COMPARED
                    && (k.contains(key.as_str()) || key.contains(k.as_str()) || edit_distance(k, &key) <= 2)
            })
            .map(|(_, e)| match *e {
                Entry::Current(p) => self.list[p].name.vi.as_str(),
                Entry::Former(p, j) => self.list[p].former[j].name.vi.as_str(),
            })
            .collect();
        close.sort_unstable();
        close.dedup();
        close.truncate(5);
        LookupError { written: name.to_owned(), suggestions: close.into_iter().map(str::to_owned).collect() }
    }
}

fn same(a: Entry, b: Entry) -> bool {
    match (a, b) {
        (Entry::Current(x), Entry::Current(y)) => x == y,
        (Entry::Former(x, i), Entry::Former(y, j)) => x == y && i == j,
        _ => false,
    }
}

fn load_deviations(
    src: &Src<'_>,
    slug: &str,
    raw: &[DeviationFile],
    versions: &[Version],
    findings: &mut Vec<Finding>,
) -> Vec<Deviation> {
    let mut out: Vec<Deviation> = Vec::new();
    for (k, d) in raw.iter().enumerate() {
        let from = *d.from.get_ref();
        let until = d.until.as_ref().map(|u| *u.get_ref());
        if let (Some(u), Some(us)) = (until, &d.until)
            && u < from
        {
            findings.push(
                src.error(
                    us,
                    "deviation.until",
                    format!("deviation `{}` ends on {u} before it starts on {from}", d.id.get_ref()),
                )
                .vi(format!(
                    "quy định riêng `{}` hết hiệu lực ngày {}, trước ngày bắt đầu có hiệu lực {}",
                    d.id.get_ref(),
                    u.day_first(),
                    from.day_first()
                )),
            );
        }
        for (e, other) in raw.iter().enumerate().take(k) {
            let ofrom = *other.from.get_ref();
            let ountil = other.until.as_ref().map(|u| *u.get_ref());
            let overlap = until.is_none_or(|u| u >= ofrom) && ountil.is_none_or(|u| u >= from);
            if overlap && e != k {
                findings.push(
                    src.error(
                        &d.from,
                        "deviation.from",
                        format!(
                            "deviations `{}` and `{}` are both in force on some days: two local rules for the same case conflict",
                            other.id.get_ref(),
                            d.id.get_ref()
                        ),
                    )
                    .vi(format!(
                        "quy định riêng `{}` và `{}` cùng có hiệu lực trong một số ngày: hai quy định của địa phương cho cùng một trường hợp mâu thuẫn nhau",
                        other.id.get_ref(),
                        d.id.get_ref()
                    ))
                    .with_hints(
                        "give them periods that do not overlap, or merge them into one deviation",
                        "đặt thời gian hiệu lực không chồng lên nhau, hoặc gộp thành một quy định riêng",
                    ),
                );
            }
        }
        let info = DeviationInfo {
            province: slug.to_owned(),
            id: d.id.get_ref().clone(),
            name: d.name.clone(),
            basis: d.basis.clone(),
        };
        let mut applied = Vec::new();
        for (i, v) in versions.iter().enumerate() {
            let v_end = versions.get(i + 1).and_then(|n| n.effective_from().pred());
            let v_end = match (v.effective_until(), v_end) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let overlaps = until.is_none_or(|u| u >= v.effective_from()) && v_end.is_none_or(|e| e >= from);
            if overlaps {
                let version = crate::schedule::apply_deviation(v, info.clone(), d.patch(), src, findings);
                applied.push((v.id().to_owned(), version));
            }
        }
        if applied.is_empty() {
            findings.push(
                Finding::warning(
                    Some(src.at(d.from.span())),
                    Some("deviation.from"),
                    format!("deviation `{}` overlaps no national version in force", d.id.get_ref()),
                )
                .vi(format!(
                    "thời gian hiệu lực của quy định riêng `{}` không trùng với phiên bản biểu phí quốc gia nào",
                    d.id.get_ref()
                )),
            );
        }
        out.push(Deviation { from, until, versions: applied });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_strip_prefixes_and_suffixes() {
        assert_eq!(keys_of("Thành phố Hồ Chí Minh"), vec!["thanhphohochiminh", "hochiminh"]);
        assert_eq!(keys_of("TP. Hà Nội"), vec!["tphanoi", "hanoi"]);
        assert_eq!(keys_of("Ho Chi Minh City"), vec!["hochiminhcity", "hochiminh"]);
        assert_eq!(keys_of("Tỉnh Đồng Nai"), vec!["tinhdongnai", "dongnai"]);
        assert_eq!(keys_of("TP.HCM"), vec!["tphcm", "hcm"]);
    }
}
