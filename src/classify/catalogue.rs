//! The device catalogue (`fee-schedules/catalogue/*.toml`): manufacturers and models read from
//! public records, each with its class (or candidate classes and the deciding field) and its
//! source. Loaded and checked with the schedules; the classifier reads it as evidence beside
//! the vocabulary of generic words (a name it does not know still goes through that).
//!
//! What the check refuses, each at its file, line and column: a model with no source, no
//! class, an unknown class, no pattern, a pattern too short or too generic to stand alone, a
//! manufacturer no file defines, the same model or pattern twice, and two entries that give
//! one pattern different classes.

use std::collections::HashMap;

use super::catalogue_check::{citation_checks, classes_of, pattern_problem};
use super::lexicon::LEXICON;
use super::profiles::PROFILES;
use crate::error::{Finding, Location};
use crate::schedule::CitationKind;
use crate::schedule::catalogue::{CatalogueFile, CitationFile};
use crate::source::Src;
use crate::text::{Fixed, compact};
use crate::vocab::{DeviceClass, Field};

pub use super::catalogue_check::MIN_ALONE;

/// The public record an entry is read from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Citation {
    /// The kind of record (absent on some manufacturers' citations).
    pub kind: Option<CitationKind>,
    /// Its number (FDA `K123456`, an NRC registry sheet…).
    pub number: Option<String>,
    /// FDA product code(s), as the record shows them.
    pub product_code: Option<String>,
    /// The regulation the record cites.
    pub regulation: Option<String>,
    /// The record's title, or what it says that establishes the class.
    pub title: String,
    /// Where to find it.
    pub url: String,
}

impl Citation {
    fn of(c: &CitationFile) -> Citation {
        Citation {
            kind: c.kind,
            number: c.number.clone(),
            product_code: c.product_code.clone(),
            regulation: c.regulation.clone(),
            title: c.title.clone(),
            url: c.url.clone(),
        }
    }

    /// One line for a reason: the record's kind and number, product code, regulation, title
    /// and address (`FDA 510(k) K212441 (product code JAK; 21 CFR 892.1750): … <https://…>`).
    pub fn summary(&self) -> String {
        let kind = match self.kind {
            Some(CitationKind::Fda510k) => "FDA 510(k)".to_owned(),
            Some(CitationKind::FdaPma) => "FDA PMA".to_owned(),
            Some(k) => serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            None => String::new(),
        };
        let mut head =
            [Some(kind), self.number.clone()].into_iter().flatten().filter(|s| !s.is_empty()).collect::<Vec<_>>();
        let extra: Vec<String> =
            [self.product_code.as_ref().map(|p| format!("product code {p}")), self.regulation.clone()]
                .into_iter()
                .flatten()
                .collect();
        if !extra.is_empty() {
            head.push(format!("({})", extra.join("; ")));
        }
        let head = head.join(" ");
        let sep = if head.is_empty() { "" } else { ": " };
        format!("{head}{sep}{} <{}>", self.title, self.url)
    }
}

/// A manufacturer and the names that stand for it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Manufacturer {
    /// Its id (`siemens-healthineers`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Other names and spellings.
    pub aliases: Vec<String>,
    /// The record that names it.
    pub source: Citation,
}

/// A model or product line of the catalogue.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CatalogueEntry {
    /// The manufacturer's name, when the source names it.
    pub manufacturer: Option<String>,
    /// The model's name.
    pub name: String,
    /// Its class, or its candidate classes (two or more) when one name covers several.
    pub classes: Vec<DeviceClass>,
    /// The field that decides between the candidates.
    pub decided_by: Option<Field>,
    /// The strings that recognise it alone, and those that need the manufacturer named too.
    pub patterns: Vec<String>,
    /// Strings that recognise it only beside the manufacturer's name.
    pub with_brand: Vec<String>,
    /// The public record its class is read from.
    pub source: Citation,
    /// Why it may be wrong, when the catalogue says so.
    pub doubt: Option<String>,
    /// A note for officers.
    pub note: Option<String>,
    /// Where the entry is written.
    pub location: Location,
}

impl CatalogueEntry {
    /// "Brand Model" as an officer would say it.
    pub fn label(&self) -> String {
        match &self.manufacturer {
            Some(m) if !compact(&self.name).starts_with(&compact(m)) => format!("{m} {}", self.name),
            _ => self.name.clone(),
        }
    }
}

/// What a key of the index recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Target {
    /// A manufacturer (its index).
    Brand(u32),
    /// A model (its index); `needs_brand` when the manufacturer must be named too.
    Model { entry: u32, needs_brand: bool },
}

/// A pattern or manufacturer name, compacted (folded, no spaces).
#[derive(Clone, Debug)]
pub(super) struct Key {
    pub(super) text: Box<str>,
    pub(super) target: Target,
}

/// The catalogue: manufacturers, entries, and the index the name reader scans.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    manufacturers: Vec<Manufacturer>,
    entries: Vec<CatalogueEntry>,
    /// The manufacturer of each entry (index into `manufacturers`).
    pub(super) brand_of: Vec<Option<u32>>,
    /// The classes of each entry as a mask over the class profiles.
    pub(super) masks: Vec<u64>,
    pub(super) keys: Vec<Key>,
    /// Hash of a key's text → the keys with that hash.
    pub(super) by_hash: HashMap<u64, Vec<u32>, Fixed>,
    /// The longest key, in bytes.
    pub(super) max_len: usize,
    /// The first two bytes of every key, as bits (a run of words whose first two bytes are
    /// not here starts no key, and is not hashed).
    pub(super) starts: Vec<u64>,
    /// Some key is one byte long (the filter above cannot be used).
    pub(super) one_byte_key: bool,
    /// Spellings one letter away, built on first use (`matcher::find_near`).
    pub(super) near: std::sync::OnceLock<HashMap<u64, Vec<u32>, Fixed>>,
}

/// A pattern already read: its entry, manufacturer, whether it needs the manufacturer named,
/// the entry's classes (mask), and where it is written.
type Seen = (u32, Option<u32>, bool, u64, Place);

/// Where something is written: the file's index and the byte offset (turned into a line and
/// column only for a message).
type Place = (usize, usize);

/// FNV-1a, fed one byte at a time, so a run of words is hashed as it is read.
pub(super) const HASH_START: u64 = 0xcbf2_9ce4_8422_2325;
pub(super) fn feed(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
}
pub(super) fn hash(text: &str) -> u64 {
    text.bytes().fold(HASH_START, feed)
}

fn mask_of(classes: &[DeviceClass]) -> u64 {
    classes.iter().filter_map(|c| PROFILES.iter().position(|p| p.class == *c)).fold(0, |m, i| m | (1u64 << i))
}

fn shown(l: &Location) -> String {
    format!("{}:{}:{}", l.file, l.line, l.column)
}

impl Catalogue {
    /// The manufacturers.
    pub fn manufacturers(&self) -> &[Manufacturer] {
        &self.manufacturers
    }

    /// The entries, in file order.
    pub fn entries(&self) -> &[CatalogueEntry] {
        &self.entries
    }

    /// Reads and checks the catalogue files; every problem is a finding at its place.
    pub(crate) fn load(files: &[Src<'_>], findings: &mut Vec<Finding>) -> Catalogue {
        let parsed: Vec<(usize, CatalogueFile)> = files
            .iter()
            .enumerate()
            .filter_map(|(i, src)| src.parse_text_only::<CatalogueFile>(findings).map(|f| (i, f)))
            .collect();
        let mut cat = Catalogue::default();
        // Manufacturers first: models in any file may name them.
        let mut ids: HashMap<String, (u32, Place), Fixed> = HashMap::default();
        let shown = |(file, offset): &Place| shown(&files[*file].location(*offset));
        let mut names: HashMap<String, Vec<u32>, Fixed> = HashMap::default();
        for (i, file) in &parsed {
            let src = &files[*i];
            for m in &file.manufacturer {
                let at = (*i, m.id.span().start);
                let id = m.id.get_ref().clone();
                let valid =
                    !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !valid {
                    findings.push(
                        src.error(
                            &m.id,
                            "manufacturer.id",
                            format!("manufacturer id `{id}`: use lower-case letters, digits and hyphens"),
                        )
                        .vi(format!("mã hãng `{id}`: chỉ dùng chữ thường không dấu, chữ số và dấu gạch ngang")),
                    );
                }
                if let Some((_, first)) = ids.get(&id) {
                    findings.push(
                        src.error(
                            &m.id,
                            "manufacturer.id",
                            format!("duplicate manufacturer `{id}` (first at {})", shown(first)),
                        )
                        .vi(format!("hãng `{id}` bị khai hai lần (lần đầu ở {})", shown(first))),
                    );
                    continue;
                }
                let index = u32::try_from(cat.manufacturers.len()).unwrap_or(u32::MAX);
                ids.insert(id.clone(), (index, at));
                for n in std::iter::once(&m.name).chain(&m.aliases) {
                    let key = compact(n.get_ref());
                    if key.is_empty() {
                        findings.push(
                            src.error(n, "manufacturer.aliases", "an empty name: it has no letter or digit")
                                .vi("tên trống: không có chữ cái hay chữ số nào"),
                        );
                        continue;
                    }
                    // One name may stand for several manufacturers (Hitachi, Samsung): it is only
                    // context for the patterns that need their manufacturer named.
                    let owners = names.entry(key).or_default();
                    if !owners.contains(&index) {
                        owners.push(index);
                    }
                }
                citation_checks(src, &m.source, false, findings);
                cat.manufacturers.push(Manufacturer {
                    id,
                    name: m.name.get_ref().clone(),
                    aliases: m.aliases.iter().map(|a| a.get_ref().clone()).collect(),
                    source: Citation::of(m.source.get_ref()),
                });
            }
        }
        for (key, owners) in &names {
            for index in owners {
                cat.push_key(key, Target::Brand(*index));
            }
        }
        let vocabulary: std::collections::HashSet<String, Fixed> =
            LEXICON.iter().map(|(p, _)| p.replace(' ', "")).collect();
        // Every pattern seen: key → (entry, manufacturer, needs brand, classes, place).
        let mut seen: HashMap<String, Vec<Seen>, Fixed> = HashMap::default();
        let mut models: HashMap<(Option<u32>, String), Place, Fixed> = HashMap::default();
        for (i, file) in &parsed {
            let src = &files[*i];
            for m in &file.model {
                let entry = u32::try_from(cat.entries.len()).unwrap_or(u32::MAX);
                let brand = match &m.manufacturer {
                    Some(id) => match ids.get(id.get_ref()) {
                        Some((b, _)) => Some(*b),
                        None => {
                            findings.push(
                                src.error(
                                    id,
                                    "model.manufacturer",
                                    format!("no catalogue file defines the manufacturer `{}`", id.get_ref()),
                                )
                                .vi(format!("chưa có tệp danh mục nào khai hãng `{}` ([[manufacturer]])", id.get_ref()))
                                .with_hints(
                                    "add a [[manufacturer]] with this id, its name, aliases and source",
                                    "thêm một mục [[manufacturer]] có mã này, tên, các tên gọi khác và nguồn",
                                ),
                            );
                            continue;
                        }
                    },
                    None => None,
                };
                let Some((classes, decided_by)) = classes_of(src, m, findings) else { continue };
                let place = (*i, m.name.span().start);
                let model_key = (brand, compact(m.name.get_ref()));
                if let Some(first) = models.get(&model_key) {
                    findings.push(
                        src.error(
                            &m.name,
                            "model.name",
                            format!("duplicate model `{}` (first at {})", m.name.get_ref(), shown(first)),
                        )
                        .vi(format!(
                            "model `{}` bị khai hai lần (lần đầu ở {})",
                            m.name.get_ref(),
                            shown(first)
                        )),
                    );
                    continue;
                }
                models.insert(model_key, place);
                citation_checks(src, &m.source, true, findings);
                if m.patterns.is_empty() && m.with_brand.is_empty() {
                    findings.push(
                        src.error(
                            &m.name,
                            "model.patterns",
                            format!("model `{}` has no pattern to recognise it", m.name.get_ref()),
                        )
                        .vi(format!(
                            "model `{}` chưa có mẫu nhận dạng nào (patterns hoặc with_brand)",
                            m.name.get_ref()
                        )),
                    );
                }
                if brand.is_none() && !m.with_brand.is_empty() {
                    findings.push(
                        src.error(&m.with_brand[0], "model.with_brand", "with_brand needs the model's manufacturer")
                            .vi("with_brand chỉ dùng được khi model có khai hãng sản xuất (manufacturer)"),
                    );
                }
                let mask = mask_of(&classes);
                for (list, needs_brand) in [(&m.patterns, false), (&m.with_brand, true)] {
                    for p in list {
                        let mut key = crate::text::fold(p.get_ref());
                        key.retain(|c| c != ' ');
                        let at = (*i, p.span().start);
                        if let Some(problem) = pattern_problem(&key, needs_brand, &vocabulary, &names) {
                            findings.push(
                                src.error(p, "model.patterns", format!("pattern `{}`: {}", p.get_ref(), problem.0))
                                    .vi(format!("mẫu nhận dạng `{}`: {}", p.get_ref(), problem.1)),
                            );
                            continue;
                        }
                        let others = seen.get(&key).map_or(&[][..], Vec::as_slice);
                        let clash =
                            others.iter().find(|(e, b, nb, _, _)| *e == entry || !(needs_brand && *nb && *b != brand));
                        if let Some((e, _, _, other_mask, first)) = clash {
                            let (en, vi) = if *e == entry {
                                (
                                    format!("pattern `{}` twice in one entry", p.get_ref()),
                                    format!("mẫu `{}` lặp lại trong cùng một mục", p.get_ref()),
                                )
                            } else if *other_mask == mask {
                                (
                                    format!(
                                        "duplicate pattern `{}`: the entry at {} has it too",
                                        p.get_ref(),
                                        shown(first)
                                    ),
                                    format!("mẫu `{}` bị trùng: mục ở {} cũng có mẫu này", p.get_ref(), shown(first)),
                                )
                            } else {
                                (
                                    format!(
                                        "conflicting entries: pattern `{}` gives another class at {}",
                                        p.get_ref(),
                                        shown(first)
                                    ),
                                    format!(
                                        "hai mục mâu thuẫn: mẫu `{}` ở {} cho một loại thiết bị khác",
                                        p.get_ref(),
                                        shown(first)
                                    ),
                                )
                            };
                            findings.push(src.error(p, "model.patterns", en).vi(vi));
                            continue;
                        }
                        cat.push_key(&key, Target::Model { entry, needs_brand });
                        seen.entry(key).or_default().push((entry, brand, needs_brand, mask, at));
                    }
                }
                cat.entries.push(CatalogueEntry {
                    manufacturer: brand.map(|b| cat.manufacturers[b as usize].name.clone()),
                    name: m.name.get_ref().clone(),
                    classes,
                    decided_by,
                    patterns: m.patterns.iter().map(|p| p.get_ref().clone()).collect(),
                    with_brand: m.with_brand.iter().map(|p| p.get_ref().clone()).collect(),
                    source: Citation::of(m.source.get_ref()),
                    doubt: m.doubt.clone(),
                    note: m.note.clone(),
                    location: src.at(m.name.span()),
                });
                cat.brand_of.push(brand);
                cat.masks.push(mask);
            }
        }
        cat
    }

    fn push_key(&mut self, text: &str, target: Target) {
        let index = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
        self.max_len = self.max_len.max(text.len());
        if self.starts.is_empty() {
            self.starts = vec![0; 1024];
        }
        match text.as_bytes() {
            [a, b, ..] => {
                let bit = usize::from(*a) << 8 | usize::from(*b);
                self.starts[bit / 64] |= 1 << (bit % 64);
            }
            _ => self.one_byte_key = true,
        }
        self.keys.push(Key { text: text.into(), target });
        self.by_hash.entry(hash(text)).or_default().push(index);
    }
}
