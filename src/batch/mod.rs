//! Batch appraisal (docs/batch.md): many applications in one CSV, priced by the same engine as
//! the calculator, with three figures any other implementation can be checked against.
//!
//! Rows with the same `application_id` form one application wherever they stand in the file.
//! Each application keeps only its header fields and one count per class, so memory grows with
//! the number of applications, not of rows (plus a staging area of at most a million rows). A
//! bad row is reported with its line number and skipped; an application whose rows disagree is
//! reported with both lines and not priced.
//!
//! The file is read by the crate's CSV reader (`crate::sheet::csv`, on `csv-core`): the
//! delimiter (`,`, `;` or tab) is detected from the header, a byte-order mark, any line end,
//! trailing empty columns and rows of only delimiters are what spreadsheets export and are
//! accepted; rows are numbered by the file's physical lines.
//!
//! The parts: `rows` (the header and a row's fields); this file holds the report types and the
//! pass that gathers rows into applications and prices them.

mod rows;

use std::collections::HashMap;
use std::io::Read;

use rows::{Columns, header_problem, parse_row};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::application::{Application, DeviceEntry, Terms};
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::exact::Exact;
use crate::money::Money;
use crate::schedule::Schedules;
use crate::sheet::csv::{CsvRows, Got, Stop};
use crate::vocab::Authority;
use crate::vocab::DeviceClass;
use crate::vocab::{Channel, Procedure};

/// The columns of a batch file, in any order.
pub const BATCH_COLUMNS: [&str; 7] =
    ["application_id", "province", "procedure", "received", "channel", "class", "count"];

/// Most distinct applications in one batch (memory is kept per application).
pub const MAX_APPLICATIONS: usize = 10_000_000;

/// What a batch keeps in [`BatchReport::results`] besides its three figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Keep {
    /// Nothing: the figures and problems only. The least memory and time; what the batch tool
    /// uses when it writes no file.
    Figures,
    /// Each application's id, total and authority.
    #[default]
    Totals,
    /// As `Totals`, with each application's priced lines (memory grows with the lines).
    Lines,
}

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
    /// The ids of the schedule warnings it carries (see [`BatchReport::warnings`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
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
    /// Each priced application, sorted by id; empty when only the figures were kept
    /// ([`Keep::Figures`]).
    pub results: Vec<BatchResult>,
    /// Rows and applications not priced, in file order (the first [`MAX_PROBLEMS`]).
    pub problems: Vec<BatchProblem>,
    /// Bad rows, and applications whose rows disagree (all of them, listed or not).
    pub bad_rows: u64,
    /// Applications that cannot be priced as one application (all of them).
    pub unpriceable: u64,
    /// The schedule warnings that priced applications carry (e.g. a newer circular reported
    /// from their date), each with the number of applications it concerns.
    pub warnings: Vec<BatchWarning>,
}

/// A schedule warning and how many priced applications of a batch carry it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BatchWarning {
    /// The warning's id in the schedule.
    pub id: String,
    /// How prominently it is shown.
    pub level: crate::schedule::WarningLevel,
    /// The warning.
    pub text: crate::vocab::Text,
    /// Priced applications that carry it.
    pub applications: u64,
}

/// Most problems a batch report lists; the rest are counted (`bad_rows`, `unpriceable`), so a
/// file of bad rows cannot make the report grow without bound.
pub const MAX_PROBLEMS: usize = 10_000;

/// Keeps the [`MAX_PROBLEMS`] problems that come first in the file, and counts them all.
/// Which are kept depends only on their lines, not on the order they were found in.
#[derive(Default)]
struct Problems {
    kept: std::collections::BinaryHeap<ByLine>,
    bad_rows: u64,
    unpriceable: u64,
}

/// A problem ordered by its line (then its text, so the order is total).
#[derive(PartialEq, Eq)]
struct ByLine(BatchProblem);

impl Ord for ByLine {
    fn cmp(&self, other: &ByLine) -> std::cmp::Ordering {
        let key = |p: &BatchProblem| (p.line, p.application_id.clone(), p.message.clone(), p.unpriceable);
        self.0.line.cmp(&other.0.line).then_with(|| key(&self.0).cmp(&key(&other.0)))
    }
}

impl PartialOrd for ByLine {
    fn partial_cmp(&self, other: &ByLine) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Problems {
    fn push(&mut self, p: BatchProblem) {
        if p.unpriceable {
            self.unpriceable += 1;
        } else {
            self.bad_rows += 1;
        }
        self.kept.push(ByLine(p));
        if self.kept.len() > MAX_PROBLEMS {
            self.kept.pop(); // the last in the file
        }
    }

    /// The kept problems in file order.
    fn in_file_order(&mut self) -> Vec<BatchProblem> {
        std::mem::take(&mut self.kept).into_sorted_vec().into_iter().map(|p| p.0).collect()
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

/// Bytes of the digest's text hashed at a time.
const DIGEST_BUFFER: usize = 1 << 16;

/// Appends an amount's digits (as `Decimal` prints it), without the formatter for whole
/// numbers that fit a `u64` (every fee is one; the formatter was a tenth of the final pass).
fn write_amount(amount: rust_decimal::Decimal, out: &mut Vec<u8>) {
    use std::io::Write as _;
    match u64::try_from(amount.mantissa()) {
        Ok(mut n) if amount.scale() == 0 => {
            let mut digits = [0u8; 20];
            let mut at = digits.len();
            loop {
                at -= 1;
                digits[at] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            out.extend_from_slice(&digits[at..]);
        }
        _ => {
            let _ = write!(out, "{amount}");
        }
    }
}

/// The sum of `totals`: in exact `i128` arithmetic while it can, else with `Decimal`.
fn sum(mut totals: impl Iterator<Item = Money> + Clone) -> Option<Money> {
    let exact = totals.clone().try_fold(Exact::ZERO, |sum, t| sum.add(Exact::of(t.amount())));
    match exact.and_then(Exact::to_decimal) {
        Some(total) => Some(Money::new(total)),
        None => totals.try_fold(Money::ZERO, Money::checked_add),
    }
}

/// The hasher of the batch's tables: foldhash, seeded per run (ids come from the file, so a
/// fixed seed could be flooded).
type Hasher = foldhash::fast::RandomState;

/// Text in NFC, borrowed when it already is (ASCII always is).
fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() { std::borrow::Cow::Borrowed(text) } else { std::borrow::Cow::Owned(crate::text::nfc(text)) }
}

/// An application being gathered from its rows.
struct Pending {
    id: Box<str>,
    /// The line of its first row.
    line: u64,
    /// Index of its province's spelling (first row's).
    spelling: u32,
    procedure: Procedure,
    received: Date,
    channel: Channel,
    /// One entry per class, counts summed.
    devices: Vec<(DeviceClass, u32)>,
    /// Its rows disagree, or a class's count overflowed: not priced (already reported).
    failed: bool,
}

/// A distinct province spelling of the batch, resolved once.
struct Spelling {
    text: String,
    /// The current province and whether the spelling names a former one; `None` when unknown.
    located: Option<(usize, bool)>,
}

/// A priced application, ready for the digest.
struct Done {
    id: Box<str>,
    total: Money,
    authority: Option<Authority>,
    lines: Vec<crate::quote::Line>,
    /// The ids of the warnings it carries, when results are kept.
    warnings: Vec<String>,
}

impl Schedules {
    /// Prices every application of a batch CSV. `progress` is called with the number of rows
    /// read so far, every 100,000 rows. Fails only when the file cannot be read as CSV at all
    /// (no header, a wrong header, an I/O error, a row that never ends); row problems are in
    /// the report.
    pub fn price_batch<R: Read>(&self, input: R, progress: impl FnMut(u64)) -> Result<BatchReport, Error> {
        self.price_batch_keeping(input, Keep::Totals, progress)
    }

    /// As [`Schedules::price_batch`], keeping each application's priced lines when `detail` is
    /// true (memory then grows with the number of lines).
    pub fn price_batch_with_detail<R: Read>(
        &self,
        input: R,
        detail: bool,
        progress: impl FnMut(u64),
    ) -> Result<BatchReport, Error> {
        self.price_batch_keeping(input, if detail { Keep::Lines } else { Keep::Totals }, progress)
    }

    /// As [`Schedules::price_batch`], keeping in [`BatchReport::results`] what `keep` says.
    /// The three figures and the problems are the same whatever is kept.
    pub fn price_batch_keeping<R: Read>(
        &self,
        input: R,
        keep: Keep,
        mut progress: impl FnMut(u64),
    ) -> Result<BatchReport, Error> {
        let stop = |e: Stop| match e {
            Stop::Io(e) => Error::input(Finding::error(None, None, format!("cannot read the batch: {e}"))),
            Stop::RowTooLong { line, message } => {
                Error::input(Finding::error(None, None, format!("line {line}: {message}")))
            }
        };
        let mut reader = CsvRows::new(input);
        reader.detect_delimiter(|n| BATCH_COLUMNS.contains(&rows::column_name(n))).map_err(stop)?;
        let cols = match reader.next().map_err(stop)? {
            Got::Row => {
                let names: Vec<&str> = (0..reader.len()).map(|i| reader.field(i)).collect();
                Columns::from_header(reader.row_line, &names)?
            }
            Got::Bad(line, message) => return Err(header_problem(line, message)),
            Got::End => return Err(header_problem(1, format!("missing column(s): {}", BATCH_COLUMNS.join(", ")))),
        };

        let mut problems = Problems::default();
        let mut spellings: Vec<Spelling> = Vec::new();
        let mut spelling_index: HashMap<Box<str>, u32, Hasher> = HashMap::default();
        let mut apps: HashMap<Box<str>, Pending, Hasher> = HashMap::default();
        // Applications with a refused row: never priced from their other rows alone.
        let mut refused: std::collections::HashSet<Box<str>, Hasher> = std::collections::HashSet::default();
        let not_priced = "; the application is not priced (a row of it was refused)";
        // Messages for unknown province spellings, by spelling (short ones only).
        let mut unknown: HashMap<Box<str>, String, Hasher> = HashMap::default();
        let mut rows = 0u64;
        loop {
            let got = reader.next().map_err(stop)?;
            let line = reader.row_line;
            match got {
                Got::End => break,
                Got::Bad(line, message) => {
                    rows += 1;
                    let id = reader.field_lossy(cols.idx[0]).map(|id| id.trim().to_owned()).filter(|id| !id.is_empty());
                    let message = if id.is_some() { format!("{message}{not_priced}") } else { message };
                    problems.push(BatchProblem {
                        line,
                        application_id: id.as_deref().map(|i| crate::text::excerpt(i).into_owned()),
                        message,
                        unpriceable: false,
                    });
                    if let Some(id) = id {
                        refused.insert(nfc(&id).into());
                    }
                    continue;
                }
                Got::Row => {}
            }
            rows += 1;
            if rows.is_multiple_of(100_000) {
                progress(rows);
            }
            let bad = |message: String, id: Option<&str>| BatchProblem {
                line,
                application_id: id.filter(|s| !s.is_empty()).map(|s| crate::text::excerpt(s).into_owned()),
                message,
                unpriceable: false,
            };
            let width = reader.len();
            let extra = (cols.width..width).any(|i| !reader.field(i).trim().is_empty());
            let id_field = reader.field(cols.idx[0]).trim();
            if width < cols.width || extra {
                let wide = if extra { width } else { width.min(cols.width) };
                let mut message = format!("the row has {wide} fields; the header has {}", cols.width);
                if !id_field.is_empty() {
                    message.push_str(not_priced);
                    refused.insert(nfc(id_field).into());
                }
                problems.push(bad(message, Some(id_field)));
                continue;
            }
            let fields: [&str; 7] = cols.idx.map(|i| reader.field(i).trim());
            let row = match parse_row(&fields) {
                Ok(r) => r,
                Err(message) => {
                    let message = if fields[0].is_empty() {
                        message
                    } else {
                        refused.insert(nfc(fields[0]).into());
                        format!("{message}{not_priced}")
                    };
                    problems.push(bad(message, Some(fields[0])));
                    continue;
                }
            };
            let spelling = match spelling_index.get(row.province) {
                Some(&k) => k,
                None => match self.provinces().locate_index(row.province) {
                    Some(located) => {
                        let k = u32::try_from(spellings.len()).unwrap_or(u32::MAX);
                        spellings.push(Spelling { text: crate::text::nfc(row.province), located: Some(located) });
                        spelling_index.insert(row.province.into(), k);
                        k
                    }
                    None => {
                        // An unknown province is not kept: its application is refused here, with
                        // the suggestions worked out once per short spelling.
                        let message = match unknown.get(row.province) {
                            Some(m) => m.clone(),
                            None => {
                                let m = self
                                    .provinces()
                                    .resolve(row.province, row.received)
                                    .err()
                                    .map_or_else(String::new, |e| e.message);
                                if row.province.len() <= 64 && unknown.len() < MAX_PROBLEMS {
                                    unknown.insert(row.province.into(), m.clone());
                                }
                                m
                            }
                        };
                        refused.insert(nfc(row.id).into());
                        problems.push(bad(format!("{message}{not_priced}"), Some(row.id)));
                        continue;
                    }
                },
            };
            let id = nfc(row.id);
            let app = match apps.get_mut(&*id) {
                Some(app) => app,
                None => {
                    if apps.len() >= MAX_APPLICATIONS {
                        return Err(Error::input(Finding::error(
                            None,
                            None,
                            format!(
                                "line {line}: this row starts application {} of the batch; a batch may hold at most {MAX_APPLICATIONS}: split it into smaller files",
                                apps.len() + 1
                            ),
                        )));
                    }
                    let id: Box<str> = id.into();
                    apps.entry(id.clone()).or_insert(Pending {
                        id,
                        line,
                        spelling,
                        procedure: row.procedure,
                        received: row.received,
                        channel: row.channel,
                        devices: Vec::new(),
                        failed: false,
                    })
                }
            };
            if app.failed {
                continue;
            }
            let unit = |k: u32| {
                let s = &spellings[k as usize];
                self.provinces().unit_on(&s.text, app.received).map(str::to_owned).unwrap_or_else(|| s.text.clone())
            };
            let differs = if app.spelling != spelling && unit(app.spelling) != unit(spelling) {
                Some(("province", spellings[app.spelling as usize].text.clone(), crate::text::nfc(row.province)))
            } else if app.procedure != row.procedure {
                Some(("procedure", app.procedure.key().to_owned(), row.procedure.key().to_owned()))
            } else if app.received != row.received {
                Some(("received", app.received.to_string(), row.received.to_string()))
            } else if app.channel != row.channel {
                Some(("channel", app.channel.key().to_owned(), row.channel.key().to_owned()))
            } else {
                None
            };
            if let Some((field, first, here)) = differs {
                problems.push(BatchProblem {
                    line,
                    application_id: Some(crate::text::excerpt(&app.id).into_owned()),
                    message: format!(
                        "{field} is `{}` here but `{}` on line {}: the rows of one application must agree; the application is not priced",
                        crate::text::excerpt(&here),
                        crate::text::excerpt(&first),
                        app.line
                    ),
                    unpriceable: false,
                });
                app.failed = true;
                continue;
            }
            match app.devices.iter_mut().find(|(c, _)| *c == row.class) {
                Some((_, n)) => match n.checked_add(row.count).filter(|n| *n <= crate::application::MAX_COUNT) {
                    Some(sum) => *n = sum,
                    None => {
                        problems.push(bad(
                            format!(
                                "the application has more than {} `{}` devices in all; the application is not priced",
                                crate::application::MAX_COUNT,
                                row.class
                            ),
                            Some(&app.id),
                        ));
                        app.failed = true;
                    }
                },
                None => app.devices.push((row.class, row.count)),
            }
        }
        progress(rows);

        let mut priced: Vec<Done> = Vec::with_capacity(apps.len());
        let mut warnings: Vec<BatchWarning> = Vec::new();
        for app in apps.into_values() {
            if app.failed || refused.contains(&app.id) {
                continue;
            }
            // The warnings of the version it is priced under, on its date.
            let version = spellings
                .get(app.spelling as usize)
                .and_then(|s| s.located)
                .and_then(|(p, former)| Some((self.provinces().get_index(p)?, former)))
                .and_then(|(p, former)| self.version_for(p, former, app.received));
            let carried: Vec<&crate::schedule::ScheduleWarning> = version
                .map(|v| v.warnings().iter().filter(|w| w.applies_on(app.received)).collect())
                .unwrap_or_default();
            if let Some(mut done) = self.price_pending(app, &spellings, keep, &mut problems) {
                if keep != Keep::Figures {
                    done.warnings = carried.iter().map(|w| w.id.clone()).collect();
                }
                priced.push(done);
                for w in carried {
                    match warnings.iter_mut().find(|x| x.id == w.id) {
                        Some(x) => x.applications += 1,
                        None => warnings.push(BatchWarning {
                            id: w.id.clone(),
                            level: w.level,
                            text: w.text.clone(),
                            applications: 1,
                        }),
                    }
                }
            }
        }
        warnings.sort_by(|a, b| (a.level, &a.id).cmp(&(b.level, &b.id)));
        priced.sort_unstable_by(|a, b| a.id.as_bytes().cmp(b.id.as_bytes()));

        let grand_total = sum(priced.iter().map(|d| d.total)).ok_or_else(|| {
            Error::input(Finding::error(None, None, "the grand total is too large to compute exactly"))
        })?;
        // The digest's text is made in a buffer and hashed a block at a time.
        let mut hasher = Sha256::new();
        let mut text: Vec<u8> = Vec::with_capacity(DIGEST_BUFFER + 4 * crate::application::MAX_TEXT);
        let mut results = Vec::with_capacity(if keep == Keep::Figures { 0 } else { priced.len() });
        let applications = priced.len() as u64;
        for (i, done) in priced.into_iter().enumerate() {
            if i > 0 {
                text.push(b'\n');
            }
            text.extend_from_slice(done.id.as_bytes());
            text.push(b',');
            write_amount(done.total.amount(), &mut text);
            if text.len() >= DIGEST_BUFFER {
                hasher.update(&text);
                text.clear();
            }
            if keep != Keep::Figures {
                results.push(BatchResult {
                    application_id: done.id.into(),
                    total: done.total,
                    authority: done.authority,
                    lines: done.lines,
                    warnings: done.warnings,
                });
            }
        }
        hasher.update(&text);
        let digest = hasher.finalize().iter().fold(String::from("sha256:"), |mut s, b| {
            s.push_str(&format!("{b:02x}"));
            s
        });
        Ok(BatchReport {
            rows,
            applications,
            grand_total,
            digest,
            results,
            problems: problems.in_file_order(),
            bad_rows: problems.bad_rows,
            unpriceable: problems.unpriceable,
            warnings,
        })
    }

    /// Prices one gathered application: the lean path when it can, else the full engine on an
    /// [`Application`] built from its rows. When it cannot be priced, the problem is pushed and
    /// `None` returned.
    fn price_pending(&self, app: Pending, spellings: &[Spelling], keep: Keep, problems: &mut Problems) -> Option<Done> {
        let mut fail = |message: String, unpriceable: bool| {
            problems.push(BatchProblem {
                line: app.line,
                application_id: Some(crate::text::excerpt(&app.id).into_owned()),
                message,
                unpriceable,
            });
            None
        };
        let spelling = spellings.get(app.spelling as usize)?;
        let terms = Terms {
            procedure: app.procedure,
            received: app.received,
            channel: app.channel,
            facility_kind: None,
            sites: 1,
            conditions: &[],
        };
        if keep != Keep::Lines
            && let Some((p, former)) = spelling.located
            && let Some(province) = self.provinces().get_index(p)
            && let Some((total, authority)) =
                self.fast_total(&terms, app.devices.iter().map(|d| Some(*d)), province, former)
        {
            return Some(Done { id: app.id, total, authority, lines: Vec::new(), warnings: Vec::new() });
        }
        let mut application =
            Application::new(spelling.text.clone(), app.procedure, app.received).with_channel(app.channel);
        application.devices.extend(app.devices.iter().map(|&(class, count)| DeviceEntry::of_class(class, count)));
        match self.quote(&application) {
            Ok(q) => Some(Done {
                id: app.id,
                total: q.total,
                authority: q.authority,
                lines: if keep == Keep::Lines { q.lines } else { Vec::new() },
                warnings: Vec::new(),
            }),
            Err(e) => {
                let message = e.findings().iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; ");
                fail(message, e.is_unpriceable())
            }
        }
    }
}
