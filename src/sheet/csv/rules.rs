//! What a CSV record may be: the limits, the line count, and the quoting `csv-core` would
//! read loosely. Shared by the record reader (`record`) and the stream reader (`CsvRows`).

use crate::text::Msg;

/// A UTF-8 byte-order mark: no part of the row it opens (the record reader takes it off
/// before reading the row, so the checks below never see one).
pub(crate) const BOM: &[u8] = b"\xef\xbb\xbf";

/// Longest row read, in bytes of the file; a longer row is refused and the rest read.
pub(crate) const MAX_ROW: usize = 64 * 1024;
/// A row running past this many bytes without ending stops the reading.
pub(crate) const MAX_RUN: usize = 1024 * 1024;
/// Most fields in one row.
pub(crate) const MAX_FIELDS: usize = 1024;

/// Why a file cannot be read on.
#[derive(Debug)]
pub(crate) enum Stop {
    /// Reading the input failed.
    Io(std::io::Error),
    /// A row ran past [`MAX_RUN`] bytes without ending, at this line; the message says why
    /// (usually a quote opened there and never closed).
    RowTooLong {
        /// The line the row began on.
        line: u64,
        /// What is wrong, in plain words, in both languages.
        message: Msg,
    },
}

/// What a quote never closed does to a file.
pub(crate) fn unclosed() -> Msg {
    Msg::new(
        "a quote opened here is never closed: every field after it was read as one text",
        "dấu ngoặc kép mở ở đây không được đóng lại: mọi ô sau nó bị đọc thành một đoạn chữ duy nhất",
    )
}

/// A row that is not UTF-8.
pub(crate) fn not_utf8() -> Msg {
    Msg::new(
        "the row is not UTF-8 text: save the file as \"CSV UTF-8 (Comma delimited)\" and try again",
        "dòng này không phải là văn bản UTF-8: hãy lưu tệp theo dạng `CSV UTF-8 (Comma delimited)` rồi thử lại",
    )
}

/// A row longer than [`MAX_ROW`].
pub(crate) fn too_long() -> Msg {
    Msg::new(format!("the row is longer than {MAX_ROW} bytes"), format!("dòng dài hơn {MAX_ROW} byte"))
}

/// A row of more than [`MAX_FIELDS`] fields.
pub(crate) fn too_many_fields() -> Msg {
    Msg::new(format!("the row has more than {MAX_FIELDS} fields"), format!("dòng có hơn {MAX_FIELDS} cột"))
}

/// Why reading stops at a row that began on `line` and ran past [`MAX_RUN`] bytes (`raw`).
pub(crate) fn run_on(line: u64, raw: &[u8], delimiter: u8) -> Stop {
    let message = match unclosed_quote(raw, delimiter) {
        Some(opened) => Msg::new(
            format!(
                "a field quoted on line {} runs past {MAX_RUN} bytes without its closing quote: the rest of the file would run into one field; the file is not read further (close the quote, or double a quote inside a field: \"\")",
                line + opened
            ),
            format!(
                "ô mở dấu ngoặc kép ở dòng {} kéo dài quá {MAX_RUN} byte mà không có dấu đóng: phần còn lại của tệp sẽ dồn vào một ô; tệp không được đọc tiếp (hãy đóng dấu ngoặc kép, hoặc nhân đôi dấu ngoặc kép nằm trong ô: \"\")",
                line + opened
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
    };
    Stop::RowTooLong { line, message }
}

/// Counts the line ends in `bytes` (LF, CR LF and a lone CR each end one line) onto `line`;
/// `after_cr` carries a CR at the end of one piece over to the next.
pub(crate) fn count_lines(line: &mut u64, after_cr: &mut bool, bytes: &[u8]) {
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return };
    // Every LF and every CR ends a line, except a LF right after a CR (one line end, CR LF).
    // The LFs are counted by a loop the compiler vectorises; CRs are rare outside CR LF files.
    let mut n = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    for cr in memchr::memchr_iter(b'\r', bytes) {
        n += u64::from(bytes.get(cr + 1) != Some(&b'\n'));
    }
    *line += n - u64::from(*after_cr && first == b'\n');
    *after_cr = last == b'\r';
}

/// Whether a row's quoting breaks RFC 4180 where `csv-core` would read on loosely: a quote
/// inside an unquoted field (`ab"c`) or text after a closing quote (`"1"0`, read as `10`).
/// Gives the number of line ends before the fault and what is wrong (English, Vietnamese).
pub(crate) fn broken_quoting(raw: &[u8], delimiter: u8) -> Option<(u64, &'static str, &'static str)> {
    #[derive(PartialEq)]
    enum State {
        Start,
        Unquoted,
        Quoted,
        AfterQuote,
    }
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
pub(crate) fn unclosed_quote(raw: &[u8], delimiter: u8) -> Option<u64> {
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
