//! The reading side of a batch: the rows of one segment of a block read and checked, province
//! spellings resolved once each (numbered for the whole batch), application ids in NFC, and
//! each row handed to the part of the batch its id falls in, so that each part can be gathered
//! by one core.
//!
//! A refused row becomes a problem here; its application is named so it is never priced from
//! its other rows alone.

use std::collections::HashMap;
use std::hash::BuildHasher as _;
use std::sync::Mutex;

use super::report::{BatchProblem, MAX_PROBLEMS};
use super::rows::{Columns, parse_row};
use crate::date::Date;
use crate::province::Provinces;
use crate::sheet::csv::{Checked, Fields, Records, Step, Stop};
use crate::text::Msg;
use crate::vocab::{Channel, DeviceClass, Procedure};

/// The parts a batch's applications are split into by their id's hash, one per core.
pub(super) const PARTS: usize = 2;

/// What a refused row adds to its message when it names an application.
pub(super) const NOT_PRICED: &str = "; the application is not priced (a row of it was refused)";
/// [`NOT_PRICED`] in Vietnamese.
pub(super) const NOT_PRICED_VI: &str = "; hồ sơ này không được tính phí (có dòng bị từ chối)";

/// The hasher of the batch's tables: foldhash, seeded per run (ids come from the file, so a
/// fixed seed could be flooded).
pub(super) type Hasher = foldhash::fast::RandomState;

/// The part of the batch an id's hash falls in (a bit the index's slot position does not use;
/// it is in the index's tag, the same for every id of a part).
pub(super) fn part_of(hash: u64) -> usize {
    ((hash >> 40) & 1) as usize
}

/// A distinct province spelling of the batch, resolved once.
#[derive(Clone, Debug)]
pub(super) struct Spelling {
    /// The spelling in NFC.
    pub(super) text: String,
    /// The current province (its index) and, for a former province's name, which former one.
    pub(super) unit: (usize, Option<usize>),
}

/// The province spellings of a batch, numbered in the order the readers met them.
#[derive(Default)]
pub(super) struct Spellings {
    pub(super) list: Vec<Spelling>,
    index: HashMap<Box<str>, u32, Hasher>,
}

/// A row read and checked, its id in its part's text.
#[derive(Clone, Copy, Debug)]
pub(super) struct Row {
    pub(super) line: u64,
    /// The id's hash (the batch's hasher).
    pub(super) hash: u64,
    /// `ids[id.0..id.1]` of its part.
    pub(super) id: (u32, u32),
    pub(super) spelling: u32,
    pub(super) procedure: Procedure,
    pub(super) received: Date,
    pub(super) channel: Channel,
    pub(super) class: DeviceClass,
    pub(super) count: u32,
}

/// The rows of one part of a segment, in file order.
#[derive(Default)]
pub(super) struct Part {
    /// The ids of `rows`, one after the other (NFC).
    pub(super) ids: String,
    pub(super) rows: Vec<Row>,
}

impl Part {
    /// The id of a row of this part.
    pub(super) fn id(&self, row: &Row) -> &str {
        id_at(&self.ids, row.id)
    }
}

/// The id at `at` (start and end) in a text of ids, one after the other.
pub(super) fn id_at(ids: &str, at: (u32, u32)) -> &str {
    ids.get(at.0 as usize..at.1 as usize).unwrap_or_default()
}

/// What one segment of a block gave. Aligned to its own cache lines: the two cores fill two
/// segments side by side, and sharing a line would make each wait for the other.
#[derive(Default)]
#[repr(align(128))]
pub(super) struct Segment {
    pub(super) parts: [Part; PARTS],
    /// Rows refused here: the first [`MAX_PROBLEMS`] (no more can be listed), the rest counted.
    pub(super) problems: Vec<BatchProblem>,
    pub(super) unlisted: u64,
    /// Applications named by a refused row (NFC), each once.
    pub(super) refused: std::collections::HashSet<String, Hasher>,
    /// Data rows read.
    pub(super) rows: u64,
    /// Where reading stopped in the block: the start of the first record not read.
    pub(super) end: usize,
    /// Reading cannot go on.
    pub(super) stop: Option<Stop>,
}

impl Segment {
    /// Moves every line this segment names on by `by` (it was read numbered from 0).
    pub(super) fn shift_lines(&mut self, by: u64) {
        for part in &mut self.parts {
            for row in &mut part.rows {
                row.line += by;
            }
        }
        for p in &mut self.problems {
            p.line += by;
        }
    }

    /// Empty, ready to be read into again (its buffers kept).
    pub(super) fn clear(&mut self) {
        for p in &mut self.parts {
            p.ids.clear();
            p.rows.clear();
        }
        self.problems.clear();
        self.unlisted = 0;
        self.refused.clear();
        self.rows = 0;
        self.end = 0;
        self.stop = None;
    }
}

/// Text in NFC, borrowed when it already is (ASCII always is).
pub(super) fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() { std::borrow::Cow::Borrowed(text) } else { std::borrow::Cow::Owned(crate::text::nfc(text)) }
}

/// One core's reader: the record reader and what it remembers between segments (on cache
/// lines of its own, as [`Segment`]).
#[repr(align(128))]
pub(super) struct Reader<'a> {
    pub(super) records: Records,
    check: Check<'a>,
}

/// What checks a row once its fields are read.
struct Check<'a> {
    cols: &'a Columns,
    provinces: &'a Provinces,
    spellings: &'a Mutex<Spellings>,
    /// Spellings this reader has met, by the text as written.
    known: HashMap<Box<str>, u32, Hasher>,
    /// Messages for unknown province spellings, by spelling (short ones only).
    unknown: HashMap<Box<str>, Msg, Hasher>,
    hasher: Hasher,
}

impl<'a> Reader<'a> {
    /// A reader of rows laid out as `cols`, sharing `spellings` and `hasher` with the others.
    pub(super) fn new(
        records: Records,
        cols: &'a Columns,
        provinces: &'a Provinces,
        spellings: &'a Mutex<Spellings>,
        hasher: Hasher,
    ) -> Reader<'a> {
        Reader {
            records,
            check: Check { cols, provinces, spellings, known: HashMap::default(), unknown: HashMap::default(), hasher },
        }
    }

    /// Reads the rows of `data` from `from` into `seg`: up to the first record that starts
    /// at or after `until` when given, else to the end of `data` (`last`: nothing follows
    /// it) or the record it ends inside. The record reader's line must be `from`'s.
    pub(super) fn read(&mut self, data: &[u8], from: usize, until: Option<usize>, last: bool, seg: &mut Segment) {
        seg.clear();
        let mut pos = from;
        let checked = Checked::run(data, from, until.unwrap_or(data.len()));
        loop {
            if let Some(until) = until {
                self.records.skip_line_ends(data, &mut pos, until);
                if pos >= until {
                    break;
                }
            }
            match self.records.next(data, checked, &mut pos, last) {
                Err(e) => {
                    seg.stop = Some(e);
                    break;
                }
                // The block ends inside a record: `end` says where it starts.
                Ok(Step::End | Step::NeedMore) => break,
                Ok(Step::Row(fields)) => {
                    seg.rows += 1;
                    self.check.row(&fields, seg);
                }
                Ok(Step::Bad(line, m)) => {
                    seg.rows += 1;
                    // The problem is at the line the reader names (an unclosed quote's own line).
                    match self.records.field_lossy(data, self.check.cols.idx[0]) {
                        Some((id, true)) => refuse(seg, line, None, m, Some(&id)),
                        // An id that is not UTF-8 is shown with `�` but names no application:
                        // a valid row whose id really has `�` there is another one.
                        Some((shown, false)) => refuse_unnamed(seg, line, m, &shown),
                        None => refuse(seg, line, None, m, None),
                    }
                }
            }
        }
        seg.end = pos;
    }
}

/// `text` without the white space around it, as `str::trim`; a field that starts and ends with
/// a visible ASCII character, as nearly all do, is returned as it is without decoding it.
fn trim(text: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x7f);
    if visible(text.as_bytes().first()) && visible(text.as_bytes().last()) { text } else { text.trim() }
}

/// Records a refused row; the application it names is not priced.
fn refuse(seg: &mut Segment, line: u64, column: Option<&'static str>, m: Msg, id: Option<&str>) {
    let id = id.map(str::trim).filter(|s| !s.is_empty());
    if let Some(id) = id.map(nfc)
        && !seg.refused.contains(id.as_ref())
    {
        seg.refused.insert(id.into_owned());
    }
    list(seg, line, column, m, id);
}

/// Records a refused row whose id is not UTF-8: listed with the id as shown, naming no
/// application (no valid row has those bytes for an id).
fn refuse_unnamed(seg: &mut Segment, line: u64, m: Msg, shown: &str) {
    let shown = shown.trim();
    list(seg, line, None, m, Some(shown).filter(|s| !s.is_empty()));
}

/// Lists a refused row (`id`: the application it names, or shows), or counts it past the
/// first [`MAX_PROBLEMS`].
fn list(seg: &mut Segment, line: u64, column: Option<&'static str>, m: Msg, id: Option<&str>) {
    // A file of bad rows must not hold a message per row: past the listed ones, count them.
    if seg.problems.len() >= MAX_PROBLEMS {
        seg.unlisted += 1;
        return;
    }
    let (message, message_vi) =
        if id.is_some() { (format!("{}{NOT_PRICED}", m.en), format!("{}{NOT_PRICED_VI}", m.vi)) } else { (m.en, m.vi) };
    seg.problems.push(BatchProblem {
        line,
        application_id: id.map(|s| crate::text::excerpt(s).into_owned()),
        message,
        unpriceable: false,
        column,
        cell: None,
        other_line: None,
        message_vi: Some(message_vi),
    });
}

impl Check<'_> {
    /// Checks a row and hands it to its part, or refuses it.
    fn row(&mut self, fields: &Fields<'_>, seg: &mut Segment) {
        let cols = self.cols;
        let line = fields.line;
        let width = fields.len();
        let extra = (cols.width..width).any(|i| !trim(fields.get(i)).is_empty());
        if width < cols.width || extra {
            let wide = if extra { width } else { width.min(cols.width) };
            let message = Msg::new(
                format!("the row has {wide} fields; the header has {}", cols.width),
                format!("dòng có {wide} cột; dòng tiêu đề có {}", cols.width),
            );
            return refuse(seg, line, None, message, Some(trim(fields.get(cols.idx[0]))));
        }
        let values: [&str; 7] = cols.idx.map(|i| trim(fields.get(i)));
        let row = match parse_row(&values) {
            Ok(row) => row,
            Err((column, message)) => return refuse(seg, line, column, message, Some(values[0])),
        };
        let Some(spelling) = self.spelling(row.province) else {
            // An unknown province is not kept: its application is refused here, with the
            // suggestions worked out once per short spelling.
            let message = match self.unknown.get(row.province) {
                Some(m) => m.clone(),
                None => {
                    let m = self
                        .provinces
                        .resolve(row.province, row.received)
                        .err()
                        .map_or_else(|| Msg::new("", ""), |e| Msg::new(e.to_string(), e.message_vi()));
                    if row.province.len() <= 64 && self.unknown.len() < MAX_PROBLEMS {
                        self.unknown.insert(row.province.into(), m.clone());
                    }
                    m
                }
            };
            return refuse(seg, line, Some("province"), message, Some(row.id));
        };
        let id = nfc(row.id);
        let hash = self.hasher.hash_one(id.as_bytes());
        let part = &mut seg.parts[part_of(hash)];
        let start = u32::try_from(part.ids.len()).unwrap_or(u32::MAX);
        part.ids.push_str(&id);
        let end = u32::try_from(part.ids.len()).unwrap_or(u32::MAX);
        part.rows.push(Row {
            line,
            hash,
            id: (start, end),
            spelling,
            procedure: row.procedure,
            received: row.received,
            channel: row.channel,
            class: row.class,
            count: row.count,
        });
    }

    /// The number of a province spelling, resolved the first time the batch meets it; `None`
    /// for a spelling that names no province.
    fn spelling(&mut self, written: &str) -> Option<u32> {
        if let Some(&k) = self.known.get(written) {
            return Some(k);
        }
        let unit = self.provinces.unit_of(written)?;
        let mut shared = self.spellings.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let k = match shared.index.get(written) {
            Some(&k) => k,
            None => {
                let k = u32::try_from(shared.list.len()).unwrap_or(u32::MAX);
                shared.list.push(Spelling { text: crate::text::nfc(written), unit });
                shared.index.insert(written.into(), k);
                k
            }
        };
        drop(shared);
        self.known.insert(written.into(), k);
        Some(k)
    }
}
