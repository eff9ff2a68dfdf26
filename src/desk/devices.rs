//! A device list uploaded on the spreadsheet page: the devices of one application (a name as
//! written and/or a class, a count, a label per row), put on the application form so the
//! officer adds the province, procedure and date, checks the rows and prices them as the form
//! prices anything typed (the same checks, the same ambiguity flow, the same quote).
//!
//! A sheet is a device list when its header names a device (`name`/`Tên thiết bị` or
//! `class`/`Loại thiết bị`) and no application (`application_id`/`Mã hồ sơ`, which makes it a
//! batch). Read with the crate's CSV reader (delimiters, quoting, byte-order mark) or, for a
//! workbook, from the sheet as the batch reads it (header below a title block).

use super::form::{DeviceRow, FormInput, MAX_ROWS};
use crate::sheet::csv::{CsvRows, Got, Stop};
use crate::text::Msg;
use crate::vocab::DeviceClass;

/// The folded headings of a device list's columns: the form's fields, by key or Vietnamese
/// (a serial number goes onto the quote line's label, beside any note).
const HEADINGS: [(&str, &[&str]); 5] = [
    ("name", &["name", "ten thiet bi", "ten", "thiet bi", "ten may"]),
    ("class", &["class", "loai thiet bi", "ma loai thiet bi", "ma loai", "loai"]),
    ("count", &["count", "so luong", "sl", "qty", "quantity"]),
    ("label", &["label", "ghi chu", "nhan"]),
    ("serial", &["so seri", "so serial", "serial", "so hieu"]),
];

/// The device-list column a heading names (`name`, `class`, `count`, `label`, `serial`);
/// `Số lượng (chiếc)`, `Số lượng máy` are the count.
pub(crate) fn device_column(heading: &str) -> Option<&'static str> {
    let folded = crate::text::fold(heading.trim().trim_start_matches('\u{feff}'));
    if folded.starts_with("so luong ") {
        return Some("count");
    }
    HEADINGS.iter().find(|(_, names)| names.contains(&folded.as_str())).map(|(c, _)| *c)
}

/// Whether a header row is a device list's: it names a device (`name` or `class`), among at
/// least two cells (a lone title cell "THIẾT BỊ" is not a header), and nothing of an
/// application (an application id, province, procedure, date or channel make it a batch,
/// priced or refused as one).
pub(crate) fn is_device_list(header: &[String]) -> bool {
    let names_device = header.iter().any(|h| matches!(device_column(h), Some("name" | "class")));
    let cells = header.iter().filter(|h| !h.trim().is_empty()).count();
    let names_application =
        header.iter().any(|h| matches!(crate::batch::batch_column(h), Some(0..=4)) && device_column(h).is_none());
    names_device && cells >= 2 && !names_application
}

/// Where a list's rows come from, for messages: CSV lines, or a sheet's rows.
pub(crate) type Place<'a> = &'a dyn Fn(u64) -> String;

/// A device list read: the form it fills, the columns it has that are not read, and whether it
/// has a count column (without one, every row is one device, which the page says).
pub(crate) struct List {
    pub(crate) form: FormInput,
    pub(crate) ignored: Vec<String>,
    pub(crate) has_count: bool,
}

/// The rows of a device list (CSV text) as form rows, or why not (in both languages) with the
/// place (`at` names a line: `dòng 7`, or a sheet's row). A class is read as the form reads one
/// (any spelling the library accepts) and refused here otherwise, so no value of the file is
/// lost on its way to the form; a repeated column is refused; a line break inside a name or a
/// label is a space, inside a count a refusal. At most [`MAX_ROWS`] devices. Also gives the
/// columns the list has that are not read.
pub(crate) fn read(csv: &[u8], at: Place<'_>) -> Result<List, Msg> {
    let stop = |e: Stop| match e {
        Stop::Io(e) => Msg::new(
            format!("the list cannot be read: {e}"),
            format!("không đọc được danh sách: {}", crate::error::io_message_vi(&e)),
        ),
        Stop::RowTooLong { line, message } => {
            Msg::new(format!("{}: {}", at(line), message.en), format!("{}: {}", at(line), message.vi))
        }
    };
    let mut reader = CsvRows::new(csv);
    reader.detect_delimiter(|n| device_column(n).is_some()).map_err(stop)?;
    let (header_line, names): (u64, Vec<String>) = match reader.next().map_err(stop)? {
        Got::Row => (reader.row_line, (0..reader.len()).map(|i| reader.field(i).trim().to_owned()).collect()),
        Got::Bad(line, m) => {
            return Err(Msg::new(format!("{}: {}", at(line), m.en), format!("{}: {}", at(line), m.vi)));
        }
        Got::End => return Err(Msg::new("the list is empty", "danh sách trống")),
    };
    let header: Vec<Option<&'static str>> = names.iter().map(|n| device_column(n)).collect();
    let mut ignored = Vec::new();
    for (i, (column, name)) in header.iter().zip(&names).enumerate() {
        match column {
            Some(c) if header[..i].contains(&Some(c)) => {
                let place = at(header_line);
                return Err(Msg::new(
                    format!("{place}: the column `{name}` repeats another column of the same meaning; keep one"),
                    format!("{place}: cột `{name}` trùng nghĩa với một cột trước nó; chỉ giữ một cột"),
                ));
            }
            None if !name.is_empty() => ignored.push(name.clone()),
            _ => {}
        }
    }
    let has_count = header.contains(&Some("count"));
    let mut form = FormInput::blank();
    form.devices.clear();
    loop {
        let line = match reader.next().map_err(stop)? {
            Got::End => break,
            Got::Bad(line, m) => {
                return Err(Msg::new(format!("{}: {}", at(line), m.en), format!("{}: {}", at(line), m.vi)));
            }
            Got::Row => reader.row_line,
        };
        let place = at(line);
        let mut row = DeviceRow { count: "1".to_owned(), ..DeviceRow::default() };
        let mut serial = String::new();
        // A line break inside a cell (Alt+Enter in Excel) is a space in a text.
        let text = |v: &str| v.split_whitespace().collect::<Vec<_>>().join(" ");
        for (i, column) in header.iter().enumerate().take(reader.len()) {
            let value = reader.field(i).trim().to_owned();
            match column {
                Some("name") => row.name = text(&value),
                Some("class") if !value.is_empty() => {
                    let class = DeviceClass::from_written(&value).map_err(|e| {
                        Msg::new(format!("{place}: {}", e.message), format!("{place}: {}", e.message_vi))
                    })?;
                    row.class = class.key().to_owned();
                }
                Some("count") if value.contains(['\n', '\r']) => {
                    return Err(Msg::new(
                        format!(
                            "{place}: the count `{}` holds a line break; write one number",
                            value.replace(['\n', '\r'], " ")
                        ),
                        format!(
                            "{place}: số lượng `{}` có xuống dòng trong ô; chỉ ghi một số",
                            value.replace(['\n', '\r'], " ")
                        ),
                    ));
                }
                Some("count") if !value.is_empty() => row.count = value,
                Some("label") => row.label = text(&value),
                Some("serial") => serial = text(&value),
                _ => {}
            }
        }
        if !serial.is_empty() {
            row.label = if row.label.is_empty() {
                format!("Số sê-ri {serial}")
            } else {
                format!("{}; số sê-ri {serial}", row.label)
            };
        }
        // A row with nothing typed is skipped; a count typed alone stays, for the form to say
        // that its device is missing.
        let count_typed = !row.count.is_empty() && row.count != "1";
        if row.name.is_empty() && row.class.is_empty() && row.label.is_empty() && !count_typed {
            continue;
        }
        if form.devices.len() == MAX_ROWS {
            return Err(Msg::new(
                format!(
                    "{place}: the list has more than {MAX_ROWS} devices, the most the form takes; price it as a batch (each row with application_id, province, procedure, received, channel, class and count) or with the calculator"
                ),
                format!(
                    "{place}: danh sách có hơn {MAX_ROWS} thiết bị, số dòng tối đa của biểu mẫu; hãy tính như bảng tính nhiều hồ sơ (mỗi dòng có Mã hồ sơ, Tỉnh, Thủ tục, Ngày tiếp nhận, Hình thức nộp, Loại thiết bị, Số lượng) hoặc bằng chương trình tính phí"
                ),
            ));
        }
        form.devices.push(row);
    }
    if form.devices.is_empty() {
        return Err(Msg::new("the list names no device", "danh sách không có thiết bị nào"));
    }
    // The facts of the application are the officer's to give: no procedure or date is assumed
    // (a renewal is 75 % of a new licence).
    form.procedure.clear();
    form.received.clear();
    Ok(List { form, ignored, has_count })
}

/// Whether CSV text is a device list (its header row names a device and no application).
pub(crate) fn csv_is_device_list(csv: &[u8]) -> bool {
    let mut reader = CsvRows::new(csv);
    let known = |n: &str| device_column(n).is_some() || crate::batch::batch_column(n).is_some();
    if reader.detect_delimiter(known).is_err() {
        return false;
    }
    match reader.next() {
        Ok(Got::Row) => is_device_list(&(0..reader.len()).map(|i| reader.field(i).to_owned()).collect::<Vec<_>>()),
        _ => false,
    }
}
