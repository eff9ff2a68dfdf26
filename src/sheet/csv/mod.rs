//! CSV files as spreadsheets export them, read with `csv-core` (the `csv` crate's parser):
//! RFC 4180 quoting, any line end, a UTF-8 byte-order mark, `,` `;` or tab as the delimiter
//! (detected from the header line), Excel's leftovers (trailing empty columns, rows of only
//! delimiters), and the file's physical line numbers whatever its line ends.
//!
//! What it refuses, each at its line: a row that is not UTF-8 (a hint to save as "CSV UTF-8"),
//! a row longer than [`MAX_ROW`] bytes or with more than [`MAX_FIELDS`](rules::MAX_FIELDS)
//! fields, and a quoted field never closed (named by the line where its quote opened). A row
//! that runs past [`MAX_RUN`](rules::MAX_RUN) bytes without ending stops the reading: nothing
//! after it can be trusted to be a row, and `/dev/zero` never ends.
//!
//! One record reader (`record::Records`, over bytes in memory) does the reading; [`CsvRows`]
//! runs it over a stream, and the batch over the halves of a block at once.

mod record;
mod rules;

use std::io::Read;

use csv_core::ReaderBuilder;

pub(crate) use record::{Checked, Fields, Records, Step};
#[cfg(test)]
pub(crate) use rules::MAX_RUN;
pub(crate) use rules::{MAX_ROW, Stop};

use crate::text::Msg;

/// Bytes read from the input at a time.
const CHUNK: usize = 64 * 1024;

/// A row as read: its first line and its fields, or why it is refused.
pub(crate) enum Got {
    /// A row of fields (valid UTF-8), in the buffers of the reader.
    Row,
    /// A row refused as a whole: its line and the reason, in both languages.
    Bad(u64, Msg),
    /// The end of the input.
    End,
}

/// The delimiters a spreadsheet may export with.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// Reads the rows of a CSV stream.
pub(crate) struct CsvRows<R> {
    input: R,
    records: Records,
    /// Bytes read: `buf[..len]`, read up to `pos`.
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    /// The fields of the row just read, one after the other, and where each ends.
    text: String,
    ends: Vec<usize>,
    /// The line of the row just read.
    pub(crate) row_line: u64,
    done: bool,
}

/// What is left of a stream once its header is read: the bytes read and not yet parsed, the
/// stream itself, and the record reader (its delimiter and line).
pub(crate) struct Rest<R> {
    /// Bytes read from the stream and not yet parsed.
    pub(crate) bytes: Vec<u8>,
    /// The stream, after `bytes`.
    pub(crate) input: R,
    /// Whether the stream has ended.
    pub(crate) eof: bool,
    /// The reader, on the line of `bytes`' first byte.
    pub(crate) records: Records,
}

impl<R: Read> CsvRows<R> {
    /// A reader of `input`; the delimiter is chosen when the header is read.
    pub(crate) fn new(input: R) -> CsvRows<R> {
        CsvRows {
            input,
            records: Records::new(b',', 1, false),
            buf: vec![0; CHUNK],
            pos: 0,
            len: 0,
            eof: false,
            text: String::with_capacity(1024),
            ends: Vec::with_capacity(16),
            row_line: 0,
            done: false,
        }
    }

    /// Chooses the delimiter from the header line: of `,` `;` and tab, the one that splits it
    /// into the most names `known` recognises (then the most fields; `,` on a tie). Call once,
    /// before the first row.
    pub(crate) fn detect_delimiter(&mut self, known: impl Fn(&str) -> bool) -> Result<(), Stop> {
        // The header line: up to the first line end outside quotes, within MAX_ROW.
        while !self.eof && !has_line_end(&self.buf[self.pos..self.len]) && self.len - self.pos < MAX_ROW {
            self.fill()?;
        }
        let mut head = &self.buf[self.pos..self.len];
        head = head.strip_prefix(rules::BOM).unwrap_or(head);
        let end = line_end(head).unwrap_or(head.len());
        let header = &head[..end];
        let mut best = (b',', 0usize, 0usize);
        for d in DELIMITERS {
            let names = split_line(header, d);
            let hits = names.iter().filter(|n| known(n.trim())).count();
            let fields = names.len();
            if (hits, fields) > (best.1, best.2) {
                best = (d, hits, fields);
            }
        }
        self.records = Records::new(best.0, self.records.line, self.records.after_cr);
        Ok(())
    }

    fn fill(&mut self) -> Result<(), Stop> {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.len, 0);
            self.len -= self.pos;
            self.pos = 0;
        }
        if self.len == self.buf.len() {
            self.buf.resize(self.buf.len() + CHUNK, 0);
        }
        loop {
            match self.input.read(&mut self.buf[self.len..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.len += n;
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Stop::Io(e)),
            }
        }
    }

    /// The next row. Rows of only empty fields (blank lines, lines of delimiters) are skipped.
    pub(crate) fn next(&mut self) -> Result<Got, Stop> {
        if self.done {
            return Ok(Got::End);
        }
        loop {
            let step = self.records.next(&self.buf[..self.len], Checked::default(), &mut self.pos, self.eof);
            match step {
                Err(e) => {
                    self.done = true;
                    return Err(e);
                }
                Ok(Step::Row(fields)) => {
                    self.text.clear();
                    self.ends.clear();
                    for i in 0..fields.len() {
                        self.text.push_str(fields.get(i));
                        self.ends.push(self.text.len());
                    }
                    self.row_line = fields.line;
                    return Ok(Got::Row);
                }
                Ok(Step::Bad(line, m)) => {
                    self.row_line = self.records.row_line;
                    return Ok(Got::Bad(line, m));
                }
                Ok(Step::End) => {
                    self.done = true;
                    return Ok(Got::End);
                }
                Ok(Step::NeedMore) => self.fill()?,
            }
        }
    }

    /// What is left once the header is read, for a reader of its own (the batch).
    pub(crate) fn into_rest(self) -> Rest<R> {
        let mut bytes = self.buf;
        bytes.truncate(self.len);
        bytes.drain(..self.pos);
        Rest { bytes, input: self.input, eof: self.eof, records: self.records }
    }

    /// The number of fields of the row just read.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Field `i` of the row just read, as text (checked UTF-8 when the row was read).
    pub(crate) fn field(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends.get(i - 1).copied().unwrap_or(0) };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.text.get(start..end).unwrap_or_default()
    }
}

/// Where a line ends in `bytes` outside quotes, if it does.
fn line_end(bytes: &[u8]) -> Option<usize> {
    let mut quoted = false;
    bytes.iter().position(|&b| {
        if b == b'"' {
            quoted = !quoted;
        }
        !quoted && matches!(b, b'\r' | b'\n')
    })
}

fn has_line_end(bytes: &[u8]) -> bool {
    line_end(bytes).is_some()
}

/// A header line's names split at `d` (quotes removed, doubled quotes kept as one).
fn split_line(line: &[u8], d: u8) -> Vec<String> {
    let mut reader = ReaderBuilder::new().delimiter(d).build();
    let mut out = vec![0u8; line.len() + 1];
    let mut ends = vec![0usize; line.len() + 2];
    let (_, _, nout, nend) = reader.read_record(line, &mut out, &mut ends);
    let (_, _, _, nend2) = reader.read_record(&[], &mut out[nout..], &mut ends[nend..]);
    let total = nend + nend2;
    let mut names = Vec::with_capacity(total);
    let mut start = 0;
    for &end in &ends[..total] {
        names.push(String::from_utf8_lossy(&out[start..end]).into_owned());
        start = end;
    }
    names
}

#[cfg(test)]
mod tests;
