//! Reading a batch CSV's rows: a general RFC 4180 reader, and a fast path that finds the
//! common plain row eight bytes at a time and hands it out where it lies in the buffer.

use std::io::Read;

use super::BATCH_COLUMNS;

/// Longest row accepted, in bytes: seven fields of at most [`MAX_FIELD`](super::MAX_FIELD) bytes fit easily.
pub(super) const MAX_ROW: usize = 16 * 1024;

/// Most fields of a row kept (more are counted, for the message).
pub(super) const MAX_ROW_FIELDS: usize = 64;

/// Bytes read from the input at a time: 64 KiB stays in the core's L2 cache while its rows are
/// read (1 MiB measured the same).
pub(super) const CHUNK: usize = 1 << 16;

/// One CSV row: its fields' bytes (unquoted), each followed by a comma but the last, and
/// where each field ends.
#[derive(Default)]
pub(super) struct Record {
    pub(super) data: Vec<u8>,
    pub(super) ends: Vec<usize>,
    /// Fields seen, kept or not.
    pub(super) fields: usize,
    /// The line the row starts on (1 is the header).
    pub(super) line: u64,
    /// Longer than [`MAX_ROW`]: what is kept of it is cut short.
    pub(super) too_long: bool,
}

impl Record {
    pub(super) fn clear(&mut self) {
        self.data.clear();
        self.ends.clear();
        self.fields = 0;
        self.too_long = false;
    }

    pub(super) fn push(&mut self, bytes: &[u8]) {
        if self.data.len() + bytes.len() > MAX_ROW {
            self.too_long = true;
        } else {
            self.data.extend_from_slice(bytes);
        }
    }

    /// Holds `plain`, as the general reader would have read it.
    pub(super) fn set_plain(&mut self, plain: &Plain<'_>) {
        self.clear();
        self.line = plain.line;
        self.data.extend_from_slice(plain.row);
        for i in 0..COMMAS {
            self.end_field_at(plain.comma(i));
        }
        self.end_field_at(plain.row.len());
    }

    pub(super) fn end_field(&mut self) {
        self.end_field_at(self.data.len());
    }

    /// Ends a field at byte `end` of `data`.
    pub(super) fn end_field_at(&mut self, end: usize) {
        self.fields += 1;
        if self.ends.len() < MAX_ROW_FIELDS {
            self.ends.push(end);
        }
    }

    /// The fields as text, or `None` when the row is not UTF-8.
    pub(super) fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.data).ok()
    }

    /// Where field `i` starts: after the comma that ends the one before.
    pub(super) fn start(&self, i: usize) -> usize {
        if i == 0 { 0 } else { self.ends.get(i - 1).map_or(self.data.len(), |e| e + 1) }
    }

    /// Field `i` of `text` (this record's text).
    pub(super) fn field<'a>(&self, text: &'a str, i: usize) -> &'a str {
        let start = self.start(i);
        let end = self.ends.get(i).copied().unwrap_or(start);
        text.get(start..end).unwrap_or("")
    }

    /// The longest field, in bytes.
    pub(super) fn longest(&self) -> usize {
        (0..self.ends.len()).map(|i| self.ends[i].saturating_sub(self.start(i))).max().unwrap_or(0)
    }
}

/// Where a reader is, inside a row.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    FieldStart,
    Plain,
    Quoted,
    QuoteSeen,
}

/// Bytes that end a plain (unquoted) run: `,`, LF and CR.
pub(super) const STOPS: [bool; 256] = {
    let mut t = [false; 256];
    t[b',' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t
};

/// Commas in a row of the seven batch columns.
pub(super) const COMMAS: usize = BATCH_COLUMNS.len() - 1;

/// What [`Rows::next_row`] found.
pub(super) enum Got<'b> {
    /// The end of the input.
    End,
    /// A row, read into the record given.
    Record,
    /// A plain row of seven fields, where it lies in the reader's buffer.
    Plain(Plain<'b>),
}

/// A row with no quote, no CR but its line end's, and exactly seven fields: the common row.
pub(super) struct Plain<'b> {
    /// The row, without its line end.
    pub(super) row: &'b [u8],
    /// Where its six commas are, 16 bits each (a row is at most [`MAX_ROW`] bytes). Packed in
    /// one number they stay in registers: as an array, reading them back stalled on the
    /// stores that wrote them (profiled).
    pub(super) commas: u128,
    /// The line it is on.
    pub(super) line: u64,
}

impl<'b> Plain<'b> {
    /// Where comma `i` is.
    pub(super) fn comma(&self, i: usize) -> usize {
        usize::from(u16::try_from((self.commas >> (16 * i)) & 0xffff).unwrap_or(u16::MAX))
    }

    /// Its seven fields, in file order.
    pub(super) fn fields(&self) -> [&'b [u8]; COMMAS + 1] {
        let row = self.row;
        std::array::from_fn(|i| {
            let start = if i == 0 { 0 } else { self.comma(i - 1) + 1 };
            let end = if i < COMMAS { self.comma(i) } else { row.len() };
            row.get(start..end).unwrap_or_default()
        })
    }
}

/// The eight-bytes-at-a-time scan in a `u64`, for targets without SSE2 (and tested against
/// the SSE2 scan on those with it).
#[cfg_attr(
    all(target_arch = "x86_64", target_feature = "sse2"),
    allow(dead_code, reason = "used on other targets, and by the tests here")
)]
pub(super) mod swar {
    /// One in each byte.
    pub(crate) const LOW: u64 = u64::from_ne_bytes([0x01; 8]);
    /// The high bit of each byte.
    pub(crate) const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    /// The other seven bits of each byte.
    const SEVEN: u64 = u64::from_ne_bytes([0x7f; 8]);

    /// Each byte of `word` that equals `byte`, as its high bit (the others are zero).
    pub(crate) fn bytes_equal(word: u64, byte: u8) -> u64 {
        let x = word ^ (LOW * u64::from(byte));
        // A byte's high bit ends up set exactly when it is zero; no carry crosses bytes.
        !(((x & SEVEN) + SEVEN) | x | SEVEN)
    }

    /// The commas and stops of 8 bytes, one high bit per byte (see
    /// [`scan_plain_by`](super::scan_plain_by)).
    #[inline]
    pub(crate) fn word_masks(bytes: [u8; 8]) -> (u64, u64) {
        let word = u64::from_le_bytes(bytes);
        // A control character is below 0x0e (LF and CR among them). This test is exact for
        // the lowest byte it flags (a borrow can flag bytes above it), which is all the scan
        // uses.
        let controls = word.wrapping_sub(LOW * 0x0e) & !word & HIGH;
        (bytes_equal(word, b','), controls | bytes_equal(word, b'"'))
    }
}

/// The commas and stops of 16 bytes, one bit per byte, with SSE2 (part of every x86-64 CPU;
/// `safe_arch` wraps the instructions as safe functions).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
pub(super) fn sse2_masks(bytes: [u8; 16]) -> (u64, u64) {
    use safe_arch::{cmp_eq_mask_i8_m128i, m128i, min_u8_m128i, move_mask_i8_m128i, set_splat_i8_m128i};
    let v = m128i::from(bytes);
    let mask = |m: m128i| u64::from(move_mask_i8_m128i(m).cast_unsigned());
    let equal = |b: u8| mask(cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b.cast_signed())));
    // A control character is below 0x0e: the unsigned minimum with 0x0d leaves it as it is.
    let controls = mask(cmp_eq_mask_i8_m128i(min_u8_m128i(v, set_splat_i8_m128i(0x0d)), v));
    (equal(b','), controls | equal(b'"'))
}

/// Finds a plain row at the start of `rest` (see [`Plain`]): its length, the bytes its line
/// end takes it to, and its commas. `None` for any other row, or one the buffer does not hold
/// whole, which the general reader then reads. Sixteen bytes at a time with SSE2 on x86-64,
/// else eight at a time in a `u64`.
#[inline]
pub(super) fn scan_plain(rest: &[u8]) -> Option<(usize, usize, u128)> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    return scan_plain_by::<16, 1>(rest, sse2_masks);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    return scan_plain_by::<8, 8>(rest, swar::word_masks);
}

/// [`scan_plain`], `W` bytes at a time: `masks` gives the commas and the stops (a quote or a
/// control character, so LF and CR among them) of `W` bytes, byte `k` as bit `B·k + B − 1`.
/// Only the first stop of a block needs to be exact.
#[inline]
pub(super) fn scan_plain_by<const W: usize, const B: u32>(
    rest: &[u8],
    masks: impl Fn([u8; W]) -> (u64, u64),
) -> Option<(usize, usize, u128)> {
    const _: () = assert!(MAX_ROW < 1 << 16);
    let mut commas = 0u128;
    let mut n = 0;
    let mut base = 0;
    while base <= MAX_ROW {
        let (found, stops) = masks(rest.get(base..base + W)?.try_into().ok()?);
        // The commas before the first stop, if there is one in this block.
        let mut found = found & (stops & stops.wrapping_neg()).wrapping_sub(1);
        while found != 0 {
            if n == COMMAS {
                return None;
            }
            commas |= ((base + (found.trailing_zeros() / B) as usize) as u128) << (16 * n);
            n += 1;
            found &= found - 1;
        }
        if stops != 0 {
            let at = base + (stops.trailing_zeros() / B) as usize;
            let next = match rest[at] {
                b'\n' => at + 1,
                b'\r' if rest.get(at + 1) == Some(&b'\n') => at + 2,
                _ => return None,
            };
            return (n == COMMAS && at <= MAX_ROW).then_some((at, next, commas));
        }
        base += W;
    }
    None
}

/// The rows of a CSV byte stream (RFC 4180: comma-separated, `"` quoting with `""` for a
/// quote inside quotes, quoted fields may hold commas and line breaks; rows end with LF, CRLF
/// or CR; blank lines are skipped; text after a closing quote is kept, as the csv crate does).
///
/// The batch reads rows with this rather than the csv crate: a batch is millions of short
/// unquoted rows, and copying each plain run after one table-driven scan is several times
/// faster than a general CSV state machine (profiled: the csv crate's reader was a fifth of
/// the batch's time). Memory is one chunk plus one row, whatever the input.
pub(super) struct Rows<R> {
    pub(super) input: R,
    pub(super) buf: Vec<u8>,
    pub(super) pos: usize,
    pub(super) end: usize,
    pub(super) eof: bool,
    /// The line `pos` is on.
    pub(super) line: u64,
    /// The last row ended with CR, so an LF right after it belongs to that line end.
    pub(super) after_cr: bool,
}

impl<R: Read> Rows<R> {
    pub(super) fn new(input: R) -> Rows<R> {
        Rows { input, buf: vec![0; CHUNK], pos: 0, end: 0, eof: false, line: 1, after_cr: false }
    }

    /// Makes sure at least one unread byte is in the buffer; false at the end of the input.
    pub(super) fn fill(&mut self) -> std::io::Result<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        while !self.eof {
            match self.input.read(&mut self.buf) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    self.pos = 0;
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }

    /// Reads the next row into `rec`; false at the end of the input.
    pub(super) fn next(&mut self, rec: &mut Record) -> std::io::Result<bool> {
        Ok(match self.next_row(rec)? {
            Got::End => false,
            Got::Record => true,
            Got::Plain(plain) => {
                rec.set_plain(&plain);
                true
            }
        })
    }

    /// Reads the next row: a plain row of seven fields is handed out where it lies in the
    /// buffer, any other row is read into `rec`.
    #[inline]
    pub(super) fn next_row(&mut self, rec: &mut Record) -> std::io::Result<Got<'_>> {
        // The common case: the whole row is in the buffer, has seven fields, and no quote and
        // no CR before its line end. It is read where it is, with no call.
        if let Some(&first) = self.buf[..self.end].get(self.pos)
            && first != b'\n'
            && first != b'\r'
            && let Some((start, len, commas, line)) = self.take_plain()
        {
            self.after_cr = false;
            return Ok(Got::Plain(Plain { row: &self.buf[start..start + len], commas, line }));
        }
        self.next_general(rec)
    }

    /// Takes the plain row at the reader's position, if there is one (see [`scan_plain`]):
    /// where it starts, its length, its commas and its line. (A position rather than the
    /// [`Plain`] itself, so the callers may read on when there is none. Always inlined: the
    /// tuple returned through memory stalled the loads that read it back.)
    #[inline(always)]
    fn take_plain(&mut self) -> Option<(usize, usize, u128, u64)> {
        let (len, next, commas) = scan_plain(&self.buf[self.pos..self.end])?;
        let (start, line) = (self.pos, self.line);
        self.pos += next;
        self.line += 1;
        Some((start, len, commas, line))
    }

    /// As [`Rows::next_row`], for a row that may not be plain.
    pub(super) fn next_general(&mut self, rec: &mut Record) -> std::io::Result<Got<'_>> {
        rec.clear();
        // Blank lines, and the LF of a CRLF, between rows.
        loop {
            if !self.fill()? {
                return Ok(Got::End);
            }
            match self.buf[self.pos] {
                b'\n' => {
                    self.pos += 1;
                    if !std::mem::take(&mut self.after_cr) {
                        self.line += 1;
                    }
                }
                b'\r' => {
                    self.pos += 1;
                    self.line += 1;
                    self.after_cr = true;
                }
                _ => break,
            }
        }
        self.after_cr = false;
        rec.line = self.line;
        // A plain row after blank lines, or at the start of a new buffer.
        if let Some((start, len, commas, line)) = self.take_plain() {
            return Ok(Got::Plain(Plain { row: &self.buf[start..start + len], commas, line }));
        }
        // Other rows without quotes are copied at once and their commas found with memchr.
        let rest = &self.buf[self.pos..self.end];
        if let Some(lf) = memchr::memchr(b'\n', rest) {
            let row = rest[..lf].strip_suffix(b"\r").unwrap_or(&rest[..lf]);
            if row.len() <= MAX_ROW && memchr::memchr2(b'"', b'\r', row).is_none() {
                rec.data.extend_from_slice(row);
                for comma in memchr::memchr_iter(b',', row) {
                    rec.end_field_at(comma);
                }
                rec.end_field_at(row.len());
                self.pos += lf + 1;
                self.line += 1;
                return Ok(Got::Record);
            }
        }
        let mut state = State::FieldStart;
        loop {
            if !self.fill()? {
                rec.end_field();
                return Ok(Got::Record);
            }
            let chunk = &self.buf[self.pos..self.end];
            match state {
                State::FieldStart => {
                    if chunk[0] == b'"' {
                        self.pos += 1;
                        state = State::Quoted;
                    } else {
                        state = State::Plain;
                    }
                }
                State::Plain => {
                    let n = chunk.iter().position(|&b| STOPS[usize::from(b)]).unwrap_or(chunk.len());
                    rec.push(&chunk[..n]);
                    self.pos += n;
                    if let Some(&stop) = chunk.get(n) {
                        self.pos += 1;
                        rec.end_field();
                        match stop {
                            b',' => {
                                rec.push(b",");
                                state = State::FieldStart;
                            }
                            b'\r' => {
                                self.line += 1;
                                self.after_cr = true;
                                return Ok(Got::Record);
                            }
                            _ => {
                                self.line += 1;
                                return Ok(Got::Record);
                            }
                        }
                    }
                }
                State::Quoted => {
                    let n = chunk.iter().position(|&b| b == b'"').unwrap_or(chunk.len());
                    self.line += chunk[..n].iter().filter(|&&b| b == b'\n').count() as u64;
                    rec.push(&chunk[..n]);
                    self.pos += n;
                    if n < chunk.len() {
                        self.pos += 1;
                        state = State::QuoteSeen;
                    }
                }
                State::QuoteSeen => {
                    if chunk[0] == b'"' {
                        rec.push(b"\"");
                        self.pos += 1;
                        state = State::Quoted;
                    } else {
                        state = State::Plain;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;

    /// Whether `b` stops the plain-row scan (a quote or a control character).
    fn is_stop(b: u8) -> bool {
        b == b'"' || b < 0x0e
    }

    #[test]
    fn block_masks_flag_exactly_the_bytes_they_name() {
        for b in 0..=255u8 {
            for pos in 0..8 {
                let mut bytes = [b'a'; 8];
                bytes[pos] = b;
                let (commas, stops) = swar::word_masks(bytes);
                assert_eq!(commas, if b == b',' { 0x80 << (8 * pos) } else { 0 }, "{b} at {pos}");
                assert_eq!(stops != 0, is_stop(b), "{b} at {pos}");
                if stops != 0 {
                    assert_eq!(stops.trailing_zeros() as usize / 8, pos, "{b} at {pos}");
                }
            }
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            for pos in 0..16 {
                let mut bytes = [b'a'; 16];
                bytes[pos] = b;
                let (commas, stops) = sse2_masks(bytes);
                assert_eq!(commas, if b == b',' { 1 << pos } else { 0 }, "{b} at {pos}");
                assert_eq!(stops, if is_stop(b) { 1 << pos } else { 0 }, "{b} at {pos}");
            }
        }
    }

    /// An input that hands out at most `step` bytes per read, so rows cross buffer ends.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    /// Every record the row reader finds: its fields. (Lines are checked by the integration
    /// tests: the csv crate does not count the blank lines it skips.)
    fn our_rows(bytes: &[u8], step: usize) -> Vec<Vec<Vec<u8>>> {
        let mut rows = Rows::new(Trickle { bytes, step });
        let mut record = Record::default();
        let mut out = Vec::new();
        while rows.next(&mut record).unwrap() {
            let fields = (0..record.fields).map(|i| record.data[record.start(i)..record.ends[i]].to_vec()).collect();
            out.push(fields);
        }
        out
    }

    /// The same, as the csv crate reads it.
    fn csv_rows(bytes: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
        reader.byte_records().map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// The row reader, its eight-bytes-at-a-time path included, splits rows and fields and
        /// numbers lines as the csv crate does, wherever the input's reads end.
        #[test]
        fn the_row_reader_reads_as_the_csv_crate_does(
            pieces in prop::collection::vec(
                prop::sample::select(vec![
                    "a", "Huế", "2024-05-10", ",", ",", ",", "\"", "\n", "\n", "\r", "\r\n", " ", "\t", "x,y,z,w,v,u",
                    "1,2,3,4,5,6,7\n", "Huế,22,3,A-1,5,6,7\r\n",
                ]),
                0..60,
            ),
            step in prop::sample::select(vec![1usize, 3, 8, 13, 1 << 20]),
        ) {
            let text: String = pieces.concat();
            prop_assert_eq!(our_rows(text.as_bytes(), step), csv_rows(text.as_bytes()));
        }

        /// The two scans agree wherever a row starts.
        #[test]
        fn the_word_and_sse2_scans_agree(
            pieces in prop::collection::vec(
                prop::sample::select(vec!["a", "é", "2024-05-10", ",", "\"", "\n", "\r", "\r\n", "\t", "x,y,z,w,v,u"]),
                0..40,
            ),
        ) {
            let text: String = pieces.concat();
            for start in 0..text.len() {
                let rest = &text.as_bytes()[start..];
                let words = scan_plain_by::<8, 8>(rest, swar::word_masks);
                // A row the 16-byte scan finds, the 8-byte one finds (it needs fewer bytes
                // left in the buffer); where both find one, it is the same row.
                #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
                if let Some(found) = scan_plain_by::<16, 1>(rest, sse2_masks) {
                    prop_assert_eq!(Some(found), words);
                } else if words.is_some() {
                    prop_assert!(rest.len() < 16 + words.map_or(0, |w| w.0), "{:?}", std::str::from_utf8(rest));
                }
                if let Some((len, next, _)) = words {
                    prop_assert!(len < next && next <= rest.len());
                }
            }
        }
    }
}
