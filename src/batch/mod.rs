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

mod report;
mod rows;

use std::collections::HashMap;
use std::io::Read;

pub use report::{BatchProblem, BatchReport, BatchResult, BatchWarning, Keep, MAX_APPLICATIONS, MAX_PROBLEMS, Options};
use report::{DIGEST_BUFFER, Problems, sum, write_amount};
pub use rows::BATCH_COLUMNS;
use rows::{Columns, header_problem, parse_row};

use sha2::{Digest, Sha256};

use crate::application::{Application, DeviceEntry, Terms};
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::money::Money;
use crate::quote::WarningRef;
use crate::quote::{Book, DeviceRef};
use crate::sheet::csv::{CsvRows, Got, Stop};
use crate::vocab::Authority;
use crate::vocab::DeviceClass;
use crate::vocab::{Channel, Procedure};

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
    /// The warnings it carries.
    warnings: Vec<WarningRef>,
}

/// Prices every application of a batch CSV (docs/batch.md). `progress` is called with the
/// number of rows read so far, every 100,000 rows. Fails only when the file cannot be read as a
/// batch at all (no header, a wrong header, an I/O error, a row that never ends); row problems
/// are in the report.
pub(crate) fn price<R: Read>(
    book: &Book<'_>,
    input: R,
    options: &Options,
    mut progress: impl FnMut(u64),
) -> Result<BatchReport, Error> {
    let keep = options.keep;
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
            None => match book.provinces.locate_index(row.province) {
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
                            let m = book
                                .provinces
                                .resolve(row.province, row.received)
                                .err()
                                .map_or_else(String::new, |e| e.to_string());
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
            book.provinces.unit_on(&s.text, app.received).map(str::to_owned).unwrap_or_else(|| s.text.clone())
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
        let received = app.received;
        if let Some(mut done) = price_pending(book, app, &spellings, keep, &mut problems) {
            for w in &done.warnings {
                match warnings.iter_mut().find(|x| x.id == w.id) {
                    Some(x) => {
                        x.applications += 1;
                        x.level = x.level.min(w.level);
                    }
                    None => warnings.push(BatchWarning {
                        id: w.id.clone(),
                        level: w.level,
                        text: warning_text(book, &w.id, received),
                        applications: 1,
                    }),
                }
            }
            if keep == Keep::Figures {
                done.warnings.clear();
            }
            priced.push(done);
        }
    }
    warnings.sort_by(|a, b| (a.level, &a.id).cmp(&(b.level, &b.id)));
    priced.sort_unstable_by(|a, b| a.id.as_bytes().cmp(b.id.as_bytes()));

    let grand_total = sum(priced.iter().map(|d| d.total))
        .ok_or_else(|| Error::input(Finding::error(None, None, "the grand total is too large to compute exactly")))?;
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
                warnings: done.warnings.into_iter().map(|w| w.id).collect(),
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

/// The text of a warning a batch reports: the schedule's, or the contested question.
fn warning_text(book: &Book<'_>, id: &str, date: Date) -> crate::vocab::Text {
    if id == "contested-authority"
        && let Some(c) = book.authority.contest_on(date)
    {
        return crate::vocab::Text {
            vi: format!("Có cách hiểu khác nhau: {}", c.question.vi),
            en: format!("Contested: {}", c.question.en),
        };
    }
    crate::schedule::version_on(book.versions, date)
        .and_then(|v| v.warnings().iter().find(|w| w.id == id))
        .map(|w| w.text.clone())
        .unwrap_or_else(|| crate::vocab::Text { vi: id.to_owned(), en: id.to_owned() })
}

/// Prices one gathered application with the engine's total (or, for detail, its quote). When
/// it cannot be priced, the problem is pushed and `None` returned.
fn price_pending(
    book: &Book<'_>,
    app: Pending,
    spellings: &[Spelling],
    keep: Keep,
    problems: &mut Problems,
) -> Option<Done> {
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
    let (p, former) = spelling.located?;
    let province = book.provinces.get_index(p)?;
    let message = |e: Error| e.findings().iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; ");
    if keep == Keep::Lines {
        let mut builder = Application::builder(spelling.text.clone(), app.procedure, app.received).channel(app.channel);
        for &(class, count) in &app.devices {
            match DeviceEntry::of_class(class, count) {
                Ok(d) => builder = builder.device(d),
                Err(e) => return fail(message(e), false),
            }
        }
        let quoted = builder.build().and_then(|a| crate::quote::quote(book, &a));
        return match quoted {
            Ok(q) => Some(Done {
                id: app.id,
                total: q.total,
                authority: q.authority,
                warnings: q.warnings.iter().map(|w| WarningRef::new(w.id.clone(), w.level)).collect(),
                lines: q.lines,
            }),
            Err(e) => {
                let unpriceable = e.is_unpriceable();
                fail(message(e), unpriceable)
            }
        };
    }
    let terms = Terms {
        procedure: app.procedure,
        received: app.received,
        channel: app.channel,
        facility_kind: None,
        sites: 1,
        conditions: &[],
    };
    let devices = app.devices.iter().map(|&(class, count)| DeviceRef {
        class: Some(class),
        description: None,
        count,
        location: None,
    });
    match book.total_in(province, former, terms, devices) {
        Ok(t) => {
            Some(Done { id: app.id, total: t.amount, authority: t.authority, lines: Vec::new(), warnings: t.warnings })
        }
        Err(e) => {
            let unpriceable = e.is_unpriceable();
            fail(message(e), unpriceable)
        }
    }
}
