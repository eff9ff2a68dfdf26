//! A batch read a block at a time on both cores. Each block is cut at a line feed near its
//! middle and both halves are read at once (the second numbered from 0, then moved to its lines
//! once the first has counted them); if a quoted field ran over the cut, the second half is
//! read again from where the first ended, so a cut never changes a row. Then the applications are gathered on both cores, each core
//! taking the applications whose id falls in its part, in file order: every message is the one
//! a single pass gives.
//!
//! Memory: a block (4 MiB) and its rows, plus what is kept per application.

use std::collections::HashSet;
use std::io::Read;
use std::sync::Mutex;

use super::gather::Gathered;
use super::read::{Hasher, PARTS, Reader, Segment, Spelling, Spellings};
use super::report::{MAX_APPLICATIONS, Problems};
use super::rows::Columns;
use crate::error::{Error, Finding};
use crate::province::Provinces;
use crate::sheet::csv::{Records, Rest, Stop};

/// How a batch is cut into blocks.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cut {
    /// Bytes read at a time (after what is left of the block before).
    pub(super) block: usize,
    /// A block smaller than this is read by one core: a thread costs more than it gives.
    pub(super) split_from: usize,
}

impl Cut {
    /// 4 MiB blocks, split from 256 KiB.
    pub(super) const DEFAULT: Cut = Cut { block: 4 << 20, split_from: 256 << 10 };
}

/// A batch's rows, gathered.
pub(super) struct Gathering<'a> {
    /// The applications of each part.
    pub(super) parts: [Gathered<'a>; PARTS],
    pub(super) spellings: Vec<Spelling>,
    /// Applications named by a refused row (NFC).
    pub(super) refused: HashSet<String, Hasher>,
    pub(super) problems: Problems,
    /// Data rows read.
    pub(super) rows: u64,
}

/// The error of a file that cannot be read on.
pub(super) fn stop_error(e: Stop) -> Error {
    match e {
        Stop::Io(e) => {
            let vi = format!("không đọc được danh sách hồ sơ: {}", crate::error::io_message_vi(&e));
            Error::io("<batch>", format!("cannot read the batch: {e}"), e).vi(vi)
        }
        Stop::RowTooLong { line, message } => Error::input(
            Finding::error(None, None, format!("line {line}: {}", message.en))
                .vi(format!("dòng {line}: {}", message.vi)),
        ),
    }
}

/// A thread of the batch that stopped (it cannot, short of a bug).
fn lost_thread() -> Error {
    Error::input(
        Finding::error(None, None, "the batch reader stopped unexpectedly")
            .vi("bộ đọc danh sách hồ sơ dừng lại bất thường"),
    )
}

/// Reads and gathers every row after the header. `progress` is told the rows read after each
/// block.
///
/// # Errors
/// The input cannot be read, a row never ends, or the batch has more than
/// [`MAX_APPLICATIONS`] applications.
pub(super) fn gather<'a, R: Read>(
    rest: Rest<R>,
    cols: &Columns,
    provinces: &'a Provinces,
    cut: Cut,
    mut progress: impl FnMut(u64),
) -> Result<Gathering<'a>, Error> {
    let Rest { bytes: mut buf, mut input, mut eof, records } = rest;
    let delimiter = records.delimiter();
    let (mut line, mut after_cr) = (records.line, records.after_cr);
    let spellings = Mutex::new(Spellings::default());
    let hasher = Hasher::default();
    let mut readers = [
        Reader::new(records, cols, provinces, &spellings, hasher.clone()),
        Reader::new(Records::new(delimiter, line, after_cr), cols, provinces, &spellings, hasher.clone()),
    ];
    let mut segs: [Segment; PARTS] = Default::default();
    let mut parts = [Gathered::new(provinces), Gathered::new(provinces)];
    let mut problems = Problems::default();
    let mut refused: HashSet<String, Hasher> = HashSet::default();
    let mut rows = 0u64;
    loop {
        if !eof {
            let asked = cut.block.max(1);
            buf.reserve(asked.min(Cut::DEFAULT.block));
            let got = input.by_ref().take(asked as u64).read_to_end(&mut buf).map_err(|e| stop_error(Stop::Io(e)))?;
            eof = got < asked;
        }
        let data = buf.as_slice();
        let half = data.len() / 2;
        let split = if data.len() >= cut.split_from {
            memchr::memchr(b'\n', &data[half..]).map(|i| half + i + 1).filter(|&s| s < data.len())
        } else {
            None
        };
        let [r0, r1] = &mut readers;
        let [s0, s1] = &mut segs;
        r0.records.line = line;
        r0.records.after_cr = after_cr;
        // The reader whose line is where this block's reading stopped.
        let mut second = false;
        match split {
            Some(split) => {
                // The second half is numbered from 0 and moved to its lines once the first
                // half has counted them (counting them first would cost a pass over it).
                let joined = std::thread::scope(|scope| {
                    let other = scope.spawn(|| {
                        r1.records.line = 0;
                        r1.records.after_cr = false;
                        r1.read(data, split, None, eof, s1);
                    });
                    r0.read(data, 0, Some(split), eof, s0);
                    other.join()
                });
                joined.map_err(|_| lost_thread())?;
                let base = r0.records.line;
                if s0.stop.is_none() && s0.end != split {
                    // A quoted field ran over the cut: the rest is read again from the row's end.
                    r0.read(data, s0.end, None, eof, s1);
                } else if s1.stop.is_some() {
                    // Its message names lines: read again from the cut on its own lines.
                    r1.records.line = base;
                    r1.records.after_cr = false;
                    r1.read(data, split, None, eof, s1);
                    second = true;
                } else {
                    s1.shift_lines(base);
                    r1.records.line += base;
                    second = true;
                }
            }
            None => {
                r0.read(data, 0, None, eof, s0);
                s1.clear();
                s1.end = s0.end;
            }
        }
        for seg in [&mut *s0, &mut *s1] {
            if let Some(stop) = seg.stop.take() {
                return Err(stop_error(stop));
            }
            rows += seg.rows;
            for p in seg.problems.drain(..) {
                problems.push(p);
            }
            problems.bad_rows += seg.unlisted;
            refused.extend(seg.refused.drain());
        }
        let end = s1.end.max(s0.end);
        let state = if second { &r1.records } else { &r0.records };
        (line, after_cr) = (state.line, state.after_cr);

        // Each part gathered on its own core.
        let list = spellings.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let [g0, g1] = &mut parts;
        let (s0, s1) = (&*s0, &*s1);
        if split.is_some() {
            std::thread::scope(|scope| {
                let other = scope.spawn(|| {
                    g1.add(&s0.parts[1], &list.list);
                    g1.add(&s1.parts[1], &list.list);
                });
                g0.add(&s0.parts[0], &list.list);
                g0.add(&s1.parts[0], &list.list);
                other.join()
            })
            .map_err(|_| lost_thread())?;
        } else {
            for (p, g) in [g0, g1].into_iter().enumerate() {
                g.add(&s0.parts[p], &list.list);
                g.add(&s1.parts[p], &list.list);
            }
        }
        drop(list);
        if parts.iter().map(|g| g.apps.len()).sum::<usize>() > MAX_APPLICATIONS {
            return Err(too_many(&parts));
        }
        progress(rows);
        buf.drain(..end);
        if eof {
            break;
        }
    }
    for g in &mut parts {
        problems.absorb(std::mem::take(&mut g.problems));
        g.close();
    }
    let spellings = spellings.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).list;
    Ok(Gathering { parts, spellings, refused, problems, rows })
}

/// The refusal of a batch of more than [`MAX_APPLICATIONS`] applications, at the row that
/// starts the first one too many (each part's applications are in the order they start).
fn too_many(parts: &[Gathered<'_>; PARTS]) -> Error {
    let (a, b) = (&parts[0].apps, &parts[1].apps);
    let (mut i, mut j) = (0, 0);
    for _ in 0..MAX_APPLICATIONS {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.line < y.line => i += 1,
            (Some(_), None) => i += 1,
            _ => j += 1,
        }
    }
    let line = match (a.get(i), b.get(j)) {
        (Some(x), Some(y)) => x.line.min(y.line),
        (Some(x), None) | (None, Some(x)) => x.line,
        (None, None) => 0,
    };
    let n = MAX_APPLICATIONS + 1;
    Error::input(
        Finding::error(
            None,
            None,
            format!(
                "line {line}: this row starts application {n} of the batch; a batch may hold at most {MAX_APPLICATIONS}: split it into smaller files"
            ),
        )
        .vi(format!(
            "dòng {line}: dòng này bắt đầu hồ sơ thứ {n} của danh sách; một danh sách có tối đa {MAX_APPLICATIONS} hồ sơ: hãy chia thành các tệp nhỏ hơn"
        )),
    )
}
