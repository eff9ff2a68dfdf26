//! Text files being read: their name and text for messages, places computed from a line index
//! built once per file, and the one TOML reader every file goes through.
//!
//! The TOML reader checks the digits of every number as written before the value is used
//! (`crate::number`): a float whose binary value is not the decimal written, an ambiguous
//! `250.000`, or an integer too large for TOML is refused at its place, never rounded.

use std::cell::{Cell, OnceCell};
use std::ops::Range;

use serde::de::DeserializeOwned;

use crate::error::{Finding, Location};

/// One file handed to [`Law::from_files`](crate::Law::from_files): its path relative to the schedule folder
/// (`national/287-2016.toml`, `provinces/ha-noi.toml`, `authority.toml`), and its text.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SourceFile {
    /// Path relative to the folder; decides the file's role.
    pub path: String,
    /// The name used in messages (the path as the user would find it).
    pub display_name: String,
    /// Contents.
    pub text: String,
}

/// A file being read: its name for messages and its text for turning spans into places.
#[derive(Debug)]
pub(crate) struct Src<'a> {
    pub(crate) name: &'a str,
    pub(crate) text: &'a str,
    /// Byte offset of the start of every line, built on the first place asked for.
    lines: OnceCell<Vec<usize>>,
    /// The last place computed (offset, line index, column), so places asked for in file
    /// order on one long line are counted from there, not from the line's start.
    last: Cell<(usize, usize, usize)>,
}

impl SourceFile {
    /// A file of a schedule set: its path relative to the folder (`national/287-2016.toml`,
    /// `provinces/ha-noi.toml`, `authority.toml`: the path decides its role), the name used
    /// in messages, and its text.
    pub fn new(path: impl Into<String>, display_name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile { path: path.into(), display_name: display_name.into(), text: text.into() }
    }

    /// Whether the file is read as a schedule file: its path ends in `.toml`. A folder's other
    /// files named like one (`x.toml.txt`, `x.TOML`) are listed by
    /// [`Law::read_dir`](crate::Law::read_dir) without their text, only to be warned of.
    pub fn is_read(&self) -> bool {
        self.path.ends_with(".toml")
    }
}

impl<'a> Src<'a> {
    /// A file named `name` (as the user named it) with content `text`.
    pub(crate) fn new(name: &'a str, text: &'a str) -> Src<'a> {
        Src { name, text, lines: OnceCell::new(), last: Cell::new((0, 0, 1)) }
    }

    /// The place of byte `offset` (clamped to the text and to a character boundary), in
    /// O(log lines) plus the characters between it and the previous place on the same line.
    pub(crate) fn location(&self, offset: usize) -> Location {
        let text = self.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let lines = self.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1))
                .collect()
        });
        let line = lines.partition_point(|&start| start <= offset).saturating_sub(1);
        let start = lines.get(line).copied().unwrap_or(0);
        let (last_offset, last_line, last_column) = self.last.get();
        let column = if last_line == line && last_offset >= start && last_offset <= offset {
            last_column + text[last_offset..offset].chars().count()
        } else {
            text[start..offset].chars().count() + 1
        };
        self.last.set((offset, line, column));
        Location {
            file: self.name.to_owned(),
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The place of a byte span's start.
    pub(crate) fn at(&self, span: Range<usize>) -> Location {
        self.location(span.start)
    }

    /// An error finding at a spanned value.
    pub(crate) fn error<T>(&self, value: &toml::Spanned<T>, key: &str, message: impl Into<String>) -> Finding {
        Finding::error(Some(self.at(value.span())), Some(key), message)
    }

    /// An error finding about the file as a whole (its first line).
    pub(crate) fn error_here(&self, key: Option<&str>, message: impl Into<String>) -> Finding {
        Finding::error(Some(self.location(0)), key, message)
    }

    /// Parses the file as `T`; on a syntax or shape error records the finding and gives `None`.
    pub(crate) fn parse<T: DeserializeOwned>(&self, findings: &mut Vec<Finding>) -> Option<T> {
        self.read().map_err(|f| findings.push(f)).ok()
    }

    /// Parses the file as `T`, after checking the digits of every number as written.
    pub(crate) fn read<T: DeserializeOwned>(&self) -> Result<T, Finding> {
        let table = toml::de::DeTable::parse(self.text).map_err(|e| self.toml_finding(&e))?;
        check_numbers(self, None, table.get_ref())?;
        T::deserialize(toml::de::Deserializer::from(table)).map_err(|e| self.toml_finding(&e))
    }

    /// Parses a file whose format holds no number at all (the device catalogue) as `T`: a
    /// number written anyway is refused by `T`'s shape, so the digits need no check.
    pub(crate) fn parse_text_only<T: DeserializeOwned>(&self, findings: &mut Vec<Finding>) -> Option<T> {
        let table = toml::de::DeTable::parse(self.text).map_err(|e| findings.push(self.toml_finding(&e))).ok()?;
        T::deserialize(toml::de::Deserializer::from(table)).map_err(|e| findings.push(self.toml_finding(&e))).ok()
    }

    /// A finding from a TOML syntax or shape error in this file.
    pub(crate) fn toml_finding(&self, err: &toml::de::Error) -> Finding {
        let location = err.span().map(|s| self.at(s));
        // A missing key has no line of its own: name it from the message.
        let missing = err.message().strip_prefix("missing field `").and_then(|m| m.split('`').next());
        let key = missing.map(str::to_owned).or_else(|| err.span().and_then(|s| key_at(self.text, s.start)));
        let token = err.span().map(|s| token_at(self.text, s.start)).unwrap_or_default();
        let (en, own_vi) = crate::text::split_both(err.message());
        let message = plain_toml_message(en);
        let vi = own_vi.map_or_else(|| vi_plain_message(&message, "TOML"), str::to_owned);
        let finding = Finding::error(location, key.as_deref(), message).vi(vi);
        if looks_like_day_first(token) {
            let iso = day_first_to_iso(token);
            return Finding::error(
                finding.location,
                finding.key.as_deref(),
                format!("`{token}` is not a date TOML can read"),
            )
            .vi(format!("`{token}` không phải là ngày theo cách viết của TOML"))
            .with_hints(format!("write it as YYYY-MM-DD: {iso}"), format!("ghi dạng năm-tháng-ngày: {iso}"));
        }
        finding
    }
}

/// Reads a text file a person named, with bounds: it must be a regular file (not a folder, a
/// FIFO or a device such as `/dev/zero`, whose reads may never end; a symbolic link is followed
/// to its target and the target is checked), at most `limit` bytes (checked before reading,
/// and again while reading, in case the file grows), and UTF-8 text.
///
/// `what` names the kind of file in messages (e.g. "an application").
///
/// # Errors
///
/// [`ErrorKind::Io`](crate::ErrorKind::Io) (with the I/O error as its source) when the file
/// cannot be read; an input error with the file's name and what is wrong otherwise.
pub fn read_text_file(path: &std::path::Path, limit: u64, what: &str) -> Result<String, crate::error::Error> {
    use std::io::Read as _;
    let shown = path.display().to_string();
    let file_vi = match what_vi(what) {
        "" => "tệp".to_owned(),
        w => format!("tệp {w}"),
    };
    let fail = |message: String, message_vi: String| {
        crate::error::Error::input(
            Finding::error(Some(Location { file: shown.clone(), line: 1, column: 1 }), None, message).vi(message_vi),
        )
    };
    let io = |e: std::io::Error| {
        let vi = format!("{shown}: không đọc được tệp: {}", crate::error::io_message_vi(&e));
        // No line and column: the file could not be opened, so no place in it is meant.
        crate::error::Error::io(&shown, format!("{shown}: cannot read the file: {e}"), e).vi(vi)
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        let (kind, kind_vi) = if meta.is_dir() {
            ("a folder", "đây là một thư mục")
        } else {
            ("not a regular file (a pipe, a device or a socket)", "đây không phải là một tệp thông thường")
        };
        // The tools that read standard input say so in their own help; here, only the file.
        return Err(fail(format!("this is {kind}; give {what} file"), format!("{kind_vi}; hãy chọn {file_vi}")));
    }
    let too_big = |size: u64| {
        fail(
            format!("the file is {size} bytes; {what} file may be at most {limit} bytes"),
            format!("tệp có {size} byte; {file_vi} tối đa {limit} byte"),
        )
    };
    if meta.len() > limit {
        return Err(too_big(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
        let loc = Src::new(&shown, &text).location(at);
        crate::error::Error::input(
            Finding::error(Some(loc), None, "the file is not UTF-8 text")
                .vi("tệp không phải là văn bản UTF-8")
                .with_hints(
                    "save it as UTF-8 (in Notepad: Save as… Encoding: UTF-8)",
                    "hãy lưu lại tệp với bảng mã UTF-8 (trong Notepad: `Save as…`, mục `Encoding`: UTF-8)",
                ),
        )
    })
}

/// The Vietnamese of the kinds of file [`read_text_file`] is told it reads ("an application"),
/// or nothing for a kind it does not know.
fn what_vi(what: &str) -> &'static str {
    match what {
        "an application" => "hồ sơ",
        "a schedule" => "biểu phí",
        "a registry" => "sổ đăng ký thiết bị",
        "a device" => "thiết bị",
        "a batch" => "danh sách hồ sơ",
        _ => "",
    }
}

/// Walks every value of a parsed document and checks the digits of each number as written.
fn check_numbers(src: &Src<'_>, key: Option<&str>, table: &toml::de::DeTable<'_>) -> Result<(), Finding> {
    for (k, v) in table {
        check_value(src, Some(k.get_ref().as_ref()).or(key), v)?;
    }
    Ok(())
}

fn check_value(src: &Src<'_>, key: Option<&str>, value: &toml::Spanned<toml::de::DeValue<'_>>) -> Result<(), Finding> {
    use toml::de::DeValue;
    let span = value.span();
    let written = src.text.get(span.clone()).unwrap_or_default();
    let refused = match value.get_ref() {
        DeValue::Float(_) => crate::number::check_written_float(written).err(),
        DeValue::Integer(_) => crate::number::check_written_integer(written).err(),
        DeValue::Array(items) => {
            for item in items.iter() {
                check_value(src, key, item)?;
            }
            None
        }
        DeValue::Table(t) => return check_numbers(src, key, t),
        _ => None,
    };
    match refused {
        Some(e) => Err(Finding::error(Some(src.at(span)), key, e.message).vi(e.message_vi)),
        None => Ok(()),
    }
}

/// The text of the token starting at `offset` (up to the next space, comma, bracket or line end).
fn token_at(text: &str, offset: usize) -> &str {
    let rest = text.get(offset..).unwrap_or_default();
    let end = rest.find([' ', '\t', '\r', '\n', ',', ']', '}', '#']).unwrap_or(rest.len());
    &rest[..end]
}

/// `15/09/2025` or `1/9/2025` (also with `-` or `.`): a date written day first.
fn looks_like_day_first(token: &str) -> bool {
    let parts: Vec<&str> = token.split(['/', '.', '-']).collect();
    parts.len() == 3
        && token.contains('/')
        && parts[0].len() <= 2
        && parts[1].len() <= 2
        && parts[2].len() == 4
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn day_first_to_iso(token: &str) -> String {
    let parts: Vec<&str> = token.split(['/', '.', '-']).collect();
    match parts.as_slice() {
        [d, m, y] => format!("{y}-{m:0>2}-{d:0>2}"),
        _ => "YYYY-MM-DD".to_owned(),
    }
}

/// The key written on the line that contains byte `offset`, if that line is `key = value`.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let end = text.get(offset..)?.find('\n').map_or(text.len(), |i| offset + i);
    let line = text.get(start..end)?.trim();
    if line.starts_with('[') || line.starts_with('#') {
        return line
            .trim_start_matches('[')
            .split(']')
            .next()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty() && !s.starts_with('#'));
    }
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty()).then(|| key.to_owned())
}

/// What a table of a given (internal) type looks like, for "expected …" messages.
const TABLE_SHAPES: &[(&str, &str)] = &[
    ("Text", "a table { vi = \"…\", en = \"…\" }"),
    ("LegalRef", "a table { document = \"…\", article = \"…\" } (article, date and url optional)"),
    ("Provenance", "a table { confidence = \"V\", source = \"…\" }"),
    ("BandFile", "a table { from = 2, to = 3, factor = \"0.95\" }"),
];

/// Rewrites serde's and toml's technical phrasing into words a policy officer reads easily,
/// and never lets an internal type name through.
/// [`plain_toml_message`] (or the registry's JSON message) in Vietnamese: the shapes serde
/// reports most (an unknown or missing key, an unknown word, a value of the wrong kind), and
/// for the rest a Vietnamese sentence naming the `format` (TOML, JSON) and quoting the English
/// detail.
pub(crate) fn vi_plain_message(en: &str, format: &str) -> String {
    let list = |rest: &str| rest.replace(" or ", " hoặc ");
    if let Some(rest) = en.strip_prefix("unknown key ") {
        return match rest.split_once(", expected ") {
            Some((key, expected)) => {
                // The suggestion the English carries at its end, said first in Vietnamese.
                let (expected, suggestion) = match expected.split_once("; did you mean ") {
                    Some((e, s)) => (e, format!("; có phải là {}", s.trim_end_matches('?'))),
                    None => (expected, String::new()),
                };
                let expected = expected.strip_prefix("one of ").unwrap_or(expected);
                let expected = list(expected);
                if suggestion.is_empty() {
                    format!("không có khóa {key} ở đây; các khóa hợp lệ: {expected}")
                } else {
                    format!("không có khóa {key} ở đây{suggestion}? Các khóa hợp lệ: {expected}")
                }
            }
            None => format!("không có khóa {rest} ở đây"),
        };
    }
    if let Some(rest) = en.strip_prefix("missing key ") {
        return format!("thiếu khóa {rest}");
    }
    if let Some(rest) = en.strip_prefix("unknown value ") {
        return match rest.split_once(", expected ") {
            Some((value, expected)) => {
                let expected = expected.strip_prefix("one of ").unwrap_or(expected);
                format!("giá trị {value} không hợp lệ; giá trị hợp lệ: {}", list(expected))
            }
            None => format!("giá trị {rest} không hợp lệ"),
        };
    }
    if let Some(rest) = en.strip_prefix("wrong kind of value: ") {
        let wanted = rest.split_once(", expected ").map(|(_, w)| w).unwrap_or("");
        let wanted_vi = match wanted {
            "a whole number" => "một số nguyên".to_owned(),
            "true or false" => "true hoặc false".to_owned(),
            "text in quotes" => "văn bản trong dấu ngoặc kép".to_owned(),
            "a list [ … ]" => "một danh sách [ … ]".to_owned(),
            "a table" => "một bảng".to_owned(),
            "a date such as 2025-09-15" => "một ngày, ví dụ 2025-09-15".to_owned(),
            "an exact number: an integer such as 2000000, or a quoted decimal such as \"0.9\"" => {
                "một số chính xác: số nguyên như 2000000, hoặc số thập phân trong dấu ngoặc kép như \"0.9\"".to_owned()
            }
            "true or false (also \"có\" or \"không\")" => "true hoặc false (hoặc \"có\", \"không\")".to_owned(),
            w if w.starts_with("a whole number from ") => {
                format!("một số nguyên từ {}", &w[20..].replace(" to ", " đến "))
            }
            _ => String::new(),
        };
        return if wanted_vi.is_empty() {
            format!("sai kiểu giá trị (chi tiết bằng tiếng Anh: {en})")
        } else {
            format!("sai kiểu giá trị: ở đây cần {wanted_vi}")
        };
    }
    // The syntax mistakes people make most, in words; any other with the parser's detail.
    let said = [
        ("string values must be quoted", "chữ phải đặt trong dấu ngoặc kép, ví dụ province = \"Đồng Nai\""),
        ("invalid basic string", "chuỗi chữ chưa được đóng: thiếu dấu ngoặc kép \" ở cuối"),
        (
            "duplicate key",
            "khóa này được ghi hai lần (hoặc một bảng [[…]] được ghi thành […]); mỗi khóa chỉ ghi một lần",
        ),
        (
            "unexpected key or value",
            "có chữ thừa sau giá trị (ví dụ dấu phẩy cuối dòng); mỗi dòng chỉ ghi một khóa = giá trị",
        ),
        (
            "invalid float",
            "số không đúng dạng (chẳng hạn có dấu ngăn cách hàng nghìn: ghi 9000000, không ghi 9.000.000)",
        ),
    ];
    if let Some((_, vi)) = said.iter().find(|(e, _)| en.starts_with(e)) {
        return format!("tệp không đúng cú pháp {format}: {vi}");
    }
    format!("tệp không đúng cú pháp {format} tại vị trí này (chi tiết bằng tiếng Anh: {en})")
}

fn plain_toml_message(message: &str) -> String {
    let mut m = message.trim().replace("unknown field", "unknown key").replace("missing field", "missing key");
    for (from, to) in [
        ("invalid type: ", "wrong kind of value: "),
        ("expected u32", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected u16", "expected a whole number"),
        ("expected u8", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected a boolean", "expected true or false"),
        ("expected a sequence", "expected a list [ … ]"),
        ("expected a string", "expected text in quotes"),
        ("expected a map", "expected a table"),
        ("unknown variant", "unknown value"),
        ("wanted string or table", "expected one of the allowed words, in quotes"),
        ("wanted exactly 1 element, more than 1 element", "expected a single [table], not a list [[table]]"),
        ("invalid length", "wrong number of items"),
    ] {
        m = m.replace(from, to);
    }
    // A whole number too large for its place: say the range, not the machine type.
    for (ty, range) in [("u8", "0 to 255"), ("u16", "0 to 65535"), ("u32", "0 to 4294967295")] {
        m = m.replace(&format!("expected {ty}"), &format!("expected a whole number from {range}"));
    }
    m = m.replace("expected variant identifier", "expected one of the allowed words, in quotes");
    m = m.replace(
        "unexpected leading zero, expected nothing",
        "a number cannot start with 0 in a TOML file: write it without the leading zero (2, not 02)",
    );
    // Any other machine integer type: say what a person writes.
    for ty in ["i128", "u128", "i64", "u64", "i32", "u32", "i16", "u16", "i8", "u8", "usize", "isize"] {
        m = m.replace(&format!("as {ty}"), "").replace(&format!("expected {ty}"), "expected a whole number");
        m = m.replace(ty, "whole number");
    }
    m = m.replace("f64", "number").replace("f32", "number");
    // "expected struct Foo" / "expected enum Foo": say what to write instead.
    for kind in ["struct ", "enum "] {
        while let Some(i) = m.find(&format!("expected {kind}")) {
            let start = i + "expected ".len();
            let name_start = start + kind.len();
            let name_end =
                m[name_start..].find(|c: char| !c.is_alphanumeric() && c != '_').map_or(m.len(), |e| name_start + e);
            let name = &m[name_start..name_end];
            let shape = TABLE_SHAPES
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(if kind == "struct " { "a table" } else { "one of the allowed words, in quotes" }, |(_, s)| *s);
            m.replace_range(start..name_end, shape);
        }
    }
    let m = m.replace('\n', " ");
    match suggested_key(&m) {
        Some(k) => format!("{m}; did you mean `{k}`?"),
        None => m,
    }
}

/// For an "unknown key `x`, expected one of `a`, `b`…" message, the allowed key the writer most
/// likely meant: one a letter or two away (`ammount` → `amount`), or the key a Vietnamese name
/// stands for (`so_luong` → `count`, `kenh` → `channel`).
fn suggested_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown key ")?;
    let (written, expected) = rest.split_once(", expected ")?;
    let written = written.trim_matches('`');
    let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let folded = crate::text::fold(written);
    const VIETNAMESE: &[(&str, &str)] = &[
        ("so luong", "count"),
        ("kenh", "channel"),
        ("hinh thuc nop", "channel"),
        ("tinh", "province"),
        ("tinh thanh pho", "province"),
        ("thu tuc", "procedure"),
        ("ngay tiep nhan", "received"),
        ("ngay", "received"),
        ("ten", "name"),
        ("ten thiet bi", "name"),
        ("loai", "class"),
        ("loai thiet bi", "class"),
        ("ghi chu", "label"),
        ("thiet bi", "device"),
        ("to chuc", "applicant"),
        ("muc thu", "amount"),
        ("so tien", "amount"),
        ("can cu", "basis"),
    ];
    if let Some((_, key)) = VIETNAMESE.iter().find(|(vi, key)| *vi == folded && allowed.contains(key)) {
        return Some((*key).to_owned());
    }
    let limit = if written.len() >= 5 { 2 } else { 1 };
    allowed
        .iter()
        .map(|k| (crate::text::edit_distance(&folded.replace(' ', "_"), k), *k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| k.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_syntax_mistakes_are_said_in_vietnamese_words() {
        for (text, words) in [
            ("province = Đồng Nai\n", "dấu ngoặc kép, ví dụ"),
            ("province = \"Đồng Nai\n", "chưa được đóng"),
            ("a = 1\na = 2\n", "ghi hai lần"),
            ("count = 2,\n", "chữ thừa sau giá trị"),
            ("amount = 9.000.000\n", "ngăn cách hàng nghìn"),
        ] {
            let f = Src::new("a.toml", text).read::<toml::Table>().unwrap_err();
            let vi = f.message_vi().unwrap();
            assert!(vi.contains(words) && !vi.contains("tiếng Anh"), "{text}: {vi}");
        }
    }

    #[test]
    fn an_unknown_key_gets_the_key_meant() {
        let m = |w: &str| format!("unknown key `{w}`, expected one of `class`, `count`, `label`, `name`");
        assert_eq!(suggested_key(&m("cuont")).as_deref(), Some("count"));
        assert_eq!(suggested_key(&m("so_luong")).as_deref(), Some("count"));
        assert_eq!(suggested_key(&m("Số lượng")).as_deref(), Some("count"));
        assert_eq!(suggested_key(&m("ten")).as_deref(), Some("name"));
        assert_eq!(suggested_key(&m("colour")), None);
        // A Vietnamese name whose key is not allowed here is not suggested.
        assert_eq!(suggested_key(&m("kenh")), None);
    }

    #[test]
    fn key_is_read_from_the_line() {
        let text = "[[device]]\nclass = \"x\"\ncount = 0\n";
        assert_eq!(key_at(text, text.find('0').unwrap()).as_deref(), Some("count"));
        assert_eq!(key_at(text, 2).as_deref(), Some("device"));
    }

    #[test]
    fn places_match_the_direct_count_in_any_order() {
        let text = "a = 1\nprovince = \"Hà Nội\"\nx = [1, 2, \"đ\", 3]\n\nlast";
        let src = Src::new("f.toml", text);
        let mut offsets: Vec<usize> = (0..=text.len()).collect();
        offsets.extend((0..=text.len()).rev());
        for o in offsets {
            assert_eq!(src.location(o), Location::at("f.toml", text, o), "offset {o}");
        }
    }

    #[test]
    fn day_first_dates_get_the_iso_hint() {
        let src = Src::new("a.toml", "received = 15/09/2025\n");
        let f = src.read::<toml::Table>().unwrap_err();
        assert_eq!(
            f.to_string(),
            "a.toml:1:12: `15/09/2025` is not a date TOML can read (key `received`)\n  hint: write it as YYYY-MM-DD: 2025-09-15"
        );
    }

    #[test]
    fn written_numbers_are_checked_at_their_place() {
        let src = Src::new("s.toml", "[a]\nb = [1, { c = 250.000 }]\n");
        let f = src.read::<toml::Table>().unwrap_err();
        assert!(f.to_string().starts_with("s.toml:2:15: `250.000` is ambiguous"), "{f}");
        let src = Src::new("s.toml", "count = 0.9999999999999999999999999999\n");
        assert!(src.read::<toml::Table>().unwrap_err().to_string().contains("cannot be stored exactly"));
        let src = Src::new("s.toml", "amount = 99999999999999999999\n");
        let f = src.read::<toml::Table>().unwrap_err().to_string();
        assert!(f.starts_with("s.toml:1:10: `99999999999999999999` is too large"), "{f}");
    }
}
