//! Workbooks (.xlsx, .xls, .ods) read directly with calamine, as officers keep their device
//! lists: one sheet is turned into the CSV text the CSV readers already check, with a map
//! from its lines back to the sheet's cells ("Sheet1!D7"), so a workbook gets exactly the
//! columns, defaults, checks and messages of a CSV file, with the cell named.

use std::io::Cursor;

use calamine::{Data, Reader};

use crate::text::Msg;

/// The largest workbook file read: far above any province's device list, and a bound on what
/// a hostile file can make the reader hold.
pub(crate) const MAX_WORKBOOK_BYTES: usize = 64 << 20;

/// The most rows read from a sheet (Excel's own limit).
const MAX_ROWS: usize = 1 << 20;

/// How many rows above the header a title block may take.
const MAX_TITLE_ROWS: u32 = 50;

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
    /// Columns right of the header that hold values but have no heading (a note typed beside
    /// the table), by sheet column from 0: not read, and listed as such.
    pub(crate) unnamed: Vec<u32>,
}

impl SheetCsv {
    /// The columns not read for want of a heading, as a spreadsheet names a whole column
    /// (`H:H`).
    pub(crate) fn unnamed_columns(&self) -> impl Iterator<Item = String> + '_ {
        self.unnamed.iter().map(|&c| format!("{0}:{0}", column_letters(c)))
    }

    /// The cell of CSV line `line` (1 is the header) in the column whose heading `is_column`
    /// accepts (a key, or the Vietnamese heading the reader took for it), e.g. `Sheet1!D7`;
    /// without a column, the row (`Sheet1!7`).
    pub(crate) fn cell(&self, line: u64, is_column: Option<&dyn Fn(&str) -> bool>) -> String {
        let row = u64::from(self.header_row) + line.saturating_sub(1);
        let col = is_column.and_then(|is| self.header.iter().position(|h| is(h)));
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
/// Errors are messages for the officer, in both languages: not a workbook, no such sheet
/// (with the names), no header, too large.
pub(crate) fn read_sheet(
    bytes: &[u8],
    sheet: Option<&str>,
    is_header: &dyn Fn(&[String]) -> bool,
    columns: &str,
) -> Result<SheetCsv, Msg> {
    if bytes.len() > MAX_WORKBOOK_BYTES {
        return Err(Msg::new(
            format!("the workbook is {} bytes; at most {MAX_WORKBOOK_BYTES} are read", bytes.len()),
            format!("tệp bảng tính có {} byte; chỉ đọc tối đa {MAX_WORKBOOK_BYTES} byte", bytes.len()),
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        check_unpacked_size(bytes)?;
    }
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        Msg::new(
            format!("the file cannot be read as a workbook (.xlsx, .xls or .ods): {e}"),
            format!("không đọc được tệp này như một bảng tính (.xlsx, .xls hoặc .ods); chi tiết: `{e}`"),
        )
    })?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .or_else(|| names.iter().find(|n| crate::text::fold(n) == crate::text::fold(s)))
            .cloned()
            .ok_or_else(|| {
                let listed = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
                Msg::new(
                    format!("the workbook has no sheet `{}`; its sheets are: {listed}", crate::text::excerpt(s)),
                    format!(
                        "bảng tính không có trang tính `{}`; các trang tính hiện có: {listed}",
                        crate::text::excerpt(s)
                    ),
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Msg::new("the workbook has no sheet", "bảng tính không có trang tính nào"))?,
    };
    let unreadable = |e: &dyn std::fmt::Display| {
        Msg::new(
            format!("sheet `{name}` cannot be read: {e}"),
            format!("không đọc được trang tính `{name}`; chi tiết: `{e}`"),
        )
    };
    let mut table = Table::new(&name, is_header, columns, names.clone());
    match &mut book {
        // An .xlsx sheet is read cell by cell: a stray cell far down or right of the table
        // costs nothing (calamine's dense grid would be rows × columns).
        calamine::Sheets::Xlsx(x) => {
            let mut cells = x.worksheet_cells_reader(&name).map_err(|e| unreadable(&e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
                let (row, col) = cell.get_position();
                let value: Data = cell.get_value().clone().into();
                table.cell(row, col, text_of(&value))?;
            }
        }
        // .xls and .ods: calamine reads the sheet as one grid.
        other => {
            let range = other.worksheet_range(&name).map_err(|e| unreadable(&e))?;
            let (top, left) = range.start().unwrap_or((0, 0));
            for (row, col, value) in range.used_cells() {
                let (row, col) = (u32::try_from(row).unwrap_or(u32::MAX), u32::try_from(col).unwrap_or(u32::MAX));
                table.cell(top.saturating_add(row), left.saturating_add(col), text_of(value))?;
            }
        }
    }
    table.finish()
}

/// The most columns a table may span (a batch has 7, a device list 14; the CSV readers refuse
/// wider rows too).
const MAX_COLUMNS: u32 = 1024;

/// A sheet turned into CSV text as its cells arrive, row by row (rows in order, as every
/// spreadsheet program writes them).
struct Table<'a> {
    sheet: &'a str,
    is_header: &'a dyn Fn(&[String]) -> bool,
    columns: &'a str,
    /// The first row holding a value (the top of any title block).
    top: Option<u32>,
    /// The row being gathered and its cells.
    row: Option<(u32, Vec<(u32, String)>)>,
    /// Once found: the header's row, first column and names.
    header: Option<(u32, u32, Vec<String>)>,
    /// The last sheet row written to the CSV.
    last: u32,
    /// The workbook's sheet names, for the message when this one has no header.
    others: Vec<String>,
    csv: Vec<u8>,
    /// Columns right of the header that hold values (sheet columns, from 0).
    unnamed: std::collections::BTreeSet<u32>,
}

impl<'a> Table<'a> {
    fn new(
        sheet: &'a str,
        is_header: &'a dyn Fn(&[String]) -> bool,
        columns: &'a str,
        others: Vec<String>,
    ) -> Table<'a> {
        Table {
            sheet,
            is_header,
            columns,
            top: None,
            row: None,
            header: None,
            last: 0,
            others,
            csv: Vec::new(),
            unnamed: std::collections::BTreeSet::new(),
        }
    }

    fn at(&self, row: u32, col: u32) -> String {
        format!("{}!{}{}", quoted_sheet(self.sheet), column_letters(col), u64::from(row) + 1)
    }

    /// One cell (0-based row and column); empty cells are skipped.
    fn cell(&mut self, row: u32, col: u32, text: String) -> Result<(), Msg> {
        if text.is_empty() {
            return Ok(());
        }
        match &mut self.row {
            Some((r, cells)) if *r == row => {
                cells.push((col, text));
                return Ok(());
            }
            Some((r, _)) if *r > row => {
                let at = self.at(row, col);
                return Err(Msg::new(
                    format!("{at}: the sheet's cells are out of order; save it again"),
                    format!("{at}: các ô của trang tính không theo thứ tự; hãy lưu lại tệp"),
                ));
            }
            _ => {}
        }
        if let Some((r, cells)) = self.row.take() {
            self.end_row(r, cells)?;
        }
        self.row = Some((row, vec![(col, text)]));
        Ok(())
    }

    fn end_row(&mut self, row: u32, cells: Vec<(u32, String)>) -> Result<(), Msg> {
        let top = *self.top.get_or_insert(row);
        let Some((header_row, first, ref names)) = self.header else {
            if row >= top.saturating_add(MAX_TITLE_ROWS) {
                return Err(self.no_header());
            }
            let first = cells.iter().map(|(c, _)| *c).min().unwrap_or(0);
            let names = dense(&cells, first);
            if (self.is_header)(&names) {
                if names.len() > MAX_COLUMNS as usize {
                    let at = self.at(row, first);
                    return Err(Msg::new(
                        format!("{at}: the header is wider than {MAX_COLUMNS} columns"),
                        format!("{at}: dòng tiêu đề rộng hơn {MAX_COLUMNS} cột"),
                    ));
                }
                push_row(&mut self.csv, names.iter().map(String::as_str));
                self.header = Some((row, first, names));
                self.last = row;
            }
            return Ok(());
        };
        let width = names.len();
        if let Some((c, _)) = cells.iter().find(|(c, _)| *c < first) {
            let (at, first) = (self.at(row, *c), column_letters(first));
            return Err(Msg::new(
                format!("{at}: a value left of the table, whose first column is {first}; move or delete it"),
                format!(
                    "{at}: có giá trị nằm bên trái bảng (cột đầu tiên của bảng là {first}); hãy di chuyển hoặc xóa giá trị này"
                ),
            ));
        }
        if let Some((c, _)) = cells.iter().find(|(c, _)| c - first >= MAX_COLUMNS) {
            let at = self.at(row, *c);
            return Err(Msg::new(
                format!("{at}: a value far right of the table (beyond {MAX_COLUMNS} columns); move or delete it"),
                format!(
                    "{at}: có giá trị nằm quá xa bên phải bảng (ngoài {MAX_COLUMNS} cột); hãy di chuyển hoặc xóa giá trị này"
                ),
            ));
        }
        if (row - header_row) as usize > MAX_ROWS {
            return Err(Msg::new(
                format!("sheet `{}` has more than {MAX_ROWS} rows below its header", self.sheet),
                format!("trang tính `{}` có hơn {MAX_ROWS} dòng dưới dòng tiêu đề", self.sheet),
            ));
        }
        for _ in self.last + 1..row {
            self.csv.push(b'\n');
        }
        let mut fields = dense(&cells, first);
        // A row with nothing in its last columns has as many fields as the header; values
        // right of it have no heading and are not read (listed in `unnamed`).
        for (c, _) in cells.iter().filter(|(c, _)| (c - first) as usize >= width) {
            self.unnamed.insert(*c);
        }
        fields.resize(width, String::new());
        push_row(&mut self.csv, fields.iter().map(String::as_str));
        self.last = row;
        Ok(())
    }

    fn no_header(&self) -> Msg {
        let others: Vec<String> =
            self.others.iter().filter(|n| n.as_str() != self.sheet).map(|n| format!("`{n}`")).collect();
        let (hint, hint_vi) = if others.is_empty() {
            (String::new(), String::new())
        } else {
            (
                format!("; the workbook's other sheets are {}: choose one with --sheet NAME", others.join(", ")),
                format!(
                    "; các trang tính khác của bảng tính: {}; hãy chọn một trang bằng `--sheet <tên>`",
                    others.join(", ")
                ),
            )
        };
        Msg::new(
            format!(
                "sheet `{}` has no header row naming the columns {} in its first {MAX_TITLE_ROWS} rows{hint}",
                self.sheet, self.columns
            ),
            format!(
                "trang tính `{}` không có dòng tiêu đề ghi tên các cột {} trong {MAX_TITLE_ROWS} dòng đầu{hint_vi}",
                self.sheet, self.columns
            ),
        )
    }

    fn finish(mut self) -> Result<SheetCsv, Msg> {
        if let Some((r, cells)) = self.row.take() {
            self.end_row(r, cells)?;
        }
        let Some((header_row, first, header)) = self.header else { return Err(self.no_header()) };
        Ok(SheetCsv {
            sheet: self.sheet.to_owned(),
            csv: self.csv,
            header_row: header_row.saturating_add(1),
            first_column: first,
            header,
            unnamed: self.unnamed.into_iter().collect(),
        })
    }
}

/// A row's cells as fields from column `first` to its last cell, empty where no cell is.
fn dense(cells: &[(u32, String)], first: u32) -> Vec<String> {
    let last = cells.iter().map(|(c, _)| *c).max().unwrap_or(first);
    let mut out = vec![String::new(); (last.saturating_sub(first) as usize + 1).min(MAX_COLUMNS as usize + 1)];
    for (c, t) in cells {
        if let Some(slot) = out.get_mut((c - first) as usize) {
            slot.clone_from(t);
        }
    }
    out
}

/// Refuses a zip whose parts would unpack to more than [`MAX_UNPACKED_BYTES`].
fn check_unpacked_size(bytes: &[u8]) -> Result<(), Msg> {
    let not_a_workbook = |e: zip::result::ZipError| {
        Msg::new(
            format!("the file cannot be read as a workbook (.xlsx or .ods): {e}"),
            format!("không đọc được tệp này như một bảng tính (.xlsx hoặc .ods); chi tiết: `{e}`"),
        )
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(not_a_workbook)?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).map_err(not_a_workbook)?;
        total = total.saturating_add(part.size());
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(Msg::new(
            format!(
                "the workbook would unpack to {total} bytes; at most {MAX_UNPACKED_BYTES} are read (save a smaller sheet)"
            ),
            format!(
                "tệp bảng tính khi giải nén sẽ có {total} byte; chỉ đọc tối đa {MAX_UNPACKED_BYTES} byte (hãy lưu trang tính nhỏ hơn)"
            ),
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
