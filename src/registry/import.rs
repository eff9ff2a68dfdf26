//! Importing device lists from spreadsheets (CSV, UTF-8, header row).
//!
//! Columns, in any order (Vietnamese headers accepted, with or without diacritics):
//!
//! | column | Vietnamese headers | meaning |
//! |---|---|---|
//! | `facility_id` (required) | mã cơ sở, cơ sở, mã đơn vị | the registered facility |
//! | `equipment_id` (required) | mã thiết bị, số hiệu thiết bị | a new, unique device id |
//! | `name` | tên thiết bị, tên, thiết bị | free text, read by the classifier |
//! | `class` | loại, loại thiết bị | a class key (spec/device-classes.md) |
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

use super::{Change, Equipment, EquipmentStatus, Event, Registry};
use crate::application::{Description, Radiation, Use};
use crate::class::DeviceClass;
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::schedule::Schedules;
use crate::text::fold;

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
    ("equipment_id", &["equipment id", "equipment", "device id", "ma thiet bi", "so hieu thiet bi"]),
    ("name", &["name", "device", "ten thiet bi", "ten", "thiet bi"]),
    ("class", &["class", "loai", "loai thiet bi"]),
    ("radiation", &["radiation", "buc xa", "loai buc xa"]),
    ("use", &["use", "muc dich su dung", "muc dich"]),
    ("modality", &["modality", "ky thuat"]),
    ("manufacturer", &["manufacturer", "hang san xuat", "nha san xuat", "hang"]),
    ("model", &["model", "kieu", "ma hieu"]),
    ("serial", &["serial", "so seri", "so serial", "serial number"]),
    ("year", &["year", "nam san xuat", "nam"]),
    ("location", &["location", "vi tri", "noi dat", "dia diem"]),
    ("mobile", &["mobile", "di dong"]),
    ("province", &["province", "tinh", "tinh thanh pho"]),
];

/// A row that was not imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportProblem {
    /// The CSV line (1 is the header).
    pub line: u64,
    /// Why.
    pub message: String,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Devices registered.
    pub imported: u64,
    /// Rows refused, in file order (the first [`crate::MAX_PROBLEMS`]).
    pub problems: Vec<ImportProblem>,
    /// Every row refused, listed or not.
    pub refused: u64,
}

impl ImportReport {
    fn refuse(&mut self, line: u64, message: String) {
        self.refused += 1;
        if self.problems.len() < crate::batch::MAX_PROBLEMS {
            self.problems.push(ImportProblem { line, message });
        }
    }
}

fn column_of(header: &str) -> Option<&'static str> {
    let h = fold(header.trim_start_matches('\u{feff}')).replace('_', " ");
    HEADERS.iter().find(|(_, names)| names.contains(&h.as_str())).map(|(c, _)| *c)
}

fn parse_enum<T: serde::de::DeserializeOwned>(value: &str, what: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).map_err(|_| format!("unknown {what} `{value}`"))
}

fn parse_bool(value: &str) -> Result<bool, String> {
    match fold(value).as_str() {
        "" | "no" | "false" | "0" | "khong" | "k" => Ok(false),
        "yes" | "true" | "1" | "co" | "x" => Ok(true),
        _ => Err(format!("mobile: `{value}` is not yes or no")),
    }
}

impl Registry {
    /// Registers every device of a CSV device list on `date`. Fails only when the file cannot
    /// be read as CSV or its header is wrong; bad rows are in the report and the good rows are
    /// kept.
    pub fn import_csv<R: std::io::Read>(
        &mut self,
        schedules: &Schedules,
        input: R,
        date: Date,
    ) -> Result<ImportReport, Error> {
        let header_error = |m: String| Error::input(Finding::error(None, Some("header"), format!("line 1: {m}")));
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let header = reader.headers().map_err(|e| header_error(format!("cannot read the header row: {e}")))?.clone();
        let mut cols: Vec<Option<&'static str>> = Vec::new();
        for h in &header {
            let c = column_of(h).ok_or_else(|| {
                header_error(format!(
                    "unknown column `{h}`; the columns are {} (Vietnamese headers accepted)",
                    CSV_COLUMNS.join(", ")
                ))
            })?;
            if cols.contains(&Some(c)) {
                return Err(header_error(format!("column `{c}` appears twice")));
            }
            cols.push(Some(c));
        }
        for required in ["facility_id", "equipment_id"] {
            if !cols.contains(&Some(required)) {
                return Err(header_error(format!("missing column `{required}`")));
            }
        }
        let mut report = ImportReport { imported: 0, problems: Vec::new(), refused: 0 };
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, csv::Position::line);
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        return Err(Error::input(Finding::error(None, None, format!("line {line}: {e}"))));
                    }
                    report
                        .problems
                        .push(ImportProblem { line, message: "the row cannot be read (not UTF-8 text?)".to_owned() });
                    continue;
                }
            }
            let line = record.position().map_or(0, csv::Position::line);
            if record.len() != header.len() {
                report.refuse(line, format!("the row has {} fields; the header has {}", record.len(), header.len()));
                continue;
            }
            let get = |name: &str| {
                cols.iter()
                    .position(|c| *c == Some(name))
                    .and_then(|i| record.get(i))
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
            };
            let result = (|| -> Result<Equipment, String> {
                let opt = |n: &str| get(n).map(str::to_owned);
                let description = Description {
                    name: opt("name"),
                    radiation: get("radiation").map(|v| parse_enum::<Radiation>(v, "radiation")).transpose()?,
                    use_: get("use").map(|v| parse_enum::<Use>(v, "use")).transpose()?,
                    modality: opt("modality"),
                    ..Description::default()
                };
                let class = get("class")
                    .map(|k| DeviceClass::from_key(k).ok_or_else(|| crate::class::unknown_class_message(k)))
                    .transpose()?;
                let year = get("year")
                    .map(|y| {
                        y.parse::<u16>()
                            .ok()
                            .filter(|y| (1900..=2100).contains(y))
                            .ok_or_else(|| format!("year `{y}` is not a year"))
                    })
                    .transpose()?;
                Ok(Equipment {
                    id: get("equipment_id").ok_or("equipment_id is empty")?.to_owned(),
                    facility: get("facility_id").ok_or("facility_id is empty")?.to_owned(),
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
                self.apply(schedules, Event { date, change: Change::RegisterEquipment { equipment } })
                    .map_err(|e| e.findings().iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; "))
            });
            match outcome {
                Ok(()) => report.imported += 1,
                Err(message) => report.refuse(line, message),
            }
        }
        Ok(report)
    }
}
