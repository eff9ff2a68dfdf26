//! The explanation of a quote: every value used, the version and effective date it came
//! from, and its legal reference, in the order the engine applied them.

use serde::{Deserialize, Serialize};

use crate::application::Application;
use crate::error::Error;
use crate::vocab::DeviceClass;

use super::book::Book;
use super::model::{Quote, Reading, StepKind};

/// One step of an explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Step {
    /// What was done, with the values, in English.
    pub en: String,
    /// The same in Vietnamese.
    pub vi: String,
    /// Where the value came from: the schedule version and the date it took effect, or a file.
    pub source: String,
    /// The legal reference.
    pub basis: String,
}

/// A quote with the trace of how it was computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Explanation {
    /// The quote.
    #[serde(flatten)]
    pub quote: Quote,
    /// The steps, in the order the engine applied them.
    pub trace: Vec<Step>,
}

impl Explanation {
    /// The trace as numbered bilingual text an applicant can read.
    pub fn to_text(&self) -> String {
        let mut o = String::from("CÁCH TÍNH / HOW THIS FEE WAS COMPUTED\n");
        for (i, s) in self.trace.iter().enumerate() {
            o.push_str(&format!("{:>2}. {}\n    {}\n", i + 1, s.vi, s.en));
            if s.source != "-" {
                o.push_str(&format!("    nguồn / from: {}\n", s.source));
            }
            if !s.basis.is_empty() {
                o.push_str(&format!("    căn cứ / basis: {}\n", s.basis));
            }
        }
        o
    }
}

/// Prices an application and explains it: every value used, the version and effective
/// date it came from, and its legal reference, in the order the engine applied them.
pub(crate) fn explain(book: &Book<'_>, app: &Application) -> Result<Explanation, Error> {
    let quote = super::itemise::quote(book, app)?;
    let (_, province, version) = book.select(app)?;
    let since = |origin: &str| {
        book.versions
            .iter()
            .find(|v| v.id() == origin)
            .map_or_else(|| origin.to_owned(), |v| format!("{origin}, in force from {}", v.effective_from()))
    };
    let mut trace = Vec::new();
    let mut step = |en: String, vi: String, source: String, basis: String| {
        trace.push(Step { en, vi, source, basis });
    };
    let p = &quote.province_detail;
    step(
        format!("Province: \"{}\" is {} ({})", p.as_written, p.name.en, p.slug),
        format!("Tỉnh, thành phố: \"{}\" là {}", p.as_written, p.name.vi),
        format!("fee-schedules/provinces/{}.toml", province.slug()),
        province.basis().to_string(),
    );
    step(
        format!("Schedule in force on {}: {} ({})", quote.received, version.id(), version.title().en),
        format!("Biểu phí áp dụng ngày {}: {} ({})", quote.received.day_first(), version.id(), version.title().vi),
        format!("{}, in force from {}", version.id(), version.effective_from()),
        quote.schedule.legal_basis.join("; "),
    );
    if let Some(a) = quote.authority {
        let basis = quote
            .lines
            .iter()
            .filter_map(|l| l.class)
            .find_map(|c| book.authority.rule(c, quote.received))
            .map(|(r, _)| match (&quote.contested, &r.alternative) {
                (Some(c), Some(alt)) if c.applied == Reading::Alternative => alt.basis.to_string(),
                _ => r.basis.to_string(),
            })
            .unwrap_or_default();
        let (body_vi, body_en) = quote.collector.as_ref().map_or(("", ""), |b| (b.vi.as_str(), b.en.as_str()));
        step(
            format!("Licensing authority: {} ({body_en}), which appraises and collects the fee", a.key()),
            if body_vi.is_empty() {
                format!("Cơ quan cấp phép: {}, thẩm định và thu phí", a.names().0)
            } else {
                format!("Cơ quan cấp phép: {body_vi}, thẩm định và thu phí")
            },
            "fee-schedules/authority.toml".to_owned(),
            basis,
        );
    }
    if let Some(w) = quote.warnings.iter().find(|w| w.id == "contested-authority") {
        step(w.en.clone(), w.vi.clone(), "fee-schedules/authority.toml".to_owned(), w.basis.clone());
    }
    for (i, l) in quote.lines.iter().enumerate() {
        let class = l.class.map_or("-", DeviceClass::key);
        match version.rows().iter().find(|r| l.row.as_deref() == Some(r.id.as_str())) {
            Some(row) => step(
                format!(
                    "Device {}: {class} → row {} ({}): {} per {} × {} = {}",
                    i + 1,
                    row.id,
                    row.name.en,
                    l.unit_fee,
                    row.unit.names().1,
                    l.count,
                    l.amount
                ),
                format!(
                    "Thiết bị {}: {class} → mục {} ({}): {} / {} × {} = {}",
                    i + 1,
                    row.id,
                    row.name.vi,
                    l.unit_fee,
                    row.unit.names().0,
                    l.count,
                    l.amount
                ),
                since(&row.origin),
                l.basis.clone(),
            ),
            None => step(
                format!("Device {}: {class}: {}", i + 1, l.note.as_deref().unwrap_or("no fee")),
                format!("Thiết bị {}: {class}: {}", i + 1, l.note_vi.as_deref().unwrap_or("không thu phí")),
                "-".to_owned(),
                l.basis.clone(),
            ),
        }
    }
    step(
        format!("Subtotal at the new-licence rate: {}", quote.subtotal),
        format!("Cộng theo mức cấp mới: {}", quote.subtotal),
        "-".to_owned(),
        String::new(),
    );
    for a in &quote.adjustments {
        let origin = match a.kind {
            StepKind::Procedure => version.procedure(quote.procedure).map(|r| r.origin.clone()),
            StepKind::Rounding => Some(version.id().to_owned()),
            _ => version.adjustments().iter().find(|x| x.id == a.id).map(|x| x.origin.clone()),
        };
        step(
            format!("{}: {}", a.name.en, a.amount),
            format!("{}: {}", a.name.vi, a.amount),
            origin.map_or_else(|| "-".to_owned(), |o| since(&o)),
            a.basis.clone(),
        );
    }
    for c in &quote.charges {
        let origin = version.charges().iter().find(|x| x.id == c.id).map(|x| x.origin.clone()).unwrap_or_default();
        step(
            format!("Licence charge {}: {}", c.name.en, c.amount),
            format!("Lệ phí {}: {}", c.name.vi, c.amount),
            since(&origin),
            c.basis.clone(),
        );
    }
    step(format!("Total: {}", quote.total), format!("Tổng cộng: {}", quote.total), "-".to_owned(), String::new());
    Ok(Explanation { quote, trace })
}
