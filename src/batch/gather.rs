//! Rows gathered into applications, in file order: one entry per application id, its header
//! fields from its first row, one count per class. Each part of the batch (the applications
//! whose id hash falls in it) is gathered on its own core; a part's rows come in file order.
//! Rows that disagree with the first row of their application (by what they mean: two
//! spellings of one province agree) fail it.
//!
//! Ids are kept once each in one text, applications in one list (each with its id's hash), and
//! the table from id to application (`index`) holds each one's place and half its hash. A row
//! waits for memory once, for its application, unless it is asked for in time: the slot of a
//! row's hash is asked for 16 rows ahead and its application 8 rows ahead. Memory grows with
//! the applications and not with the rows, and gathering allocates nothing per row.

use super::index::{Index, prefetch};
use super::read::{Part, Spelling, id_at};
use super::report::{BatchProblem, Problems};
use crate::application::MAX_COUNT;
use crate::date::Date;
use crate::province::Provinces;
use crate::vocab::{Channel, DeviceClass, Procedure};

/// Device entries kept inline per application before spilling to the heap.
const INLINE: usize = 3;

/// How many rows ahead gathering asks for a row's application (and twice as many, for the
/// slot of its hash).
const AHEAD: usize = 8;

/// Bytes of an id kept beside its application.
pub(super) const KEY: usize = 16;

/// The first [`KEY`] bytes of an id, zero after it.
pub(super) fn key_of(id: &[u8]) -> [u8; KEY] {
    let mut key = [0; KEY];
    let n = id.len().min(KEY);
    key[..n].copy_from_slice(&id[..n]);
    key
}

/// An application being gathered from its rows.
#[derive(Clone, Debug)]
pub(super) struct Pending {
    /// The id's hash (the batch's hasher).
    hash: u64,
    /// `ids[id.0..id.1]`.
    pub(super) id: (u32, u32),
    /// The id's first [`KEY`] bytes, zero after it: most ids are compared and sorted by this
    /// alone, without reading `ids` (a cache miss per row of a large batch).
    pub(super) key: [u8; KEY],
    /// The line of its first row.
    pub(super) line: u64,
    /// Its province's spelling (first row's).
    pub(super) spelling: u32,
    pub(super) procedure: Procedure,
    pub(super) received: Date,
    pub(super) channel: Channel,
    /// One entry per class, counts summed: the first few inline (classes and counts apart, so
    /// no padding between them), the rest in `more`.
    classes: [DeviceClass; INLINE],
    counts: [u32; INLINE],
    n: u8,
    // Boxed: 8 bytes in every application rather than a Vec's 24, for the few that need it.
    #[allow(clippy::box_collection)]
    more: Option<Box<Vec<(DeviceClass, u32)>>>,
    /// Its rows disagree, or a class's count overflowed: not priced (already reported).
    pub(super) failed: bool,
}

impl Pending {
    /// The devices, one entry per class, in the order first met.
    pub(super) fn devices(&self) -> Devices<'_> {
        let more = self.more.as_deref().map_or(&[][..], Vec::as_slice);
        let n = usize::from(self.n);
        Devices { classes: &self.classes[..n], counts: &self.counts[..n], more, at: 0 }
    }

    fn device_mut(&mut self, class: DeviceClass) -> Option<&mut u32> {
        let n = usize::from(self.n);
        let more = self.more.as_deref_mut().map_or(&mut [][..], Vec::as_mut_slice);
        match self.classes[..n].iter().position(|c| *c == class) {
            Some(k) => self.counts.get_mut(k),
            None => more.iter_mut().find(|(c, _)| *c == class).map(|(_, k)| k),
        }
    }

    fn push(&mut self, class: DeviceClass, count: u32) {
        let n = usize::from(self.n);
        if n < INLINE {
            self.classes[n] = class;
            self.counts[n] = count;
            self.n += 1;
        } else {
            self.more.get_or_insert_with(Box::default).push((class, count));
        }
    }
}

/// The devices of an application, in the order first met.
pub(super) struct Devices<'a> {
    classes: &'a [DeviceClass],
    counts: &'a [u32],
    more: &'a [(DeviceClass, u32)],
    at: usize,
}

impl Iterator for Devices<'_> {
    type Item = (DeviceClass, u32);

    fn next(&mut self) -> Option<(DeviceClass, u32)> {
        let item = match self.at.checked_sub(self.classes.len()) {
            None => self.classes.get(self.at).copied().zip(self.counts.get(self.at).copied()),
            Some(k) => self.more.get(k).copied(),
        };
        self.at += 1;
        item
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.classes.len() + self.more.len()).saturating_sub(self.at);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Devices<'_> {}

/// Everything gathered so far of one part (on cache lines of its own: the two parts are
/// gathered side by side on two cores).
#[repr(align(128))]
pub(super) struct Gathered<'a> {
    provinces: &'a Provinces,
    /// Every application id, one after the other.
    pub(super) ids: String,
    pub(super) apps: Vec<Pending>,
    /// Each application's place in `apps` (whose hash it keeps: the table grows without
    /// reading an id).
    index: Index,
    pub(super) problems: Problems,
}

impl<'a> Gathered<'a> {
    /// Nothing gathered yet (the rows bring their ids' hashes).
    pub(super) fn new(provinces: &'a Provinces) -> Gathered<'a> {
        Gathered {
            provinces,
            ids: String::new(),
            apps: Vec::new(),
            index: Index::default(),
            problems: Problems::default(),
        }
    }

    /// Lets the table from id to application go once every row is gathered: pricing does
    /// not need it, and it is a tenth of the memory kept per application.
    pub(super) fn close(&mut self) {
        self.index = Index::default();
    }

    /// The slots of the table from id to application (none once closed).
    #[cfg(test)]
    pub(super) fn table_slots(&self) -> usize {
        self.index.slots()
    }

    /// The id of an application.
    pub(super) fn id(&self, app: &Pending) -> &str {
        id_at(&self.ids, app.id)
    }

    /// The unit competent on `date` for a spelling: the current province, or the former one
    /// itself before its merger.
    fn unit(&self, spellings: &[Spelling], spelling: u32, date: Date) -> Option<(usize, Option<usize>)> {
        let (p, former) = spellings.get(spelling as usize)?.unit;
        let since = self.provinces.get_index(p)?.since();
        Some(match former {
            Some(j) if date < since => (p, Some(j)),
            _ => (p, None),
        })
    }

    /// Gathers the rows of a part of a segment (in file order, after the previous ones).
    pub(super) fn add(&mut self, part: &Part, spellings: &[Spelling]) {
        // The application of the previous row: the rows of an application usually follow each
        // other, and then the table is not searched.
        let mut last: Option<usize> = None;
        for (i, row) in part.rows.iter().enumerate() {
            // The memory a row some rows ahead will wait for is asked for now: the slot of its
            // hash, then (once that is in) the applications the slot names.
            if let Some(ahead) = part.rows.get(i + 2 * AHEAD) {
                self.index.prefetch_slot(ahead.hash);
            }
            if let Some(ahead) = part.rows.get(i + AHEAD) {
                let apps = &self.apps;
                self.index.prefetch_candidates(ahead.hash, |k| {
                    if let Some(a) = apps.get(k as usize) {
                        prefetch(a);
                        prefetch(&a.failed);
                    }
                });
            }
            let id = part.id(row);
            let hash = row.hash;
            let (ids, apps) = (&self.ids, &self.apps);
            let key = key_of(id.as_bytes());
            let same = |a: &Pending| {
                a.hash == hash
                    && a.key == key
                    && (a.id.1 - a.id.0) as usize == id.len()
                    && (id.len() <= KEY || id_at(ids, a.id) == id)
            };
            let found = match last {
                Some(k) if apps.get(k).is_some_and(same) => Some(k),
                _ => self.index.find(hash, |k| apps.get(k as usize).is_some_and(same)).map(|k| k as usize),
            };
            let k = match found {
                Some(k) => k,
                None => {
                    let start = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
                    self.ids.push_str(id);
                    let end = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
                    let k = self.apps.len();
                    self.apps.push(Pending {
                        hash,
                        id: (start, end),
                        key,
                        line: row.line,
                        spelling: row.spelling,
                        procedure: row.procedure,
                        received: row.received,
                        channel: row.channel,
                        classes: [row.class; INLINE],
                        counts: [0; INLINE],
                        n: 0,
                        more: None,
                        failed: false,
                    });
                    let index = u32::try_from(k).unwrap_or(u32::MAX);
                    let apps = &self.apps;
                    self.index.insert(hash, index, |k| apps.get(k as usize).map_or(0, |a| a.hash));
                    k
                }
            };
            last = Some(k);
            if self.apps[k].failed {
                continue;
            }
            let app = &self.apps[k];
            let differs = if app.spelling != row.spelling
                && self.unit(spellings, app.spelling, app.received) != self.unit(spellings, row.spelling, app.received)
            {
                let text = |s: u32| spellings.get(s as usize).map(|x| x.text.clone()).unwrap_or_default();
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
            if let Some((field, first, here)) = differs {
                let (shown_first, shown_here) = if field == "received" {
                    (app.received.day_first(), row.received.day_first())
                } else {
                    (crate::text::excerpt(&first).into_owned(), crate::text::excerpt(&here).into_owned())
                };
                let problem = BatchProblem {
                    line: row.line,
                    application_id: Some(crate::text::excerpt(id).into_owned()),
                    message: format!(
                        "{field} is `{}` here but `{}` on line {}: the rows of one application must agree; the application is not priced",
                        crate::text::excerpt(&here),
                        crate::text::excerpt(&first),
                        app.line
                    ),
                    unpriceable: false,
                    column: Some(field),
                    cell: None,
                    message_vi: Some(format!(
                        "cột {field} ở dòng này là `{shown_here}` nhưng ở dòng {} là `{shown_first}`: các dòng của một hồ sơ phải giống nhau; hồ sơ này không được tính phí",
                        app.line
                    )),
                    other_line: Some(app.line),
                };
                self.problems.push(problem);
                self.apps[k].failed = true;
                continue;
            }
            let app = &mut self.apps[k];
            match app.device_mut(row.class) {
                Some(n) => match n.checked_add(row.count).filter(|n| *n <= MAX_COUNT) {
                    Some(sum) => *n = sum,
                    None => {
                        app.failed = true;
                        let problem = BatchProblem {
                            line: row.line,
                            application_id: Some(crate::text::excerpt(id).into_owned()),
                            message: format!(
                                "the application has more than {MAX_COUNT} `{}` devices in all; the application is not priced",
                                row.class
                            ),
                            unpriceable: false,
                            column: None,
                            cell: None,
                            other_line: None,
                            message_vi: Some(format!(
                                "hồ sơ có tổng cộng hơn {MAX_COUNT} thiết bị loại {}; hồ sơ này không được tính phí",
                                row.class.name_vi()
                            )),
                        };
                        self.problems.push(problem);
                    }
                },
                None => app.push(row.class, row.count),
            }
        }
    }
}
