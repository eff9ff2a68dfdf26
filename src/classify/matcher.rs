//! Finding catalogue entries in a name, as officers write names: the folded words (lower case,
//! no diacritics, punctuation as spaces) are read as runs, each run hashed letter by letter
//! without its spaces, so "Vision RFD", "VisionRFD" and "vision-rfd" are one key, and
//! "X-MET8000", "XMET8000" and "X MET 8000" another. A key may also end where letters turn into
//! digits or digits into letters inside a word ("Orthophos XG5" holds "Orthophos XG"), never
//! in the middle of a run of letters or of digits. Patterns that need their manufacturer are
//! kept only when one of its names is in the name too. Of overlapping matches the longest
//! wins. Only the catalogue's own keys are looked up: no number in a name is ever read as a
//! value (kV, MeV, activity).

use super::catalogue::{Catalogue, HASH_START, Target, feed};

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
