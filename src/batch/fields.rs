//! A row's seven fields: read from text (with a message for anything wrong), or straight from
//! bytes for the common row, through perfect-hash tables of the fixed vocabularies.

use super::read::{MAX_ROW, Record};
use super::{BatchProblem, Columns, MAX_FIELD, Problems};
use crate::application::{Channel, MAX_COUNT, Procedure};
use crate::class::DeviceClass;
use crate::date::Date;

/// A row's fields, read and checked. The id and province are valid UTF-8 text, trimmed.
pub(super) struct Row<'a> {
    pub(super) id: &'a [u8],
    pub(super) province: &'a [u8],
    pub(super) procedure: Procedure,
    pub(super) received: Date,
    pub(super) channel: Channel,
    pub(super) class: DeviceClass,
    pub(super) count: u32,
}

/// Reads a row from its seven fields (trimmed, in [`BATCH_COLUMNS`](super::BATCH_COLUMNS) order).
pub(super) fn parse_row<'a>(fields: &[&'a str; 7]) -> Result<Row<'a>, String> {
    let [id, province, procedure, received, channel, class, count] = *fields;
    if id.is_empty() {
        return Err("application_id is empty".to_owned());
    }
    if province.is_empty() {
        return Err("province is empty".to_owned());
    }
    let procedure = Procedure::from_key(procedure).ok_or_else(|| {
        format!(
            "unknown procedure `{}`: expected new, renewal, supplement, amendment, reissue or declaration",
            crate::text::excerpt(procedure)
        )
    })?;
    let received: Date = received.parse().map_err(|e: crate::date::DateError| format!("received: {e}"))?;
    let channel = match channel {
        "" => Channel::InPerson,
        c => Channel::from_key(c)
            .ok_or_else(|| format!("unknown channel `{}`: expected online or in_person", crate::text::excerpt(c)))?,
    };
    let class = DeviceClass::from_key(class).ok_or_else(|| crate::class::unknown_class_message(class))?;
    let count = match count {
        "" => 1,
        c => crate::number::parse_count(c, crate::application::COUNT).map_err(|e| e.message)?,
    };
    Ok(Row { id: id.as_bytes(), province: province.as_bytes(), procedure, received, channel, class, count })
}

/// A fixed vocabulary (classes, procedures, channels) by the bytes of its keys, through a
/// perfect hash: each key has a slot of its own, found by a multiplier tried at build, so a
/// lookup is one multiply and a comparison of three words. A batch reads three keys on every
/// row; a general map's lookup, and comparing key texts with `memcmp`, showed in its profile.
pub(super) struct KeyTable<T> {
    pub(super) slots: Vec<Option<KeySlot<T>>>,
    pub(super) multiplier: u64,
    /// Every key has a slot of its own. When no multiplier tried gives that, the table is
    /// empty and lookups go through `fallback`.
    pub(super) perfect: bool,
    pub(super) fallback: fn(&str) -> Option<T>,
}

#[derive(Clone, Copy)]
pub(super) struct KeySlot<T> {
    pub(super) words: [u64; 3],
    pub(super) key: &'static [u8],
    pub(super) value: T,
}

/// Keys of up to this many bytes are compared by their length and words alone (which then
/// cover every byte).
pub(super) const WORDS_COVER: usize = 24;

/// A key's first, middle and last eight bytes; a key of under eight bytes is all in the first
/// word (with its length, so no two keys share words).
#[inline]
pub(super) fn key_words(key: &[u8]) -> [u64; 3] {
    let n = key.len() as u64;
    let at = |i: usize| key.get(i..i + 8).and_then(|b| <[u8; 8]>::try_from(b).ok()).map_or(0, u64::from_le_bytes);
    match key.len() {
        0..8 => [key.iter().fold(0u64, |w, &b| (w << 8) | u64::from(b)), n, 0],
        m @ 8..=16 => [at(0), n, at(m - 8)],
        m => [at(0), at(m / 2 - 4) ^ n, at(m - 8)],
    }
}

impl<T: Copy> KeyTable<T> {
    /// The table of `keys`; `fallback` finds a key by name if no perfect hash is found.
    pub(super) fn new(
        keys: impl Iterator<Item = (&'static str, T)> + Clone,
        fallback: fn(&str) -> Option<T>,
    ) -> KeyTable<T> {
        let size = (keys.clone().count() * 16).next_power_of_two();
        let mut multiplier = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..1000 {
            let mut slots = vec![None; size];
            let mut distinct = true;
            for (key, value) in keys.clone() {
                let words = key_words(key.as_bytes());
                let slot = &mut slots[KeyTable::<T>::slot(words, multiplier, size)];
                distinct &= slot.replace(KeySlot { words, key: key.as_bytes(), value }).is_none();
            }
            if distinct {
                return KeyTable { slots, multiplier, perfect: true, fallback };
            }
            multiplier = multiplier.wrapping_mul(0x5851_f42d_4c95_7f2d).wrapping_add(0x1405_7b7e_f767_814f) | 1;
        }
        KeyTable { slots: Vec::new(), multiplier, perfect: false, fallback }
    }

    #[inline]
    pub(super) fn slot(words: [u64; 3], multiplier: u64, size: usize) -> usize {
        let mixed = words[0] ^ words[1].rotate_left(21) ^ words[2].rotate_left(42);
        usize::try_from(mixed.wrapping_mul(multiplier) >> (64 - size.trailing_zeros())).unwrap_or(0)
    }

    /// The value whose key is `key`.
    #[inline]
    pub(super) fn get(&self, key: &[u8]) -> Option<T> {
        if !self.perfect {
            return (self.fallback)(std::str::from_utf8(key).ok()?);
        }
        let words = key_words(key);
        let slot = self.slots[KeyTable::<T>::slot(words, self.multiplier, self.slots.len())]?;
        // Word by word: compared as one array, the words went through memory and the load
        // waited on the stores (profiled).
        // Equal lengths and words mean equal keys up to WORDS_COVER bytes.
        let same = slot.key.len() == key.len()
            && slot.words[0] == words[0]
            && slot.words[1] == words[1]
            && slot.words[2] == words[2];
        (same && (key.len() <= WORDS_COVER || slot.key == key)).then_some(slot.value)
    }
}

/// The keys a batch row's fields are read against.
pub(super) struct Vocabulary {
    pub(super) procedures: KeyTable<Procedure>,
    pub(super) channels: KeyTable<Channel>,
    pub(super) classes: KeyTable<DeviceClass>,
}

impl Vocabulary {
    pub(super) fn new() -> Vocabulary {
        Vocabulary {
            procedures: KeyTable::new(Procedure::ALL.iter().map(|p| (p.key(), *p)), Procedure::from_key),
            channels: KeyTable::new(
                [Channel::Online, Channel::InPerson].iter().map(|c| (c.key(), *c)),
                Channel::from_key,
            ),
            classes: KeyTable::new(DeviceClass::ALL.iter().map(|c| (c.key(), *c)), DeviceClass::from_key),
        }
    }
}

/// Text that needs no trimming: it starts and ends with a visible ASCII character (so
/// `str::trim` would leave it as it is), is no longer than [`MAX_FIELD`], and is UTF-8.
pub(super) fn plain_text(field: &[u8]) -> Option<&[u8]> {
    let ends = [field.first()?, field.last()?];
    (field.len() <= MAX_FIELD
        && ends.iter().all(|b| b.is_ascii_graphic())
        && (field.is_ascii() || std::str::from_utf8(field).is_ok()))
    .then_some(field)
}

/// Reads a plain row's seven fields (in file order) straight from their bytes, when each is in
/// its usual form: nothing to trim, a known key, a `YYYY-MM-DD` date, a count in digits. Every
/// row it reads, [`parse_row`] reads the same way; for any other row it gives `None`, and the
/// row goes to [`read_row`], which reads it as text and says what is wrong. The province is
/// as it stands: the caller takes the row only if it is a spelling already read and checked.
#[inline]
pub(super) fn quick_row<'b>(fields: &[&'b [u8]; 7], cols: &Columns, keys: &Vocabulary) -> Option<Row<'b>> {
    let field = |k: usize| fields.get(cols.idx[k]).copied().unwrap_or_default();
    let procedure = keys.procedures.get(field(2))?;
    let received = Date::from_ascii(field(3))?;
    let channel = match field(4) {
        b"" => Channel::InPerson,
        c => keys.channels.get(c)?,
    };
    let class = keys.classes.get(field(5))?;
    let count = match field(6) {
        b"" => 1,
        digits if digits.len() <= 9 && digits.iter().all(u8::is_ascii_digit) => {
            digits.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
        }
        _ => return None,
    };
    if !(1..=MAX_COUNT).contains(&count) {
        return None;
    }
    Some(Row { id: plain_text(field(0))?, province: field(1), procedure, received, channel, class, count })
}

/// `str::trim`, with no work for a field that starts and ends with a visible ASCII character.
pub(super) fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// The row a record holds, or `None` after pushing the reason it is bad.
pub(super) fn read_row<'a>(
    record: &'a Record,
    cols: &Columns,
    header_len: usize,
    problems: &mut Problems,
) -> Option<Row<'a>> {
    let bad = |message: String, id: Option<&str>| BatchProblem {
        line: record.line,
        application_id: id.map(str::to_owned),
        message,
        unpriceable: false,
    };
    if record.too_long {
        problems.push(bad(format!("the row is longer than {MAX_ROW} bytes"), None));
        return None;
    }
    let Some(text) = record.text() else {
        problems.push(bad("the row is not valid UTF-8 text".to_owned(), None));
        return None;
    };
    if record.fields != header_len {
        problems.push(bad(format!("the row has {} fields; the header has {header_len}", record.fields), None));
        return None;
    }
    let fields: [&str; 7] = cols.idx.map(|i| trim(record.field(text, i)));
    if record.longest() > MAX_FIELD {
        let message = format!("a field is {} bytes long; the limit is {MAX_FIELD}", record.longest());
        problems.push(bad(message, Some(fields[0]).filter(|s| !s.is_empty() && s.len() <= MAX_FIELD)));
        return None;
    }
    match parse_row(&fields) {
        Ok(r) => Some(r),
        Err(message) => {
            problems.push(bad(message, Some(fields[0]).filter(|s| !s.is_empty())));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_vocabulary_has_a_perfect_table_and_near_misses_are_not_found() {
        let keys = Vocabulary::new();
        assert!(keys.procedures.perfect && keys.channels.perfect && keys.classes.perfect);
        for &class in DeviceClass::ALL {
            let key = class.key().as_bytes();
            assert_eq!(keys.classes.get(key), Some(class));
            let mut longer = key.to_vec();
            longer.push(b'x');
            assert_eq!(keys.classes.get(&longer), None, "{}", class.key());
            assert_eq!(keys.classes.get(&key[1..]), None, "{}", class.key());
            let mut changed = key.to_vec();
            changed[key.len() / 2] ^= 0x20;
            assert_eq!(keys.classes.get(&changed), None, "{}", class.key());
        }
        for p in Procedure::ALL {
            assert_eq!(keys.procedures.get(p.key().as_bytes()), Some(p));
            assert_eq!(keys.procedures.get(p.key().to_uppercase().as_bytes()), None);
        }
        assert_eq!(keys.channels.get(b"online"), Some(Channel::Online));
        assert_eq!(keys.channels.get(b"in_person"), Some(Channel::InPerson));
        for junk in [&b""[..], b"o", b"onlinE", b"in_person ", b"\xff\xfe"] {
            assert_eq!(keys.channels.get(junk), None);
            assert_eq!(keys.procedures.get(junk), None);
            assert_eq!(keys.classes.get(junk), None);
        }
    }

    proptest::proptest! {
        /// A key table finds exactly what a lookup by name finds, for every key and for keys
        /// with a byte inserted, removed or changed.
        #[test]
        fn key_tables_find_exactly_what_lookup_by_name_finds(
            k in 0..DeviceClass::ALL.len(),
            edit in 0u8..4,
            at in proptest::prelude::any::<proptest::sample::Index>(),
            byte in proptest::prelude::any::<u8>(),
        ) {
            let keys = Vocabulary::new();
            let mut key = DeviceClass::ALL[k].key().as_bytes().to_vec();
            let i = at.index(key.len() + 1);
            match edit {
                0 => {}
                1 => key.insert(i, byte),
                2 => { key.remove(i.min(key.len() - 1)); }
                _ => { let last = key.len() - 1; key[i.min(last)] = byte; }
            }
            let by_name = std::str::from_utf8(&key).ok().and_then(DeviceClass::from_key);
            proptest::prop_assert_eq!(keys.classes.get(&key), by_name);
            let procedure = std::str::from_utf8(&key).ok().and_then(Procedure::from_key);
            proptest::prop_assert_eq!(keys.procedures.get(&key), procedure);
        }
    }
}
