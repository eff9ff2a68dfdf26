//! Batch appraisal (spec/batch.md): many applications in one CSV, priced by the same engine as
//! the calculator, with three figures any other implementation can be checked against.
//!
//! Rows with the same `application_id` form one application wherever they stand in the file.
//! Each application keeps only its header fields and one count per class, so memory grows with
//! the number of applications, not of rows (plus a staging area of at most a million rows). A
//! bad row is reported with its line number and skipped; an application whose rows disagree is
//! reported with both lines and not priced.
//!
//! How a national batch is read fast (each step was profiled; see issue 7):
//! - rows are read where they lie in the input buffer, eight bytes at a time, and their fields
//!   straight from their bytes; any row out of the ordinary goes through the general reader
//!   and the text parser, which also write the messages;
//! - checked rows are staged in 256 groups by the hash of their id, then added group by group,
//!   so each group's table of applications stays in the core's cache;
//! - applications are priced by the exact `i128` hot path, then sorted by id for the digest.

use std::collections::HashMap;
use std::hash::BuildHasher as _;
use std::io::Read;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::application::{Application, Channel, DeviceEntry, MAX_COUNT, Procedure, Terms};
use crate::class::DeviceClass;
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::exact::Exact;
use crate::money::Money;
use crate::schedule::{Authority, Schedules};

/// The columns of a batch file, in any order.
pub const BATCH_COLUMNS: [&str; 7] =
    ["application_id", "province", "procedure", "received", "channel", "class", "count"];

/// Most distinct applications in one batch (memory is kept per application).
pub const MAX_APPLICATIONS: usize = 10_000_000;

/// Longest field accepted, in bytes.
const MAX_FIELD: usize = 1000;

/// What a batch keeps in [`BatchReport::results`] besides its three figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Keep {
    /// Nothing: the figures and problems only. The least memory and time; what the batch tool
    /// uses when it writes no file.
    Figures,
    /// Each application's id, total and authority.
    #[default]
    Totals,
    /// As `Totals`, with each application's priced lines (memory grows with the lines).
    Lines,
}

/// One priced application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BatchResult {
    /// The application's id.
    pub application_id: String,
    /// Its total.
    pub total: Money,
    /// Who appraises and collects.
    pub authority: Option<Authority>,
    /// The priced lines, when the batch was asked for detail.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<crate::quote::Line>,
}

/// A row or application that could not be priced, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BatchProblem {
    /// The line of the CSV file (1 is the header).
    pub line: u64,
    /// The application concerned, when known.
    pub application_id: Option<String>,
    /// What is wrong.
    pub message: String,
    /// The row was fine but the application cannot be priced as one application (a class with
    /// no fee row, devices of two authorities): exit code 1 rather than 2.
    pub unpriceable: bool,
}

impl std::fmt::Display for BatchProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: ", self.line)?;
        if let Some(id) = &self.application_id {
            write!(f, "application {id}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// The outcome of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BatchReport {
    /// Data rows read (not counting the header).
    pub rows: u64,
    /// Applications priced.
    pub applications: u64,
    /// Σ totals of the priced applications.
    pub grand_total: Money,
    /// `sha256:<hex>` over the lines "application_id,total" sorted by application_id, joined
    /// with "\n".
    pub digest: String,
    /// Each priced application, sorted by id; empty when only the figures were kept
    /// ([`Keep::Figures`]).
    pub results: Vec<BatchResult>,
    /// Rows and applications not priced, in file order (the first [`MAX_PROBLEMS`]).
    pub problems: Vec<BatchProblem>,
    /// Bad rows, and applications whose rows disagree (all of them, listed or not).
    pub bad_rows: u64,
    /// Applications that cannot be priced as one application (all of them).
    pub unpriceable: u64,
}

/// Most problems a batch report lists; the rest are counted (`bad_rows`, `unpriceable`), so a
/// file of bad rows cannot make the report grow without bound.
pub const MAX_PROBLEMS: usize = 10_000;

/// Keeps the [`MAX_PROBLEMS`] problems that come first in the file, and counts them all.
/// Which are kept depends only on their lines, not on the order they were found in.
#[derive(Default)]
struct Problems {
    kept: std::collections::BinaryHeap<ByLine>,
    bad_rows: u64,
    unpriceable: u64,
}

/// A problem ordered by its line (then its text, so the order is total).
#[derive(PartialEq, Eq)]
struct ByLine(BatchProblem);

impl Ord for ByLine {
    fn cmp(&self, other: &ByLine) -> std::cmp::Ordering {
        let key = |p: &BatchProblem| (p.line, p.application_id.clone(), p.message.clone(), p.unpriceable);
        self.0.line.cmp(&other.0.line).then_with(|| key(&self.0).cmp(&key(&other.0)))
    }
}

impl PartialOrd for ByLine {
    fn partial_cmp(&self, other: &ByLine) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Problems {
    fn push(&mut self, p: BatchProblem) {
        if p.unpriceable {
            self.unpriceable += 1;
        } else {
            self.bad_rows += 1;
        }
        self.kept.push(ByLine(p));
        if self.kept.len() > MAX_PROBLEMS {
            self.kept.pop(); // the last in the file
        }
    }

    /// The kept problems in file order.
    fn in_file_order(&mut self) -> Vec<BatchProblem> {
        std::mem::take(&mut self.kept).into_sorted_vec().into_iter().map(|p| p.0).collect()
    }
}

impl BatchReport {
    /// The three checkable figures, as the batch tool prints them.
    pub fn summary(&self) -> String {
        format!(
            "applications: {}\ngrand_total: {}\ndigest: {}\n",
            self.applications,
            self.grand_total.amount(),
            self.digest
        )
    }
}

struct Columns {
    idx: [usize; 7],
}

fn header_problem(message: String) -> Error {
    Error::input(Finding::error(None, Some("header"), format!("line 1: {message}")))
}

impl Columns {
    fn from_header(header: &[&str]) -> Result<Columns, Error> {
        let mut idx = [usize::MAX; 7];
        for (i, name) in header.iter().enumerate() {
            let name = name.trim().trim_start_matches('\u{feff}');
            match BATCH_COLUMNS.iter().position(|c| *c == name) {
                Some(k) if idx[k] == usize::MAX => idx[k] = i,
                Some(_) => return Err(header_problem(format!("column `{name}` appears twice"))),
                None => {
                    return Err(header_problem(format!(
                        "unknown column `{}`; a batch file has the columns {}",
                        crate::text::excerpt(name),
                        BATCH_COLUMNS.join(",")
                    )));
                }
            }
        }
        let missing: Vec<&str> =
            BATCH_COLUMNS.iter().zip(idx).filter(|(_, i)| *i == usize::MAX).map(|(c, _)| *c).collect();
        if !missing.is_empty() {
            return Err(header_problem(format!("missing column(s): {}", missing.join(", "))));
        }
        Ok(Columns { idx })
    }
}

/// A row's fields, read and checked. The id and province are valid UTF-8 text, trimmed.
struct Row<'a> {
    id: &'a [u8],
    province: &'a [u8],
    procedure: Procedure,
    received: Date,
    channel: Channel,
    class: DeviceClass,
    count: u32,
}

/// Reads a row from its seven fields (trimmed, in [`BATCH_COLUMNS`] order).
fn parse_row<'a>(fields: &[&'a str; 7]) -> Result<Row<'a>, String> {
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
        c => match c.parse::<u64>() {
            Ok(n) if (1..=u64::from(MAX_COUNT)).contains(&n) => u32::try_from(n).unwrap_or(MAX_COUNT),
            Ok(n) => return Err(format!("count {n} is outside 1 to {MAX_COUNT}")),
            Err(_) => return Err(format!("count `{}` is not a whole number of devices", crate::text::excerpt(c))),
        },
    };
    Ok(Row { id: id.as_bytes(), province: province.as_bytes(), procedure, received, channel, class, count })
}

/// A fixed vocabulary (classes, procedures, channels) by the bytes of its keys, through a
/// perfect hash: each key has a slot of its own, found by a multiplier tried at build, so a
/// lookup is one multiply and a comparison of three words. A batch reads three keys on every
/// row; a general map's lookup, and comparing key texts with `memcmp`, showed in its profile.
struct KeyTable<T> {
    slots: Vec<Option<KeySlot<T>>>,
    multiplier: u64,
    /// Every key has a slot of its own. When no multiplier tried gives that, the table is
    /// empty and lookups go through `fallback`.
    perfect: bool,
    fallback: fn(&str) -> Option<T>,
}

#[derive(Clone, Copy)]
struct KeySlot<T> {
    words: [u64; 3],
    key: &'static [u8],
    value: T,
}

/// Keys of up to this many bytes are compared by their words alone (which then cover them).
const WORDS_COVER: usize = 24;

/// A key's first, middle and last eight bytes; a key of under eight bytes is all in the first
/// word (with its length, so no two keys share words).
#[inline]
fn key_words(key: &[u8]) -> [u64; 3] {
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
    fn new(keys: impl Iterator<Item = (&'static str, T)> + Clone, fallback: fn(&str) -> Option<T>) -> KeyTable<T> {
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
    fn slot(words: [u64; 3], multiplier: u64, size: usize) -> usize {
        let mixed = words[0] ^ words[1].rotate_left(21) ^ words[2].rotate_left(42);
        usize::try_from(mixed.wrapping_mul(multiplier) >> (64 - size.trailing_zeros())).unwrap_or(0)
    }

    /// The value whose key is `key`.
    #[inline]
    fn get(&self, key: &[u8]) -> Option<T> {
        if !self.perfect {
            return (self.fallback)(std::str::from_utf8(key).ok()?);
        }
        let words = key_words(key);
        let slot = self.slots[KeyTable::<T>::slot(words, self.multiplier, self.slots.len())]?;
        // Word by word: compared as one array, the words went through memory and the load
        // waited on the stores (profiled).
        let same = slot.words[0] == words[0] && slot.words[1] == words[1] && slot.words[2] == words[2];
        (same && (key.len() <= WORDS_COVER || slot.key == key)).then_some(slot.value)
    }
}

/// The keys a batch row's fields are read against.
struct Vocabulary {
    procedures: KeyTable<Procedure>,
    channels: KeyTable<Channel>,
    classes: KeyTable<DeviceClass>,
}

impl Vocabulary {
    fn new() -> Vocabulary {
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
fn plain_text(field: &[u8]) -> Option<&[u8]> {
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
fn quick_row<'b>(fields: &[&'b [u8]; 7], cols: &Columns, keys: &Vocabulary) -> Option<Row<'b>> {
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

/// Longest row accepted, in bytes: seven fields of at most [`MAX_FIELD`] bytes fit easily.
const MAX_ROW: usize = 16 * 1024;

/// Most fields of a row kept (more are counted, for the message).
const MAX_ROW_FIELDS: usize = 64;

/// Bytes of the digest's text hashed at a time.
const DIGEST_BUFFER: usize = 1 << 16;

/// Bytes read from the input at a time.
const CHUNK: usize = 1 << 16;

/// Distinct (class, count) pairs an application keeps inline; more go to a side table.
const INLINE_DEVICES: usize = 3;

/// One CSV row: its fields' bytes (unquoted), each followed by a comma but the last, and
/// where each field ends.
#[derive(Default)]
struct Record {
    data: Vec<u8>,
    ends: Vec<usize>,
    /// Fields seen, kept or not.
    fields: usize,
    /// The line the row starts on (1 is the header).
    line: u64,
    /// Longer than [`MAX_ROW`]: what is kept of it is cut short.
    too_long: bool,
}

impl Record {
    fn clear(&mut self) {
        self.data.clear();
        self.ends.clear();
        self.fields = 0;
        self.too_long = false;
    }

    fn push(&mut self, bytes: &[u8]) {
        if self.data.len() + bytes.len() > MAX_ROW {
            self.too_long = true;
        } else {
            self.data.extend_from_slice(bytes);
        }
    }

    /// Holds `plain`, as the general reader would have read it.
    fn set_plain(&mut self, plain: &Plain<'_>) {
        self.clear();
        self.line = plain.line;
        self.data.extend_from_slice(plain.row);
        for i in 0..COMMAS {
            self.end_field_at(plain.comma(i));
        }
        self.end_field_at(plain.row.len());
    }

    fn end_field(&mut self) {
        self.end_field_at(self.data.len());
    }

    /// Ends a field at byte `end` of `data`.
    fn end_field_at(&mut self, end: usize) {
        self.fields += 1;
        if self.ends.len() < MAX_ROW_FIELDS {
            self.ends.push(end);
        }
    }

    /// The fields as text, or `None` when the row is not UTF-8.
    fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.data).ok()
    }

    /// Where field `i` starts: after the comma that ends the one before.
    fn start(&self, i: usize) -> usize {
        if i == 0 { 0 } else { self.ends.get(i - 1).map_or(self.data.len(), |e| e + 1) }
    }

    /// Field `i` of `text` (this record's text).
    fn field<'a>(&self, text: &'a str, i: usize) -> &'a str {
        let start = self.start(i);
        let end = self.ends.get(i).copied().unwrap_or(start);
        text.get(start..end).unwrap_or("")
    }

    /// The longest field, in bytes.
    fn longest(&self) -> usize {
        (0..self.ends.len()).map(|i| self.ends[i].saturating_sub(self.start(i))).max().unwrap_or(0)
    }
}

/// Where a reader is, inside a row.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Plain,
    Quoted,
    QuoteSeen,
}

/// Bytes that end a plain (unquoted) run: `,`, LF and CR.
const STOPS: [bool; 256] = {
    let mut t = [false; 256];
    t[b',' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t
};

/// Commas in a row of the seven batch columns.
const COMMAS: usize = BATCH_COLUMNS.len() - 1;

/// What [`Rows::next_row`] found.
enum Got<'b> {
    /// The end of the input.
    End,
    /// A row, read into the record given.
    Record,
    /// A plain row of seven fields, where it lies in the reader's buffer.
    Plain(Plain<'b>),
}

/// A row with no quote, no CR but its line end's, and exactly seven fields: the common row.
struct Plain<'b> {
    /// The row, without its line end.
    row: &'b [u8],
    /// Where its six commas are, 16 bits each (a row is at most [`MAX_ROW`] bytes). Packed in
    /// one number they stay in registers: as an array, reading them back stalled on the
    /// stores that wrote them (profiled).
    commas: u128,
    /// The line it is on.
    line: u64,
}

impl<'b> Plain<'b> {
    /// Where comma `i` is.
    fn comma(&self, i: usize) -> usize {
        usize::from(u16::try_from((self.commas >> (16 * i)) & 0xffff).unwrap_or(u16::MAX))
    }

    /// Its seven fields, in file order.
    fn fields(&self) -> [&'b [u8]; COMMAS + 1] {
        let row = self.row;
        std::array::from_fn(|i| {
            let start = if i == 0 { 0 } else { self.comma(i - 1) + 1 };
            let end = if i < COMMAS { self.comma(i) } else { row.len() };
            row.get(start..end).unwrap_or_default()
        })
    }
}

/// One in each byte.
const LOW: u64 = u64::from_ne_bytes([0x01; 8]);
/// The high bit of each byte.
const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
/// The other seven bits of each byte.
const SEVEN: u64 = u64::from_ne_bytes([0x7f; 8]);

/// Each byte of `word` that equals `byte`, as its high bit (the others are zero).
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (LOW * u64::from(byte));
    // A byte's high bit ends up set exactly when it is zero; no carry crosses bytes.
    !(((x & SEVEN) + SEVEN) | x | SEVEN)
}

/// Finds a plain row at the start of `rest` (see [`Plain`]), eight bytes at a time: its
/// length, the bytes its line end takes it to, and its commas. `None` for any other row, or
/// one the buffer does not hold whole, which the general reader then reads.
#[inline]
fn scan_plain(rest: &[u8]) -> Option<(usize, usize, u128)> {
    const _: () = assert!(MAX_ROW < 1 << 16);
    let mut commas = 0u128;
    let mut n = 0;
    let mut base = 0;
    while base <= MAX_ROW {
        let word = u64::from_le_bytes(rest.get(base..base + 8)?.try_into().ok()?);
        // The lowest byte flagged is the first stop: a quote, or a control character (below
        // 0x0e, so LF and CR among them), whichever comes first. The control test is exact
        // for the lowest byte it flags (a borrow can flag bytes above it), which is all the
        // scan uses.
        let controls = word.wrapping_sub(LOW * 0x0e) & !word & HIGH;
        let stops = controls | bytes_equal(word, b'"');
        // The commas before the first stop, if there is one in this word.
        let mut found = bytes_equal(word, b',') & (stops & stops.wrapping_neg()).wrapping_sub(1);
        while found != 0 {
            if n == COMMAS {
                return None;
            }
            commas |= ((base + found.trailing_zeros() as usize / 8) as u128) << (16 * n);
            n += 1;
            found &= found - 1;
        }
        if stops != 0 {
            let at = base + stops.trailing_zeros() as usize / 8;
            let next = match rest[at] {
                b'\n' => at + 1,
                b'\r' if rest.get(at + 1) == Some(&b'\n') => at + 2,
                _ => return None,
            };
            return (n == COMMAS && at <= MAX_ROW).then_some((at, next, commas));
        }
        base += 8;
    }
    None
}

/// The rows of a CSV byte stream (RFC 4180: comma-separated, `"` quoting with `""` for a
/// quote inside quotes, quoted fields may hold commas and line breaks; rows end with LF, CRLF
/// or CR; blank lines are skipped; text after a closing quote is kept, as the csv crate does).
///
/// The batch reads rows with this rather than the csv crate: a batch is millions of short
/// unquoted rows, and copying each plain run after one table-driven scan is several times
/// faster than a general CSV state machine (profiled: the csv crate's reader was a fifth of
/// the batch's time). Memory is one chunk plus one row, whatever the input.
struct Rows<R> {
    input: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
    /// The line `pos` is on.
    line: u64,
    /// The last row ended with CR, so an LF right after it belongs to that line end.
    after_cr: bool,
}

impl<R: Read> Rows<R> {
    fn new(input: R) -> Rows<R> {
        Rows { input, buf: vec![0; CHUNK], pos: 0, end: 0, eof: false, line: 1, after_cr: false }
    }

    /// Makes sure at least one unread byte is in the buffer; false at the end of the input.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        while !self.eof {
            match self.input.read(&mut self.buf) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    self.pos = 0;
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }

    /// Reads the next row into `rec`; false at the end of the input.
    fn next(&mut self, rec: &mut Record) -> std::io::Result<bool> {
        Ok(match self.next_row(rec)? {
            Got::End => false,
            Got::Record => true,
            Got::Plain(plain) => {
                rec.set_plain(&plain);
                true
            }
        })
    }

    /// Reads the next row: a plain row of seven fields is handed out where it lies in the
    /// buffer, any other row is read into `rec`.
    #[inline]
    fn next_row(&mut self, rec: &mut Record) -> std::io::Result<Got<'_>> {
        // The common case: the whole row is in the buffer, has seven fields, and no quote and
        // no CR before its line end. It is read where it is, with no call.
        if let Some(&first) = self.buf[..self.end].get(self.pos)
            && first != b'\n'
            && first != b'\r'
            && let Some((len, next, commas)) = scan_plain(&self.buf[self.pos..self.end])
        {
            self.after_cr = false;
            let (start, line) = (self.pos, self.line);
            self.pos += next;
            self.line += 1;
            return Ok(Got::Plain(Plain { row: &self.buf[start..start + len], commas, line }));
        }
        self.next_general(rec)
    }

    /// As [`Rows::next_row`], for a row that may not be plain.
    fn next_general(&mut self, rec: &mut Record) -> std::io::Result<Got<'_>> {
        rec.clear();
        // Blank lines, and the LF of a CRLF, between rows.
        loop {
            if !self.fill()? {
                return Ok(Got::End);
            }
            match self.buf[self.pos] {
                b'\n' => {
                    self.pos += 1;
                    if !std::mem::take(&mut self.after_cr) {
                        self.line += 1;
                    }
                }
                b'\r' => {
                    self.pos += 1;
                    self.line += 1;
                    self.after_cr = true;
                }
                _ => break,
            }
        }
        self.after_cr = false;
        rec.line = self.line;
        // A plain row after blank lines, or at the start of a new buffer.
        let rest = &self.buf[self.pos..self.end];
        if let Some((len, next, commas)) = scan_plain(rest) {
            let line = self.line;
            self.pos += next;
            self.line += 1;
            return Ok(Got::Plain(Plain { row: &self.buf[self.pos - next..self.pos - next + len], commas, line }));
        }
        // Other rows without quotes are copied at once and their commas found with memchr.
        if let Some(lf) = memchr::memchr(b'\n', rest) {
            let row = rest[..lf].strip_suffix(b"\r").unwrap_or(&rest[..lf]);
            if row.len() <= MAX_ROW && memchr::memchr2(b'"', b'\r', row).is_none() {
                rec.data.extend_from_slice(row);
                for comma in memchr::memchr_iter(b',', row) {
                    rec.end_field_at(comma);
                }
                rec.end_field_at(row.len());
                self.pos += lf + 1;
                self.line += 1;
                return Ok(Got::Record);
            }
        }
        let mut state = State::FieldStart;
        loop {
            if !self.fill()? {
                rec.end_field();
                return Ok(Got::Record);
            }
            let chunk = &self.buf[self.pos..self.end];
            match state {
                State::FieldStart => {
                    if chunk[0] == b'"' {
                        self.pos += 1;
                        state = State::Quoted;
                    } else {
                        state = State::Plain;
                    }
                }
                State::Plain => {
                    let n = chunk.iter().position(|&b| STOPS[usize::from(b)]).unwrap_or(chunk.len());
                    rec.push(&chunk[..n]);
                    self.pos += n;
                    if let Some(&stop) = chunk.get(n) {
                        self.pos += 1;
                        rec.end_field();
                        match stop {
                            b',' => {
                                rec.push(b",");
                                state = State::FieldStart;
                            }
                            b'\r' => {
                                self.line += 1;
                                self.after_cr = true;
                                return Ok(Got::Record);
                            }
                            _ => {
                                self.line += 1;
                                return Ok(Got::Record);
                            }
                        }
                    }
                }
                State::Quoted => {
                    let n = chunk.iter().position(|&b| b == b'"').unwrap_or(chunk.len());
                    self.line += chunk[..n].iter().filter(|&&b| b == b'\n').count() as u64;
                    rec.push(&chunk[..n]);
                    self.pos += n;
                    if n < chunk.len() {
                        self.pos += 1;
                        state = State::QuoteSeen;
                    }
                }
                State::QuoteSeen => {
                    if chunk[0] == b'"' {
                        rec.push(b"\"");
                        self.pos += 1;
                        state = State::Quoted;
                    } else {
                        state = State::Plain;
                    }
                }
            }
        }
    }
}

/// The (class, count) pairs of one application, the first few inline.
#[derive(Clone, Copy)]
struct Devices {
    classes: [DeviceClass; INLINE_DEVICES],
    n: u8,
    /// Set when one class's count went past what a `u32` holds.
    overflow: Option<DeviceClass>,
    counts: [u32; INLINE_DEVICES],
    /// 1 + index into the batch's side table of further pairs; 0 when there are none.
    more: u32,
}

/// Pairs beyond the inline ones, for the few applications that have them.
type MoreDevices = Vec<Vec<(DeviceClass, u32)>>;

impl Devices {
    fn new(class: DeviceClass) -> Devices {
        Devices { classes: [class; INLINE_DEVICES], n: 0, overflow: None, counts: [0; INLINE_DEVICES], more: 0 }
    }

    /// Adds `count` devices of `class`.
    fn add(&mut self, class: DeviceClass, count: u32, more: &mut MoreDevices) {
        let n = usize::from(self.n);
        let total = if let Some(i) = self.classes[..n].iter().position(|c| *c == class) {
            &mut self.counts[i]
        } else if n < INLINE_DEVICES {
            self.classes[n] = class;
            self.n += 1;
            &mut self.counts[n]
        } else {
            if self.more == 0 {
                more.push(Vec::new());
                self.more = u32::try_from(more.len()).unwrap_or(u32::MAX);
            }
            let Some(list) = more.get_mut(self.more as usize - 1) else { return };
            let i = match list.iter().position(|(c, _)| *c == class) {
                Some(i) => i,
                None => {
                    list.push((class, 0));
                    list.len() - 1
                }
            };
            &mut list[i].1
        };
        match total.checked_add(count) {
            Some(t) => *total = t,
            None => self.overflow = Some(class),
        }
    }

    /// Every (class, count), in first-seen order.
    fn iter<'a>(&'a self, more: &'a MoreDevices) -> impl Iterator<Item = (DeviceClass, u32)> + 'a {
        let rest: &[(DeviceClass, u32)] = match self.more {
            0 => &[],
            m => more.get(m as usize - 1).map_or(&[], Vec::as_slice),
        };
        let n = usize::from(self.n);
        self.classes[..n].iter().copied().zip(self.counts[..n].iter().copied()).chain(rest.iter().copied())
    }
}

/// One application being gathered: one cache line (64 bytes, aligned), so a group's table is
/// as small as it can be (see [`Gathered`]). What only messages need (the first line) is kept
/// apart.
#[repr(align(64))]
struct Pending {
    id: IdRef,
    procedure: Procedure,
    channel: Channel,
    failed: bool,
    received: Date,
    /// The order the application was met in within its group: its index in the group's first
    /// lines.
    seq: u32,
    /// Index into the batch's table of province spellings.
    province: u32,
    devices: Devices,
}

const _: () = assert!(size_of::<Pending>() == 64);

/// An id's first 16 bytes, zero-padded, and its length.
fn head_of(id: &[u8]) -> ([u8; 16], u16) {
    let mut head = [0u8; 16];
    let n = id.len().min(16);
    head[..n].copy_from_slice(&id[..n]);
    (head, u16::try_from(id.len()).unwrap_or(u16::MAX))
}

/// An application id as the batch keeps it: ids of up to 16 bytes whole, longer ones by their
/// first 16 bytes and their place in a table of long ids.
#[derive(Clone, Copy)]
struct IdRef {
    /// The first 16 bytes, zero-padded: also the sort key, as they order ids as their bytes
    /// do, except ids that share them.
    head: [u8; 16],
    /// The length (at most [`MAX_FIELD`]).
    len: u16,
    /// Past 16 bytes, where the whole id is in its table of long ids (an index for an
    /// application, a byte offset for a staged row).
    at: u32,
}

impl IdRef {
    /// The id's bytes.
    fn bytes<'a>(&'a self, long_ids: &'a [Box<[u8]>]) -> &'a [u8] {
        match self.head.get(..usize::from(self.len)) {
            Some(short) => short,
            None => long_ids.get(self.at as usize).map_or(&[], |b| b),
        }
    }

    /// Whether this is `id`, whose head and length are given. Equal heads and lengths settle
    /// it for ids of up to 16 bytes, without a memcmp call.
    fn is(&self, id: &[u8], (head, len): ([u8; 16], u16), long_ids: &[Box<[u8]>]) -> bool {
        self.head == head && self.len == len && (id.len() <= 16 || self.bytes(long_ids) == id)
    }

    /// The sort key: the head as one number.
    fn key(&self) -> u128 {
        u128::from_be_bytes(self.head)
    }
}

/// A row read and checked, waiting in [`Staging`] to be added to its application: 32 bytes,
/// as a national batch stages a million of them (each byte saved is a megabyte not written,
/// read back and page-faulted in).
#[derive(Clone, Copy)]
struct Staged {
    /// The id's bytes, zero-padded, when it has at most 16; else (first four bytes, little
    /// endian) where it starts in the staging's `long`.
    id: [u8; 16],
    /// The line, less the staging's first line.
    line: u32,
    province: u32,
    /// The count (bits 0–19), class (20–26), procedure (27–29) and channel (30).
    facts: u32,
    /// The date received ([`Date::to_bits`], bits 0–21) and the id's length (22–31).
    date_len: u32,
}

const _: () = {
    assert!(size_of::<Staged>() == 32);
    assert!(MAX_COUNT < 1 << 20 && DeviceClass::ALL.len() <= 1 << 7 && Procedure::ALL.len() <= 1 << 3);
    assert!(MAX_FIELD < 1 << 10);
};

impl Staged {
    fn count(&self) -> u32 {
        self.facts & 0xf_ffff
    }

    fn class(&self) -> DeviceClass {
        let i = (self.facts >> 20) & 0x7f;
        DeviceClass::ALL.get(i as usize).copied().unwrap_or(DeviceClass::ALL[0])
    }

    fn procedure(&self) -> Procedure {
        Procedure::ALL.get(((self.facts >> 27) & 0x7) as usize).copied().unwrap_or(Procedure::New)
    }

    fn channel(&self) -> Channel {
        if (self.facts >> 30) & 1 == 1 { Channel::Online } else { Channel::InPerson }
    }

    fn received(&self) -> Date {
        Date::from_bits(self.date_len & 0x3f_ffff)
    }

    fn len(&self) -> usize {
        (self.date_len >> 22) as usize
    }
}

/// Groups the applications are split into, by the hash of their id.
const GROUPS: usize = 256;

/// Rows staged before they are added to their applications. A file of up to this many rows is
/// staged whole; a longer one is added in parts of this many rows, so the staging area's
/// memory is bounded whatever the file's length.
const STAGE_ROWS: usize = 1 << 20;

/// Bytes of long ids (past 16 bytes) staged before the rows are added, for the same reason.
const STAGE_LONG: usize = 16 << 20;

/// The group an id's hash puts it in: bits the hash table does not use for its buckets (the
/// low bits) nor its tags (the top seven), so each group's table still spreads its entries.
fn group_of(hash: u64) -> usize {
    (hash >> 40) as usize % GROUPS
}

/// Rows read and checked, sorted into their groups. Adding a national batch's rows to one
/// table of hundreds of thousands of applications was a cache miss per row (profiled: a third
/// of the batch's time); added group by group, each group's table stays in the core's cache.
struct Staging {
    groups: Vec<Vec<Staged>>,
    rows: usize,
    /// The line of the first row staged.
    first_line: u64,
    long: Vec<u8>,
    /// Seeded per batch, so no file can be made to collide on purpose.
    hasher: foldhash::fast::RandomState,
    /// How many rows fill it ([`STAGE_ROWS`], smaller in tests).
    capacity: usize,
}

impl Staging {
    fn new(capacity: usize) -> Staging {
        Staging {
            groups: std::iter::repeat_with(Vec::new).take(GROUPS).collect(),
            rows: 0,
            first_line: 0,
            long: Vec::new(),
            hasher: foldhash::fast::RandomState::default(),
            capacity,
        }
    }

    /// Whether a row on `line` can be staged with those staged already (lines are kept as
    /// offsets from the first).
    fn fits(&self, line: u64) -> bool {
        self.rows == 0 || line - self.first_line <= u64::from(u32::MAX)
    }

    /// Stages a row; the caller has made sure it [`fits`](Staging::fits).
    fn push(&mut self, row: &Row<'_>, province: u32, line: u64) {
        let id = row.id;
        if self.rows == 0 {
            self.first_line = line;
        }
        let mut bytes = [0u8; 16];
        if let Some(short) = bytes.get_mut(..id.len()) {
            short.copy_from_slice(id);
        } else {
            let at = u32::try_from(self.long.len()).unwrap_or(u32::MAX);
            bytes[..4].copy_from_slice(&at.to_le_bytes());
            self.long.extend_from_slice(id);
        }
        let len = u32::try_from(id.len()).unwrap_or(0);
        let facts = row.count
            | ((row.class as u32) << 20)
            | ((row.procedure as u32) << 27)
            | (u32::from(row.channel == Channel::Online) << 30);
        self.groups[group_of(self.hasher.hash_one(id))].push(Staged {
            id: bytes,
            line: u32::try_from(line - self.first_line).unwrap_or(u32::MAX),
            province,
            facts,
            date_len: row.received.to_bits() | (len << 22),
        });
        self.rows += 1;
    }

    fn is_full(&self) -> bool {
        self.rows >= self.capacity || self.long.len() >= STAGE_LONG
    }

    /// A staged row's id.
    fn id<'a>(&'a self, row: &'a Staged) -> &'a [u8] {
        let len = row.len();
        match row.id.get(..len) {
            Some(short) => short,
            None => {
                let at = u32::from_le_bytes([row.id[0], row.id[1], row.id[2], row.id[3]]) as usize;
                self.long.get(at..at + len).unwrap_or(&[])
            }
        }
    }
}

/// One group's applications, found by id. They are stored in the hash table itself, so a row
/// costs one probe, not two.
#[derive(Default)]
struct Group {
    table: hashbrown::HashTable<Pending>,
    /// Each application's first line, in the order met.
    first_lines: Vec<u64>,
}

/// The applications of a batch, in [`GROUPS`] groups by id hash.
struct Gathered {
    groups: Vec<Group>,
    /// Applications in all groups.
    applications: usize,
    long_ids: Vec<Box<[u8]>>,
    more: MoreDevices,
}

impl Gathered {
    fn new() -> Gathered {
        Gathered {
            groups: std::iter::repeat_with(Group::default).take(GROUPS).collect(),
            applications: 0,
            long_ids: Vec::new(),
            more: MoreDevices::new(),
        }
    }

    /// Adds every staged row to its application and empties the staging area.
    fn add_all(&mut self, staging: &mut Staging, spellings: &[String], problems: &mut Problems) -> Result<(), Error> {
        for g in 0..GROUPS {
            self.add_group(g, staging, spellings, problems)?;
        }
        staging.long.clear();
        staging.rows = 0;
        staging.first_line = 0;
        Ok(())
    }

    /// Adds group `g`'s staged rows to their applications, in file order.
    fn add_group(
        &mut self,
        g: usize,
        staging: &mut Staging,
        spellings: &[String],
        problems: &mut Problems,
    ) -> Result<(), Error> {
        let rows = std::mem::take(&mut staging.groups[g]);
        let Gathered { groups, applications, long_ids, more } = self;
        let Group { table, first_lines } = &mut groups[g];
        let hasher = &staging.hasher;
        for row in &rows {
            let id = staging.id(row);
            let line = staging.first_line + u64::from(row.line);
            let (procedure, channel, received) = (row.procedure(), row.channel(), row.received());
            let head = head_of(id);
            let entry = table.entry(
                hasher.hash_one(id),
                |a| a.id.is(id, head, long_ids),
                |a| hasher.hash_one(a.id.bytes(long_ids)),
            );
            let app = match entry {
                hashbrown::hash_table::Entry::Occupied(o) => o.into_mut(),
                hashbrown::hash_table::Entry::Vacant(_) if *applications >= MAX_APPLICATIONS => {
                    return Err(Error::input(Finding::error(
                        None,
                        None,
                        format!(
                            "line {line}: the batch has more than {MAX_APPLICATIONS} applications; split it into smaller files"
                        ),
                    )));
                }
                hashbrown::hash_table::Entry::Vacant(v) => {
                    let at = if id.len() <= 16 {
                        0
                    } else {
                        long_ids.push(id.into());
                        long_ids.len() - 1
                    };
                    *applications += 1;
                    first_lines.push(line);
                    let app = Pending {
                        id: IdRef { head: head.0, len: head.1, at: u32::try_from(at).unwrap_or(u32::MAX) },
                        procedure,
                        channel,
                        failed: false,
                        received,
                        seq: u32::try_from(first_lines.len() - 1).unwrap_or(u32::MAX),
                        province: row.province,
                        devices: Devices::new(row.class()),
                    };
                    v.insert(app).into_mut()
                }
            };
            let differs = if app.province != row.province {
                let spelling = |k: u32| spellings.get(k as usize).cloned().unwrap_or_default();
                Some(("province", spelling(app.province), spelling(row.province)))
            } else if app.procedure != procedure {
                Some(("procedure", app.procedure.key().to_owned(), procedure.key().to_owned()))
            } else if app.received != received {
                Some(("received", app.received.to_string(), received.to_string()))
            } else if app.channel != channel {
                Some(("channel", app.channel.key().to_owned(), channel.key().to_owned()))
            } else {
                None
            };
            if let Some((field, first, here)) = differs {
                if !app.failed {
                    problems.push(BatchProblem {
                        line,
                        application_id: Some(String::from_utf8_lossy(id).into_owned()),
                        message: format!(
                            "{field} is `{here}` here but `{first}` on line {}: the rows of one application must agree; the application is not priced",
                            first_lines.get(app.seq as usize).copied().unwrap_or_default()
                        ),
                        unpriceable: false,
                    });
                }
                app.failed = true;
                continue;
            }
            app.devices.add(row.class(), row.count(), more);
        }
        // The rows' memory is kept for the next part of the file.
        let mut rows = rows;
        rows.clear();
        staging.groups[g] = rows;
        Ok(())
    }
}

/// `str::trim`, with no work for a field that starts and ends with a visible ASCII character.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// The row a record holds, or `None` after pushing the reason it is bad.
fn read_row<'a>(record: &'a Record, cols: &Columns, header_len: usize, problems: &mut Problems) -> Option<Row<'a>> {
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

/// The batch's side tables, as pricing reads them.
#[derive(Clone, Copy)]
struct Tables<'a> {
    long_ids: &'a [Box<[u8]>],
    more: &'a MoreDevices,
    spellings: &'a [String],
    located: &'a [Option<(&'a crate::province::Province, bool)>],
    first_lines: &'a [u64],
}

/// A priced application, as the final pass needs it: 48 bytes, so sorting a national batch
/// moves little memory.
struct Done {
    id: IdRef,
    total: Money,
    /// Index of its lines, when they are kept.
    lines: u32,
    authority: Option<Authority>,
}

/// Appends an amount's digits (as `Decimal` prints it), without the formatter for whole
/// numbers that fit a `u64` (every fee is one; the formatter was a tenth of the final pass).
fn write_amount(amount: rust_decimal::Decimal, out: &mut Vec<u8>) {
    use std::io::Write as _;
    match u64::try_from(amount.mantissa()) {
        Ok(mut n) if amount.scale() == 0 => {
            let mut digits = [0u8; 20];
            let mut at = digits.len();
            loop {
                at -= 1;
                digits[at] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            out.extend_from_slice(&digits[at..]);
        }
        _ => {
            let _ = write!(out, "{amount}");
        }
    }
}

/// The sum of `totals`: in exact `i128` arithmetic while it can, else with `Decimal`.
fn sum(mut totals: impl Iterator<Item = Money> + Clone) -> Option<Money> {
    let exact = totals.clone().try_fold(Exact::ZERO, |sum, t| sum.add(Exact::of(t.amount())));
    match exact.and_then(Exact::to_decimal) {
        Some(total) => Some(Money::new(total)),
        None => totals.try_fold(Money::ZERO, Money::checked_add),
    }
}

/// A priced application: total, authority, and its lines when asked for.
type Priced = (Money, Option<Authority>, Vec<crate::quote::Line>);

impl Schedules {
    /// Prices every application of a batch CSV. `progress` is called with the number of rows
    /// read so far, every 100,000 rows. Fails only when the file cannot be read as CSV at all
    /// (no header, a wrong header, an I/O error); row problems are in the report.
    pub fn price_batch<R: Read>(&self, input: R, progress: impl FnMut(u64)) -> Result<BatchReport, Error> {
        self.price_batch_keeping(input, Keep::Totals, progress)
    }

    /// As [`Schedules::price_batch`], keeping each application's priced lines when `detail` is
    /// true (memory then grows with the number of lines).
    pub fn price_batch_with_detail<R: Read>(
        &self,
        input: R,
        detail: bool,
        progress: impl FnMut(u64),
    ) -> Result<BatchReport, Error> {
        self.price_batch_keeping(input, if detail { Keep::Lines } else { Keep::Totals }, progress)
    }

    /// As [`Schedules::price_batch`], keeping in [`BatchReport::results`] what `keep` says.
    /// The three figures and the problems are the same whatever is kept.
    pub fn price_batch_keeping<R: Read>(
        &self,
        input: R,
        keep: Keep,
        progress: impl FnMut(u64),
    ) -> Result<BatchReport, Error> {
        self.price_batch_staged(input, keep, progress, STAGE_ROWS)
    }

    /// As [`Schedules::price_batch_keeping`], staging at most `stage_rows` rows at a time
    /// (tests make it small, to check the figures do not depend on it).
    fn price_batch_staged<R: Read>(
        &self,
        input: R,
        keep: Keep,
        mut progress: impl FnMut(u64),
        stage_rows: usize,
    ) -> Result<BatchReport, Error> {
        let detail = keep == Keep::Lines;
        let read_error = |line: u64, e: std::io::Error| {
            Error::input(Finding::error(None, None, format!("line {line}: cannot read the batch: {e}")))
        };
        let mut reader = Rows::new(input);
        let mut record = Record::default();
        let has_header = reader.next(&mut record).map_err(|e| read_error(1, e))?;
        if record.too_long {
            return Err(header_problem(format!("the header row is longer than {MAX_ROW} bytes")));
        }
        let header_text = record
            .text()
            .ok_or_else(|| header_problem("cannot read the header row: it is not valid UTF-8 text".to_owned()))?;
        let names: Vec<&str> = if has_header {
            (0..record.ends.len()).map(|i| record.field(header_text, i)).collect()
        } else {
            Vec::new()
        };
        let cols = Columns::from_header(&names)?;
        let header_len = names.len();

        let mut gathered = Gathered::new();
        let mut staging = Staging::new(stage_rows.max(1));
        let keys = Vocabulary::new();
        // Each distinct province spelling is stored and located once, not once per application.
        let mut spellings: Vec<String> = Vec::new();
        let mut located: Vec<Option<(&crate::province::Province, bool)>> = Vec::new();
        let mut spelling_index: HashMap<Box<[u8]>, u32, foldhash::fast::RandomState> = HashMap::default();
        let mut problems = Problems::default();
        let mut rows = 0u64;
        loop {
            let line = reader.line;
            let plain = match reader.next_row(&mut record).map_err(|e| read_error(line, e))? {
                Got::End => break,
                Got::Record => None,
                Got::Plain(plain) => Some(plain),
            };
            rows += 1;
            if rows.is_multiple_of(100_000) {
                progress(rows);
            }
            let quick = plain.as_ref().and_then(|p| {
                let row = quick_row(&p.fields(), &cols, &keys)?;
                let province = *spelling_index.get(row.province)?;
                Some((row, province, p.line))
            });
            let (row, province, line) = match quick {
                Some(read) => read,
                None => {
                    if let Some(p) = &plain {
                        record.set_plain(p);
                    }
                    let Some(row) = read_row(&record, &cols, header_len, &mut problems) else { continue };
                    let province = match spelling_index.get(row.province) {
                        Some(&k) => k,
                        None => {
                            let k = u32::try_from(spellings.len()).unwrap_or(u32::MAX);
                            let spelling = String::from_utf8_lossy(row.province).into_owned();
                            located.push(self.provinces().locate(&spelling));
                            spelling_index.insert(row.province.into(), k);
                            spellings.push(spelling);
                            k
                        }
                    };
                    (row, province, record.line)
                }
            };
            if !staging.fits(line) {
                gathered.add_all(&mut staging, &spellings, &mut problems)?;
            }
            staging.push(&row, province, line);
            if staging.is_full() {
                gathered.add_all(&mut staging, &spellings, &mut problems)?;
            }
        }
        progress(rows);

        // Group by group: add the last staged rows, price the group's applications in memory
        // order, and free its table. Then list by id: the zero-padded head orders ids as their
        // bytes do, except ids that share it, which the full ids order.
        let mut priced: Vec<Done> = Vec::new();
        let mut lines: Vec<Vec<crate::quote::Line>> = Vec::new();
        for g in 0..GROUPS {
            gathered.add_group(g, &mut staging, &spellings, &mut problems)?;
            let Group { table, first_lines } = std::mem::take(&mut gathered.groups[g]);
            let tables = Tables {
                long_ids: &gathered.long_ids,
                more: &gathered.more,
                spellings: &spellings,
                located: &located,
                first_lines: &first_lines,
            };
            for app in table {
                if app.failed {
                    continue;
                }
                let Some((total, authority, app_lines)) = self.price_pending(&app, &tables, detail, &mut problems)
                else {
                    continue;
                };
                if detail {
                    lines.push(app_lines);
                }
                let index = if detail { lines.len() - 1 } else { 0 };
                priced.push(Done { id: app.id, total, lines: u32::try_from(index).unwrap_or(u32::MAX), authority });
            }
        }
        drop(staging);
        let long_ids = gathered.long_ids;
        priced.sort_unstable_by(|a, b| {
            a.id.key().cmp(&b.id.key()).then_with(|| a.id.bytes(&long_ids).cmp(b.id.bytes(&long_ids)))
        });

        let mut results = Vec::with_capacity(if keep == Keep::Figures { 0 } else { priced.len() });
        let grand_total = sum(priced.iter().map(|d| d.total)).ok_or_else(|| {
            Error::input(Finding::error(None, None, "the grand total is too large to compute exactly"))
        })?;
        // The digest's text is made in a buffer and hashed a block at a time.
        let mut hasher = Sha256::new();
        let mut text: Vec<u8> = Vec::with_capacity(DIGEST_BUFFER + 2 * MAX_FIELD);
        for (i, done) in priced.iter().enumerate() {
            let id = done.id.bytes(&long_ids);
            if i > 0 {
                text.push(b'\n');
            }
            text.extend_from_slice(id);
            text.push(b',');
            write_amount(done.total.amount(), &mut text);
            if text.len() >= DIGEST_BUFFER {
                hasher.update(&text);
                text.clear();
            }
            if keep != Keep::Figures {
                let lines = lines.get_mut(done.lines as usize).map(std::mem::take).unwrap_or_default();
                results.push(BatchResult {
                    application_id: String::from_utf8_lossy(id).into_owned(),
                    total: done.total,
                    authority: done.authority,
                    lines,
                });
            }
        }
        hasher.update(&text);
        let digest = hasher.finalize().iter().fold(String::from("sha256:"), |mut s, b| {
            s.push_str(&format!("{b:02x}"));
            s
        });
        Ok(BatchReport {
            rows,
            applications: priced.len() as u64,
            grand_total,
            digest,
            results,
            problems: problems.in_file_order(),
            bad_rows: problems.bad_rows,
            unpriceable: problems.unpriceable,
        })
    }

    /// Prices one gathered application: the exact hot path when it can, else the full engine
    /// on an [`Application`] built from its rows. When it cannot be priced, the problem is
    /// pushed and `None` returned.
    fn price_pending(&self, app: &Pending, t: &Tables<'_>, detail: bool, problems: &mut Problems) -> Option<Priced> {
        let Tables { long_ids, more, spellings, located, first_lines } = *t;
        // A problem, with the line read only then: applications come in table order, and
        // reading every first line up front was a cache miss each.
        let mut fail = |message: String, unpriceable: bool| {
            problems.push(BatchProblem {
                line: first_lines.get(app.seq as usize).copied().unwrap_or_default(),
                application_id: Some(String::from_utf8_lossy(app.id.bytes(long_ids)).into_owned()),
                message,
                unpriceable,
            });
            None
        };
        if let Some(class) = app.devices.overflow {
            return fail(format!("too many `{class}` devices in one application"), false);
        }
        let terms = Terms {
            procedure: app.procedure,
            received: app.received,
            channel: app.channel,
            facility_kind: None,
            sites: 1,
            conditions: &[],
        };
        if !detail
            && let Some((province, former)) = located.get(app.province as usize).copied().flatten()
            && let Some((total, authority)) =
                self.fast_total(&terms, app.devices.iter(more).map(Some), province, former)
        {
            return Some((total, authority, Vec::new()));
        }
        let province = spellings.get(app.province as usize).cloned().unwrap_or_default();
        let mut application = Application::new(province, app.procedure, app.received).with_channel(app.channel);
        application.devices.extend(app.devices.iter(more).map(|(class, count)| DeviceEntry::of_class(class, count)));
        match self.quote(&application) {
            Ok(q) => Some((q.total, q.authority, if detail { q.lines } else { Vec::new() })),
            Err(e) => {
                let message = e.findings().iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; ");
                fail(message, e.is_unpriceable())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn byte_tests_flag_exactly_the_bytes_they_name() {
        for b in 0..=255u8 {
            for pos in 0..8 {
                let mut bytes = [b'a'; 8];
                bytes[pos] = b;
                let word = u64::from_le_bytes(bytes);
                for target in [b',', b'"', b'\n', 0, 0xff] {
                    let expected = if b == target { 0x80u64 << (8 * pos) } else { 0 };
                    assert_eq!(bytes_equal(word, target) & (0x80 << (8 * pos)), expected, "{b} at {pos}");
                }
                let controls = word.wrapping_sub(LOW * 0x0e) & !word & HIGH;
                assert_eq!(controls != 0, b < 0x0e, "{b} at {pos}");
                if controls != 0 {
                    assert_eq!(controls.trailing_zeros() as usize / 8, pos);
                }
            }
        }
    }

    #[test]
    fn a_staged_row_gives_back_what_was_staged() {
        let mut staging = Staging::new(STAGE_ROWS);
        let long = b"AN-APPLICATION-ID-OF-MORE-THAN-16-BYTES".as_slice();
        let dates = ["1900-01-01", "2024-02-29", "2025-12-31", "9999-12-31"];
        let mut expected = Vec::new();
        for (i, &class) in DeviceClass::ALL.iter().enumerate() {
            for (j, procedure) in Procedure::ALL.into_iter().enumerate() {
                let channel = if (i + j) % 2 == 0 { Channel::Online } else { Channel::InPerson };
                let received: Date = dates[(i + j) % dates.len()].parse().unwrap();
                let id = if j % 3 == 0 { long } else { b"A-0000001".as_slice() };
                let count = [1, 7, MAX_COUNT][j % 3];
                let line = 5_000_000_000 + (i * 10 + j) as u64;
                let row = Row { id, province: b"", procedure, received, channel, class, count };
                staging.push(&row, 3, line);
                expected.push((id, line, procedure, received, channel, class, count));
            }
        }
        let mut got: Vec<_> = staging
            .groups
            .iter()
            .flatten()
            .map(|r| {
                let line = staging.first_line + u64::from(r.line);
                (staging.id(r), line, r.procedure(), r.received(), r.channel(), r.class(), r.count())
            })
            .collect();
        got.sort_by_key(|r| r.1);
        assert_eq!(got, expected);
        assert!(staging.groups.iter().flatten().all(|r| r.province == 3));
        assert!(staging.fits(5_000_000_000 + u64::from(u32::MAX)));
        assert!(!staging.fits(5_000_000_001 + u64::from(u32::MAX)));
    }

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

    /// An input that hands out at most `step` bytes per read, so rows cross buffer ends.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    /// Every record the row reader finds: its fields. (Lines are checked by the integration
    /// tests: the csv crate does not count the blank lines it skips.)
    fn our_rows(bytes: &[u8], step: usize) -> Vec<Vec<Vec<u8>>> {
        let mut rows = Rows::new(Trickle { bytes, step });
        let mut record = Record::default();
        let mut out = Vec::new();
        while rows.next(&mut record).unwrap() {
            let fields = (0..record.fields).map(|i| record.data[record.start(i)..record.ends[i]].to_vec()).collect();
            out.push(fields);
        }
        out
    }

    /// The same, as the csv crate reads it.
    fn csv_rows(bytes: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
        reader.byte_records().map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// The row reader, its eight-bytes-at-a-time path included, splits rows and fields and
        /// numbers lines as the csv crate does, wherever the input's reads end.
        #[test]
        fn the_row_reader_reads_as_the_csv_crate_does(
            pieces in prop::collection::vec(
                prop::sample::select(vec![
                    "a", "Huế", "2024-05-10", ",", ",", ",", "\"", "\n", "\n", "\r", "\r\n", " ", "\t", "x,y,z,w,v,u",
                    "1,2,3,4,5,6,7\n", "Huế,22,3,A-1,5,6,7\r\n",
                ]),
                0..60,
            ),
            step in prop::sample::select(vec![1usize, 3, 8, 13, 1 << 20]),
        ) {
            let text: String = pieces.concat();
            prop_assert_eq!(our_rows(text.as_bytes(), step), csv_rows(text.as_bytes()));
        }
    }

    /// A batch with what a real one has: repeated ids, long ids, rows that disagree, bad rows,
    /// unknown provinces and classes without a fee row.
    fn mixed_batch() -> String {
        let mut text = String::from("class,count,application_id,province,procedure,received,channel\n");
        let provinces = ["Huế", "Thành phố Hồ Chí Minh", "ha-noi", "Atlantis"];
        let classes = ["xray_general", "xray_ct", "xray_dental_intraoral", "static_eliminator", "nothing"];
        for i in 0..600u32 {
            let app = (i * 7) % 230;
            let id = if app % 9 == 0 { format!("A-LONG-IDENTIFIER-OF-APPLICATION-{app}") } else { format!("A-{app}") };
            let province = provinces[(app % 4) as usize];
            let procedure = if i % 97 == 5 { "renewal" } else { ["new", "renewal", "reissue"][(app % 3) as usize] };
            let day = 1 + app % 28;
            let class = classes[((i + i / 230) % 5) as usize];
            let count = if i % 61 == 0 { "0".to_owned() } else { (1 + i % 3).to_string() };
            text.push_str(&format!("{class},{count},{id},{province},{procedure},2024-03-{day:02},online\n"));
        }
        text
    }

    #[test]
    fn staging_in_parts_gives_the_same_report() {
        let schedules = Schedules::builtin().unwrap();
        let text = mixed_batch();
        let whole = schedules.price_batch_staged(text.as_bytes(), Keep::Lines, |_| {}, STAGE_ROWS).unwrap();
        let counts = (whole.applications, whole.bad_rows, whole.unpriceable);
        assert!(counts.0 > 50 && counts.1 > 5 && counts.2 > 5, "{counts:?}");
        for parts in [1, 2, 7, 100] {
            let staged = schedules.price_batch_staged(text.as_bytes(), Keep::Lines, |_| {}, parts).unwrap();
            assert_eq!(staged, whole, "staging {parts} rows at a time");
        }
    }
}
