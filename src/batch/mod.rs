//! Batch appraisal (spec/batch.md): many applications in one CSV, priced by the same engine as
//! the calculator, with three figures any other implementation can be checked against.
//!
//! Rows with the same `application_id` form one application wherever they stand in the file.
//! Each application keeps only its header fields and one count per class, so memory grows with
//! the number of applications, not of rows (plus a staging area of at most a million rows). A
//! bad row is reported with its line number and skipped; an application whose rows disagree is
//! reported with both lines and not priced.
//!
//! How a national batch is read fast (each step was profiled; see issue 7):
//! - rows are read where they lie in the input buffer, 16 bytes at a time, and their fields
//!   straight from their bytes; any row out of the ordinary goes through the general reader
//!   and the text parser, which also write the messages;
//! - checked rows are staged in 256 groups by the hash of their id, then added group by group,
//!   so each group's table of applications stays in the core's cache;
//! - applications are priced by the exact `i128` hot path, then sorted by id for the digest.
//!
//! The parts: `read` (rows), `fields` (a row's fields), `gather` (rows into applications);
//! this file holds the report types and the pass that ties them together and prices.

mod fields;
mod gather;
mod read;

use std::collections::HashMap;
use std::io::Read;

use fields::{Vocabulary, quick_row, read_row};
use gather::{GROUPS, Gathered, Group, IdRef, MoreDevices, Pending, STAGE_ROWS, Staging};
use read::{Got, MAX_ROW, Record, Rows};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::application::{Application, DeviceEntry, Terms};
use crate::error::{Error, Finding};
use crate::exact::Exact;
use crate::money::Money;
use crate::schedule::{Authority, Schedules};

/// The columns of a batch file, in any order.
pub const BATCH_COLUMNS: [&str; 7] =
    ["application_id", "province", "procedure", "received", "channel", "class", "count"];

/// Most distinct applications in one batch (memory is kept per application).
pub const MAX_APPLICATIONS: usize = 10_000_000;

/// Longest field accepted, in bytes.
const MAX_FIELD: usize = 1000;

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

struct Columns {
    idx: [usize; 7],
}

fn header_problem(message: String) -> Error {
    Error::input(Finding::error(None, Some("header"), format!("line 1: {message}")))
}

impl Columns {
    fn from_header(header: &[&str]) -> Result<Columns, Error> {
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

/// Bytes of the digest's text hashed at a time.
const DIGEST_BUFFER: usize = 1 << 16;

/// The batch's side tables, as pricing reads them.
#[derive(Clone, Copy)]
struct Tables<'a> {
    long_ids: &'a [Box<[u8]>],
    more: &'a MoreDevices,
    spellings: &'a [String],
    located: &'a [Option<(&'a crate::province::Province, bool)>],
    first_lines: &'a [u64],
}

/// A priced application, as the final pass needs it: 48 bytes, so sorting a national batch
/// moves little memory.
struct Done {
    id: IdRef,
    total: Money,
    /// Index of its lines, when they are kept.
    lines: u32,
    authority: Option<Authority>,
}

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

/// A priced application: total, authority, and its lines when asked for.
type Priced = (Money, Option<Authority>, Vec<crate::quote::Line>);

impl Schedules {
    /// Prices every application of a batch CSV. `progress` is called with the number of rows
    /// read so far, every 100,000 rows. Fails only when the file cannot be read as CSV at all
    /// (no header, a wrong header, an I/O error); row problems are in the report.
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
        progress: impl FnMut(u64),
    ) -> Result<BatchReport, Error> {
        self.price_batch_staged(input, keep, progress, STAGE_ROWS)
    }

    /// As [`Schedules::price_batch_keeping`], staging at most `stage_rows` rows at a time
    /// (tests make it small, to check the figures do not depend on it).
    fn price_batch_staged<R: Read>(
        &self,
        input: R,
        keep: Keep,
        mut progress: impl FnMut(u64),
        stage_rows: usize,
    ) -> Result<BatchReport, Error> {
        let detail = keep == Keep::Lines;
        let read_error = |line: u64, e: std::io::Error| {
            Error::input(Finding::error(None, None, format!("line {line}: cannot read the batch: {e}")))
        };
        let mut reader = Rows::new(input);
        let mut record = Record::default();
        let has_header = reader.next(&mut record).map_err(|e| read_error(1, e))?;
        if record.too_long {
            return Err(header_problem(format!("the header row is longer than {MAX_ROW} bytes")));
        }
        let header_text = record
            .text()
            .ok_or_else(|| header_problem("cannot read the header row: it is not valid UTF-8 text".to_owned()))?;
        let names: Vec<&str> = if has_header {
            (0..record.ends.len()).map(|i| record.field(header_text, i)).collect()
        } else {
            Vec::new()
        };
        let cols = Columns::from_header(&names)?;
        let header_len = names.len();

        let mut gathered = Gathered::new();
        let mut staging = Staging::new(stage_rows.max(1));
        let keys = Vocabulary::new();
        // Each distinct province spelling is stored and located once, not once per application.
        let mut spellings: Vec<String> = Vec::new();
        let mut located: Vec<Option<(&crate::province::Province, bool)>> = Vec::new();
        let mut spelling_index: HashMap<Box<[u8]>, u32, foldhash::fast::RandomState> = HashMap::default();
        let mut problems = Problems::default();
        let mut rows = 0u64;
        loop {
            let line = reader.line;
            let plain = match reader.next_row(&mut record).map_err(|e| read_error(line, e))? {
                Got::End => break,
                Got::Record => None,
                Got::Plain(plain) => Some(plain),
            };
            rows += 1;
            if rows.is_multiple_of(100_000) {
                progress(rows);
            }
            let quick = plain.as_ref().and_then(|p| {
                let row = quick_row(&p.fields(), &cols, &keys)?;
                let province = *spelling_index.get(row.province)?;
                Some((row, province, p.line))
            });
            let (row, province, line) = match quick {
                Some(read) => read,
                None => {
                    if let Some(p) = &plain {
                        record.set_plain(p);
                    }
                    let Some(row) = read_row(&record, &cols, header_len, &mut problems) else { continue };
                    let province = match spelling_index.get(row.province) {
                        Some(&k) => k,
                        None => {
                            let k = u32::try_from(spellings.len()).unwrap_or(u32::MAX);
                            let spelling = String::from_utf8_lossy(row.province).into_owned();
                            located.push(self.provinces().locate(&spelling));
                            spelling_index.insert(row.province.into(), k);
                            spellings.push(spelling);
                            k
                        }
                    };
                    (row, province, record.line)
                }
            };
            if !staging.fits(line) {
                gathered.add_all(&mut staging, &spellings, &mut problems)?;
            }
            staging.push(&row, province, line);
            if staging.is_full() {
                gathered.add_all(&mut staging, &spellings, &mut problems)?;
            }
        }
        progress(rows);

        // Group by group: add the last staged rows, price the group's applications in memory
        // order, and free its table. Then list by id: the zero-padded head orders ids as their
        // bytes do, except ids that share it, which the full ids order.
        let mut priced: Vec<Done> = Vec::new();
        let mut lines: Vec<Vec<crate::quote::Line>> = Vec::new();
        for g in 0..GROUPS {
            gathered.add_group(g, &mut staging, &spellings, &mut problems)?;
            let Group { table, first_lines } = std::mem::take(&mut gathered.groups[g]);
            let tables = Tables {
                long_ids: &gathered.long_ids,
                more: &gathered.more,
                spellings: &spellings,
                located: &located,
                first_lines: &first_lines,
            };
            for app in table {
                if app.failed {
                    continue;
                }
                let Some((total, authority, app_lines)) = self.price_pending(&app, &tables, detail, &mut problems)
                else {
                    continue;
                };
                if detail {
                    lines.push(app_lines);
                }
                let index = if detail { lines.len() - 1 } else { 0 };
                priced.push(Done { id: app.id, total, lines: u32::try_from(index).unwrap_or(u32::MAX), authority });
            }
        }
        drop(staging);
        let long_ids = gathered.long_ids;
        priced.sort_unstable_by(|a, b| {
            a.id.key().cmp(&b.id.key()).then_with(|| a.id.bytes(&long_ids).cmp(b.id.bytes(&long_ids)))
        });

        let mut results = Vec::with_capacity(if keep == Keep::Figures { 0 } else { priced.len() });
        let grand_total = sum(priced.iter().map(|d| d.total)).ok_or_else(|| {
            Error::input(Finding::error(None, None, "the grand total is too large to compute exactly"))
        })?;
        // The digest's text is made in a buffer and hashed a block at a time.
        let mut hasher = Sha256::new();
        let mut text: Vec<u8> = Vec::with_capacity(DIGEST_BUFFER + 2 * MAX_FIELD);
        for (i, done) in priced.iter().enumerate() {
            let id = done.id.bytes(&long_ids);
            if i > 0 {
                text.push(b'\n');
            }
            text.extend_from_slice(id);
            text.push(b',');
            write_amount(done.total.amount(), &mut text);
            if text.len() >= DIGEST_BUFFER {
                hasher.update(&text);
                text.clear();
            }
            if keep != Keep::Figures {
                let lines = lines.get_mut(done.lines as usize).map(std::mem::take).unwrap_or_default();
                results.push(BatchResult {
                    application_id: String::from_utf8_lossy(id).into_owned(),
                    total: done.total,
                    authority: done.authority,
                    lines,
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
            applications: priced.len() as u64,
            grand_total,
            digest,
            results,
            problems: problems.in_file_order(),
            bad_rows: problems.bad_rows,
            unpriceable: problems.unpriceable,
        })
    }

    /// Prices one gathered application: the exact hot path when it can, else the full engine
    /// on an [`Application`] built from its rows. When it cannot be priced, the problem is
    /// pushed and `None` returned.
    fn price_pending(&self, app: &Pending, t: &Tables<'_>, detail: bool, problems: &mut Problems) -> Option<Priced> {
        let Tables { long_ids, more, spellings, located, first_lines } = *t;
        // A problem, with the line read only then: applications come in table order, and
        // reading every first line up front was a cache miss each.
        let mut fail = |message: String, unpriceable: bool| {
            problems.push(BatchProblem {
                line: first_lines.get(app.seq as usize).copied().unwrap_or_default(),
                application_id: Some(String::from_utf8_lossy(app.id.bytes(long_ids)).into_owned()),
                message,
                unpriceable,
            });
            None
        };
        if let Some(class) = app.devices.overflow {
            return fail(format!("too many `{class}` devices in one application"), false);
        }
        let terms = Terms {
            procedure: app.procedure,
            received: app.received,
            channel: app.channel,
            facility_kind: None,
            sites: 1,
            conditions: &[],
        };
        if !detail
            && let Some((province, former)) = located.get(app.province as usize).copied().flatten()
            && let Some((total, authority)) =
                self.fast_total(&terms, app.devices.iter(more).map(Some), province, former)
        {
            return Some((total, authority, Vec::new()));
        }
        let province = spellings.get(app.province as usize).cloned().unwrap_or_default();
        let mut application = Application::new(province, app.procedure, app.received).with_channel(app.channel);
        application.devices.extend(app.devices.iter(more).map(|(class, count)| DeviceEntry::of_class(class, count)));
        match self.quote(&application) {
            Ok(q) => Some((q.total, q.authority, if detail { q.lines } else { Vec::new() })),
            Err(e) => {
                let message = e.findings().iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; ");
                fail(message, e.is_unpriceable())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A batch with what a real one has: repeated ids, long ids, rows that disagree, bad rows,
    /// unknown provinces and classes without a fee row.
    fn mixed_batch() -> String {
        let mut text = String::from("class,count,application_id,province,procedure,received,channel\n");
        let provinces = ["Huế", "Thành phố Hồ Chí Minh", "ha-noi", "Atlantis"];
        let classes = ["xray_general", "xray_ct", "xray_dental_intraoral", "static_eliminator", "nothing"];
        for i in 0..600u32 {
            let app = (i * 7) % 230;
            let id = if app % 9 == 0 { format!("A-LONG-IDENTIFIER-OF-APPLICATION-{app}") } else { format!("A-{app}") };
            let province = provinces[(app % 4) as usize];
            let procedure = if i % 97 == 5 { "renewal" } else { ["new", "renewal", "reissue"][(app % 3) as usize] };
            let day = 1 + app % 28;
            let class = classes[((i + i / 230) % 5) as usize];
            let count = if i % 61 == 0 { "0".to_owned() } else { (1 + i % 3).to_string() };
            text.push_str(&format!("{class},{count},{id},{province},{procedure},2024-03-{day:02},online\n"));
        }
        text
    }

    #[test]
    fn staging_in_parts_gives_the_same_report() {
        let schedules = Schedules::builtin().unwrap();
        let text = mixed_batch();
        let whole = schedules.price_batch_staged(text.as_bytes(), Keep::Lines, |_| {}, STAGE_ROWS).unwrap();
        let counts = (whole.applications, whole.bad_rows, whole.unpriceable);
        assert!(counts.0 > 50 && counts.1 > 5 && counts.2 > 5, "{counts:?}");
        for parts in [1, 2, 7, 100] {
            let staged = schedules.price_batch_staged(text.as_bytes(), Keep::Lines, |_| {}, parts).unwrap();
            assert_eq!(staged, whole, "staging {parts} rows at a time");
        }
    }
}
