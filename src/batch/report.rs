//! What a batch gives: its options, the report with its three checkable figures, the
//! problems found (the first in the file kept, all counted).

use serde::Serialize;

use crate::exact::Exact;
use crate::money::Money;
use crate::vocab::Authority;

/// Most distinct applications in one batch (memory is kept per application).
pub const MAX_APPLICATIONS: usize = 10_000_000;

/// How to price a batch ([`Law::price_batch`](crate::Law::price_batch)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// What to keep besides the three figures (default: each application's total).
    pub keep: Keep,
}

impl Options {
    /// Keeps `keep` in [`BatchReport::results`].
    #[must_use]
    pub fn keep(mut self, keep: Keep) -> Options {
        self.keep = keep;
        self
    }
}

/// What a batch keeps in [`BatchReport::results`] besides its three figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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
    /// The column the problem is about, when it is about one (`received`, `class`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<&'static str>,
    /// For a workbook, the cell (`Sheet1!D7`) or row (`Sheet1!7`) it is about; shown instead
    /// of the line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// The message in Vietnamese, when the crate has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_vi: Option<String>,
    /// Another line the message names (the first row of an application whose rows disagree).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_line: Option<u64>,
}

impl BatchProblem {
    /// The problem as [`Display`](std::fmt::Display) shows it, in `lang` (a message without a
    /// Vietnamese text is shown in English).
    pub fn display_in(&self, lang: crate::error::Lang) -> String {
        use crate::error::Lang;
        let en = self.to_string();
        let Some(vi_message) = &self.message_vi else { return en };
        let place = match &self.cell {
            Some(cell) => format!("{cell}: "),
            None => format!("dòng {}: ", self.line),
        };
        let id = self.application_id.as_ref().map(|id| format!("hồ sơ {id}: ")).unwrap_or_default();
        let vi = format!("{place}{id}{vi_message}");
        match lang {
            Lang::En => en,
            Lang::Both => format!("{vi}\n  [en] {en}"),
            _ => vi,
        }
    }
}

impl std::fmt::Display for BatchProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.cell {
            Some(cell) => write!(f, "{cell}: ")?,
            None => write!(f, "line {}: ", self.line)?,
        }
        if let Some(id) = &self.application_id {
            write!(f, "application {id}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// The outcome of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
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
    /// Columns of the header the batch does not read (notes, phone numbers…), as written:
    /// not refused, but said, so a misspelt column is noticed. In a workbook, a column right
    /// of the header holding values but no heading (a note typed beside the table) is not
    /// read either, and is named as a spreadsheet names a whole column (`H:H`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_columns: Vec<String>,
}

/// A schedule warning and how many priced applications of a batch carry it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
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
pub(super) struct Problems {
    pub(super) kept: std::collections::BinaryHeap<ByLine>,
    pub(super) bad_rows: u64,
    pub(super) unpriceable: u64,
}

/// A problem ordered by its line (then its text, so the order is total).
#[derive(PartialEq, Eq)]
pub(super) struct ByLine(BatchProblem);

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
    pub(super) fn push(&mut self, p: BatchProblem) {
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

    /// Takes in the problems another list kept and counted.
    pub(super) fn absorb(&mut self, other: Problems) {
        self.bad_rows += other.bad_rows;
        self.unpriceable += other.unpriceable;
        for p in other.kept {
            self.kept.push(p);
            if self.kept.len() > MAX_PROBLEMS {
                self.kept.pop();
            }
        }
    }

    /// The kept problems in file order.
    pub(super) fn in_file_order(&mut self) -> Vec<BatchProblem> {
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
pub(super) const DIGEST_BUFFER: usize = 1 << 16;

/// Appends an amount's digits (as `Decimal` prints it), without the formatter for whole
/// numbers that fit a `u64` (every fee is one; the formatter was a tenth of the final pass).
pub(super) fn write_amount(amount: rust_decimal::Decimal, out: &mut Vec<u8>) {
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
pub(super) fn sum(mut totals: impl Iterator<Item = Money> + Clone) -> Option<Money> {
    let exact = totals.clone().try_fold(Exact::ZERO, |sum, t| sum.add(Exact::of(t.amount())));
    match exact.and_then(Exact::to_decimal) {
        Some(total) => Some(Money::new(total)),
        None => totals.try_fold(Money::ZERO, Money::checked_add),
    }
}
