//! CSV files as spreadsheets export them, read with `csv-core` (the `csv` crate's parser):
//! RFC 4180 quoting, any line end, a UTF-8 byte-order mark, `,` `;` or tab as the delimiter
//! (detected from the header line), Excel's leftovers (trailing empty columns, rows of only
//! delimiters), and the file's physical line numbers whatever its line ends.
//!
//! What it refuses, each at its line: a row that is not UTF-8 (a hint to save as "CSV UTF-8"),
//! a row longer than [`MAX_ROW`] bytes or with more than [`MAX_FIELDS`] fields, and a quoted
//! field never closed (named by the line where its quote opened). A row that runs past
//! [`MAX_RUN`] bytes without ending stops the reading: nothing after it can be trusted to be a
//! row, and `/dev/zero` never ends.

use std::io::Read;

use csv_core::{ReadRecordResult, ReaderBuilder};

use crate::text::Msg;

/// Longest row read, in bytes of the file; a longer row is refused and the rest read.
pub(crate) const MAX_ROW: usize = 64 * 1024;
/// A row running past this many bytes without ending stops the reading.
pub(crate) const MAX_RUN: usize = 1024 * 1024;
/// Most fields in one row.
pub(crate) const MAX_FIELDS: usize = 1024;

/// Bytes read from the input at a time.
const CHUNK: usize = 64 * 1024;

/// Why a file cannot be read on.
#[derive(Debug)]
pub(crate) enum Stop {
    /// Reading the input failed.
    Io(std::io::Error),
    /// A row ran past [`MAX_ROW`] bytes without ending, at this line; the message says why
    /// (usually a quote opened there and never closed).
    RowTooLong {
        /// The line the row began on.
        line: u64,
        /// What is wrong, in plain words, in both languages.
        message: Msg,
    },
}

/// A row as read: its first line and its fields, or why it is refused.
pub(crate) enum Got {
    /// A row of fields (valid UTF-8), in the buffers of the reader.
    Row,
    /// A row refused as a whole: its line and the reason, in both languages.
    Bad(u64, Msg),
    /// The end of the input.
    End,
}

/// What a quote never closed does to a file.
fn unclosed() -> Msg {
    Msg::new(
        "a quote opened here is never closed: every field after it was read as one text",
        "dấu ngoặc kép mở ở đây không được đóng lại: mọi ô sau nó bị đọc thành một đoạn chữ duy nhất",
    )
}

/// The delimiters a spreadsheet may export with.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// Reads the rows of a CSV file.
pub(crate) struct CsvRows<R> {
    input: R,
    core: csv_core::Reader,
    delimiter: u8,
    /// Bytes read and not yet given to the parser: `buf[pos..len]`.
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    /// The physical line of the next byte given to the parser.
    line: u64,
    /// The last byte counted was a CR (so a LF after it ends no further line).
    after_cr: bool,
    /// The current row: its fields' bytes, where each ends, its raw bytes, its first line.
    out: Vec<u8>,
    /// The fields' bytes as text, once checked.
    text: String,
    ends: Vec<usize>,
    raw: Vec<u8>,
    /// The line of the row just read.
    pub(crate) row_line: u64,
    done: bool,
}

impl<R: Read> CsvRows<R> {
    /// A reader of `input`; the delimiter is chosen when the header is read.
    pub(crate) fn new(input: R) -> CsvRows<R> {
        CsvRows {
            input,
            core: ReaderBuilder::new().build(),
            delimiter: b',',
            buf: vec![0; CHUNK],
            pos: 0,
            len: 0,
            eof: false,
            line: 1,
            after_cr: false,
            out: Vec::with_capacity(1024),
            text: String::with_capacity(1024),
            ends: Vec::with_capacity(16),
            raw: Vec::with_capacity(1024),
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
        head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
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
        self.delimiter = best.0;
        self.core = ReaderBuilder::new().delimiter(best.0).build();
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
        loop {
            match self.next_record()? {
                Got::Row if self.text.bytes().all(|b| b.is_ascii_whitespace()) => continue,
                other => return Ok(other),
            }
        }
    }

    fn next_record(&mut self) -> Result<Got, Stop> {
        if self.done {
            return Ok(Got::End);
        }
        self.out.clear();
        self.ends.clear();
        self.raw.clear();
        let mut started = false;
        let mut out_len = 0;
        let mut ends_len = 0;
        loop {
            if self.pos == self.len && !self.eof {
                self.fill()?;
            }
            if self.out.len() < out_len + 1024 {
                self.out.resize(out_len + 1024, 0);
            }
            if self.ends.len() < ends_len + 16 {
                self.ends.resize(ends_len + 16, 0);
            }
            let input = &self.buf[self.pos..self.len];
            let (result, nin, nout, nend) =
                self.core.read_record(input, &mut self.out[out_len..], &mut self.ends[ends_len..]);
            let consumed = &self.buf[self.pos..self.pos + nin];
            // The row starts at its first byte that is not a line end (blank lines before it
            // belong to no row).
            let mut skip = 0;
            if !started {
                skip = consumed.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
                count_lines(&mut self.line, &mut self.after_cr, &consumed[..skip]);
                if skip < consumed.len() {
                    started = true;
                    self.row_line = self.line;
                }
            }
            let rest = &consumed[skip..];
            count_lines(&mut self.line, &mut self.after_cr, rest);
            if started {
                self.raw.extend_from_slice(rest);
            }
            self.pos += nin;
            out_len += nout;
            ends_len += nend;
            if self.raw.len() > MAX_ROW && !matches!(result, ReadRecordResult::Record | ReadRecordResult::End) {
                return self.skip_rest(Msg::new(
                    format!("the row is longer than {MAX_ROW} bytes"),
                    format!("dòng dài hơn {MAX_ROW} byte"),
                ));
            }
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => self.out.resize(self.out.len() + 1024, 0),
                ReadRecordResult::OutputEndsFull => {
                    if ends_len >= MAX_FIELDS {
                        // Skip the rest of the row: read it into a throw-away record.
                        return self.skip_rest(Msg::new(
                            format!("the row has more than {MAX_FIELDS} fields"),
                            format!("dòng có hơn {MAX_FIELDS} cột"),
                        ));
                    }
                }
                ReadRecordResult::Record => {
                    self.out.truncate(out_len);
                    self.ends.truncate(ends_len);
                    return Ok(self.finish_row(started));
                }
                ReadRecordResult::End => {
                    self.done = true;
                    return Ok(Got::End);
                }
            }
        }
    }

    /// Reads on to the end of the current row, then refuses it with `message`.
    fn skip_rest(&mut self, message: Msg) -> Result<Got, Stop> {
        let line = self.row_line;
        let mut out = vec![0u8; 4096];
        let mut ends = vec![0usize; 256];
        loop {
            if self.pos == self.len && !self.eof {
                self.fill()?;
            }
            let (result, nin, _, _) = self.core.read_record(&self.buf[self.pos..self.len], &mut out, &mut ends);
            let consumed = &self.buf[self.pos..self.pos + nin];
            count_lines(&mut self.line, &mut self.after_cr, consumed);
            self.raw.extend_from_slice(consumed);
            self.pos += nin;
            if self.raw.len() > MAX_RUN {
                self.done = true;
                return Err(Stop::RowTooLong { line, message: self.too_long_message() });
            }
            match result {
                ReadRecordResult::Record | ReadRecordResult::End => {
                    if matches!(result, ReadRecordResult::End) {
                        self.done = true;
                    }
                    let at_end = self.eof && self.pos == self.len;
                    return Ok(match unclosed_quote(&self.raw, self.delimiter).filter(|_| at_end) {
                        Some(opened) => Got::Bad(line + opened, unclosed()),
                        None => Got::Bad(line, message),
                    });
                }
                _ => {}
            }
        }
    }

    /// A complete record: a row, or why it is refused.
    fn finish_row(&mut self, started: bool) -> Got {
        if !started {
            return Got::Row;
        }
        let at_end = self.eof && self.pos == self.len;
        if at_end && let Some(opened) = unclosed_quote(&self.raw, self.delimiter) {
            return Got::Bad(self.row_line + opened, unclosed());
        }
        // Quoting can only be broken where there is a quote: most rows have none.
        if self.raw.contains(&b'"')
            && let Some((lines, en, vi)) = broken_quoting(&self.raw, self.delimiter)
        {
            return Got::Bad(self.row_line + lines, Msg::new(en, vi));
        }
        self.text.clear();
        match std::str::from_utf8(&self.out) {
            Ok(text) => self.text.push_str(text),
            Err(_) => {
                return Got::Bad(
                    self.row_line,
                    Msg::new(
                        "the row is not UTF-8 text: save the file as \"CSV UTF-8 (Comma delimited)\" and try again",
                        "dòng này không phải là văn bản UTF-8: hãy lưu tệp theo dạng `CSV UTF-8 (Comma delimited)` rồi thử lại",
                    ),
                );
            }
        }
        Got::Row
    }

    fn too_long_message(&self) -> Msg {
        match unclosed_quote(&self.raw, self.delimiter) {
            Some(opened) => Msg::new(
                format!(
                    "a field quoted on line {} runs past {MAX_RUN} bytes without its closing quote: the rest of the file would run into one field; the file is not read further (close the quote, or double a quote inside a field: \"\")",
                    self.row_line + opened
                ),
                format!(
                    "ô mở dấu ngoặc kép ở dòng {} kéo dài quá {MAX_RUN} byte mà không có dấu đóng: phần còn lại của tệp sẽ dồn vào một ô; tệp không được đọc tiếp (hãy đóng dấu ngoặc kép, hoặc nhân đôi dấu ngoặc kép nằm trong ô: \"\")",
                    self.row_line + opened
                ),
            ),
            None => Msg::new(
                format!(
                    "the row runs past {MAX_RUN} bytes without ending; the file is not read further (is it a CSV file?)"
                ),
                format!(
                    "dòng kéo dài quá {MAX_RUN} byte mà không kết thúc; tệp không được đọc tiếp (tệp này có đúng là tệp CSV không?)"
                ),
            ),
        }
    }

    /// Field `i` of a row just refused (not UTF-8, broken quoting, too long), as far as it can
    /// be read: to name the application it belonged to. Of a row refused for its length, only
    /// the fields read whole before the limit are known.
    pub(crate) fn field_lossy(&self, i: usize) -> Option<String> {
        let start = if i == 0 { 0 } else { *self.ends.get(i - 1)? };
        let end = *self.ends.get(i)?;
        Some(String::from_utf8_lossy(self.out.get(start..end)?).into_owned())
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

/// Counts the line ends in `bytes` (LF, CR LF and a lone CR each end one line) onto `line`;
/// `after_cr` carries a CR at the end of one piece over to the next.
fn count_lines(line: &mut u64, after_cr: &mut bool, bytes: &[u8]) {
    // The usual case, no CR: count the LFs (a loop the compiler vectorises).
    if !bytes.contains(&b'\r') {
        let lfs = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        let skip = u64::from(*after_cr && bytes.first() == Some(&b'\n'));
        *line += lfs - skip;
        if !bytes.is_empty() {
            *after_cr = false;
        }
        return;
    }
    for &b in bytes {
        match b {
            b'\n' if *after_cr => *after_cr = false,
            b'\n' => *line += 1,
            b'\r' => {
                *line += 1;
                *after_cr = true;
            }
            _ => *after_cr = false,
        }
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

/// Whether a row's quoting breaks RFC 4180 where `csv-core` would read on loosely: a quote
/// inside an unquoted field (`ab"c`) or text after a closing quote (`"1"0`, read as `10`).
/// Gives the number of line ends before the fault and what is wrong (English, Vietnamese).
fn broken_quoting(raw: &[u8], delimiter: u8) -> Option<(u64, &'static str, &'static str)> {
    #[derive(PartialEq)]
    enum State {
        Start,
        Unquoted,
        Quoted,
        AfterQuote,
    }
    let raw = raw.strip_prefix(b"\xef\xbb\xbf").unwrap_or(raw);
    let mut state = State::Start;
    for (i, &b) in raw.iter().enumerate() {
        let end = b == delimiter || b == b'\r' || b == b'\n';
        let fault = match state {
            State::Start if b == b'"' => {
                state = State::Quoted;
                None
            }
            State::Start | State::Unquoted if end => {
                state = State::Start;
                None
            }
            State::Start | State::Unquoted if b == b'"' => Some((
                "a quote stands inside a field that does not start with one: quote the whole field and double the quote inside it (\"a\"\"b\")",
                "có dấu ngoặc kép nằm giữa một ô không bắt đầu bằng dấu ngoặc kép: hãy đặt cả ô trong dấu ngoặc kép và nhân đôi dấu ngoặc kép bên trong (\"a\"\"b\")",
            )),
            State::Start | State::Unquoted => {
                state = State::Unquoted;
                None
            }
            State::Quoted => {
                if b == b'"' {
                    state = State::AfterQuote;
                }
                None
            }
            State::AfterQuote if b == b'"' => {
                state = State::Quoted;
                None
            }
            State::AfterQuote if end => {
                state = State::Start;
                None
            }
            State::AfterQuote => Some((
                "text follows the closing quote of a field: a quoted field ends at its quote (write \"10\", not \"1\"0)",
                "có chữ đứng sau dấu ngoặc kép đóng của một ô: ô trong dấu ngoặc kép kết thúc tại dấu đóng (ghi \"10\", không ghi \"1\"0)",
            )),
        };
        if let Some((en, vi)) = fault {
            let (mut lines, mut after_cr) = (0u64, false);
            count_lines(&mut lines, &mut after_cr, &raw[..i]);
            return Some((lines, en, vi));
        }
    }
    None
}

/// If the raw bytes of a row end inside a quoted field, the number of line ends before the
/// quote that opened it (0: on the row's first line).
fn unclosed_quote(raw: &[u8], delimiter: u8) -> Option<u64> {
    let raw = raw.strip_prefix(b"\xef\xbb\xbf").unwrap_or(raw);
    let mut quoted = false;
    let mut opened_at = 0usize;
    let mut field_start = true;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if quoted {
            if b == b'"' {
                if raw.get(i + 1) == Some(&b'"') {
                    i += 1; // a doubled quote inside the field
                } else {
                    quoted = false;
                }
            }
        } else if b == b'"' && field_start {
            quoted = true;
            opened_at = i;
        } else if b == delimiter || b == b'\n' || b == b'\r' {
            field_start = true;
            i += 1;
            continue;
        }
        field_start = false;
        i += 1;
    }
    if !quoted {
        return None;
    }
    let (mut lines, mut after_cr) = (0u64, false);
    count_lines(&mut lines, &mut after_cr, &raw[..opened_at]);
    Some(lines)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn rows(text: &[u8]) -> Vec<String> {
        let mut r = CsvRows::new(text);
        r.detect_delimiter(|n| ["a", "b", "c"].contains(&n)).unwrap();
        let mut out = Vec::new();
        loop {
            match r.next() {
                Ok(Got::Row) => {
                    let fields: Vec<&str> = (0..r.len()).map(|i| r.field(i)).collect();
                    out.push(format!("{}:{}", r.row_line, fields.join("|")));
                }
                Ok(Got::Bad(line, m)) => out.push(format!("{line}!{}", m.en)),
                Ok(Got::End) => break,
                Err(Stop::RowTooLong { line, message }) => {
                    out.push(format!("{line}#{}", message.en));
                    break;
                }
                Err(Stop::Io(e)) => panic!("{e}"),
            }
        }
        out
    }

    #[test]
    fn delimiters_bom_line_ends_and_leftovers() {
        assert_eq!(rows(b"a,b,c\n1,2,3\n"), ["1:a|b|c", "2:1|2|3"]);
        assert_eq!(rows(b"a;b;c\r\n1;\"2;x\";3\r\n"), ["1:a|b|c", "2:1|2;x|3"]);
        assert_eq!(rows(b"a\tb\tc\n1\t2\t3\n"), ["1:a|b|c", "2:1|2|3"]);
        assert_eq!(rows(b"\xef\xbb\xbf\"a\",b,c\n1,2,3"), ["1:a|b|c", "2:1|2|3"]);
        // Blank lines, rows of only delimiters, CR alone: physical lines counted.
        assert_eq!(rows(b"a,b,c\r\n\r\n,,\r\n1,2,3\r4,5,6\n\n7,8,9"), ["1:a|b|c", "4:1|2|3", "5:4|5|6", "7:7|8|9"]);
        // A quoted field over two lines: the row is numbered by its first line.
        assert_eq!(rows(b"a,b,c\n\"x\ny\",2,3\n4,5,6\n"), ["1:a|b|c", "2:x\ny|2|3", "4:4|5|6"]);
    }

    #[test]
    fn refusals_name_their_line() {
        let r = rows(b"a,b,c\n1,\xff,3\n4,5,6\n");
        assert_eq!(r[1], "2!the row is not UTF-8 text: save the file as \"CSV UTF-8 (Comma delimited)\" and try again");
        assert_eq!(r[2], "3:4|5|6");
        let r = rows(b"a,b,c\n1,2,3\n4,\"5,6\n7,8,9\n");
        assert_eq!(
            r.last().unwrap(),
            "3!a quote opened here is never closed: every field after it was read as one text"
        );
        // Quoting csv-core would read loosely: refused, the rest read.
        let r = rows(b"a,b,c\n1,2,\"1\"0\n1,x\"y,3\n\"p\"\"q\",\"\",\"\"\n");
        assert!(r[1].starts_with("2!text follows the closing quote of a field"), "{r:?}");
        assert!(r[2].starts_with("3!a quote stands inside a field"), "{r:?}");
        assert_eq!(r[3], "4:p\"q||");
        let r = rows(b"a,b,c\n1,2,3\n\n4,5,\"6\n7,8,9\n10");
        assert_eq!(
            r.last().unwrap(),
            "4!a quote opened here is never closed: every field after it was read as one text"
        );
        // A quote never closed before MAX_RUN: reading stops, naming the line it opened on.
        let mut text = b"a,b,c\n1,\"2,3\n".to_vec();
        text.extend(std::iter::repeat_n(b"x,y,z\n".iter().copied(), MAX_RUN / 5).flatten());
        let r = rows(&text);
        assert!(
            r.last()
                .unwrap()
                .starts_with("2#a field quoted on line 2 runs past 1048576 bytes without its closing quote"),
            "{r:?}"
        );
        // Closed within MAX_RUN: that row is refused, the rest read.
        let mut text = b"a,b,c\n1,\"2,3\n".to_vec();
        text.extend(std::iter::repeat_n(b"x,y,z\n".iter().copied(), MAX_ROW / 5).flatten());
        text.extend_from_slice(b"\",3\n4,5,6\n");
        let r = rows(&text);
        assert_eq!(r[1..], ["2!the row is longer than 65536 bytes", &format!("{}:4|5|6", 3 + MAX_ROW / 5 + 1)]);
        // No line end at all (as /dev/zero): stops after MAX_RUN bytes.
        let zeros = vec![0u8; 3 * MAX_RUN];
        let r = rows(&[b"a,b,c\n".as_slice(), &zeros].concat());
        assert!(r.last().unwrap().starts_with("2#the row runs past 1048576 bytes"), "{r:?}");
    }
}
