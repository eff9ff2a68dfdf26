//! Batch appraisal (spec/batch.md): many applications in one CSV, priced by the same engine as
//! the calculator, with three figures any other implementation can be checked against.
//!
//! Rows with the same `application_id` form one application wherever they stand in the file.
//! Each application keeps only its header fields and one count per class, so memory grows with
//! the number of applications, not of rows. A bad row is reported with its line number and
//! skipped; an application whose rows disagree is reported with both lines and not priced.

use std::collections::HashMap;
use std::io::Read;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::application::{Application, Channel, DeviceEntry, MAX_COUNT, Procedure};
use crate::class::DeviceClass;
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::money::Money;
use crate::schedule::{Authority, Schedules};

/// The columns of a batch file, in any order.
pub const BATCH_COLUMNS: [&str; 7] =
    ["application_id", "province", "procedure", "received", "channel", "class", "count"];

/// Most distinct applications in one batch (memory is kept per application).
pub const MAX_APPLICATIONS: usize = 10_000_000;

/// Longest field accepted, in bytes.
const MAX_FIELD: usize = 1000;

/// One priced application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BatchResult {
    /// The application's id.
    pub application_id: String,
    /// Its total.
    pub total: Money,
    /// Who appraises and collects.
    pub authority: Option<Authority>,
    /// The priced lines, when the batch was asked for detail.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<crate::quote::Line>,
}

/// A row or application that could not be priced, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BatchProblem {
    /// The line of the CSV file (1 is the header).
    pub line: u64,
    /// The application concerned, when known.
    pub application_id: Option<String>,
    /// What is wrong.
    pub message: String,
    /// The row was fine but the application cannot be priced as one application (a class with
    /// no fee row, devices of two authorities): exit code 1 rather than 2.
    pub unpriceable: bool,
}

impl std::fmt::Display for BatchProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: ", self.line)?;
        if let Some(id) = &self.application_id {
            write!(f, "application {id}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// The outcome of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BatchReport {
    /// Data rows read (not counting the header).
    pub rows: u64,
    /// Applications priced.
    pub applications: u64,
    /// Σ totals of the priced applications.
    pub grand_total: Money,
    /// `sha256:<hex>` over the lines "application_id,total" sorted by application_id, joined
    /// with "\n".
    pub digest: String,
    /// Each priced application, sorted by id.
    pub results: Vec<BatchResult>,
    /// Rows and applications not priced, in file order (the first [`MAX_PROBLEMS`]).
    pub problems: Vec<BatchProblem>,
    /// Bad rows, and applications whose rows disagree (all of them, listed or not).
    pub bad_rows: u64,
    /// Applications that cannot be priced as one application (all of them).
    pub unpriceable: u64,
}

/// Most problems a batch report lists; the rest are counted (`bad_rows`, `unpriceable`), so a
/// file of bad rows cannot make the report grow without bound.
pub const MAX_PROBLEMS: usize = 10_000;

/// Keeps the first [`MAX_PROBLEMS`] problems and counts them all.
#[derive(Default)]
struct Problems {
    kept: Vec<BatchProblem>,
    bad_rows: u64,
    unpriceable: u64,
}

impl Problems {
    fn push(&mut self, p: BatchProblem) {
        if p.unpriceable {
            self.unpriceable += 1;
        } else {
            self.bad_rows += 1;
        }
        if self.kept.len() < MAX_PROBLEMS {
            self.kept.push(p);
        }
    }
}

impl BatchReport {
    /// The three checkable figures, as the batch tool prints them.
    pub fn summary(&self) -> String {
        format!(
            "applications: {}\ngrand_total: {}\ndigest: {}\n",
            self.applications,
            self.grand_total.amount(),
            self.digest
        )
    }
}

/// One application being gathered.
struct Pending {
    line: u64,
    /// Index into the batch's table of province spellings.
    province: u32,
    procedure: Procedure,
    received: Date,
    channel: Channel,
    /// Device counts per class, in first-seen order.
    devices: Vec<(DeviceClass, u64)>,
    failed: bool,
}

struct Columns {
    idx: [usize; 7],
}

fn header_problem(message: String) -> Error {
    Error::input(Finding::error(None, Some("header"), format!("line 1: {message}")))
}

impl Columns {
    fn from_header(header: &csv::StringRecord) -> Result<Columns, Error> {
        let mut idx = [usize::MAX; 7];
        for (i, name) in header.iter().enumerate() {
            let name = name.trim().trim_start_matches('\u{feff}');
            match BATCH_COLUMNS.iter().position(|c| *c == name) {
                Some(k) if idx[k] == usize::MAX => idx[k] = i,
                Some(_) => return Err(header_problem(format!("column `{name}` appears twice"))),
                None => {
                    return Err(header_problem(format!(
                        "unknown column `{}`; a batch file has the columns {}",
                        crate::text::excerpt(name),
                        BATCH_COLUMNS.join(",")
                    )));
                }
            }
        }
        let missing: Vec<&str> =
            BATCH_COLUMNS.iter().zip(idx).filter(|(_, i)| *i == usize::MAX).map(|(c, _)| *c).collect();
        if !missing.is_empty() {
            return Err(header_problem(format!("missing column(s): {}", missing.join(", "))));
        }
        Ok(Columns { idx })
    }
}

struct Row<'a> {
    id: &'a str,
    province: &'a str,
    procedure: Procedure,
    received: Date,
    channel: Channel,
    class: DeviceClass,
    count: u64,
}

fn parse_row<'a>(rec: &'a csv::StringRecord, cols: &Columns) -> Result<Row<'a>, String> {
    let get = |k: usize| rec.get(cols.idx[k]).unwrap_or("").trim();
    if let Some(long) = rec.iter().find(|f| f.len() > MAX_FIELD) {
        return Err(format!("a field is {} bytes long; the limit is {MAX_FIELD}", long.len()));
    }
    let id = get(0);
    if id.is_empty() {
        return Err("application_id is empty".to_owned());
    }
    let province = get(1);
    if province.is_empty() {
        return Err("province is empty".to_owned());
    }
    let procedure = Procedure::from_key(get(2)).ok_or_else(|| {
        format!(
            "unknown procedure `{}`: expected new, renewal, supplement, amendment, reissue or declaration",
            crate::text::excerpt(get(2))
        )
    })?;
    let received: Date = get(3).parse().map_err(|e: crate::date::DateError| format!("received: {e}"))?;
    let channel = match get(4) {
        "" => Channel::InPerson,
        c => Channel::from_key(c)
            .ok_or_else(|| format!("unknown channel `{}`: expected online or in_person", crate::text::excerpt(c)))?,
    };
    let class = DeviceClass::from_key(get(5)).ok_or_else(|| crate::class::unknown_class_message(get(5)))?;
    let count = match get(6) {
        "" => 1,
        c => match c.parse::<u64>() {
            Ok(n) if (1..=u64::from(MAX_COUNT)).contains(&n) => n,
            Ok(n) => return Err(format!("count {n} is outside 1 to {MAX_COUNT}")),
            Err(_) => return Err(format!("count `{}` is not a whole number of devices", crate::text::excerpt(c))),
        },
    };
    Ok(Row { id, province, procedure, received, channel, class, count })
}

impl Schedules {
    /// Prices every application of a batch CSV. `progress` is called with the number of rows
    /// read so far, every 100,000 rows. Fails only when the file cannot be read as CSV at all
    /// (no header, a wrong header, an I/O error); row problems are in the report.
    pub fn price_batch<R: Read>(&self, input: R, progress: impl FnMut(u64)) -> Result<BatchReport, Error> {
        self.price_batch_with_detail(input, false, progress)
    }

    /// As [`Schedules::price_batch`], keeping each application's priced lines when `detail` is
    /// true (memory then grows with the number of lines).
    pub fn price_batch_with_detail<R: Read>(
        &self,
        input: R,
        detail: bool,
        mut progress: impl FnMut(u64),
    ) -> Result<BatchReport, Error> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(input);
        let header = reader.headers().map_err(|e| header_problem(format!("cannot read the header row: {e}")))?.clone();
        let cols = Columns::from_header(&header)?;
        let mut pending: HashMap<String, Pending> = HashMap::new();
        // Each distinct province spelling is stored once, not once per application.
        let mut spellings: Vec<String> = Vec::new();
        // Where each spelling was found (located once, not once per application).
        let mut located: Vec<Option<(&crate::province::Province, bool)>> = Vec::new();
        let mut spelling_index: HashMap<String, u32> = HashMap::new();
        let mut problems = Problems::default();
        let mut record = csv::StringRecord::new();
        let mut rows = 0u64;
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(rows + 2, |p| p.line());
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        return Err(Error::input(Finding::error(
                            None,
                            None,
                            format!("line {line}: cannot read the batch: {e}"),
                        )));
                    }
                    rows += 1;
                    problems.push(BatchProblem {
                        line,
                        application_id: None,
                        message: plain_csv_error(&e),
                        unpriceable: false,
                    });
                    continue;
                }
            }
            rows += 1;
            if rows.is_multiple_of(100_000) {
                progress(rows);
            }
            let line = record.position().map_or(rows + 1, csv::Position::line);
            if record.len() != header.len() {
                problems.push(BatchProblem {
                    line,
                    application_id: None,
                    message: format!("the row has {} fields; the header has {}", record.len(), header.len()),
                    unpriceable: false,
                });
                continue;
            }
            let row = match parse_row(&record, &cols) {
                Ok(r) => r,
                Err(message) => {
                    let id = record.get(cols.idx[0]).map(str::trim).filter(|s| !s.is_empty() && s.len() <= MAX_FIELD);
                    problems.push(BatchProblem {
                        line,
                        application_id: id.map(str::to_owned),
                        message,
                        unpriceable: false,
                    });
                    continue;
                }
            };
            let province = match spelling_index.get(row.province) {
                Some(&k) => k,
                None => {
                    let k = u32::try_from(spellings.len()).unwrap_or(u32::MAX);
                    spellings.push(row.province.to_owned());
                    located.push(self.provinces().locate(row.province));
                    spelling_index.insert(row.province.to_owned(), k);
                    k
                }
            };
            let full = pending.len() >= MAX_APPLICATIONS;
            match pending.get_mut(row.id) {
                None if full => {
                    return Err(Error::input(Finding::error(
                        None,
                        None,
                        format!(
                            "line {line}: the batch has more than {MAX_APPLICATIONS} applications; split it into smaller files"
                        ),
                    )));
                }
                None => {
                    pending.insert(
                        row.id.to_owned(),
                        Pending {
                            line,
                            province,
                            procedure: row.procedure,
                            received: row.received,
                            channel: row.channel,
                            devices: vec![(row.class, row.count)],
                            failed: false,
                        },
                    );
                }
                Some(app) => {
                    let differs = [
                        (
                            "province",
                            app.province != province,
                            spellings[app.province as usize].clone(),
                            row.province.to_owned(),
                        ),
                        (
                            "procedure",
                            app.procedure != row.procedure,
                            app.procedure.key().to_owned(),
                            row.procedure.key().to_owned(),
                        ),
                        ("received", app.received != row.received, app.received.to_string(), row.received.to_string()),
                        (
                            "channel",
                            app.channel != row.channel,
                            app.channel.key().to_owned(),
                            row.channel.key().to_owned(),
                        ),
                    ];
                    if let Some((field, _, first, here)) = differs.into_iter().find(|d| d.1) {
                        if !app.failed {
                            problems.push(BatchProblem {
                                line,
                                application_id: Some(row.id.to_owned()),
                                message: format!(
                                    "{field} is `{here}` here but `{first}` on line {}: the rows of one application must agree; the application is not priced",
                                    app.line
                                ),
                                unpriceable: false,
                            });
                        }
                        app.failed = true;
                        continue;
                    }
                    match app.devices.iter_mut().find(|(c, _)| *c == row.class) {
                        Some((_, n)) => *n += row.count,
                        None => app.devices.push((row.class, row.count)),
                    }
                }
            }
        }
        progress(rows);

        let mut apps: Vec<(String, Pending)> = pending.into_iter().filter(|(_, a)| !a.failed).collect();
        apps.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut results = Vec::with_capacity(apps.len());
        let mut grand_total = Money::ZERO;
        let mut hasher = Sha256::new();
        for (id, app) in apps {
            let province = spellings.get(app.province as usize).cloned().unwrap_or_default();
            let mut application = Application::new(province, app.procedure, app.received).with_channel(app.channel);
            let mut too_many = None;
            for (class, count) in app.devices {
                match u32::try_from(count) {
                    Ok(c) => application.devices.push(DeviceEntry::of_class(class, c)),
                    Err(_) => too_many = Some(class),
                }
            }
            if let Some(class) = too_many {
                problems.push(BatchProblem {
                    line: app.line,
                    application_id: Some(id),
                    message: format!("too many `{class}` devices in one application"),
                    unpriceable: false,
                });
                continue;
            }
            // The hot path unless the lines themselves were asked for.
            let priced = if detail {
                self.quote(&application).map(|q| (q.total, q.authority, q.lines))
            } else {
                let priced = match located.get(app.province as usize).copied().flatten() {
                    Some((province, former)) => self.total_in(&application, province, former),
                    None => self.total(&application),
                };
                priced.map(|(total, authority)| (total, authority, Vec::new()))
            };
            match priced {
                Ok((total, authority, lines)) => {
                    grand_total = grand_total.checked_add(total).ok_or_else(|| {
                        Error::input(Finding::error(None, None, "the grand total is too large to compute exactly"))
                    })?;
                    if !results.is_empty() {
                        hasher.update(b"\n");
                    }
                    hasher.update(id.as_bytes());
                    hasher.update(b",");
                    hasher.update(total.amount().to_string().as_bytes());
                    results.push(BatchResult { application_id: id, total, authority, lines });
                }
                Err(e) => {
                    let message = e.findings().iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; ");
                    problems.push(BatchProblem {
                        line: app.line,
                        application_id: Some(id),
                        message,
                        unpriceable: e.is_unpriceable(),
                    });
                }
            }
        }
        problems.kept.sort_by_key(|p| p.line);
        let digest = hasher.finalize().iter().fold(String::from("sha256:"), |mut s, b| {
            s.push_str(&format!("{b:02x}"));
            s
        });
        Ok(BatchReport {
            rows,
            applications: results.len() as u64,
            grand_total,
            digest,
            results,
            problems: problems.kept,
            bad_rows: problems.bad_rows,
            unpriceable: problems.unpriceable,
        })
    }
}

fn plain_csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8 text".to_owned(),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("the row has {len} fields; the header has {expected_len}")
        }
        _ => format!("the row cannot be read as CSV: {e}"),
    }
}
