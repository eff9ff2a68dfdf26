//! Importing device lists from spreadsheets (CSV, UTF-8, header row).
//!
//! Columns, in any order (Vietnamese headers accepted, with or without diacritics):
//!
//! | column | Vietnamese headers | meaning |
//! |---|---|---|
//! | `facility_id` (required) | mã cơ sở, cơ sở, mã đơn vị | the registered facility |
//! | `equipment_id` (required) | mã thiết bị, số hiệu thiết bị | a new, unique device id |
//! | `name` | tên thiết bị, tên, thiết bị | free text, read by the classifier |
//! | `class` | loại, loại thiết bị | a class key (docs/device-classes.md) |
//! | `radiation`, `use`, `modality` | bức xạ, mục đích sử dụng, kỹ thuật | description fields |
//! | `manufacturer` | hãng sản xuất, nhà sản xuất, hãng | |
//! | `model` | model, kiểu, mã hiệu | |
//! | `serial` | số seri, số serial | |
//! | `year` | năm sản xuất, năm | year of manufacture |
//! | `location` | vị trí, nơi đặt, địa điểm | room or site |
//! | `mobile` | di động | yes/no, có/không, true/false, 1/0, x |
//! | `province` | tỉnh, tỉnh/thành phố | where a fixed device stands (default: the facility's) |
//!
//! Each good row registers a device; each bad row is reported with its line and reason and
//! the rest are kept.

use serde::Serialize;

use super::model::{Change, Equipment, EquipmentStatus, Event};
use super::store::Registry;
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::law::Law;
use crate::text::{Msg, fold};
use crate::vocab::DeviceClass;
use crate::vocab::{Description, Radiation, Use};

/// The canonical columns of a device-list CSV.
pub const CSV_COLUMNS: [&str; 14] = [
    "facility_id",
    "equipment_id",
    "name",
    "class",
    "radiation",
    "use",
    "modality",
    "manufacturer",
    "model",
    "serial",
    "year",
    "location",
    "mobile",
    "province",
];

/// Folded header spellings accepted for each column.
const HEADERS: &[(&str, &[&str])] = &[
    ("facility_id", &["facility id", "facility", "ma co so", "co so", "ma don vi"]),
    ("equipment_id", &["equipment id", "equipment", "device id", "ma thiet bi", "so hieu thiet bi", "ma may"]),
    ("name", &["name", "device", "ten thiet bi", "ten", "thiet bi", "ten may", "ten thiet bi buc xa"]),
    ("class", &["class", "loai", "loai thiet bi"]),
    ("radiation", &["radiation", "buc xa", "loai buc xa"]),
    ("use", &["use", "muc dich su dung", "muc dich"]),
    ("modality", &["modality", "ky thuat"]),
    ("manufacturer", &["manufacturer", "hang san xuat", "nha san xuat", "hang", "hang sx", "nha sx"]),
    ("model", &["model", "kieu", "ma hieu", "kieu may", "model may"]),
    (
        "serial",
        &[
            "serial",
            "so seri",
            "so serial",
            "serial number",
            "so se ri",
            "se ri",
            "seri",
            "so sery",
            "serial no",
            "so series",
            "so serial s n",
            "so se ri may",
            "ma so may",
            "sn",
            "s n",
            "so may",
        ],
    ),
    ("year", &["year", "nam san xuat", "nam", "nam sx"]),
    (
        "location",
        &[
            "location",
            "vi tri",
            "noi dat",
            "dia diem",
            "vi tri lap dat",
            "noi lap dat",
            "vi tri dat may",
            "dia diem lap dat",
        ],
    ),
    ("mobile", &["mobile", "di dong"]),
    ("province", &["province", "tinh", "tinh thanh pho"]),
];

/// A row that was not imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ImportProblem {
    /// The CSV line (1 is the header).
    pub line: u64,
    /// Why.
    pub message: String,
    /// For a workbook, the row (`Sheet1!7`): shown instead of the line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// Why, in Vietnamese, when the crate has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_vi: Option<String>,
}

impl ImportProblem {
    /// The problem as [`Display`](std::fmt::Display) shows it, in `lang` (a message without a
    /// Vietnamese text is shown in English).
    pub fn display_in(&self, lang: crate::error::Lang) -> String {
        use crate::error::Lang;
        let en = self.to_string();
        let Some(vi_message) = &self.message_vi else { return en };
        let vi = match &self.cell {
            Some(cell) => format!("{cell}: {vi_message}"),
            None => format!("dòng {}: {vi_message}", self.line),
        };
        match lang {
            Lang::En => en,
            Lang::Both => format!("{vi}\n  [en] {en}"),
            _ => vi,
        }
    }
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.cell {
            Some(cell) => write!(f, "{cell}: {}", self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// What an import did. Every data row read is either imported or refused:
/// `rows == imported + refused`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ImportReport {
    /// Data rows read (blank rows and rows of only delimiters are not rows).
    pub rows: u64,
    /// Devices registered.
    pub imported: u64,
    /// Rows refused, in file order (the first [`crate::batch::MAX_PROBLEMS`]).
    pub problems: Vec<ImportProblem>,
    /// Every row refused, listed or not.
    pub refused: u64,
    /// Columns of the header the import does not read (a row number, notes…), as written; in
    /// a workbook, also a column right of the header holding values but no heading (`H:H`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_columns: Vec<String>,
}

impl ImportReport {
    fn refuse(&mut self, line: u64, m: Msg) {
        self.refused += 1;
        if self.problems.len() < crate::batch::MAX_PROBLEMS {
            self.problems.push(ImportProblem { line, message: m.en, cell: None, message_vi: Some(m.vi) });
        }
    }
}

fn column_of(header: &str) -> Option<&'static str> {
    // Spelled however a spreadsheet writes it: "Số sê-ri", "Năm SX.", "Mã_cơ_sở", "S/N".
    let h = fold(header.trim_start_matches('\u{feff}')).replace(['_', '-', '.', '/', ':', '(', ')'], " ");
    let h = h.split_whitespace().collect::<Vec<_>>().join(" ");
    HEADERS.iter().find(|(_, names)| names.contains(&h.as_str())).map(|(c, _)| *c)
}

/// The free-text columns, whose values are limited to [`MAX_TEXT`](crate::application::MAX_TEXT) characters.
const TEXT_COLUMNS: [&str; 7] = ["facility_id", "equipment_id", "name", "manufacturer", "model", "serial", "location"];

fn parse_enum<T: serde::de::DeserializeOwned>(value: &str, what: &str) -> Result<T, Msg> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).map_err(|_| {
        Msg::new(format!("unknown {what} `{value}`"), format!("giá trị `{value}` không hợp lệ ở cột `{what}`"))
    })
}

fn parse_bool(value: &str) -> Result<bool, Msg> {
    match fold(value).as_str() {
        "" | "no" | "false" | "0" | "khong" | "k" => Ok(false),
        "yes" | "true" | "1" | "co" | "x" => Ok(true),
        _ => Err(Msg::new(
            format!("mobile: `{value}` is not yes or no"),
            format!("di động (`mobile`): `{value}` không phải là \"có\" hay \"không\""),
        )),
    }
}

impl Registry {
    /// Registers every device of one sheet of a workbook (.xlsx, .xls, .ods) on `date`: the
    /// first sheet or the one named `sheet`; the header may stand below a title block (the
    /// first row naming `facility_id` and `equipment_id`, Vietnamese headers accepted); the
    /// columns, checks and report are [`Registry::import_csv`]'s, each problem naming its row
    /// (`Sheet1!7`).
    ///
    /// # Errors
    /// An input error when the bytes are not a workbook, the sheet does not exist, no header
    /// is found, or as [`Registry::import_csv`].
    #[cfg(feature = "xlsx")]
    pub fn import_workbook(
        &mut self,
        law: &Law,
        workbook: &[u8],
        sheet: Option<&str>,
        date: Date,
    ) -> Result<ImportReport, Error> {
        read_device_workbook(workbook, sheet, date, &mut |event| self.apply(law, event))
    }

    /// Registers every device of a CSV device list on `date`. Fails only when the file cannot
    /// be read as CSV or its header is wrong; bad rows are in the report and the good rows are
    /// kept.
    ///
    /// # Errors
    /// An input error when the file cannot be read as CSV (an I/O error, a row that never ends)
    /// or its header is wrong.
    pub fn import_csv<R: std::io::Read>(&mut self, law: &Law, input: R, date: Date) -> Result<ImportReport, Error> {
        read_device_list(input, date, &mut |event| self.apply(law, event))
    }
}

/// A device list in a workbook, as [`read_device_list`] reads a CSV one, each problem naming
/// its cell.
#[cfg(feature = "xlsx")]
pub(crate) fn read_device_workbook(
    workbook: &[u8],
    sheet: Option<&str>,
    date: Date,
    register: &mut dyn FnMut(Event) -> Result<(), Error>,
) -> Result<ImportReport, Error> {
    let is_header = |names: &[String]| {
        let cols: Vec<Option<&str>> = names.iter().map(|n| column_of(n)).collect();
        cols.contains(&Some("facility_id")) && cols.contains(&Some("equipment_id"))
    };
    let s = crate::sheet::workbook::read_sheet(workbook, sheet, &is_header, "facility_id, equipment_id, …")
        .map_err(|m| Error::input(Finding::error(None, Some("workbook"), m.en).vi(m.vi)))?;
    let mut report = read_device_list(s.csv.as_slice(), date, register)?;
    for p in &mut report.problems {
        p.cell = Some(s.cell(p.line, None));
    }
    report.ignored_columns.extend(s.unnamed_columns());
    Ok(report)
}

/// Reads a CSV device list and gives each row's registration, dated `date`, to `register`:
/// the rows it refuses, and the rows that cannot be read, are in the report with their line.
///
/// # Errors
/// As [`Registry::import_csv`].
pub(crate) fn read_device_list<R: std::io::Read>(
    input: R,
    date: Date,
    register: &mut dyn FnMut(Event) -> Result<(), Error>,
) -> Result<ImportReport, Error> {
    use crate::sheet::csv::{CsvRows, Got, Stop};
    let header_error = |line: u64, m: Msg| {
        Error::input(
            Finding::error(None, Some("header"), format!("line {line}: {}", m.en)).vi(format!("dòng {line}: {}", m.vi)),
        )
    };
    let stop = |e: Stop| match e {
        Stop::Io(e) => Error::input(
            Finding::error(None, None, format!("cannot read the device list: {e}"))
                .vi(format!("không đọc được danh sách thiết bị: {}", crate::error::io_message_vi(&e))),
        ),
        Stop::RowTooLong { line, message } => Error::input(
            Finding::error(None, None, format!("line {line}: {}", message.en))
                .vi(format!("dòng {line}: {}", message.vi)),
        ),
    };
    let mut reader = CsvRows::new(input);
    reader.detect_delimiter(|n| column_of(n).is_some()).map_err(stop)?;
    let (header_line, header): (u64, Vec<String>) = match reader.next().map_err(stop)? {
        Got::Row => (reader.row_line, (0..reader.len()).map(|i| reader.field(i).trim().to_owned()).collect()),
        Got::Bad(line, m) => return Err(header_error(line, m)),
        Got::End => {
            return Err(header_error(
                1,
                Msg::new("the file is empty: it needs a header row", "tệp trống: cần có dòng tiêu đề"),
            ));
        }
    };
    // Empty names after the last column are a spreadsheet's leftovers.
    let width = header.iter().rposition(|h| !h.trim_start_matches('\u{feff}').is_empty()).map_or(0, |i| i + 1);
    let mut cols: Vec<Option<&'static str>> = Vec::new();
    let mut ignored = Vec::new();
    for (i, h) in header[..width].iter().enumerate() {
        let Some(c) = column_of(h) else {
            if h.is_empty() {
                return Err(header_error(
                    header_line,
                    Msg::new(
                        format!(
                            "column {} has no name; the columns are {} (Vietnamese headers accepted)",
                            i + 1,
                            CSV_COLUMNS.join(", ")
                        ),
                        format!(
                            "cột {} chưa có tên; các cột là {} (có thể ghi tên cột bằng tiếng Việt)",
                            i + 1,
                            CSV_COLUMNS.join(", ")
                        ),
                    ),
                ));
            }
            // A column that names a serial in words the import does not know is refused:
            // dropped, its serials would let the same device be registered twice.
            let folded = fold(h);
            if folded.contains("seri") || folded.contains("s/n") {
                return Err(header_error(
                    header_line,
                    Msg::new(
                        format!(
                            "column `{h}` looks like the serial number but is not read; name it `serial` or `Số sê-ri`"
                        ),
                        format!(
                            "cột `{h}` có vẻ là số sê-ri nhưng không được đọc; hãy đặt tên cột là `serial` hoặc `Số sê-ri`"
                        ),
                    ),
                ));
            }
            // A column the import does not read (a row number, notes): said, not refused.
            ignored.push(crate::text::excerpt(h).into_owned());
            cols.push(None);
            continue;
        };
        if cols.contains(&Some(c)) {
            return Err(header_error(
                header_line,
                Msg::new(format!("column `{c}` appears twice"), format!("cột `{c}` xuất hiện hai lần")),
            ));
        }
        cols.push(Some(c));
    }
    for required in ["facility_id", "equipment_id"] {
        if !cols.contains(&Some(required)) {
            let (other, other_vi) = if ignored.is_empty() {
                (String::new(), String::new())
            } else {
                let listed = ignored.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
                (
                    format!(" (the header also has {listed}, which the import does not read: check the spelling)"),
                    format!(" (dòng tiêu đề còn có {listed}, là các cột không được đọc: hãy kiểm tra chính tả)"),
                )
            };
            return Err(header_error(
                header_line,
                Msg::new(format!("missing column `{required}`{other}"), format!("thiếu cột `{required}`{other_vi}")),
            ));
        }
    }
    let mut report = ImportReport { rows: 0, imported: 0, problems: Vec::new(), refused: 0, ignored_columns: ignored };
    loop {
        let line = match reader.next().map_err(stop)? {
            Got::End => break,
            Got::Bad(line, message) => {
                report.rows += 1;
                report.refuse(line, message);
                continue;
            }
            Got::Row => reader.row_line,
        };
        report.rows += 1;
        let fields = reader.len();
        if fields < width || (width..fields).any(|i| !reader.field(i).trim().is_empty()) {
            let shown = if fields < width { fields } else { fields.max(width) };
            report.refuse(
                line,
                Msg::new(
                    format!("the row has {shown} fields; the header has {width}"),
                    format!("dòng có {shown} cột; dòng tiêu đề có {width}"),
                ),
            );
            continue;
        }
        let record: Vec<&str> = (0..width).map(|i| reader.field(i)).collect();
        if let Some((name, n)) = cols.iter().zip(&record).find_map(|(c, v)| {
            let n = crate::text::nfc_len(v.trim());
            c.filter(|c| TEXT_COLUMNS.contains(c) && n > crate::application::MAX_TEXT).map(|c| (c, n))
        }) {
            let max = crate::application::MAX_TEXT;
            report.refuse(
                line,
                Msg::new(
                    format!("{name} is {n} characters long; at most {max} are allowed"),
                    format!("cột `{name}` dài {n} ký tự; tối đa {max} ký tự"),
                ),
            );
            continue;
        }
        let get = |name: &str| {
            cols.iter()
                .position(|c| *c == Some(name))
                .and_then(|i| record.get(i).copied())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let result = (|| -> Result<Equipment, Msg> {
            let opt = |n: &str| get(n).map(str::to_owned);
            let description = Description {
                name: opt("name"),
                radiation: get("radiation").map(|v| parse_enum::<Radiation>(v, "radiation")).transpose()?,
                use_: get("use").map(|v| parse_enum::<Use>(v, "use")).transpose()?,
                modality: get("modality")
                    .map(|m| {
                        crate::vocab::parse_modality(m)
                            .map_err(|en| Msg::new(en, crate::vocab::modality::unknown_modality_vi(m)))
                    })
                    .transpose()?,
                ..Description::default()
            };
            let class = get("class")
                .map(|k| {
                    DeviceClass::from_key(k).ok_or_else(|| {
                        Msg::new(crate::vocab::unknown_class_message(k), crate::vocab::unknown_class_message_vi(k))
                    })
                })
                .transpose()?;
            // The one number rule (`2020.0` is 2020), then the range: a year of manufacture is
            // from 1900 to the day of the import.
            let year = get("year")
                    .map(|y| {
                        let value = crate::number::parse_decimal(y, crate::number::Form::Plain).map_err(|e| {
                            Msg::new(format!("year: {e}"), format!("năm sản xuất (`year`): {}", e.message_vi))
                        })?;
                        let year = crate::number::count_in(
                            value,
                            crate::number::Counted { key: "year", noun: "years", range: (1900, u32::from(date.year())) },
                        )
                        .map_err(|_| {
                            let shown = crate::text::excerpt(y);
                            Msg::new(
                                format!(
                                    "year {shown} of manufacture is not from 1900 to the day of the import ({date}): check the year"
                                ),
                                format!(
                                    "năm sản xuất {shown} không nằm trong khoảng từ 1900 đến ngày nhập danh sách ({}): hãy kiểm tra lại năm",
                                    date.day_first()
                                ),
                            )
                        })?;
                        Ok::<u16, Msg>(u16::try_from(year).unwrap_or(u16::MAX))
                    })
                    .transpose()?;
            Ok(Equipment {
                id: get("equipment_id")
                    .ok_or_else(|| Msg::new("equipment_id is empty", "chưa ghi mã thiết bị (`equipment_id`)"))?
                    .to_owned(),
                facility: get("facility_id")
                    .ok_or_else(|| Msg::new("facility_id is empty", "chưa ghi mã cơ sở (`facility_id`)"))?
                    .to_owned(),
                description,
                class,
                manufacturer: opt("manufacturer"),
                model: opt("model"),
                serial: opt("serial"),
                year,
                location: opt("location"),
                mobile: get("mobile").map(parse_bool).transpose()?.unwrap_or(false),
                province: opt("province").unwrap_or_default(),
                status: EquipmentStatus::InService,
            })
        })();
        let outcome = result.and_then(|equipment| {
            register(Event { date, change: Change::RegisterEquipment { equipment } }).map_err(|e| {
                let f = e.findings();
                Msg::new(
                    f.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("; "),
                    f.iter().map(|f| f.message_vi().unwrap_or(&f.message)).collect::<Vec<_>>().join("; "),
                )
            })
        });
        match outcome {
            Ok(()) => report.imported += 1,
            Err(message) => report.refuse(line, message),
        }
    }
    Ok(report)
}
