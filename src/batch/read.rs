//! The reading side of a batch, on its own thread: rows split from the CSV file (quoting,
//! line ends, UTF-8, line numbers, the row width against the header) and handed on in batches
//! of raw fields in file order. What the fields mean is read on the gathering side, so the two
//! cores share the work.

use std::io::Read;
use std::sync::mpsc::SyncSender;

use super::report::BatchProblem;
use super::rows::Columns;
use crate::sheet::csv::{CsvRows, Got, Stop};

/// Rows handed on at a time.
const BATCH_ROWS: usize = 8192;

/// What a refused row adds to its message when it names an application.
pub(super) const NOT_PRICED: &str = "; the application is not priced (a row of it was refused)";

/// The hasher of the batch's tables: foldhash, seeded per run (ids come from the file, so a
/// fixed seed could be flooded).
pub(super) type Hasher = foldhash::fast::RandomState;

/// A row of the right width: its line and its seven fields (trimmed), as ranges of the batch's
/// text, in [`super::BATCH_COLUMNS`] order.
#[derive(Clone, Copy, Debug)]
pub(super) struct RawRow {
    pub(super) line: u64,
    pub(super) fields: [(u32, u32); 7],
}

/// Rows in file order, with the rows refused while splitting them.
#[derive(Default)]
pub(super) struct Batch {
    /// The fields of `rows`, one after the other.
    pub(super) text: String,
    pub(super) rows: Vec<RawRow>,
    /// Rows refused here (not UTF-8, broken quoting, too long or too wide).
    pub(super) problems: Vec<BatchProblem>,
    /// Applications named by a refused row.
    pub(super) refused: Vec<String>,
    /// Data rows read so far, this batch included.
    pub(super) rows_read: u64,
}

impl Batch {
    /// The seven fields of a row of this batch.
    pub(super) fn fields(&self, row: &RawRow) -> [&str; 7] {
        row.fields.map(|(a, b)| self.text.get(a as usize..b as usize).unwrap_or_default())
    }
}

/// Reads every row after the header and sends them on in batches. Stops early, without error,
/// when the receiving side has gone (it refused the batch as a whole). Returns the number of
/// data rows read.
pub(super) fn read_rows<R: Read>(mut reader: CsvRows<R>, cols: &Columns, out: &SyncSender<Batch>) -> Result<u64, Stop> {
    let mut rows = 0u64;
    let mut batch = Batch::default();
    loop {
        let got = reader.next()?;
        let refuse = |batch: &mut Batch, line: u64, message: String, id: Option<&str>| {
            let id = id.map(str::trim).filter(|s| !s.is_empty());
            let message = if id.is_some() { format!("{message}{NOT_PRICED}") } else { message };
            if let Some(id) = id {
                batch.refused.push(id.to_owned());
            }
            batch.problems.push(BatchProblem {
                line,
                application_id: id.map(|s| crate::text::excerpt(s).into_owned()),
                message,
                unpriceable: false,
            });
        };
        match got {
            Got::End => break,
            Got::Bad(line, message) => {
                rows += 1;
                let id = reader.field_lossy(cols.idx[0]);
                refuse(&mut batch, line, message, id.as_deref());
            }
            Got::Row => {
                rows += 1;
                let line = reader.row_line;
                let width = reader.len();
                let extra = (cols.width..width).any(|i| !reader.field(i).trim().is_empty());
                if width < cols.width || extra {
                    let wide = if extra { width } else { width.min(cols.width) };
                    let message = format!("the row has {wide} fields; the header has {}", cols.width);
                    refuse(&mut batch, line, message, Some(reader.field(cols.idx[0])));
                } else {
                    let mut fields = [(0u32, 0u32); 7];
                    for (slot, &i) in fields.iter_mut().zip(&cols.idx) {
                        let start = u32::try_from(batch.text.len()).unwrap_or(u32::MAX);
                        batch.text.push_str(reader.field(i).trim());
                        *slot = (start, u32::try_from(batch.text.len()).unwrap_or(u32::MAX));
                    }
                    batch.rows.push(RawRow { line, fields });
                }
            }
        }
        if batch.rows.len() >= BATCH_ROWS || batch.problems.len() >= BATCH_ROWS {
            batch.rows_read = rows;
            if out.send(std::mem::take(&mut batch)).is_err() {
                return Ok(rows);
            }
        }
    }
    batch.rows_read = rows;
    let _ = out.send(batch);
    Ok(rows)
}
