//! Finding catalogue entries in a name, as officers write names: the folded words (lower case,
//! no diacritics, punctuation as spaces) are read as runs, each run hashed letter by letter
//! without its spaces, so "Vision RFD", "VisionRFD" and "vision-rfd" are one key, and
//! "X-MET8000", "XMET8000" and "X MET 8000" another. A key may also end where letters turn into
//! digits or digits into letters inside a word ("Orthophos XG5" holds "Orthophos XG"), never
//! in the middle of a run of letters or of digits. Patterns that need their manufacturer are
//! kept only when one of its names is in the name too. Of overlapping matches the longest
//! wins. Only the catalogue's own keys are looked up: no number in a name is ever read as a
//! value (kV, MeV, activity).

use std::collections::HashMap;

use super::catalogue::{Catalogue, HASH_START, Target, feed};
use crate::text::Fixed;

/// The shortest pattern (letters and digits) a name one letter away may be read as.
pub(super) const NEAR_MIN: usize = 7;

/// The hashes of `text` with one ASCII letter left out (never a digit: a model number that
/// differs is another model).
fn deletions(text: &[u8]) -> impl Iterator<Item = u64> + '_ {
    (0..text.len())
        .filter(|i| text[*i].is_ascii_alphabetic())
        .map(move |i| text[..i].iter().chain(&text[i + 1..]).fold(HASH_START, |h, b| feed(h, *b)))
}

/// A catalogue entry found in a name: its entry, the key that matched, and the words it
/// covers (`start..end`, indices into the name's words).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Found {
    pub(super) entry: u32,
    pub(super) key: u32,
    pub(super) start: usize,
    pub(super) end: usize,
}

impl Catalogue {
    /// The entries a name's folded words hold, in the order they occur (each entry once).
    pub(super) fn find(&self, words: &[&str]) -> Vec<Found> {
        if self.keys.is_empty() {
            return Vec::new();
        }
        let mut brands: Vec<u32> = Vec::new();
        // (length of the key, found).
        let mut hits: Vec<(usize, Found)> = Vec::new();
        for start in 0..words.len() {
            // The run's first two bytes must begin some key.
            let first = words[start].as_bytes();
            let second = first.get(1).or_else(|| words.get(start + 1).and_then(|w| w.as_bytes().first()));
            let (Some(a), Some(b)) = (first.first(), second) else {
                if !self.one_byte_key {
                    continue;
                }
                // A one-letter last word: only a one-byte key could start here.
                self.look_up(
                    feed(HASH_START, first.first().copied().unwrap_or(0)),
                    words,
                    (start, start, first.len()),
                    &mut brands,
                    &mut hits,
                );
                continue;
            };
            if !self.may_start(*a, *b) {
                continue;
            }
            let mut h = HASH_START;
            let mut len = 0;
            'run: for (last, word) in words.iter().enumerate().skip(start) {
                let w = word.as_bytes();
                for (t, &b) in w.iter().enumerate() {
                    if t > 0 && w[t - 1].is_ascii_digit() != b.is_ascii_digit() {
                        self.look_up(h, words, (start, last, t), &mut brands, &mut hits);
                    }
                    h = feed(h, b);
                    len += 1;
                    if len > self.max_len {
                        break 'run;
                    }
                }
                self.look_up(h, words, (start, last, w.len()), &mut brands, &mut hits);
            }
        }
        if hits.is_empty() {
            return Vec::new();
        }
        hits.retain(|(_, f)| {
            let needs = matches!(self.keys[f.key as usize].target, Target::Model { needs_brand: true, .. });
            !needs || self.brand_of[f.entry as usize].is_some_and(|b| brands.contains(&b))
        });
        hits.sort_by_key(|(len, f)| (std::cmp::Reverse(*len), f.start));
        let mut used = vec![false; words.len()];
        let mut kept: Vec<Found> = Vec::new();
        for (_, f) in hits {
            if used[f.start..f.end].iter().any(|u| *u) {
                continue;
            }
            used[f.start..f.end].iter_mut().for_each(|u| *u = true);
            if !kept.iter().any(|k| k.entry == f.entry) {
                kept.push(f);
            }
        }
        kept.sort_by_key(|f| f.start);
        kept
    }

    /// The keys whose hash is `h` and whose text is the run `words[start..last]` followed by
    /// the first `cut` bytes of `words[last]`.
    fn look_up(
        &self,
        h: u64,
        words: &[&str],
        (start, last, cut): (usize, usize, usize),
        brands: &mut Vec<u32>,
        hits: &mut Vec<(usize, Found)>,
    ) {
        let Some(ids) = self.by_hash.get(&h) else { return };
        let whole = cut == words[last].len();
        for &id in ids {
            let key = &self.keys[id as usize];
            let run =
                words[start..last].iter().flat_map(|w| w.bytes()).chain(words[last].as_bytes()[..cut].iter().copied());
            if !key.text.bytes().eq(run) {
                continue;
            }
            match key.target {
                Target::Brand(b) if whole => {
                    if !brands.contains(&b) {
                        brands.push(b);
                    }
                }
                Target::Brand(_) => {}
                Target::Model { entry, .. } => {
                    hits.push((key.text.len(), Found { entry, key: id, start, end: last + 1 }));
                }
            }
        }
    }

    /// When no pattern is in the name: a pattern that stands alone, of at least [`NEAR_MIN`]
    /// letters and digits, one letter away from a run of up to three of its words ("Ortophos
    /// XG" for "Orthophos XG"), the digits the same. Only when exactly one entry is that near.
    /// A name that names a manufacturer is never read as another manufacturer's model one
    /// letter away ("GE Revolution Maxima" is not Shimadzu's "MAXima_X").
    pub(super) fn find_near(&self, words: &[&str]) -> Option<Found> {
        let named = self.brands_named(words);
        let near = self.near.get_or_init(|| {
            let mut map: HashMap<u64, Vec<u32>, Fixed> = HashMap::default();
            for (id, key) in self.keys.iter().enumerate() {
                let alone = matches!(key.target, Target::Model { needs_brand: false, .. });
                if !alone || key.text.len() < NEAR_MIN || !key.text.is_ascii() {
                    continue;
                }
                let id = u32::try_from(id).unwrap_or(u32::MAX);
                for h in std::iter::once(super::catalogue::hash(&key.text)).chain(deletions(key.text.as_bytes())) {
                    let ids = map.entry(h).or_default();
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
            map
        });
        let mut best: Option<(usize, Found)> = None;
        let mut other_entry = false;
        let mut run = String::new();
        for start in 0..words.len() {
            run.clear();
            for (last, word) in words.iter().enumerate().skip(start).take(3) {
                run.push_str(word);
                if run.len() + 1 < NEAR_MIN || !run.is_ascii() {
                    continue;
                }
                if run.len() > self.max_len + 1 {
                    break;
                }
                let hashes = std::iter::once(super::catalogue::hash(&run)).chain(deletions(run.as_bytes()));
                for h in hashes {
                    for &id in near.get(&h).map_or(&[][..], Vec::as_slice) {
                        let key = &self.keys[id as usize];
                        let Target::Model { entry, .. } = key.target else { continue };
                        let brand = self.brand_of[entry as usize];
                        if !named.is_empty() && brand.is_none_or(|b| !named.contains(&b)) {
                            continue;
                        }
                        let digits = |t: &str| t.bytes().filter(u8::is_ascii_digit).collect::<Vec<u8>>();
                        if crate::text::edit_distance(&key.text, &run) != 1 || digits(&key.text) != digits(&run) {
                            continue;
                        }
                        let found = Found { entry, key: id, start, end: last + 1 };
                        if self.drops_a_letter_word(&found, &run) {
                            continue;
                        }
                        match &best {
                            Some((_, b)) if b.entry != entry => other_entry = true,
                            Some((len, _)) if *len >= key.text.len() => {}
                            _ => best = Some((key.text.len(), found)),
                        }
                    }
                }
            }
        }
        best.filter(|_| !other_entry).map(|(_, f)| f)
    }

    /// Whether `run` is the pattern without one of its one-letter words: "Maxima" is not a
    /// misspelling of "MAXima_X", nor "Vision R" of "Vision RF": a word left out is another
    /// name, not a letter mistyped.
    fn drops_a_letter_word(&self, found: &Found, run: &str) -> bool {
        let pattern = crate::text::fold(&self.pattern_of(found));
        let words: Vec<&str> = pattern.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
        (0..words.len()).filter(|i| words[*i].len() == 1).any(|i| {
            let mut rest = words.clone();
            rest.remove(i);
            rest.concat() == run
        })
    }

    /// The manufacturers a name names (whole words).
    pub(super) fn brands_named(&self, words: &[&str]) -> Vec<u32> {
        let mut brands = Vec::new();
        for start in 0..words.len() {
            let (mut h, mut len) = (HASH_START, 0);
            for (last, word) in words.iter().enumerate().skip(start) {
                len += word.len();
                if len > self.max_len {
                    break;
                }
                h = word.bytes().fold(h, feed);
                for &id in self.by_hash.get(&h).map_or(&[][..], Vec::as_slice) {
                    let key = &self.keys[id as usize];
                    let Target::Brand(b) = key.target else { continue };
                    if key.text.bytes().eq(words[start..=last].iter().flat_map(|w| w.bytes())) && !brands.contains(&b) {
                        brands.push(b);
                    }
                }
            }
        }
        brands
    }

    /// Whether some key starts with the bytes `a`, `b`.
    fn may_start(&self, a: u8, b: u8) -> bool {
        let bit = usize::from(a) << 8 | usize::from(b);
        self.one_byte_key || self.starts.get(bit / 64).is_some_and(|w| w & (1 << (bit % 64)) != 0)
    }

    /// The pattern (as written in the catalogue) of a key.
    pub(super) fn pattern_of(&self, found: &Found) -> String {
        let entry = &self.entries()[found.entry as usize];
        let key = &self.keys[found.key as usize].text;
        entry
            .patterns
            .iter()
            .chain(&entry.with_brand)
            .find(|p| crate::text::compact(p) == **key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }
}
