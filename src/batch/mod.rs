//! Batch appraisal (docs/batch.md): many applications in one CSV, priced by the same engine as
//! the calculator, with three figures any other implementation can be checked against.
//!
//! Rows with the same `application_id` form one application wherever they stand in the file.
//! Each application keeps only its header fields and one count per class, so memory grows with
//! the number of applications, not of rows (plus a block of 4 MiB and its rows). A bad row is
//! reported with its line number, and its whole application is not priced; an application
//! whose rows disagree is reported with both lines and not priced.
//!
//! The file is read by the crate's CSV reader (`crate::sheet::csv`, on `csv-core`): the
//! delimiter (`,`, `;` or tab) is detected from the header, a byte-order mark, any line end,
//! trailing empty columns and rows of only delimiters are what spreadsheets export and are
//! accepted; rows are numbered by the file's physical lines.
//!
//! Both cores work, and every message is the one a single pass gives (`blocks`): each block of
//! the file is cut at a line feed near its middle and both halves are read and checked at once
//! (`read`; a quoted field running over the cut makes the second half be read again from the
//! row's end); the applications are split in two parts by their id's hash and each part is
//! gathered on its own core in file order (`gather`); then each part is priced on its own core
//! by the engine's total (`Law::total`: the same plan and core as the quote), sorted by id,
//! and the two are merged for the digest. The parts: `rows` (the header and a row's fields),
//! `read`, `blocks`, `gather`, `report` (the report types and the figures); this file prices.
//!
//! ```
//! use radfee::Law;
//! use radfee::batch::{Keep, Options};
//!
//! let csv = "application_id,province,procedure,received,channel,class,count\n\
//!            A1,Huế,new,2024-05-10,,xray_ct,1\n\
//!            A1,Hue,new,2024-05-10,,xray_general,2\n";
//! let report = Law::builtin()?.price_batch(csv.as_bytes(), &Options::default().keep(Keep::Totals), |_| {})?;
//! assert_eq!(report.applications, 1);
//! assert_eq!(report.grand_total.amount(), 14_000_000.into()); // 8,000,000 + 2 × 3,000,000
//! assert_eq!(report.results[0].application_id, "A1");
//! # Ok::<(), radfee::Error>(())
//! ```

mod blocks;
mod gather;
mod index;
mod read;
mod report;
mod rows;
#[cfg(test)]
mod tests;

use std::io::Read;

pub use report::{BatchProblem, BatchReport, BatchResult, BatchWarning, Keep, MAX_APPLICATIONS, MAX_PROBLEMS, Options};
use report::{DIGEST_BUFFER, sum, write_amount};
pub use rows::BATCH_COLUMNS;
use rows::{Columns, header_problem};
pub(crate) use rows::{batch_column, is_batch_header};

use sha2::{Digest, Sha256};

use crate::application::{Application, DeviceEntry, Terms};
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::money::Money;
use crate::quote::WarningRef;
use crate::quote::{Book, DeviceRef};
use crate::schedule::WarningLevel;
use crate::sheet::csv::{CsvRows, Got};
use crate::vocab::Authority;
use blocks::{Cut, Gathering, stop_error};
use gather::Pending;
use read::{Spelling, id_at};

/// A priced application, ready for the digest. Made in the memory of the gathered
/// application it prices ([`price_part`]): no larger, and aligned as it is.
#[derive(Clone, Copy)]
struct Done {
    /// The first bytes of its id as a big-endian number, zero after a short id, in two halves
    /// (a `u128` would be aligned to 16 bytes): ordered as the ids' bytes are, and compared in
    /// one step.
    key: (u64, u64),
    total: Money,
    /// Its id in its part's text of ids, and its place in its part.
    id: (u32, u32),
    app: u32,
    /// Its date of receipt (the date of the warnings it carries).
    received: Date,
    authority: Option<Authority>,
    /// Whether it has priced lines (for detail) or warnings: in its part's `extras`.
    extra: bool,
}

// A priced entry takes the memory of the application it prices: no larger, aligned alike.
const _: () = assert!(size_of::<Done>() <= size_of::<Pending>() && align_of::<Done>() == align_of::<Pending>());

/// The priced lines (for detail) and the warnings of an application.
type Extra = (Vec<crate::quote::Line>, Vec<WarningRef>);

/// What pricing a part gives: its priced applications sorted by id, the lines and warnings
/// of those that have any (by place, in order), and the applications that could not be priced.
#[derive(Default)]
struct PricedPart {
    done: Vec<Done>,
    extras: Vec<(u32, Box<Extra>)>,
    problems: Vec<BatchProblem>,
}

/// Whether `bytes` (the start of a file) look like a workbook rather than CSV text: a zip
/// archive (.xlsx, .ods) or an OLE compound file (.xls). Tools use it to choose between
/// [`Law::price_batch`](crate::Law::price_batch) and
/// [`Law::price_workbook`](crate::Law::price_workbook).
#[cfg(feature = "xlsx")]
pub fn looks_like_workbook(bytes: &[u8]) -> bool {
    crate::sheet::workbook::looks_like_workbook(bytes)
}

/// The largest workbook [`Law::price_workbook`](crate::Law::price_workbook) reads, in bytes.
#[cfg(feature = "xlsx")]
pub const MAX_WORKBOOK_BYTES: usize = crate::sheet::workbook::MAX_WORKBOOK_BYTES;

/// Prices every application of a batch CSV (docs/batch.md). `progress` is called with the
/// number of rows read so far, after each block of a few MiB. Fails only when the file cannot
/// be read as a batch at all (no header, a wrong header, an I/O error, a row that never ends,
/// more than [`MAX_APPLICATIONS`]); row problems are in the report.
pub(crate) fn price<R: Read + Send>(
    book: &Book<'_>,
    input: R,
    options: &Options,
    progress: impl FnMut(u64),
) -> Result<BatchReport, Error> {
    price_in(book, input, options, progress, Cut::DEFAULT)
}

/// [`price`] with blocks cut as `cut` says (tests cut them small, to cut rows every way).
fn price_in<R: Read + Send>(
    book: &Book<'_>,
    input: R,
    options: &Options,
    mut progress: impl FnMut(u64),
    cut: Cut,
) -> Result<BatchReport, Error> {
    let keep = options.keep;
    let mut reader = CsvRows::new(input);
    reader.detect_delimiter(|n| batch_column(n).is_some()).map_err(stop_error)?;
    let cols = match reader.next().map_err(stop_error)? {
        Got::Row => {
            let names: Vec<&str> = (0..reader.len()).map(|i| reader.field(i)).collect();
            Columns::from_header(reader.row_line, &names)?
        }
        Got::Bad(line, message) => return Err(header_problem(line, message)),
        Got::End => {
            return Err(header_problem(
                1,
                crate::text::Msg::new(
                    format!("missing column(s): {}", BATCH_COLUMNS.join(", ")),
                    format!("thiếu cột: {}", rows::columns_vi(&BATCH_COLUMNS)),
                ),
            ));
        }
    };
    let ignored_columns = cols.ignored.clone();
    let mut g = blocks::gather(reader.into_rest(), &cols, book.provinces, cut, &mut progress)?;
    let rows = g.rows;

    // Each part's applications priced on its own core and sorted by id; then the two are
    // merged in one pass that makes the digest, the warnings and the results.
    let mut problems = std::mem::take(&mut g.problems);
    let [apps0, apps1] = [std::mem::take(&mut g.parts[0].apps), std::mem::take(&mut g.parts[1].apps)];
    let gathered = &g;
    let today = Date::today_in_vietnam();
    let (first, other) = std::thread::scope(|scope| {
        let other = scope.spawn(move || price_part(book, gathered, 1, apps1, keep, today));
        (price_part(book, gathered, 0, apps0, keep, today), other.join())
    });
    let second = other.map_err(|_| {
        Error::input(
            Finding::error(None, None, "the batch pricing stopped unexpectedly")
                .vi("việc tính phí danh sách hồ sơ dừng lại bất thường"),
        )
    })?;
    let mut parts = [first, second];
    for part in &mut parts {
        for p in part.problems.drain(..) {
            problems.push(p);
        }
    }
    let grand_total = sum(parts.iter().flat_map(|p| &p.done).map(|d| d.total)).ok_or_else(|| {
        Error::input(
            Finding::error(None, None, "the grand total is too large to compute exactly")
                .vi("tổng số tiền của danh sách quá lớn, không tính chính xác được"),
        )
    })?;

    let ids = [g.parts[0].ids.as_str(), g.parts[1].ids.as_str()];
    let applications = parts.iter().map(|p| p.done.len()).sum::<usize>();
    // Each warning once, its text as on the first application (by id) that carries it.
    let mut warnings: Vec<BatchWarning> = Vec::new();
    // The digest's text is made in a buffer and hashed a block at a time.
    let mut hasher = Sha256::new();
    let mut text: Vec<u8> = Vec::with_capacity(DIGEST_BUFFER + 4 * crate::application::MAX_TEXT);
    let mut results = Vec::with_capacity(if keep == Keep::Figures { 0 } else { applications });
    let mut next = [0usize; 2];
    loop {
        let p = match (parts[0].done.get(next[0]), parts[1].done.get(next[1])) {
            (Some(x), Some(y)) => usize::from(by_id(x, ids[0], y, ids[1]).is_gt()),
            (Some(_), None) => 0,
            (None, Some(_)) => 1,
            (None, None) => break,
        };
        let Some(&done) = parts[p].done.get(next[p]) else { break };
        next[p] += 1;
        let id = id_at(ids[p], done.id);
        if next[0] + next[1] > 1 {
            text.push(b'\n');
        }
        text.extend_from_slice(id.as_bytes());
        text.push(b',');
        write_amount(done.total.amount(), &mut text);
        if text.len() >= DIGEST_BUFFER {
            hasher.update(&text);
            text.clear();
        }
        let extra = if done.extra {
            let extras = &mut parts[p].extras;
            extras
                .binary_search_by_key(&done.app, |e| e.0)
                .ok()
                .and_then(|k| extras.get_mut(k))
                .map(|e| std::mem::take(&mut e.1))
        } else {
            None
        };
        let (lines, carried) = extra.map_or_else(Default::default, |x| *x);
        for w in &carried {
            match warnings.iter_mut().find(|x| x.id == w.id) {
                Some(x) => {
                    x.applications += 1;
                    x.level = x.level.min(w.level);
                }
                None => {
                    warnings.push(BatchWarning {
                        id: w.id.clone(),
                        level: w.level,
                        text: warning_text(book, &w.id, done.received, today),
                        applications: 1,
                    });
                }
            }
        }
        if keep != Keep::Figures {
            results.push(BatchResult {
                application_id: id.to_owned(),
                total: done.total,
                authority: done.authority,
                lines,
                warnings: carried.into_iter().map(|w| w.id).collect(),
            });
        }
    }
    hasher.update(&text);
    warnings.sort_by(|a, b| (a.level, &a.id).cmp(&(b.level, &b.id)));
    let digest = hasher.finalize().iter().fold(String::from("sha256:"), |mut s, b| {
        s.push_str(&format!("{b:02x}"));
        s
    });
    // What was gathered and priced is let go on both cores (a million applications take a
    // few milliseconds to free).
    let [g0, g1] = g.parts;
    let [p0, p1] = parts;
    std::thread::scope(|scope| {
        scope.spawn(move || drop((g1, p1)));
        drop((g0, p0));
    });
    Ok(BatchReport {
        rows,
        applications: applications as u64,
        grand_total,
        digest,
        results,
        problems: problems.in_file_order(),
        bad_rows: problems.bad_rows,
        unpriceable: problems.unpriceable,
        warnings,
        ignored_columns,
    })
}

/// Priced applications in the order of their ids' bytes (the digest's order); each with the
/// text of ids of its part.
fn by_id(x: &Done, x_ids: &str, y: &Done, y_ids: &str) -> std::cmp::Ordering {
    // The first bytes, zero after a short id, order as the ids do; equal ones are told apart
    // by the whole ids.
    x.key.cmp(&y.key).then_with(|| id_at(x_ids, x.id).as_bytes().cmp(id_at(y_ids, y.id).as_bytes()))
}

/// The warning a batch adds to an application received after `today` (in Vietnam): priced as
/// written, under the schedule of its date (a year's renewals may be priced ahead), but a
/// received date in the future is more often a typing mistake, which the calculator and the
/// desk's form refuse.
pub const RECEIVED_AFTER_TODAY: &str = "received-after-today";

/// The text of a warning a batch reports: the schedule's, the contested question, or a date
/// received after `today`.
fn warning_text(book: &Book<'_>, id: &str, date: Date, today: Date) -> crate::vocab::Text {
    if id == RECEIVED_AFTER_TODAY {
        return crate::vocab::Text {
            vi: format!(
                "Ngày tiếp nhận sau hôm nay ({}): hồ sơ được tính phí theo biểu phí có hiệu lực vào ngày ghi trên hồ sơ. Nếu đây không phải là tính trước cho hồ sơ sẽ nộp, hãy kiểm tra lại năm, ngày và tháng.",
                today.day_first()
            ),
            en: format!(
                "Received after today ({today}): priced under the schedule in force on the date written. Unless these are applications priced ahead of filing, check the year, day and month."
            ),
        };
    }
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

/// Prices a part's gathered applications, `apps` (those not failed nor named by a refused
/// row), each with the engine's total (or, for detail, its quote): what was priced, sorted by
/// id, and the applications that could not be. Each priced entry is written over the
/// application it prices (the standard library collects a vector's own items in place when
/// the new ones are no larger and aligned alike), so a large batch never holds both at once.
fn price_part(book: &Book<'_>, g: &Gathering<'_>, part: u8, apps: Vec<Pending>, keep: Keep, today: Date) -> PricedPart {
    let Some(gathered) = g.parts.get(usize::from(part)) else { return PricedPart::default() };
    let mut extras = Vec::new();
    let mut problems = Vec::new();
    let mut done: Vec<Done> = apps
        .into_iter()
        .enumerate()
        .filter_map(|(k, app)| {
            if app.failed || (!g.refused.is_empty() && g.refused.contains(gathered.id(&app))) {
                return None;
            }
            match price_one(book, &app, g.spellings.get(app.spelling as usize), keep) {
                Ok((total, authority, lines, mut warnings)) => {
                    if app.received > today {
                        // High first, by id, as the quote's warnings are.
                        let key = (WarningLevel::High, RECEIVED_AFTER_TODAY);
                        let at = warnings.iter().position(|w| (w.level, w.id.as_str()) > key).unwrap_or(warnings.len());
                        warnings.insert(at, WarningRef::new(RECEIVED_AFTER_TODAY.to_owned(), WarningLevel::High));
                    }
                    let place = u32::try_from(k).unwrap_or(u32::MAX);
                    let extra = !lines.is_empty() || !warnings.is_empty();
                    if extra {
                        extras.push((place, Box::new((lines, warnings))));
                    }
                    let (high, low) = app.key.split_at(8);
                    let half = |b: &[u8]| u64::from_be_bytes(b.try_into().unwrap_or_default());
                    let key = (half(high), half(low));
                    Some(Done { key, total, id: app.id, app: place, received: app.received, authority, extra })
                }
                Err(e) => {
                    problems.push(BatchProblem {
                        line: app.line,
                        application_id: Some(crate::text::excerpt(gathered.id(&app)).into_owned()),
                        message: e.findings().iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; "),
                        unpriceable: e.is_unpriceable(),
                        column: None,
                        cell: None,
                        other_line: None,
                        message_vi: Some(
                            e.findings()
                                .iter()
                                .map(|f| f.message_vi().unwrap_or(&f.message))
                                .collect::<Vec<_>>()
                                .join("; "),
                        ),
                    });
                    None
                }
            }
        })
        .collect();
    // The room the larger applications took beyond the priced entries goes back.
    done.shrink_to_fit();
    let ids = gathered.ids.as_str();
    done.sort_unstable_by(|x, y| by_id(x, ids, y, ids));
    PricedPart { done, extras, problems }
}

/// What an application prices to: its total, authority, lines (for detail) and warnings.
type Priced = (Money, Option<Authority>, Vec<crate::quote::Line>, Vec<WarningRef>);

/// Prices one gathered application with the engine's total, or for detail with its quote.
fn price_one(book: &Book<'_>, app: &Pending, spelling: Option<&Spelling>, keep: Keep) -> Result<Priced, Error> {
    let lost = || {
        Error::input(
            Finding::error(None, None, "the application's province was lost")
                .vi("không còn giữ được tỉnh, thành phố của hồ sơ trong khi xử lý"),
        )
    };
    let spelling = spelling.ok_or_else(lost)?;
    let (p, former) = spelling.unit;
    let province = book.provinces.get_index(p).ok_or_else(lost)?;
    if keep == Keep::Lines {
        let mut builder = Application::builder(spelling.text.clone(), app.procedure, app.received).channel(app.channel);
        for (class, count) in app.devices() {
            builder = builder.device(DeviceEntry::of_class(class, count)?);
        }
        let q = crate::quote::quote(book, &builder.build()?)?;
        let warnings = q.warnings.iter().map(|w| WarningRef::new(w.id.clone(), w.level)).collect();
        return Ok((q.total, q.authority, q.lines, warnings));
    }
    let terms = Terms {
        procedure: app.procedure,
        received: app.received,
        channel: app.channel,
        facility_kind: None,
        sites: 1,
        conditions: &[],
    };
    let devices =
        app.devices().map(|(class, count)| DeviceRef { class: Some(class), description: None, count, location: None });
    let t = book.total_in(province, former.is_some(), terms, devices)?;
    Ok((t.amount, t.authority, Vec::new(), t.warnings))
}
