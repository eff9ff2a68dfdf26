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

/// The folded headings of a device list's columns: the form's fields, by key or Vietnamese.
const HEADINGS: [(&str, &[&str]); 4] = [
    ("name", &["name", "ten thiet bi", "ten", "thiet bi", "ten may"]),
    ("class", &["class", "loai thiet bi", "ma loai thiet bi", "ma loai", "loai"]),
    ("count", &["count", "so luong"]),
    ("label", &["label", "ghi chu", "nhan", "so seri", "so serial", "serial"]),
];

/// The device-list column a heading names (`name`, `class`, `count`, `label`).
pub(crate) fn device_column(heading: &str) -> Option<&'static str> {
    let folded = crate::text::fold(heading.trim().trim_start_matches('\u{feff}'));
    HEADINGS.iter().find(|(_, names)| names.contains(&folded.as_str())).map(|(c, _)| *c)
}

/// Whether a header row is a device list's: it names a device and no application.
pub(crate) fn is_device_list(header: &[String]) -> bool {
    let names_device = header.iter().any(|h| matches!(device_column(h), Some("name" | "class")));
    let names_application = header.iter().any(|h| crate::batch::batch_column(h) == Some(0));
    names_device && !names_application
}

/// The rows of a device list (CSV text) as form rows, or why not (in both languages), with the
/// line it is at. At most [`MAX_ROWS`] devices: a longer list is a batch's or a file's.
pub(crate) fn read(csv: &[u8]) -> Result<FormInput, Msg> {
    let stop = |e: Stop| match e {
        Stop::Io(e) => Msg::new(
            format!("the list cannot be read: {e}"),
            format!("không đọc được danh sách: {}", crate::error::io_message_vi(&e)),
        ),
        Stop::RowTooLong { line, message } => {
            Msg::new(format!("line {line}: {}", message.en), format!("dòng {line}: {}", message.vi))
        }
    };
    let mut reader = CsvRows::new(csv);
    reader.detect_delimiter(|n| device_column(n).is_some()).map_err(stop)?;
    let header: Vec<Option<&'static str>> = match reader.next().map_err(stop)? {
        Got::Row => (0..reader.len()).map(|i| device_column(reader.field(i))).collect(),
        Got::Bad(line, m) => return Err(Msg::new(format!("line {line}: {}", m.en), format!("dòng {line}: {}", m.vi))),
        Got::End => return Err(Msg::new("the list is empty", "danh sách trống")),
    };
    let mut form = FormInput::blank();
    form.devices.clear();
    loop {
        let line = match reader.next().map_err(stop)? {
            Got::End => break,
            Got::Bad(line, m) => {
                return Err(Msg::new(format!("line {line}: {}", m.en), format!("dòng {line}: {}", m.vi)));
            }
            Got::Row => reader.row_line,
        };
        let mut row = DeviceRow { count: "1".to_owned(), ..DeviceRow::default() };
        for (i, column) in header.iter().enumerate().take(reader.len()) {
            let value = reader.field(i).trim().to_owned();
            match column {
                Some("name") => row.name = value,
                Some("class") => row.class = value,
                Some("count") if !value.is_empty() => row.count = value,
                Some("label") => row.label = value,
                _ => {}
            }
        }
        if row.name.is_empty() && row.class.is_empty() && row.label.is_empty() {
            continue;
        }
        if form.devices.len() == MAX_ROWS {
            return Err(Msg::new(
                format!(
                    "line {line}: the list has more than {MAX_ROWS} devices; price a larger application as a batch (add application_id) or as an application file"
                ),
                format!(
                    "dòng {line}: danh sách có hơn {MAX_ROWS} thiết bị; hồ sơ lớn hơn hãy tính như bảng tính nhiều hồ sơ (thêm cột Mã hồ sơ) hoặc bằng tệp hồ sơ"
                ),
            ));
        }
        form.devices.push(row);
    }
    if form.devices.is_empty() {
        return Err(Msg::new("the list names no device", "danh sách không có thiết bị nào"));
    }
    Ok(form)
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
