//! A batch row's seven fields, read and checked, and the header that says where they are.

use crate::application::{COUNT, MAX_TEXT};
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::vocab::DeviceClass;
use crate::vocab::{Channel, Procedure};

/// The columns of a batch file, in any order.
pub const BATCH_COLUMNS: [&str; 7] =
    ["application_id", "province", "procedure", "received", "channel", "class", "count"];

/// Where each of the seven columns is in a row, and how many columns the header names.
pub(super) struct Columns {
    pub(super) idx: [usize; 7],
    pub(super) width: usize,
}

pub(super) fn header_problem(line: u64, message: String) -> Error {
    Error::input(Finding::error(None, Some("header"), format!("line {line}: {message}")))
}

/// A header name as written, trimmed and without a byte-order mark.
pub(super) fn column_name(name: &str) -> &str {
    name.trim().trim_start_matches('\u{feff}').trim()
}

impl Columns {
    /// The columns of a header row (at `line`). Empty names after the last column are Excel's
    /// leftovers and ignored; an empty name between columns is refused.
    pub(super) fn from_header(line: u64, header: &[&str]) -> Result<Columns, Error> {
        let width = header.iter().rposition(|n| !column_name(n).is_empty()).map_or(0, |i| i + 1);
        let mut idx = [usize::MAX; 7];
        for (i, raw) in header[..width].iter().enumerate() {
            let name = column_name(raw);
            match BATCH_COLUMNS.iter().position(|c| *c == name) {
                Some(k) if idx[k] == usize::MAX => idx[k] = i,
                Some(_) => return Err(header_problem(line, format!("column `{name}` appears twice"))),
                None if name.is_empty() => {
                    return Err(header_problem(
                        line,
                        format!(
                            "column {} has no name; a batch file has the columns {}",
                            i + 1,
                            BATCH_COLUMNS.join(",")
                        ),
                    ));
                }
                None => {
                    return Err(header_problem(
                        line,
                        format!(
                            "unknown column `{}`; a batch file has the columns {}",
                            crate::text::excerpt(name),
                            BATCH_COLUMNS.join(",")
                        ),
                    ));
                }
            }
        }
        let missing: Vec<&str> =
            BATCH_COLUMNS.iter().zip(idx).filter(|(_, i)| *i == usize::MAX).map(|(c, _)| *c).collect();
        if !missing.is_empty() {
            return Err(header_problem(line, format!("missing column(s): {}", missing.join(", "))));
        }
        Ok(Columns { idx, width })
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

/// Reads a row from its seven fields (trimmed, in [`BATCH_COLUMNS`] order).
pub(super) fn parse_row<'a>(fields: &[&'a str; 7]) -> Result<Row<'a>, String> {
    let [id, province, procedure, received, channel, class, count] = *fields;
    for (name, value) in BATCH_COLUMNS.iter().zip(fields) {
        // A text of at most MAX_TEXT bytes has at most MAX_TEXT characters: count only longer ones.
        let n = if value.len() <= MAX_TEXT { 0 } else { value.chars().count() };
        if n > MAX_TEXT {
            return Err(format!("{name} is {n} characters long; at most {MAX_TEXT} are allowed"));
        }
    }
    if id.is_empty() {
        return Err("application_id is empty".to_owned());
    }
    if province.is_empty() {
        return Err("province is empty".to_owned());
    }
    let procedure = Procedure::written(procedure)?;
    let received = Date::from_form(received).map_err(|e| format!("received: {e}"))?;
    let channel = match channel {
        "" => Channel::InPerson,
        c => Channel::written(c)?,
    };
    let class = DeviceClass::from_key(class).ok_or_else(|| crate::vocab::unknown_class_message(class))?;
    let count = match count {
        "" => 1,
        c => crate::number::parse_count(c, COUNT).map_err(|e| e.message)?,
    };
    Ok(Row { id, province, procedure, received, channel, class, count })
}
