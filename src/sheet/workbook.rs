//! Workbooks (.xlsx, .xls, .ods) read directly with calamine, as officers keep their device
//! lists: one sheet is turned into the CSV text the CSV readers already check, with a map
//! from its lines back to the sheet's cells ("Sheet1!D7"), so a workbook gets exactly the
//! columns, defaults, checks and messages of a CSV file, with the cell named.

use std::io::Cursor;

use calamine::{Data, Reader};

/// The largest workbook file read: far above any province's device list, and a bound on what
/// a hostile file can make the reader hold.
pub(crate) const MAX_WORKBOOK_BYTES: usize = 64 << 20;

/// The most rows read from a sheet (Excel's own limit).
const MAX_ROWS: usize = 1 << 20;

/// How many rows above the header a title block may take.
const MAX_TITLE_ROWS: usize = 50;

/// The most a workbook's parts may hold once decompressed (a "zip bomb" is refused before it
/// is read).
const MAX_UNPACKED_BYTES: u64 = 1 << 30;

/// A sheet as CSV text, and where its lines came from.
#[derive(Debug)]
pub(crate) struct SheetCsv {
    /// The sheet's name.
    pub(crate) sheet: String,
    /// CSV text: the header row, then every row below it (line 1 is the header).
    pub(crate) csv: Vec<u8>,
    /// The sheet row (from 1) of the header.
    pub(crate) header_row: u32,
    /// The sheet column (from 0) of the CSV's first field.
    pub(crate) first_column: u32,
    /// The header's names as written.
    pub(crate) header: Vec<String>,
}

impl SheetCsv {
    /// The cell of CSV line `line` (1 is the header) in the column named `column`, e.g.
    /// `Sheet1!D7`; without a column, the row (`Sheet1!7`).
    pub(crate) fn cell(&self, line: u64, column: Option<&str>) -> String {
        let row = u64::from(self.header_row) + line.saturating_sub(1);
        let col = column.and_then(|c| {
            let want = crate::text::fold(c);
            self.header.iter().position(|h| crate::text::fold(h) == want)
        });
        match col {
            Some(i) => format!(
                "{}!{}{row}",
                quoted_sheet(&self.sheet),
                column_letters(self.first_column.saturating_add(u32::try_from(i).unwrap_or(u32::MAX)))
            ),
            None => format!("{}!{row}", quoted_sheet(&self.sheet)),
        }
    }
}

/// A sheet name as a spreadsheet writes it in a reference: quoted when it has spaces or
/// punctuation (`'Danh sách'!B3`).
fn quoted_sheet(name: &str) -> String {
    if name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        name.to_owned()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

/// Column letters of a 0-based column: 0 → A, 25 → Z, 26 → AA.
pub(crate) fn column_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Whether `bytes` start like a workbook: a zip archive (.xlsx, .ods) or an OLE compound file
/// (.xls).
pub(crate) fn looks_like_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// Reads one sheet (`sheet`, or the first) and finds its header: the first row, within the
/// first 50, that `is_header` accepts (a title block above it is skipped); `columns` says in
/// the message what a header names.
///
/// Errors are messages for the officer: not a workbook, no such sheet (with the names), no
/// header, too large.
pub(crate) fn sheet_as_csv(
    bytes: &[u8],
    sheet: Option<&str>,
    is_header: &dyn Fn(&[String]) -> bool,
    columns: &str,
) -> Result<SheetCsv, String> {
    if bytes.len() > MAX_WORKBOOK_BYTES {
        return Err(format!("the workbook is {} bytes; at most {MAX_WORKBOOK_BYTES} are read", bytes.len()));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        check_unpacked_size(bytes)?;
    }
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("the file cannot be read as a workbook (.xlsx, .xls or .ods): {e}"))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .or_else(|| names.iter().find(|n| crate::text::fold(n) == crate::text::fold(s)))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "the workbook has no sheet `{}`; its sheets are: {}",
                    crate::text::excerpt(s),
                    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                )
            })?,
        None => names.first().cloned().ok_or("the workbook has no sheet")?,
    };
    let range = book.worksheet_range(&name).map_err(|e| format!("sheet `{name}` cannot be read: {e}"))?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows().enumerate();
    let header_at = rows
        .by_ref()
        .take(MAX_TITLE_ROWS)
        .map(|(i, row)| (i, row.iter().map(text_of).collect::<Vec<String>>()))
        .find(|(_, names)| is_header(names));
    let Some((header_index, header)) = header_at else {
        return Err(format!(
            "sheet `{name}` has no header row naming the columns {columns} in its first {MAX_TITLE_ROWS} rows"
        ));
    };
    let mut csv = Vec::with_capacity(bytes.len());
    push_row(&mut csv, header.iter().map(String::as_str));
    for (i, row) in rows {
        if i >= MAX_ROWS {
            return Err(format!("sheet `{name}` has more than {MAX_ROWS} rows"));
        }
        let cells: Vec<String> = row.iter().map(text_of).collect();
        push_row(&mut csv, cells.iter().map(String::as_str));
    }
    Ok(SheetCsv {
        sheet: name,
        csv,
        header_row: top.saturating_add(u32::try_from(header_index).unwrap_or(u32::MAX)).saturating_add(1),
        first_column: left,
        header,
    })
}

/// Refuses a zip whose parts would unpack to more than [`MAX_UNPACKED_BYTES`].
fn check_unpacked_size(bytes: &[u8]) -> Result<(), String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("the file cannot be read as a workbook (.xlsx or .ods): {e}"))?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let part = archive
            .by_index_raw(i)
            .map_err(|e| format!("the file cannot be read as a workbook (.xlsx or .ods): {e}"))?;
        total = total.saturating_add(part.size());
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(format!(
            "the workbook would unpack to {total} bytes; at most {MAX_UNPACKED_BYTES} are read (save a smaller sheet)"
        ));
    }
    Ok(())
}

/// A cell as text, as the CSV readers expect it: numbers as written without a float's noise
/// (`2`, not `2.0`), dates (Excel serial numbers shown as dates) as `YYYY-MM-DD`, errors as
/// their code (`#N/A`, refused by the readers like any other bad value).
fn text_of(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // A whole number below 10^15 is exact in a float and printed without `.0`.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => (if *b { "true" } else { "false" }).to_owned(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, h, min, s, ms) = d.to_ymd_hms_milli();
            if (h, min, s, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                // A time of day is not a day received: the readers refuse it as not a date.
                format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}")
            }
        }
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Appends one CSV row, every field quoted (quotes inside doubled), ended by `\n`.
fn push_row<'a>(csv: &mut Vec<u8>, cells: impl Iterator<Item = &'a str>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            csv.push(b',');
        }
        csv.push(b'"');
        for b in cell.bytes() {
            if b == b'"' {
                csv.push(b'"');
            }
            csv.push(b);
        }
        csv.push(b'"');
    }
    csv.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_count_as_spreadsheets_do() {
        assert_eq!(
            [0, 3, 25, 26, 27, 51, 52, 701, 702, 16383].map(column_letters),
            ["A", "D", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]
        );
    }

    #[test]
    fn sheet_names_are_quoted_when_a_reference_needs_it() {
        assert_eq!(quoted_sheet("Sheet1"), "Sheet1");
        assert_eq!(quoted_sheet("Danh sách"), "'Danh sách'");
        assert_eq!(quoted_sheet("Bob's"), "'Bob''s'");
    }
}
