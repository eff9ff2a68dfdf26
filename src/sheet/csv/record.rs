//! Records read from bytes in memory, one at a time: the crate's one CSV record reader.
//! [`CsvRows`](super::CsvRows) runs it over a stream; the batch runs it over the two halves of
//! a block at once, each from its own line.
//!
//! A line without a lone carriage return whose fields are free of quotes or quoted whole (no
//! quote inside), as nearly every line of a spreadsheet's export is, is split at its delimiters
//! directly (`memchr`), which is what `csv-core` gives for such a line; every other record is
//! read by `csv-core`. A test reads random files both
//! ways and compares every row.

use csv_core::ReadRecordResult;

use super::rules::{
    BOM, MAX_FIELDS, MAX_ROW, MAX_RUN, Stop, broken_quoting, count_lines, not_utf8, run_on, too_long, too_many_fields,
    unclosed, unclosed_quote,
};
use crate::text::Msg;

/// What [`Records::next`] found.
pub(crate) enum Step<'a> {
    /// A row of fields (valid UTF-8).
    Row(Fields<'a>),
    /// A row refused as a whole: its line and the reason, in both languages.
    Bad(u64, Msg),
    /// The data given ends inside a record and more may follow: nothing of it was taken (the
    /// position is at its start).
    NeedMore,
    /// The data given is all read and nothing follows it.
    End,
}

/// The fields of a row just read.
pub(crate) struct Fields<'a> {
    text: &'a str,
    /// Each field's start and end in `text`.
    spans: &'a [(usize, usize)],
    /// The line the row begins on.
    pub(crate) line: u64,
}

impl<'a> Fields<'a> {
    /// The number of fields.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// Field `i`, or the empty text past the last.
    pub(crate) fn get(&self, i: usize) -> &'a str {
        self.spans.get(i).and_then(|&(a, b)| self.text.get(a..b)).unwrap_or_default()
    }
}

/// Bytes of the data known to be UTF-8 (checked all at once, which is much faster than row by
/// row): `text` is `data[from..from + text.len()]`.
#[derive(Clone, Copy, Default)]
pub(crate) struct Checked<'a> {
    from: usize,
    text: &'a str,
}

impl<'a> Checked<'a> {
    /// The longest run of `data[from..until]` that is UTF-8 from `from`.
    pub(crate) fn run(data: &'a [u8], from: usize, until: usize) -> Checked<'a> {
        let bytes = data.get(from..until.min(data.len())).unwrap_or_default();
        let text = match simdutf8::compat::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
        };
        Checked { from, text }
    }

    /// `data[a..b]` as text, when it lies in the checked run.
    fn get(&self, a: usize, b: usize) -> Option<&'a str> {
        self.text.get(a.checked_sub(self.from)?..b.checked_sub(self.from)?)
    }
}

/// What one record turned out to be (before its fields are lent out).
enum Kind {
    Row,
    Blank,
    Bad(u64, Msg),
    NeedMore,
    End,
}

/// Reads records from bytes in memory, counting the file's physical lines.
pub(crate) struct Records {
    core: csv_core::Reader,
    delimiter: u8,
    /// The line of the next byte to read.
    pub(crate) line: u64,
    /// The last byte counted was a CR (so a LF after it ends no further line).
    pub(crate) after_cr: bool,
    /// The first line of the row just read.
    pub(crate) row_line: u64,
    /// Fields of the row just read: in the data (a line split directly) or in `out`.
    spans: Vec<(usize, usize)>,
    in_out: bool,
    /// The text the spans index: the line's bytes in the data, or `out`.
    text: (usize, usize),
    out: Vec<u8>,
    ends: Vec<usize>,
    /// Lines are split directly when they can be (off only to test the two ways agree).
    direct: bool,
}

impl Records {
    /// A reader of records separated by `delimiter`, the next byte on `line`.
    pub(crate) fn new(delimiter: u8, line: u64, after_cr: bool) -> Records {
        Records {
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            line,
            after_cr,
            row_line: line,
            spans: Vec::with_capacity(16),
            in_out: false,
            text: (0, 0),
            out: Vec::with_capacity(1024),
            ends: Vec::with_capacity(16),
            direct: true,
        }
    }

    /// The same reader reading every record with `csv-core` (for tests).
    #[cfg(test)]
    pub(crate) fn without_direct_split(mut self) -> Records {
        self.direct = false;
        self
    }

    /// The delimiter.
    pub(crate) fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Steps over line ends (blank lines) from `*pos`, not past `limit`, counting them.
    pub(crate) fn skip_line_ends(&mut self, data: &[u8], pos: &mut usize, limit: usize) {
        let from = *pos;
        let limit = limit.min(data.len());
        while *pos < limit && matches!(data[*pos], b'\r' | b'\n') {
            *pos += 1;
        }
        count_lines(&mut self.line, &mut self.after_cr, &data[from..*pos]);
    }

    /// The next row of `data` from `*pos`, which moves past it; `last` says nothing follows
    /// `data`. Rows of only empty or blank fields (lines of delimiters) are skipped.
    ///
    /// # Errors
    /// A row that runs past [`MAX_RUN`] bytes: nothing after it can be trusted to be a row.
    pub(crate) fn next<'a>(
        &'a mut self,
        data: &'a [u8],
        checked: Checked<'a>,
        pos: &mut usize,
        last: bool,
    ) -> Result<Step<'a>, Stop> {
        loop {
            match self.read_one(data, pos, last)? {
                Kind::Blank => continue,
                Kind::Row => break,
                Kind::Bad(line, m) => return Ok(Step::Bad(line, m)),
                Kind::NeedMore => return Ok(Step::NeedMore),
                Kind::End => return Ok(Step::End),
            }
        }
        let (a, b) = self.text;
        let text = if self.in_out {
            // Each field must be text: the whole, and every field's ends on a character boundary.
            match std::str::from_utf8(&self.out[a..b]) {
                Ok(s) if self.spans.iter().all(|&(a, b)| s.is_char_boundary(a) && s.is_char_boundary(b)) => Some(s),
                _ => None,
            }
        } else {
            // A line split at its delimiters (ASCII) is text when the line is.
            checked.get(a, b).or_else(|| std::str::from_utf8(&data[a..b]).ok())
        };
        match text {
            Some(text) => Ok(Step::Row(Fields { text, spans: &self.spans, line: self.row_line })),
            None => Ok(Step::Bad(self.row_line, not_utf8())),
        }
    }

    /// Field `i` of a row just refused (not UTF-8, broken quoting, too long), as far as it can
    /// be read: to name the application it belonged to. With it, whether it was UTF-8 as
    /// written (if not, `�` stands for what was not, and it names no application).
    pub(crate) fn field_lossy(&self, data: &[u8], i: usize) -> Option<(String, bool)> {
        let (a, b) = *self.spans.get(i)?;
        let bytes = if self.in_out { self.out.get(a..b)? } else { data.get(self.text.0 + a..self.text.0 + b)? };
        let text = String::from_utf8_lossy(bytes);
        let valid = matches!(text, std::borrow::Cow::Borrowed(_));
        Some((text.into_owned(), valid))
    }

    fn read_one(&mut self, data: &[u8], pos: &mut usize, last: bool) -> Result<Kind, Stop> {
        loop {
            self.skip_line_ends(data, pos, data.len());
            let rest = &data[*pos..];
            // A byte-order mark opening a row is no part of it (taken off here, not by csv-core,
            // which would also take the line ends after it and misnumber the next row).
            if rest.starts_with(BOM) {
                *pos += BOM.len();
                self.after_cr = false;
                continue;
            }
            if !last && !rest.is_empty() && BOM.starts_with(rest) {
                return Ok(Kind::NeedMore);
            }
            break;
        }
        if *pos == data.len() {
            return Ok(if last { Kind::End } else { Kind::NeedMore });
        }
        self.row_line = self.line;
        if self.direct
            && let Some(kind) = self.split_line(data, pos, last)
        {
            return Ok(kind);
        }
        self.read_record(data, pos, last)
    }

    /// A line with no lone CR whose fields are free of quotes or quoted whole, split at its
    /// delimiters; `None` for any other.
    fn split_line(&mut self, data: &[u8], pos: &mut usize, last: bool) -> Option<Kind> {
        let start = *pos;
        let rest = &data[start..];
        // A line longer than MAX_ROW is csv-core's to refuse, so no need to look further.
        let window = &rest[..rest.len().min(MAX_ROW + 2)];
        // The first line end: a LF or a CR LF ends the line here; a lone CR is csv-core's.
        let (body, next, ended) = match memchr::memchr2(b'\n', b'\r', window) {
            Some(n) if window[n] == b'\n' => (&rest[..n], start + n + 1, true),
            Some(n) if rest.get(n + 1) == Some(&b'\n') => (&rest[..n], start + n + 2, true),
            Some(_) => return None,
            None if last && rest.len() <= MAX_ROW => (rest, data.len(), false),
            None => return None,
        };
        if body.len() > MAX_ROW {
            return None;
        }
        self.spans.clear();
        let mut from = 0;
        for at in memchr::memchr_iter(self.delimiter, body) {
            self.spans.push((from, at));
            from = at + 1;
        }
        self.spans.push((from, body.len()));
        if self.spans.len() > MAX_FIELDS {
            return None;
        }
        let quoted = memchr::memchr(b'"', body).is_some();
        if quoted && !self.unquote(body) {
            return None;
        }
        self.in_out = false;
        self.text = (start, start + body.len());
        *pos = next;
        if ended {
            self.line += 1;
        }
        self.after_cr = false;
        let blank = if quoted {
            self.spans.iter().all(|&(a, b)| body[a..b].iter().all(u8::is_ascii_whitespace))
        } else {
            body.iter().all(|&b| b.is_ascii_whitespace() || b == self.delimiter)
        };
        Some(if blank { Kind::Blank } else { Kind::Row })
    }

    /// Takes the quotes off the fields of a line split at its delimiters, when each field is
    /// either free of quotes or quoted whole with no quote inside (`"Hà Nội"`, as spreadsheets
    /// and `QUOTE_ALL` writers export): csv-core reads such a line into the same fields. Any
    /// other quote (a delimiter or an escaped quote inside, text after the closing quote) is
    /// csv-core's to read: `false`.
    fn unquote(&mut self, body: &[u8]) -> bool {
        // Each field quoted whole brings two quotes: any quote more is somewhere else.
        let mut whole = 0;
        for span in &mut self.spans {
            if let [b'"', .., b'"'] = &body[span.0..span.1] {
                *span = (span.0 + 1, span.1 - 1);
                whole += 2;
            }
        }
        memchr::memchr_iter(b'"', body).count() == whole
    }

    /// A record read by `csv-core`, from its start.
    fn read_record(&mut self, data: &[u8], pos: &mut usize, last: bool) -> Result<Kind, Stop> {
        let start = *pos;
        let mut at = start;
        self.core.reset();
        let (mut out_len, mut ends_len) = (0, 0);
        let end = loop {
            if self.out.len() < out_len + 1024 {
                self.out.resize(out_len + 1024, 0);
            }
            if self.ends.len() < ends_len + 16 {
                self.ends.resize(ends_len + 16, 0);
            }
            let input = &data[at..];
            let (result, nin, nout, nend) =
                self.core.read_record(input, &mut self.out[out_len..], &mut self.ends[ends_len..]);
            at += nin;
            out_len += nout;
            ends_len += nend;
            if at - start > MAX_RUN {
                return Err(run_on(self.row_line, &data[start..at], self.delimiter));
            }
            match result {
                // All of `data` taken without the record ending: wait for more, or tell
                // csv-core the input has ended (an empty input).
                // (csv-core also ends when a byte-order mark was all there was to read.)
                ReadRecordResult::InputEmpty | ReadRecordResult::End if !last => return Ok(Kind::NeedMore),
                ReadRecordResult::InputEmpty | ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull => {}
                ReadRecordResult::Record => break at,
                ReadRecordResult::End => {
                    *pos = at;
                    return Ok(Kind::End);
                }
            }
        };
        let raw = &data[start..end];
        count_lines(&mut self.line, &mut self.after_cr, raw);
        *pos = end;
        self.in_out = true;
        self.text = (0, out_len);
        self.spans.clear();
        let mut from = 0;
        for &e in &self.ends[..ends_len] {
            self.spans.push((from, e));
            from = e;
        }
        let at_end = last && end == data.len();
        let unclosed_here = || unclosed_quote(raw, self.delimiter).filter(|_| at_end);
        // A row's length is counted without its line end, as the direct split counts it: a
        // row of exactly MAX_ROW bytes is read whichever way it is quoted.
        let ending = raw.iter().rev().take(2).take_while(|&&b| b == b'\n' || b == b'\r').count();
        let long = raw.len() - ending > MAX_ROW;
        if long || ends_len > MAX_FIELDS {
            let why = if long { too_long() } else { too_many_fields() };
            return Ok(match unclosed_here() {
                Some(opened) => Kind::Bad(self.row_line + opened, unclosed()),
                None => Kind::Bad(self.row_line, why),
            });
        }
        if let Some(opened) = unclosed_here() {
            return Ok(Kind::Bad(self.row_line + opened, unclosed()));
        }
        // Quoting can only be broken where there is a quote: most rows have none.
        if memchr::memchr(b'"', raw).is_some()
            && let Some((lines, en, vi)) = broken_quoting(raw, self.delimiter)
        {
            return Ok(Kind::Bad(self.row_line + lines, Msg::new(en, vi)));
        }
        if self.out[..out_len].iter().all(u8::is_ascii_whitespace) {
            return Ok(Kind::Blank);
        }
        Ok(Kind::Row)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::{Kind, MAX_FIELDS, MAX_ROW, Records};

    /// What the direct split makes of the start of `data`: `None` when it leaves the record to
    /// csv-core, else the kind, the fields, where the next record starts and the next line.
    fn direct(data: &[u8], last: bool) -> Option<(&'static str, Vec<String>, usize, u64)> {
        let mut r = Records::new(b',', 1, false);
        let mut pos = 0;
        let kind = match r.split_line(data, &mut pos, last)? {
            Kind::Row => "row",
            Kind::Blank => "blank",
            Kind::Bad(..) | Kind::NeedMore | Kind::End => "other",
        };
        let body = &data[r.text.0..r.text.1];
        let fields = r.spans.iter().map(|&(a, b)| String::from_utf8_lossy(&body[a..b]).into_owned()).collect();
        Some((kind, fields, pos, r.line))
    }

    fn f(fields: &[&str]) -> Vec<String> {
        fields.iter().map(|&s| s.to_owned()).collect()
    }

    /// The lines the direct split is for are split by it (a test comparing results cannot see
    /// this: csv-core reads the same fields, only slower), and the others are left to csv-core.
    #[test]
    fn the_direct_split_takes_the_lines_it_is_for() {
        assert_eq!(direct(b"1,x,3\nnext", false), Some(("row", f(&["1", "x", "3"]), 6, 2)));
        assert_eq!(direct(b"1,x,3\r\nnext", false), Some(("row", f(&["1", "x", "3"]), 7, 2)));
        // The last line, without a line end: only when nothing follows.
        assert_eq!(direct(b"1,x,3", true), Some(("row", f(&["1", "x", "3"]), 5, 1)));
        assert_eq!(direct(b"1,x,3", false), None);
        // Fields quoted whole lose their quotes.
        assert_eq!(
            direct(b"\"1\",\"H\xc3\xa0 N\xe1\xbb\x99i\",\"\"\n", false),
            Some(("row", f(&["1", "Hà Nội", ""]), 19, 2))
        );
        assert_eq!(direct(b"\"1\",x,\"3\"\n", false), Some(("row", f(&["1", "x", "3"]), 10, 2)));
        // Blank lines: delimiters and spaces, or empty quoted fields.
        assert_eq!(direct(b" ,,\n", false).map(|d| d.0), Some("blank"));
        assert_eq!(direct(b"\"\",\" \"\n", false).map(|d| d.0), Some("blank"));
        // Any other quote, and a lone CR, are csv-core's.
        for other in
            [&b"1,\"x,y\",3\n"[..], b"1,\"x\"\"y\",3\n", b"1,\"x\"y,3\n", b"1,x\"y,3\n", b"\"\"\",3\n", b"1,x\r2,y\n"]
        {
            assert_eq!(direct(other, false), None, "{}", String::from_utf8_lossy(other));
        }
        // At the limits: a row of MAX_ROW bytes and of MAX_FIELDS fields is split; one more is
        // csv-core's to refuse.
        for (end, at) in [("\n", 1), ("\r\n", 2)] {
            let row = format!("1,{}{end}", "y".repeat(MAX_ROW - 2));
            assert_eq!(direct(row.as_bytes(), false).map(|d| d.2), Some(MAX_ROW + at));
            let row = format!("1,{}{end}", "y".repeat(MAX_ROW - 1));
            assert_eq!(direct(row.as_bytes(), false), None);
            let row = format!("\"1\",\"{}\"{end}", "y".repeat(MAX_ROW - 6));
            assert_eq!(direct(row.as_bytes(), false).map(|d| d.2), Some(MAX_ROW + at));
        }
        let row = format!("{}\n", ",".repeat(MAX_FIELDS - 1)).replace(',', "x,");
        assert_eq!(direct(row.as_bytes(), false).map(|d| d.1.len()), Some(MAX_FIELDS));
        let row = format!("{}\n", ",".repeat(MAX_FIELDS));
        assert_eq!(direct(row.as_bytes(), false), None);
        let last = format!("1,{}", "y".repeat(MAX_ROW - 2));
        assert_eq!(direct(last.as_bytes(), true).map(|d| d.2), Some(MAX_ROW));
        let last = format!("1,{}", "y".repeat(MAX_ROW - 1));
        assert_eq!(direct(last.as_bytes(), true), None);
    }
}
