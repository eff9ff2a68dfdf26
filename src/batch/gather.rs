//! Gathering rows into applications: rows are staged in groups by the hash of their id, then
//! added group by group, each group's table of applications staying in the core's cache.

use std::hash::BuildHasher as _;

use super::fields::Row;
use super::{BatchProblem, MAX_APPLICATIONS, MAX_FIELD, Problems};
use crate::application::{Channel, MAX_COUNT, Procedure};
use crate::class::DeviceClass;
use crate::date::Date;
use crate::error::{Error, Finding};

/// Distinct (class, count) pairs an application keeps inline; more go to a side table.
pub(super) const INLINE_DEVICES: usize = 3;

/// The (class, count) pairs of one application, the first few inline.
#[derive(Clone, Copy)]
pub(super) struct Devices {
    pub(super) classes: [DeviceClass; INLINE_DEVICES],
    pub(super) n: u8,
    /// Set when one class's count went past what a `u32` holds.
    pub(super) overflow: Option<DeviceClass>,
    pub(super) counts: [u32; INLINE_DEVICES],
    /// 1 + index into the batch's side table of further pairs; 0 when there are none.
    pub(super) more: u32,
}

/// Pairs beyond the inline ones, for the few applications that have them.
pub(super) type MoreDevices = Vec<Vec<(DeviceClass, u32)>>;

impl Devices {
    pub(super) fn new(class: DeviceClass) -> Devices {
        Devices { classes: [class; INLINE_DEVICES], n: 0, overflow: None, counts: [0; INLINE_DEVICES], more: 0 }
    }

    /// Adds `count` devices of `class`.
    pub(super) fn add(&mut self, class: DeviceClass, count: u32, more: &mut MoreDevices) {
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
    pub(super) fn iter<'a>(&'a self, more: &'a MoreDevices) -> impl Iterator<Item = (DeviceClass, u32)> + 'a {
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
pub(super) struct Pending {
    pub(super) id: IdRef,
    pub(super) procedure: Procedure,
    pub(super) channel: Channel,
    pub(super) failed: bool,
    pub(super) received: Date,
    /// The order the application was met in within its group: its index in the group's first
    /// lines.
    pub(super) seq: u32,
    /// Index into the batch's table of province spellings.
    pub(super) province: u32,
    pub(super) devices: Devices,
}

const _: () = assert!(size_of::<Pending>() == 64);

/// An id's first 16 bytes, zero-padded, and its length.
pub(super) fn head_of(id: &[u8]) -> ([u8; 16], u16) {
    let mut head = [0u8; 16];
    let n = id.len().min(16);
    head[..n].copy_from_slice(&id[..n]);
    (head, u16::try_from(id.len()).unwrap_or(u16::MAX))
}

/// An application id as the batch keeps it: ids of up to 16 bytes whole, longer ones by their
/// first 16 bytes and their place in a table of long ids.
#[derive(Clone, Copy)]
pub(super) struct IdRef {
    /// The first 16 bytes, zero-padded: also the sort key, as they order ids as their bytes
    /// do, except ids that share them.
    pub(super) head: [u8; 16],
    /// The length (at most [`MAX_FIELD`]).
    pub(super) len: u16,
    /// Past 16 bytes, where the whole id is in its table of long ids (an index for an
    /// application, a byte offset for a staged row).
    pub(super) at: u32,
}

impl IdRef {
    /// The id's bytes.
    pub(super) fn bytes<'a>(&'a self, long_ids: &'a [Box<[u8]>]) -> &'a [u8] {
        match self.head.get(..usize::from(self.len)) {
            Some(short) => short,
            None => long_ids.get(self.at as usize).map_or(&[], |b| b),
        }
    }

    /// Whether this is `id`, whose head and length are given. Equal heads and lengths settle
    /// it for ids of up to 16 bytes, without a memcmp call.
    pub(super) fn is(&self, id: &[u8], (head, len): ([u8; 16], u16), long_ids: &[Box<[u8]>]) -> bool {
        self.head == head && self.len == len && (id.len() <= 16 || self.bytes(long_ids) == id)
    }

    /// The sort key: the head as one number.
    pub(super) fn key(&self) -> u128 {
        u128::from_be_bytes(self.head)
    }
}

/// A row read and checked, waiting in [`Staging`] to be added to its application: 32 bytes,
/// as a national batch stages a million of them (each byte saved is a megabyte not written,
/// read back and page-faulted in).
#[derive(Clone, Copy)]
pub(super) struct Staged {
    /// The id's bytes, zero-padded, when it has at most 16; else (first four bytes, little
    /// endian) where it starts in the staging's `long`.
    pub(super) id: [u8; 16],
    /// The line, less the staging's first line.
    pub(super) line: u32,
    pub(super) province: u32,
    /// The count (bits 0–19), class (20–26), procedure (27–29) and channel (30).
    pub(super) facts: u32,
    /// The date received ([`Date::to_bits`], bits 0–21) and the id's length (22–31).
    pub(super) date_len: u32,
}

const _: () = {
    assert!(size_of::<Staged>() == 32);
    assert!(MAX_COUNT < 1 << 20 && DeviceClass::ALL.len() <= 1 << 7 && Procedure::ALL.len() <= 1 << 3);
    assert!(MAX_FIELD < 1 << 10);
};

impl Staged {
    pub(super) fn count(&self) -> u32 {
        self.facts & 0xf_ffff
    }

    pub(super) fn class(&self) -> DeviceClass {
        let i = (self.facts >> 20) & 0x7f;
        DeviceClass::ALL.get(i as usize).copied().unwrap_or(DeviceClass::ALL[0])
    }

    pub(super) fn procedure(&self) -> Procedure {
        Procedure::ALL.get(((self.facts >> 27) & 0x7) as usize).copied().unwrap_or(Procedure::New)
    }

    pub(super) fn channel(&self) -> Channel {
        if (self.facts >> 30) & 1 == 1 { Channel::Online } else { Channel::InPerson }
    }

    pub(super) fn received(&self) -> Date {
        Date::from_bits(self.date_len & 0x3f_ffff)
    }

    pub(super) fn len(&self) -> usize {
        (self.date_len >> 22) as usize
    }
}

/// Groups the applications are split into, by the hash of their id.
pub(super) const GROUPS: usize = 256;

/// Rows staged before they are added to their applications. A file of up to this many rows is
/// staged whole; a longer one is added in parts of this many rows, so the staging area's
/// memory is bounded whatever the file's length.
pub(super) const STAGE_ROWS: usize = 1 << 20;

/// Bytes of long ids (past 16 bytes) staged before the rows are added, for the same reason.
pub(super) const STAGE_LONG: usize = 16 << 20;

/// The group an id's hash puts it in: bits the hash table does not use for its buckets (the
/// low bits) nor its tags (the top seven), so each group's table still spreads its entries.
pub(super) fn group_of(hash: u64) -> usize {
    (hash >> 40) as usize % GROUPS
}

/// Rows read and checked, sorted into their groups. Adding a national batch's rows to one
/// table of hundreds of thousands of applications was a cache miss per row (profiled: a third
/// of the batch's time); added group by group, each group's table stays in the core's cache.
pub(super) struct Staging {
    pub(super) groups: Vec<Vec<Staged>>,
    pub(super) rows: usize,
    /// The line of the first row staged.
    pub(super) first_line: u64,
    pub(super) long: Vec<u8>,
    /// Seeded per batch, so no file can be made to collide on purpose.
    pub(super) hasher: foldhash::fast::RandomState,
    /// How many rows fill it ([`STAGE_ROWS`], smaller in tests).
    pub(super) capacity: usize,
}

impl Staging {
    pub(super) fn new(capacity: usize) -> Staging {
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
    pub(super) fn fits(&self, line: u64) -> bool {
        self.rows == 0 || line - self.first_line <= u64::from(u32::MAX)
    }

    /// Stages a row; the caller has made sure it [`fits`](Staging::fits).
    pub(super) fn push(&mut self, row: &Row<'_>, province: u32, line: u64) {
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
        let group = &mut self.groups[group_of(self.hasher.hash_one(id))];
        if group.len() == group.capacity() && group.len() >= 512 {
            // A large batch: grow once to about this group's share of a full stage rather than
            // doubling, which copies every row again (profiled: about 5 % of reading a row).
            let share = self.capacity / GROUPS * 5 / 4;
            group.reserve_exact(share.max(2 * group.len()) - group.len());
        }
        group.push(Staged {
            id: bytes,
            line: u32::try_from(line - self.first_line).unwrap_or(u32::MAX),
            province,
            facts,
            date_len: row.received.to_bits() | (len << 22),
        });
        self.rows += 1;
    }

    pub(super) fn is_full(&self) -> bool {
        self.rows >= self.capacity || self.long.len() >= STAGE_LONG
    }

    /// A staged row's id.
    pub(super) fn id<'a>(&'a self, row: &'a Staged) -> &'a [u8] {
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
pub(super) struct Group {
    pub(super) table: hashbrown::HashTable<Pending>,
    /// Each application's first line, in the order met.
    pub(super) first_lines: Vec<u64>,
}

/// The applications of a batch, in [`GROUPS`] groups by id hash.
pub(super) struct Gathered {
    pub(super) groups: Vec<Group>,
    /// Applications in all groups.
    pub(super) applications: usize,
    pub(super) long_ids: Vec<Box<[u8]>>,
    pub(super) more: MoreDevices,
}

impl Gathered {
    pub(super) fn new() -> Gathered {
        Gathered {
            groups: std::iter::repeat_with(Group::default).take(GROUPS).collect(),
            applications: 0,
            long_ids: Vec::new(),
            more: MoreDevices::new(),
        }
    }

    /// Adds every staged row to its application and empties the staging area.
    pub(super) fn add_all(
        &mut self,
        staging: &mut Staging,
        spellings: &[String],
        problems: &mut Problems,
    ) -> Result<(), Error> {
        for g in 0..GROUPS {
            self.add_group(g, staging, spellings, problems)?;
        }
        staging.long.clear();
        staging.rows = 0;
        staging.first_line = 0;
        Ok(())
    }

    /// Adds group `g`'s staged rows to their applications, in file order.
    pub(super) fn add_group(
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
            // A short id is staged zero-padded: that is its head already.
            let head = if id.len() <= 16 { (row.id, u16::try_from(id.len()).unwrap_or(0)) } else { head_of(id) };
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

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
}
