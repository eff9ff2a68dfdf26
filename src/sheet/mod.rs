//! Tables as officers keep them: CSV files exported from spreadsheets.

pub(crate) mod csv;
