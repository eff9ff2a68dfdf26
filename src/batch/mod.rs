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
//! Both cores work: one thread reads and checks the rows (`read`) while the calling thread
//! gathers them into applications in file order (`gather`), so every message is the one a
//! single pass gives; then the applications are priced in two halves at once, each by the
//! engine's total (`Law::total`: the same plan and core as the quote), and the halves are
//! merged by id for the digest. The parts: `rows` (the header and a row's fields), `read`,
//! `gather`, `report` (the report types and the figures); this file runs them.
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

mod gather;
mod read;
mod report;
mod rows;

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
use crate::sheet::csv::{CsvRows, Got, Stop};
use crate::vocab::Authority;
use gather::{Gathered, Pending};
use read::{Batch, Spelling};

/// A priced application, ready for the digest.
struct Done {
    /// The application in the gathered list.
    app: u32,
    total: Money,
    authority: Option<Authority>,
    /// The priced lines (for detail) and the warnings, when there are any.
    extra: Option<Box<(Vec<crate::quote::Line>, Vec<WarningRef>)>>,
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
/// number of rows read so far, about every 100,000 rows. Fails only when the file cannot be
/// read as a batch at all (no header, a wrong header, an I/O error, a row that never ends, more
/// than [`MAX_APPLICATIONS`]); row problems are in the report.
pub(crate) fn price<R: Read + Send>(
    book: &Book<'_>,
    input: R,
    options: &Options,
    mut progress: impl FnMut(u64),
) -> Result<BatchReport, Error> {
    let keep = options.keep;
    let stop = |e: Stop| match e {
        Stop::Io(e) => {
            let vi = format!("không đọc được danh sách hồ sơ: {}", crate::error::io_message_vi(&e));
            Error::io("<batch>", format!("cannot read the batch: {e}"), e).vi(vi)
        }
        Stop::RowTooLong { line, message } => Error::input(
            Finding::error(None, None, format!("line {line}: {}", message.en))
                .vi(format!("dòng {line}: {}", message.vi)),
        ),
    };
    let mut reader = CsvRows::new(input);
    reader.detect_delimiter(|n| batch_column(n).is_some()).map_err(stop)?;
    let cols = match reader.next().map_err(stop)? {
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
                    format!("thiếu cột: {}", BATCH_COLUMNS.join(", ")),
                ),
            ));
        }
    };

    let ignored_columns = cols.ignored.clone();
    let provinces = book.provinces;
    let mut g = Gathered::new(provinces);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(4);
    let read = std::thread::scope(|scope| {
        let reading = scope.spawn(move || read::read_rows(reader, &cols, provinces, &tx));
        let mut failed = None;
        let mut shown = 0u64;
        for batch in rx.iter() {
            if let Err(e) = g.add(batch) {
                failed = Some(e);
                break;
            }
            if g.rows >= shown + 100_000 {
                shown = g.rows;
                progress(shown);
            }
        }
        // A refused batch stops the reader at its next send.
        drop(rx);
        let read = reading.join();
        match (failed, read) {
            (Some(e), _) => Err(e),
            (None, Ok(Ok(rows))) => Ok(rows),
            (None, Ok(Err(e))) => Err(stop(e)),
            (None, Err(_)) => Err(Error::input(
                Finding::error(None, None, "the batch reader stopped unexpectedly")
                    .vi("bộ đọc danh sách hồ sơ dừng lại bất thường"),
            )),
        }
    })?;
    progress(read);
    let rows = read;

    // The applications to price, in two halves priced at once; each half sorted by id.
    let ready: Vec<u32> = (0..g.apps.len())
        .filter(|&k| !g.apps[k].failed && !g.refused.contains(g.id(&g.apps[k])))
        .map(|k| u32::try_from(k).unwrap_or(u32::MAX))
        .collect();
    let (first, second) = ready.split_at(ready.len() / 2);
    let gathered = &g;
    let ((mut a, pa), (b, pb)) = std::thread::scope(|scope| {
        let other = scope.spawn(move || price_part(book, gathered, second, keep));
        let mine = price_part(book, gathered, first, keep);
        let other = other.join().unwrap_or_else(|_| (Vec::new(), Vec::new()));
        (mine, other)
    });
    for p in pa.into_iter().chain(pb) {
        g.problems.push(p);
    }
    // Merge the two sorted halves.
    let key = |d: &Done| gathered_id(&g, d.app);
    let mut priced: Vec<Done> = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    let mut a_iter = std::mem::take(&mut a).into_iter().peekable();
    loop {
        let take_a = match (a_iter.peek(), b.peek()) {
            (Some(x), Some(y)) => key(x).as_bytes() <= key(y).as_bytes(),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_a { a_iter.next() } else { b.next() };
        priced.extend(next);
    }

    let mut warnings: Vec<BatchWarning> = Vec::new();
    for done in &priced {
        for w in done.extra.iter().flat_map(|x| &x.1) {
            match warnings.iter_mut().find(|x| x.id == w.id) {
                Some(x) => {
                    x.applications += 1;
                    x.level = x.level.min(w.level);
                }
                None => {
                    let received = g.apps.get(done.app as usize).map_or_else(Date::today_in_vietnam, |p| p.received);
                    warnings.push(BatchWarning {
                        id: w.id.clone(),
                        level: w.level,
                        text: warning_text(book, &w.id, received),
                        applications: 1,
                    });
                }
            }
        }
    }
    warnings.sort_by(|a, b| (a.level, &a.id).cmp(&(b.level, &b.id)));
    let mut problems = std::mem::take(&mut g.problems);

    let grand_total = sum(priced.iter().map(|d| d.total)).ok_or_else(|| {
        Error::input(
            Finding::error(None, None, "the grand total is too large to compute exactly")
                .vi("tổng số tiền của danh sách quá lớn, không tính chính xác được"),
        )
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
        text.extend_from_slice(gathered_id(&g, done.app).as_bytes());
        text.push(b',');
        write_amount(done.total.amount(), &mut text);
        if text.len() >= DIGEST_BUFFER {
            hasher.update(&text);
            text.clear();
        }
        if keep != Keep::Figures {
            let (lines, warnings) = done.extra.map_or_else(Default::default, |x| *x);
            results.push(BatchResult {
                application_id: gathered_id(&g, done.app).to_owned(),
                total: done.total,
                authority: done.authority,
                lines,
                warnings: warnings.into_iter().map(|w| w.id).collect(),
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
        ignored_columns,
    })
}

/// The id of gathered application `k`.
fn gathered_id<'g>(g: &'g Gathered<'_>, k: u32) -> &'g str {
    g.apps.get(k as usize).map_or("", |a| g.id(a))
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

/// Prices a part of the gathered applications, each with the engine's total (or, for detail,
/// its quote); returns what was priced, sorted by id, and the applications that could not be.
fn price_part(book: &Book<'_>, g: &Gathered<'_>, part: &[u32], keep: Keep) -> (Vec<Done>, Vec<BatchProblem>) {
    let mut done = Vec::with_capacity(part.len());
    let mut problems = Vec::new();
    for &k in part {
        let Some(app) = g.apps.get(k as usize) else { continue };
        match price_one(book, app, g.spellings.get(app.spelling as usize), keep) {
            Ok((total, authority, lines, warnings)) => {
                let extra = (!lines.is_empty() || !warnings.is_empty()).then(|| Box::new((lines, warnings)));
                done.push(Done { app: k, total, authority, extra });
            }
            Err(e) => problems.push(BatchProblem {
                line: app.line,
                application_id: Some(crate::text::excerpt(g.id(app)).into_owned()),
                message: e.findings().iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; "),
                unpriceable: e.is_unpriceable(),
                column: None,
                cell: None,
                other_line: None,
                message_vi: Some(
                    e.findings().iter().map(|f| f.message_vi().unwrap_or(&f.message)).collect::<Vec<_>>().join("; "),
                ),
            }),
        }
    }
    done.sort_unstable_by(|x, y| gathered_id(g, x.app).as_bytes().cmp(gathered_id(g, y.app).as_bytes()));
    (done, problems)
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
