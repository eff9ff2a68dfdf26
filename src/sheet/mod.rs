//! Tables as officers keep them: CSV files exported from spreadsheets, and workbooks
//! (.xlsx, .xls, .ods) read directly.

pub(crate) mod csv;
#[cfg(feature = "xlsx")]
pub(crate) mod workbook;
