//! The reading side of a batch, on its own thread: rows read and checked, province spellings
//! resolved once each, application ids in NFC, handed on in batches of rows in file order.
//!
//! A refused row becomes a problem here; its application is named so it is never priced from
//! its other rows alone.

use std::collections::HashMap;
use std::io::Read;
use std::sync::mpsc::SyncSender;

use super::report::{BatchProblem, MAX_PROBLEMS};
use super::rows::{Columns, parse_row};
use crate::date::Date;
use crate::province::Provinces;
use crate::sheet::csv::{CsvRows, Got, Stop};
use crate::text::Msg;
use crate::vocab::{Channel, DeviceClass, Procedure};

/// Rows handed on at a time.
const BATCH_ROWS: usize = 8192;

/// What a refused row adds to its message when it names an application.
pub(super) const NOT_PRICED: &str = "; the application is not priced (a row of it was refused)";
/// [`NOT_PRICED`] in Vietnamese.
pub(super) const NOT_PRICED_VI: &str = "; hồ sơ này không được tính phí (có dòng bị từ chối)";

/// The hasher of the batch's tables: foldhash, seeded per run (ids come from the file, so a
/// fixed seed could be flooded).
pub(super) type Hasher = foldhash::fast::RandomState;

/// A distinct province spelling of the batch, resolved once.
#[derive(Clone, Debug)]
pub(super) struct Spelling {
    /// The spelling in NFC.
    pub(super) text: String,
    /// The current province (its index) and, for a former province's name, which former one.
    pub(super) unit: (usize, Option<usize>),
}

/// A row read and checked, its id in the batch's text.
#[derive(Clone, Copy, Debug)]
pub(super) struct Row {
    pub(super) line: u64,
    /// `ids[id.0..id.1]` of its batch.
    pub(super) id: (u32, u32),
    pub(super) spelling: u32,
    pub(super) procedure: Procedure,
    pub(super) received: Date,
    pub(super) channel: Channel,
    pub(super) class: DeviceClass,
    pub(super) count: u32,
}

/// Rows in file order, with what else the reader learnt meanwhile.
#[derive(Default)]
pub(super) struct Batch {
    /// The ids of `rows`, one after the other (NFC).
    pub(super) ids: String,
    pub(super) rows: Vec<Row>,
    /// Spellings first met in this batch, numbered on from the previous ones.
    pub(super) spellings: Vec<Spelling>,
    /// Rows refused here.
    pub(super) problems: Vec<BatchProblem>,
    /// Applications named by a refused row (NFC).
    pub(super) refused: Vec<String>,
    /// Data rows read so far, this batch included.
    pub(super) rows_read: u64,
}

impl Batch {
    /// The id of a row of this batch.
    pub(super) fn id(&self, row: &Row) -> &str {
        self.ids.get(row.id.0 as usize..row.id.1 as usize).unwrap_or_default()
    }
}

/// Text in NFC, borrowed when it already is (ASCII always is).
pub(super) fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() { std::borrow::Cow::Borrowed(text) } else { std::borrow::Cow::Owned(crate::text::nfc(text)) }
}

/// Reads every row after the header and sends them on in batches. Stops early, without error,
/// when the receiving side has gone (it refused the batch as a whole). Returns the number of
/// data rows read.
pub(super) fn read_rows<R: Read>(
    mut reader: CsvRows<R>,
    cols: &Columns,
    provinces: &Provinces,
    out: &SyncSender<Batch>,
) -> Result<u64, Stop> {
    let mut spelling_index: HashMap<Box<str>, u32, Hasher> = HashMap::default();
    let mut spellings = 0u32;
    // Messages for unknown province spellings, by spelling (short ones only).
    let mut unknown: HashMap<Box<str>, Msg, Hasher> = HashMap::default();
    let mut rows = 0u64;
    let mut batch = Batch::default();
    loop {
        let got = reader.next()?;
        let line = reader.row_line;
        let refuse = |batch: &mut Batch, column: Option<&'static str>, m: Msg, id: Option<&str>| {
            let id = id.map(str::trim).filter(|s| !s.is_empty());
            let (message, message_vi) = if id.is_some() {
                (format!("{}{NOT_PRICED}", m.en), format!("{}{NOT_PRICED_VI}", m.vi))
            } else {
                (m.en, m.vi)
            };
            if let Some(id) = id {
                batch.refused.push(nfc(id).into_owned());
            }
            batch.problems.push(BatchProblem {
                line,
                application_id: id.map(|s| crate::text::excerpt(s).into_owned()),
                message,
                unpriceable: false,
                column,
                cell: None,
                other_line: None,
                message_vi: Some(message_vi),
            });
        };
        match got {
            Got::End => break,
            Got::Bad(line, m) => {
                rows += 1;
                let id = reader.field_lossy(cols.idx[0]);
                let id = id.as_deref().map(str::trim).filter(|s| !s.is_empty());
                // The problem is at the line the reader names (an unclosed quote's own line).
                let (message, message_vi) = if id.is_some() {
                    (format!("{}{NOT_PRICED}", m.en), format!("{}{NOT_PRICED_VI}", m.vi))
                } else {
                    (m.en, m.vi)
                };
                if let Some(id) = id {
                    batch.refused.push(nfc(id).into_owned());
                }
                batch.problems.push(BatchProblem {
                    line,
                    application_id: id.map(|s| crate::text::excerpt(s).into_owned()),
                    message,
                    unpriceable: false,
                    column: None,
                    cell: None,
                    other_line: None,
                    message_vi: Some(message_vi),
                });
            }
            Got::Row => {
                rows += 1;
                let width = reader.len();
                let extra = (cols.width..width).any(|i| !reader.field(i).trim().is_empty());
                let id_field = reader.field(cols.idx[0]).trim();
                if width < cols.width || extra {
                    let wide = if extra { width } else { width.min(cols.width) };
                    let message = Msg::new(
                        format!("the row has {wide} fields; the header has {}", cols.width),
                        format!("dòng có {wide} cột; dòng tiêu đề có {}", cols.width),
                    );
                    refuse(&mut batch, None, message, Some(id_field));
                } else {
                    let fields: [&str; 7] = cols.idx.map(|i| reader.field(i).trim());
                    match parse_row(&fields) {
                        Err((column, message)) => refuse(&mut batch, column, message, Some(fields[0])),
                        Ok(row) => {
                            let spelling = match spelling_index.get(row.province) {
                                Some(&k) => Some(k),
                                None => match provinces.unit_of(row.province) {
                                    Some(unit) => {
                                        let k = spellings;
                                        spellings += 1;
                                        batch.spellings.push(Spelling { text: crate::text::nfc(row.province), unit });
                                        spelling_index.insert(row.province.into(), k);
                                        Some(k)
                                    }
                                    None => None,
                                },
                            };
                            match spelling {
                                Some(spelling) => {
                                    let start = batch.ids.len();
                                    batch.ids.push_str(&nfc(row.id));
                                    let id = (
                                        u32::try_from(start).unwrap_or(u32::MAX),
                                        u32::try_from(batch.ids.len()).unwrap_or(u32::MAX),
                                    );
                                    batch.rows.push(Row {
                                        line,
                                        id,
                                        spelling,
                                        procedure: row.procedure,
                                        received: row.received,
                                        channel: row.channel,
                                        class: row.class,
                                        count: row.count,
                                    });
                                }
                                None => {
                                    // An unknown province is not kept: its application is
                                    // refused here, with the suggestions worked out once per
                                    // short spelling.
                                    let message = match unknown.get(row.province) {
                                        Some(m) => m.clone(),
                                        None => {
                                            let m = provinces.resolve(row.province, row.received).err().map_or_else(
                                                || Msg::new("", ""),
                                                |e| Msg::new(e.to_string(), e.message_vi()),
                                            );
                                            if row.province.len() <= 64 && unknown.len() < MAX_PROBLEMS {
                                                unknown.insert(row.province.into(), m.clone());
                                            }
                                            m
                                        }
                                    };
                                    refuse(&mut batch, Some("province"), message, Some(row.id));
                                }
                            }
                        }
                    }
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
