//! The renewals due as the registry tools print them: one row per licence (its fee, or why it
//! cannot be priced), the caveats of the figures, totals per province and per authority.

use std::fmt::Write as _;

use comfy_table::{CellAlignment, Table, presets::NOTHING};
use radfee::Law;
use radfee::registry::RenewalReport;

use super::{in_lang, in_line};

/// The report as text, in the tools' language.
pub(crate) fn render(report: &RenewalReport, law: &Law) -> String {
    let mut o = String::new();
    let mut table = Table::new();
    table.load_preset(NOTHING).set_header([
        in_line("giấy phép", "licence"),
        in_line("nộp trước ngày", "file by"),
        in_line("hết hạn", "expires"),
        in_line("cơ sở", "facility"),
        in_line("cơ quan cấp phép", "authority"),
        in_line("phí", "fee"),
    ]);
    let mut warned: Vec<(String, String)> = Vec::new();
    for r in &report.renewals {
        let facility = r.application.as_ref().and_then(|a| a.applicant()).unwrap_or(r.licence.facility.as_str());
        match &r.quote {
            Ok(q) => {
                let fee = if q.warnings.is_empty() { q.total.to_string() } else { format!("{} (!)", q.total) };
                table.add_row([
                    r.licence.number.as_str(),
                    &r.file_by.day_first(),
                    &r.licence.expires.day_first(),
                    facility,
                    &q.authority.map_or_else(|| "-".to_owned(), |a| in_line(a.names().0, a.key())),
                    &fee,
                ]);
                for w in &q.warnings {
                    if !warned.iter().any(|(id, _)| *id == w.id) {
                        warned.push((w.id.clone(), in_lang(&w.vi, &w.en)));
                    }
                }
            }
            Err(e) => {
                table.add_row([
                    r.licence.number.as_str(),
                    &r.file_by.day_first(),
                    &r.licence.expires.day_first(),
                    facility,
                    "-",
                    &in_line(
                        &format!("không tính được phí: {}", e.display_in(radfee::error::Lang::Vi)),
                        &format!("cannot be priced: {}", e.display_in(radfee::error::Lang::En)),
                    ),
                ]);
            }
        }
    }
    if let Some(col) = table.column_mut(5) {
        col.set_cell_alignment(CellAlignment::Right);
    }
    if report.renewals.is_empty() {
        let _ = writeln!(
            o,
            "{}",
            in_line(
                "Không có giấy phép nào phải nộp hồ sơ gia hạn trong khoảng này.",
                "No licence is to be renewed in this window."
            )
        );
        return o;
    }
    let _ = writeln!(o, "{table}");
    for (id, text) in &warned {
        let _ = writeln!(o, "(!) {id}: {text}");
    }
    let unpriced = report.renewals.iter().filter(|r| r.quote.is_err()).count();
    if unpriced > 0 {
        let _ = writeln!(
            o,
            "{}",
            in_line(
                &format!("{unpriced} giấy phép không tính được phí và không có trong các tổng dưới đây."),
                &format!("{unpriced} licence(s) cannot be priced and are left out of the totals below."),
            )
        );
    }
    let _ = writeln!(o, "\n{}", in_line("Theo tỉnh, thành phố:", "Per province:"));
    let mut per = Table::new();
    per.load_preset(NOTHING);
    for (p, total) in &report.per_province {
        let name = law.provinces().by_slug(p).map_or(p.as_str(), |x| x.name().vi.as_str());
        per.add_row([name.to_owned(), total.to_string()]);
    }
    if let Some(col) = per.column_mut(1) {
        col.set_cell_alignment(CellAlignment::Right);
    }
    let _ = writeln!(o, "{per}");
    let _ = writeln!(o, "{}", in_line("Theo cơ quan cấp phép:", "Per authority:"));
    let mut per = Table::new();
    per.load_preset(NOTHING);
    for (a, total) in &report.per_authority {
        per.add_row([in_line(a.names().0, a.key()), total.to_string()]);
    }
    if let Some(col) = per.column_mut(1) {
        col.set_cell_alignment(CellAlignment::Right);
    }
    let _ = writeln!(o, "{per}");
    let _ = writeln!(o, "{} {}", in_line("Tổng cộng:", "Total:"), report.total);
    o
}
