//! Batch appraisal (spec/batch.md): many applications in one CSV, priced by the same engine as
//! the calculator, with three figures any other implementation can be checked against.
//!
//! Rows with the same `application_id` form one application wherever they stand in the file.
//! Each application keeps only its header fields and one count per class, so memory grows with
//! the number of applications, not of rows. A bad row is reported with its line number and
//! skipped; an application whose rows disagree is reported with both lines and not priced.

use std::collections::HashMap;
use std::hash::BuildHasher as _;
use std::io::Read;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::application::{Application, Channel, DeviceEntry, MAX_COUNT, Procedure, Terms};
use crate::class::DeviceClass;
use crate::date::Date;
use crate::error::{Error, Finding};
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

struct Row<'a> {
    id: &'a str,
    province: &'a str,
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
    Ok(Row { id, province, procedure, received, channel, class, count })
}

/// Longest row accepted, in bytes: seven fields of at most [`MAX_FIELD`] bytes fit easily.
const MAX_ROW: usize = 16 * 1024;

/// Most fields of a row kept (more are counted, for the message).
const MAX_ROW_FIELDS: usize = 64;

/// Bytes read from the input at a time.
const CHUNK: usize = 1 << 20;

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
        rec.clear();
        // Blank lines, and the LF of a CRLF, between rows.
        loop {
            if !self.fill()? {
                return Ok(false);
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
        // The common case: the whole row is in the buffer and has no quote and no CR before
        // its line end. It is copied at once and its commas found with SIMD (memchr).
        let rest = &self.buf[self.pos..self.end];
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
                return Ok(true);
            }
        }
        let mut state = State::FieldStart;
        loop {
            if !self.fill()? {
                rec.end_field();
                return Ok(true);
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
                                return Ok(true);
                            }
                            _ => {
                                self.line += 1;
                                return Ok(true);
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

/// One application being gathered: one cache line (64 bytes, aligned), because a national
/// batch holds hundreds of thousands of them and each row visits one at random. What only
/// messages need (the first line) is kept apart.
#[repr(align(64))]
struct Pending {
    id: IdRef,
    procedure: Procedure,
    channel: Channel,
    failed: bool,
    received: Date,
    /// The order the application was met in: its index in the batch's first lines.
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
/// first 16 bytes and their place in the batch's table of long ids.
#[derive(Clone, Copy)]
struct IdRef {
    /// The first 16 bytes, zero-padded: also the sort key, as they order ids as their bytes
    /// do, except ids that share them.
    head: [u8; 16],
    /// The length (at most [`MAX_FIELD`]).
    len: u16,
    /// Past 16 bytes, the whole id is `long_ids[at]`.
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

/// The applications of a batch, found by id. They are stored in the hash table itself, so a
/// row costs one probe into memory, not two.
struct Gathered {
    table: hashbrown::HashTable<Pending>,
    /// Each application's first line, in the order met.
    first_lines: Vec<u64>,
    /// Seeded per batch, so no file can be made to collide on purpose.
    hasher: foldhash::fast::RandomState,
    long_ids: Vec<Box<[u8]>>,
}

impl Gathered {
    fn new() -> Gathered {
        Gathered {
            table: hashbrown::HashTable::new(),
            first_lines: Vec::new(),
            hasher: foldhash::fast::RandomState::default(),
            long_ids: Vec::new(),
        }
    }

    /// Looks `id` up and drops the answer: a prefetch. Done for a block of rows ahead of their
    /// real lookups, the loads overlap, and the real lookups find the lines in cache.
    fn touch(&self, id: &[u8]) {
        let head = head_of(id);
        let found = self.table.find(self.hasher.hash_one(id), |a| a.id.is(id, head, &self.long_ids));
        std::hint::black_box(found.is_some());
    }

    /// The application with this id, added from `row` when it is new; `None` when it is new
    /// and the batch already holds [`MAX_APPLICATIONS`].
    fn entry(&mut self, id: &[u8], row: &Row<'_>, province: u32, line: u64) -> Option<(&mut Pending, &[u64])> {
        let Gathered { table, hasher, long_ids, first_lines } = self;
        let full = table.len() >= MAX_APPLICATIONS;
        let (head, len) = head_of(id);
        let entry = table.entry(
            hasher.hash_one(id),
            |a| a.id.is(id, (head, len), long_ids),
            |a| hasher.hash_one(a.id.bytes(long_ids)),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(o) => Some((o.into_mut(), first_lines)),
            hashbrown::hash_table::Entry::Vacant(_) if full => None,
            hashbrown::hash_table::Entry::Vacant(v) => {
                let at = if id.len() <= 16 {
                    0
                } else {
                    long_ids.push(id.into());
                    long_ids.len() - 1
                };
                first_lines.push(line);
                let app = Pending {
                    id: IdRef { head, len, at: u32::try_from(at).unwrap_or(u32::MAX) },
                    procedure: row.procedure,
                    channel: row.channel,
                    failed: false,
                    received: row.received,
                    seq: u32::try_from(first_lines.len() - 1).unwrap_or(u32::MAX),
                    province,
                    devices: Devices::new(row.class),
                };
                Some((v.insert(app).into_mut(), first_lines))
            }
        }
    }
}

/// `str::trim`, with no work for a field that starts and ends with a visible ASCII character.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Rows read and looked up together (see [`Gathered::touch`]).
const BLOCK: usize = 32;

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

/// Writes an amount's digits (as `Decimal` prints it), cheaply for whole numbers.
fn write_amount(amount: rust_decimal::Decimal, out: &mut String) {
    use std::fmt::Write as _;
    out.clear();
    let _ = if amount.scale() == 0 { write!(out, "{}", amount.mantissa()) } else { write!(out, "{amount}") };
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
        mut progress: impl FnMut(u64),
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
        let mut more = MoreDevices::new();
        // Each distinct province spelling is stored and located once, not once per application.
        let mut spellings: Vec<String> = Vec::new();
        let mut located: Vec<Option<(&crate::province::Province, bool)>> = Vec::new();
        let mut spelling_index: HashMap<String, u32, foldhash::fast::RandomState> = HashMap::default();
        let mut problems = Problems::default();
        // Rows are read in blocks, and a block's applications are looked up once ahead of use
        // (`Gathered::touch`): the memory loads of its rows then overlap instead of waiting one
        // after another (profiled: those waits were half of a national batch's time).
        let mut block: Vec<Record> = std::iter::repeat_with(Record::default).take(BLOCK).collect();
        let mut rows = 0u64;
        loop {
            let mut n = 0;
            while n < BLOCK && reader.next(&mut block[n]).map_err(|e| read_error(reader.line, e))? {
                n += 1;
            }
            if n == 0 {
                break;
            }
            let mut parsed: [Option<(Row<'_>, u32, u64)>; BLOCK] = std::array::from_fn(|_| None);
            for (slot, record) in parsed.iter_mut().zip(&block[..n]) {
                rows += 1;
                if rows.is_multiple_of(100_000) {
                    progress(rows);
                }
                let Some(row) = read_row(record, &cols, header_len, &mut problems) else { continue };
                let province = match spelling_index.get(row.province) {
                    Some(&k) => k,
                    None => {
                        let k = u32::try_from(spellings.len()).unwrap_or(u32::MAX);
                        spellings.push(row.province.to_owned());
                        located.push(self.provinces().locate(row.province));
                        spelling_index.insert(row.province.to_owned(), k);
                        k
                    }
                };
                *slot = Some((row, province, record.line));
            }
            for (row, _, _) in parsed.iter().flatten() {
                gathered.touch(row.id.as_bytes());
            }
            for (row, province, line) in parsed.iter().flatten() {
                let (province, line) = (*province, *line);
                let Some((app, first_lines)) = gathered.entry(row.id.as_bytes(), row, province, line) else {
                    return Err(Error::input(Finding::error(
                        None,
                        None,
                        format!(
                            "line {line}: the batch has more than {MAX_APPLICATIONS} applications; split it into smaller files"
                        ),
                    )));
                };
                let differs = if app.province != province {
                    Some(("province", spellings[app.province as usize].clone(), row.province.to_owned()))
                } else if app.procedure != row.procedure {
                    Some(("procedure", app.procedure.key().to_owned(), row.procedure.key().to_owned()))
                } else if app.received != row.received {
                    Some(("received", app.received.to_string(), row.received.to_string()))
                } else if app.channel != row.channel {
                    Some(("channel", app.channel.key().to_owned(), row.channel.key().to_owned()))
                } else {
                    None
                };
                if let Some((field, first, here)) = differs {
                    if !app.failed {
                        problems.push(BatchProblem {
                            line,
                            application_id: Some(row.id.to_owned()),
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
                app.devices.add(row.class, row.count, &mut more);
            }
        }
        progress(rows);

        // Price in memory order (one pass over the table), then list by id: the zero-padded
        // head orders ids as their bytes do, except ids that share it, which the full ids order.
        let Gathered { table, long_ids, first_lines, .. } = gathered;
        let tables = Tables {
            long_ids: &long_ids,
            more: &more,
            spellings: &spellings,
            located: &located,
            first_lines: &first_lines,
        };
        let mut priced: Vec<Done> = Vec::with_capacity(table.len());
        let mut lines: Vec<Vec<crate::quote::Line>> = Vec::new();
        for app in table {
            if app.failed {
                continue;
            }
            let Some((total, authority, app_lines)) = self.price_pending(&app, &tables, detail, &mut problems) else {
                continue;
            };
            if detail {
                lines.push(app_lines);
            }
            let index = if detail { lines.len() - 1 } else { 0 };
            priced.push(Done { id: app.id, total, lines: u32::try_from(index).unwrap_or(u32::MAX), authority });
        }
        priced.sort_unstable_by(|a, b| {
            a.id.key().cmp(&b.id.key()).then_with(|| a.id.bytes(&long_ids).cmp(b.id.bytes(&long_ids)))
        });

        let mut results = Vec::with_capacity(if keep == Keep::Figures { 0 } else { priced.len() });
        let mut grand_total = Money::ZERO;
        let mut hasher = Sha256::new();
        let mut digits = String::new();
        for (i, done) in priced.iter().enumerate() {
            let id = done.id.bytes(&long_ids);
            grand_total = grand_total.checked_add(done.total).ok_or_else(|| {
                Error::input(Finding::error(None, None, "the grand total is too large to compute exactly"))
            })?;
            if i > 0 {
                hasher.update(b"\n");
            }
            write_amount(done.total.amount(), &mut digits);
            hasher.update(id);
            hasher.update(b",");
            hasher.update(digits.as_bytes());
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
