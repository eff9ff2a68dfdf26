//! A batch row's seven fields, read and checked, and the header that says where they are.

use crate::application::{COUNT, MAX_TEXT};
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::text::Msg;
use crate::vocab::DeviceClass;
use crate::vocab::{Channel, Procedure};

/// The columns of a batch file, in any order.
pub const BATCH_COLUMNS: [&str; 7] =
    ["application_id", "province", "procedure", "received", "channel", "class", "count"];

/// The Vietnamese heading of each column, in [`BATCH_COLUMNS`] order, as an officer's
/// spreadsheet writes it.
const HEADINGS_VI: [&str; 7] =
    ["Mã hồ sơ", "Tỉnh, thành phố", "Thủ tục", "Ngày tiếp nhận", "Hình thức nộp", "Loại thiết bị", "Số lượng"];

/// Columns named for an officer: the Vietnamese heading, then the key (`Số lượng (count)`).
pub(super) fn columns_vi(columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| match BATCH_COLUMNS.iter().position(|k| k == c) {
            Some(i) => format!("{} ({c})", HEADINGS_VI[i]),
            None => (*c).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The headings accepted for each column, folded (case, diacritics and punctuation set aside),
/// in [`BATCH_COLUMNS`] order: the key itself and the Vietnamese headings officers' spreadsheets
/// use ("Mã hồ sơ", "Tỉnh, thành phố", "Thủ tục", "Ngày tiếp nhận", "Hình thức nộp", "Loại thiết
/// bị", "Số lượng"), as the device-list import reads its own.
const HEADINGS: [&[&str]; 7] = [
    &["application id", "ma ho so", "so ho so", "ma so ho so"],
    &["province", "tinh", "tinh thanh pho", "tinh thanh"],
    &["procedure", "thu tuc", "loai thu tuc"],
    &["received", "ngay tiep nhan", "ngay tiep nhan ho so", "ngay nhan ho so", "ngay nhan"],
    &["channel", "hinh thuc nop", "hinh thuc nop ho so", "hinh thuc", "kenh nop"],
    &["class", "loai thiet bi", "ma loai thiet bi", "ma loai", "loai"],
    &["count", "so luong"],
];

/// The column a header names (its index in [`BATCH_COLUMNS`]), by key or Vietnamese heading.
pub(crate) fn batch_column(name: &str) -> Option<usize> {
    let folded = crate::text::fold(column_name(name));
    HEADINGS.iter().position(|names| names.contains(&folded.as_str()))
}

/// Whether a row of headings is a batch's header: it names the application and the class (by
/// key or Vietnamese heading). A workbook's header is the first such row.
pub(crate) fn is_batch_header(names: &[String]) -> bool {
    [0, 5].iter().all(|c| names.iter().any(|n| batch_column(n) == Some(*c)))
}

/// Where each of the seven columns is in a row, and how many columns the header names.
pub(super) struct Columns {
    pub(super) idx: [usize; 7],
    pub(super) width: usize,
    /// Named columns the batch does not read (notes, a phone number…): reported, not refused.
    pub(super) ignored: Vec<String>,
}

/// Facts of an application that change its fee but that a batch row cannot state: a column
/// named so is refused rather than ignored.
const PRICE_FACTS: [&str; 3] = ["facility_kind", "sites", "conditions"];

pub(super) fn header_problem(line: u64, m: Msg) -> Error {
    Error::input(
        Finding::error(None, Some("header"), format!("line {line}: {}", m.en)).vi(format!("dòng {line}: {}", m.vi)),
    )
}

/// A header name as written, trimmed and without a byte-order mark.
pub(super) fn column_name(name: &str) -> &str {
    name.trim().trim_start_matches('\u{feff}').trim()
}

impl Columns {
    /// The columns of a header row (at `line`). Empty names after the last column are Excel's
    /// leftovers and ignored; an empty name between columns is refused; a column the batch
    /// does not read is listed in `ignored`, unless it names a fact that changes the fee.
    pub(super) fn from_header(line: u64, header: &[&str]) -> Result<Columns, Error> {
        let width = header.iter().rposition(|n| !column_name(n).is_empty()).map_or(0, |i| i + 1);
        let mut idx = [usize::MAX; 7];
        let mut ignored = Vec::new();
        for (i, raw) in header[..width].iter().enumerate() {
            let name = column_name(raw);
            // `Application_ID`, `CLASS`, `Ngày tiếp nhận`: a header typed with capitals or in
            // Vietnamese names the same column.
            match batch_column(name) {
                Some(k) if idx[k] == usize::MAX => idx[k] = i,
                Some(_) => {
                    return Err(header_problem(
                        line,
                        Msg::new(format!("column `{name}` appears twice"), format!("cột `{name}` xuất hiện hai lần")),
                    ));
                }
                None if name.is_empty() => {
                    return Err(header_problem(
                        line,
                        Msg::new(
                            format!(
                                "column {} has no name; a batch file has the columns {}",
                                i + 1,
                                BATCH_COLUMNS.join(",")
                            ),
                            format!(
                                "cột thứ {} chưa có tên; bảng tính phí có các cột {}",
                                i + 1,
                                BATCH_COLUMNS.join(",")
                            ),
                        ),
                    ));
                }
                None if PRICE_FACTS.contains(&crate::text::fold(name).replace(' ', "_").as_str()) => {
                    return Err(header_problem(
                        line,
                        Msg::new(
                            format!(
                                "column `{}` would change the fee, but a batch file cannot state it (only {}): price these applications from application files (docs/application.md)",
                                crate::text::excerpt(name),
                                BATCH_COLUMNS.join(",")
                            ),
                            format!(
                                "cột `{}` làm thay đổi mức phí nhưng bảng tính phí không ghi được (chỉ có {}): hãy tính phí các hồ sơ này bằng tệp hồ sơ (docs/application.md)",
                                crate::text::excerpt(name),
                                BATCH_COLUMNS.join(",")
                            ),
                        ),
                    ));
                }
                None => ignored.push(crate::text::excerpt(name).into_owned()),
            }
        }
        let missing: Vec<&str> =
            BATCH_COLUMNS.iter().zip(idx).filter(|(_, i)| *i == usize::MAX).map(|(c, _)| *c).collect();
        if !missing.is_empty() {
            let listed = ignored.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
            let (other, other_vi) = if ignored.is_empty() {
                (String::new(), String::new())
            } else {
                (
                    format!(" (the header also has {listed}, which a batch file does not read: check the spelling)"),
                    format!(" (dòng tiêu đề còn có {listed}, là cột không được đọc: kiểm tra lại chính tả)"),
                )
            };
            return Err(header_problem(
                line,
                Msg::new(
                    format!("missing column(s): {}{other}", missing.join(", ")),
                    format!("thiếu cột: {}{other_vi}", columns_vi(&missing)),
                ),
            ));
        }
        Ok(Columns { idx, width, ignored })
    }
}

/// A row's fields, read and checked.
pub(super) struct Row<'a> {
    pub(super) id: &'a str,
    pub(super) province: &'a str,
    pub(super) procedure: Procedure,
    pub(super) received: Date,
    pub(super) channel: Channel,
    pub(super) class: DeviceClass,
    pub(super) count: u32,
}

/// Reads a row from its seven fields (trimmed, in [`BATCH_COLUMNS`] order). A refusal names
/// the column it is about.
pub(super) fn parse_row<'a>(fields: &[&'a str; 7]) -> Result<Row<'a>, (Option<&'static str>, Msg)> {
    let [id, province, procedure, received, channel, class, count] = *fields;
    for (name, value) in BATCH_COLUMNS.iter().zip(fields) {
        // A text of at most MAX_TEXT bytes has at most MAX_TEXT characters, even in NFC (no
        // normalisation makes more characters than the bytes it starts from): count only
        // longer ones, as they are kept (NFC).
        let n = if value.len() <= MAX_TEXT { 0 } else { crate::text::nfc_len(value) };
        if n > MAX_TEXT {
            return Err((
                Some(name),
                Msg::new(
                    format!("{name} is {n} characters long; at most {MAX_TEXT} are allowed"),
                    format!("cột {name} dài {n} ký tự; tối đa {MAX_TEXT} ký tự"),
                ),
            ));
        }
    }
    let at = |column: &'static str| move |m: Msg| (Some(column), m);
    if id.is_empty() {
        return Err(at("application_id")(Msg::new("application_id is empty", "chưa ghi mã hồ sơ (application_id)")));
    }
    if province.is_empty() {
        return Err(at("province")(Msg::new("province is empty", "chưa ghi tỉnh, thành phố (province)")));
    }
    let procedure = Procedure::written(procedure).map_err(at("procedure"))?;
    let received = Date::from_form(received).map_err(|e| {
        at("received")(Msg::new(format!("received: {e}"), format!("ngày tiếp nhận (received): {}", e.message_vi())))
    })?;
    let channel = match channel {
        "" => Channel::InPerson,
        c => Channel::written(c).map_err(at("channel"))?,
    };
    // The key (nearly every row), else the key as typed or the class's name as a quote
    // prints it (`X-quang chụp cắt lớp vi tính (CT)`).
    let class = DeviceClass::from_key(class).or_else(|| DeviceClass::from_written(class).ok()).ok_or_else(|| {
        // A batch cell may also hold the class's name, as the desk lists it.
        at("class")(Msg::new(
            format!(
                "{}; a class's name as a quote prints it is read too (such as `General diagnostic X-ray`)",
                crate::vocab::unknown_class_message(class)
            ),
            format!(
                "{}; cũng có thể ghi tên loại như trên phiếu tính phí (ví dụ `X-quang chẩn đoán thông thường`)",
                crate::vocab::unknown_class_message_vi(class)
            ),
        ))
    })?;
    let count = match count {
        "" => 1,
        c => crate::number::parse_count(c, COUNT).map_err(|e| at("count")(Msg::new(e.message, e.message_vi)))?,
    };
    Ok(Row { id, province, procedure, received, channel, class, count })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heading_an_officer_is_told_to_write_is_read() {
        for (i, heading) in HEADINGS_VI.iter().enumerate() {
            assert_eq!(batch_column(heading), Some(i), "{heading}");
        }
        assert_eq!(columns_vi(&["province", "count"]), "Tỉnh, thành phố (province), Số lượng (count)");
    }
}
