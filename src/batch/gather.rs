//! Rows gathered into applications, in file order: one entry per application id, its header
//! fields from its first row, one count per class. Rows that disagree with the first row of
//! their application (by what they mean: two spellings of one province agree) fail it.
//!
//! Rows are first staged in 256 groups by the hash of their id (each group in file order), then
//! each group is gathered on its own: its applications and its table fit in the processor's
//! cache, so finding an application costs no trip to memory. An application's rows all fall in
//! one group, so each is still read in file order. Ids are kept inline when short; memory grows
//! with the applications (about 64 bytes each) and a bounded stage, not with the rows.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher as _;

use super::read::{Batch, Hasher, NOT_PRICED};
use super::report::{BatchProblem, MAX_APPLICATIONS, MAX_PROBLEMS, Problems};
use super::rows::parse_row;
use crate::application::MAX_COUNT;
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::province::Provinces;
use crate::vocab::{Channel, DeviceClass, Procedure};

/// Device entries kept inline per application before spilling to the heap.
const INLINE: usize = 3;
/// Ids up to this many bytes are kept inline.
const SHORT_ID: usize = 19;
/// Groups rows are staged in, by the top bits of their id's hash.
const GROUPS: usize = 256;
/// Rows staged before the groups are gathered (bounds the stage's memory, about 16 MB).
const STAGE_ROWS: usize = 1 << 18;

/// An application id: inline when short, else a range of a shared text.
#[derive(Clone, Copy, Debug)]
enum Id {
    Short { len: u8, bytes: [u8; SHORT_ID] },
    Long { start: u32, end: u32 },
}

/// The bytes of an id, given the text its long form points into.
fn bytes_of<'a>(id: &'a Id, long: &'a [u8]) -> &'a [u8] {
    match id {
        Id::Short { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
        Id::Long { start, end } => long.get(*start as usize..*end as usize).unwrap_or_default(),
    }
}

/// An id stored: inline when short, else appended to `long`.
fn store(id: &[u8], long: &mut Vec<u8>) -> Id {
    if id.len() <= SHORT_ID {
        let mut bytes = [0u8; SHORT_ID];
        bytes[..id.len()].copy_from_slice(id);
        Id::Short { len: u8::try_from(id.len()).unwrap_or(0), bytes }
    } else {
        let start = u32::try_from(long.len()).unwrap_or(u32::MAX);
        long.extend_from_slice(id);
        Id::Long { start, end: u32::try_from(long.len()).unwrap_or(u32::MAX) }
    }
}

/// A distinct province spelling of the batch, resolved once.
#[derive(Clone, Debug)]
pub(super) struct Spelling {
    /// The spelling in NFC.
    pub(super) text: String,
    /// The current province (its index) and, for a former province's name, which former one.
    pub(super) unit: (usize, Option<usize>),
}

/// Text in NFC, borrowed when it already is (ASCII always is).
fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() { std::borrow::Cow::Borrowed(text) } else { std::borrow::Cow::Owned(crate::text::nfc(text)) }
}

/// An application being gathered from its rows.
#[derive(Clone, Debug)]
pub(super) struct Pending {
    id: Id,
    /// The line of its first row.
    pub(super) line: u64,
    /// Its province's spelling (first row's).
    pub(super) spelling: u32,
    pub(super) received: Date,
    pub(super) procedure: Procedure,
    pub(super) channel: Channel,
    /// How many of `classes`/`counts` are used.
    n: u8,
    /// Its rows disagree, or a class's count overflowed: not priced (already reported).
    pub(super) failed: bool,
    classes: [DeviceClass; INLINE],
    counts: [u32; INLINE],
    // Boxed: 8 bytes in every application rather than a Vec's 24, for the few that need it.
    #[allow(clippy::box_collection)]
    more: Option<Box<Vec<(DeviceClass, u32)>>>,
}

impl Pending {
    /// The devices, one entry per class, in the order first met.
    pub(super) fn devices(&self) -> Devices<'_> {
        let more = self.more.as_deref().map_or(&[][..], Vec::as_slice);
        Devices { app: self, more, at: 0 }
    }

    /// Adds `count` devices of `class`; `false` when the class's total would pass [`MAX_COUNT`].
    fn add_device(&mut self, class: DeviceClass, count: u32) -> bool {
        let add = |total: &mut u32| match total.checked_add(count).filter(|t| *t <= MAX_COUNT) {
            Some(t) => {
                *total = t;
                true
            }
            None => false,
        };
        let n = usize::from(self.n);
        if let Some(k) = self.classes[..n].iter().position(|c| *c == class) {
            return add(&mut self.counts[k]);
        }
        if n < INLINE {
            self.classes[n] = class;
            self.counts[n] = count;
            self.n += 1;
            return true;
        }
        let more = self.more.get_or_insert_with(Box::default);
        match more.iter_mut().find(|(c, _)| *c == class) {
            Some((_, total)) => add(total),
            None => {
                more.push((class, count));
                true
            }
        }
    }
}

/// The devices of an application, in the order first met.
pub(super) struct Devices<'a> {
    app: &'a Pending,
    more: &'a [(DeviceClass, u32)],
    at: usize,
}

impl Iterator for Devices<'_> {
    type Item = (DeviceClass, u32);

    fn next(&mut self) -> Option<(DeviceClass, u32)> {
        let n = usize::from(self.app.n);
        let item = if self.at < n {
            Some((self.app.classes[self.at], self.app.counts[self.at]))
        } else {
            self.more.get(self.at - n).copied()
        };
        self.at += 1;
        item
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (usize::from(self.app.n) + self.more.len()).saturating_sub(self.at);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Devices<'_> {}

/// A row staged in its group.
#[derive(Clone, Copy, Debug)]
struct Staged {
    line: u64,
    hash: u64,
    id: Id,
    spelling: u32,
    received: Date,
    procedure: Procedure,
    channel: Channel,
    class: DeviceClass,
    count: u32,
}

/// A group: its staged rows, its applications and the table that finds them.
#[derive(Default)]
struct Group {
    staged: Vec<Staged>,
    apps: Vec<Pending>,
    table: hashbrown::HashTable<u32>,
}

/// Everything gathered so far.
pub(super) struct Gathered<'a> {
    provinces: &'a Provinces,
    hasher: Hasher,
    groups: Vec<Group>,
    staged: usize,
    /// The long ids of the staged rows (cleared with the stage).
    stage_long: Vec<u8>,
    /// The long ids of the applications.
    long_ids: Vec<u8>,
    /// Applications so far, across the groups.
    count: usize,
    pub(super) spellings: Vec<Spelling>,
    spelling_index: HashMap<Box<str>, u32, Hasher>,
    /// Messages for unknown province spellings, by spelling (short ones only).
    unknown: HashMap<Box<str>, String, Hasher>,
    pub(super) refused: HashSet<String, Hasher>,
    pub(super) problems: Problems,
    pub(super) rows: u64,
}

impl<'a> Gathered<'a> {
    pub(super) fn new(provinces: &'a Provinces) -> Gathered<'a> {
        Gathered {
            provinces,
            hasher: Hasher::default(),
            groups: (0..GROUPS).map(|_| Group::default()).collect(),
            staged: 0,
            stage_long: Vec::new(),
            long_ids: Vec::new(),
            count: 0,
            spellings: Vec::new(),
            spelling_index: HashMap::default(),
            unknown: HashMap::default(),
            refused: HashSet::default(),
            problems: Problems::default(),
            rows: 0,
        }
    }

    /// The id of an application.
    pub(super) fn id<'p>(&'p self, app: &'p Pending) -> &'p str {
        std::str::from_utf8(self.id_bytes(app)).unwrap_or_default()
    }

    /// The bytes of an application's id (a whole id was copied, so they are its text).
    pub(super) fn id_bytes<'p>(&'p self, app: &'p Pending) -> &'p [u8] {
        bytes_of(&app.id, &self.long_ids)
    }

    /// Stages a batch of rows (in file order, after the previous batches); gathers the stage
    /// when it is full.
    ///
    /// # Errors
    /// More than [`MAX_APPLICATIONS`] applications.
    pub(super) fn add(&mut self, batch: Batch) -> Result<(), Error> {
        self.rows = batch.rows_read;
        for p in &batch.problems {
            self.problems.push(p.clone());
        }
        for id in &batch.refused {
            self.refused.insert(nfc(id).into_owned());
        }
        for raw in &batch.rows {
            let fields = batch.fields(raw);
            let line = raw.line;
            let row = match parse_row(&fields) {
                Ok(row) => row,
                Err(message) => {
                    self.refuse(line, message, fields[0]);
                    continue;
                }
            };
            let spelling = match self.spelling_index.get(row.province) {
                Some(&k) => k,
                None => match self.provinces.unit_of(row.province) {
                    Some(unit) => {
                        let k = u32::try_from(self.spellings.len()).unwrap_or(u32::MAX);
                        self.spellings.push(Spelling { text: crate::text::nfc(row.province), unit });
                        self.spelling_index.insert(row.province.into(), k);
                        k
                    }
                    None => {
                        // An unknown province is not kept: its application is refused here,
                        // with the suggestions worked out once per short spelling.
                        let message = match self.unknown.get(row.province) {
                            Some(m) => m.clone(),
                            None => {
                                let m = self
                                    .provinces
                                    .resolve(row.province, row.received)
                                    .err()
                                    .map_or_else(String::new, |e| e.to_string());
                                if row.province.len() <= 64 && self.unknown.len() < MAX_PROBLEMS {
                                    self.unknown.insert(row.province.into(), m.clone());
                                }
                                m
                            }
                        };
                        self.refuse(line, message, row.id);
                        continue;
                    }
                },
            };
            let id = nfc(row.id);
            let id = id.as_bytes();
            let hash = self.hasher.hash_one(id);
            let staged = Staged {
                line,
                hash,
                id: store(id, &mut self.stage_long),
                spelling,
                received: row.received,
                procedure: row.procedure,
                channel: row.channel,
                class: row.class,
                count: row.count,
            };
            self.groups[(hash >> 56) as usize].staged.push(staged);
            self.staged += 1;
        }
        if self.staged >= STAGE_ROWS {
            self.gather_stage()?;
        }
        Ok(())
    }

    /// A row refused for its fields: reported, and its application never priced.
    fn refuse(&mut self, line: u64, message: String, id: &str) {
        let id = id.trim();
        let message = if id.is_empty() { message } else { format!("{message}{NOT_PRICED}") };
        if !id.is_empty() {
            self.refused.insert(nfc(id).into_owned());
        }
        self.problems.push(BatchProblem {
            line,
            application_id: (!id.is_empty()).then(|| crate::text::excerpt(id).into_owned()),
            message,
            unpriceable: false,
        });
    }

    /// Gathers what is staged; frees the tables and the stage (the applications stay where
    /// they are, reached by [`Gathered::keys`] and [`Gathered::app`]).
    ///
    /// # Errors
    /// More than [`MAX_APPLICATIONS`] applications.
    pub(super) fn finish(&mut self) -> Result<(), Error> {
        self.gather_stage()?;
        for g in &mut self.groups {
            g.table = hashbrown::HashTable::new();
            g.staged = Vec::new();
        }
        Ok(())
    }

    /// Every application's key (its group in the top 8 bits, its place in the group below:
    /// a group holds fewer than 2^24 applications, since a batch holds at most
    /// [`MAX_APPLICATIONS`]).
    pub(super) fn keys(&self) -> impl Iterator<Item = u32> + '_ {
        self.groups.iter().enumerate().flat_map(|(i, g)| {
            let group = u32::try_from(i).unwrap_or(0) << 24;
            (0..g.apps.len()).map(move |k| group | u32::try_from(k).unwrap_or(0))
        })
    }

    /// The application with key `k`.
    pub(super) fn app(&self, k: u32) -> Option<&Pending> {
        self.groups.get((k >> 24) as usize)?.apps.get((k & 0x00ff_ffff) as usize)
    }

    /// Gathers the staged rows, group by group.
    fn gather_stage(&mut self) -> Result<(), Error> {
        let mut groups = std::mem::take(&mut self.groups);
        let mut result = Ok(());
        for g in &mut groups {
            let staged = std::mem::take(&mut g.staged);
            for row in &staged {
                if let Err(e) = self.gather_row(g, row) {
                    result = Err(e);
                    break;
                }
            }
            // The stage's memory is reused by the next one.
            g.staged = staged;
            g.staged.clear();
            if result.is_err() {
                break;
            }
        }
        self.groups = groups;
        self.staged = 0;
        self.stage_long.clear();
        result
    }

    /// The unit competent on `date` for a spelling: the current province, or the former one
    /// itself before its merger.
    fn unit(&self, spelling: u32, date: Date) -> Option<(usize, Option<usize>)> {
        let (p, former) = self.spellings.get(spelling as usize)?.unit;
        let since = self.provinces.get_index(p)?.since();
        Some(match former {
            Some(j) if date < since => (p, Some(j)),
            _ => (p, None),
        })
    }

    /// Gathers one staged row into its group.
    fn gather_row(&mut self, g: &mut Group, row: &Staged) -> Result<(), Error> {
        let id = bytes_of(&row.id, &self.stage_long);
        let long_ids = &self.long_ids;
        let apps = &g.apps;
        let found = g.table.find(row.hash, |&k| apps.get(k as usize).is_some_and(|a| bytes_of(&a.id, long_ids) == id));
        let Some(&k) = found else {
            if self.count >= MAX_APPLICATIONS {
                return Err(Error::input(Finding::error(
                    None,
                    None,
                    format!(
                        "line {}: this row starts application {} of the batch; a batch may hold at most {MAX_APPLICATIONS}: split it into smaller files",
                        row.line,
                        self.count + 1
                    ),
                )));
            }
            let app = Pending {
                id: store(id, &mut self.long_ids),
                line: row.line,
                spelling: row.spelling,
                received: row.received,
                procedure: row.procedure,
                channel: row.channel,
                n: 1,
                failed: false,
                classes: [row.class; INLINE],
                counts: [row.count, 0, 0],
                more: None,
            };
            let index = u32::try_from(g.apps.len()).unwrap_or(u32::MAX);
            g.apps.push(app);
            self.count += 1;
            let hasher = &self.hasher;
            let (apps, long_ids) = (&g.apps, &self.long_ids);
            g.table.insert_unique(row.hash, index, |&j| {
                apps.get(j as usize).map_or(0, |a| hasher.hash_one(bytes_of(&a.id, long_ids)))
            });
            return Ok(());
        };
        let Some(app) = g.apps.get(k as usize) else { return Ok(()) };
        if app.failed {
            return Ok(());
        }
        let differs = if app.spelling != row.spelling
            && self.unit(app.spelling, app.received) != self.unit(row.spelling, app.received)
        {
            let text = |s: u32| self.spellings.get(s as usize).map(|x| x.text.clone()).unwrap_or_default();
            Some(("province", text(app.spelling), text(row.spelling)))
        } else if app.procedure != row.procedure {
            Some(("procedure", app.procedure.key().to_owned(), row.procedure.key().to_owned()))
        } else if app.received != row.received {
            Some(("received", app.received.to_string(), row.received.to_string()))
        } else if app.channel != row.channel {
            Some(("channel", app.channel.key().to_owned(), row.channel.key().to_owned()))
        } else {
            None
        };
        let first_line = app.line;
        let problem = |message: String| BatchProblem {
            line: row.line,
            application_id: Some(crate::text::excerpt(&String::from_utf8_lossy(id)).into_owned()),
            message,
            unpriceable: false,
        };
        let Some(app) = g.apps.get_mut(k as usize) else { return Ok(()) };
        if let Some((field, first, here)) = differs {
            self.problems.push(problem(format!(
                "{field} is `{}` here but `{}` on line {first_line}: the rows of one application must agree; the application is not priced",
                crate::text::excerpt(&here),
                crate::text::excerpt(&first),
            )));
            app.failed = true;
        } else if !app.add_device(row.class, row.count) {
            app.failed = true;
            self.problems.push(problem(format!(
                "the application has more than {MAX_COUNT} `{}` devices in all; the application is not priced",
                row.class
            )));
        }
        Ok(())
    }
}
