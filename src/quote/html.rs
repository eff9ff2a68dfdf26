//! The quote to print and sign: one self-contained A4 page (no network, no script, fonts
//! the system has for Vietnamese), Vietnamese first with English beneath, the content of the
//! text quote, a signature block, and the application as a file with the schedule's
//! fingerprint so that anyone can re-run it.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::model::Quote;
use crate::application::Application;
use crate::schedule::WarningLevel;

/// The page's style: A4 with 15 mm margins, a font stack that renders Vietnamese on every
/// system (Noto, DejaVu, Liberation, Arial), black on white, tables that do not split a row
/// across pages.
pub(crate) const STYLE: &str = r#"
@page { size: A4; margin: 15mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9.5pt; color: #000; background: #fff; margin: 0; }
main { max-width: 180mm; margin: 0 auto; }
h1 { font-size: 14pt; text-align: center; margin: 2mm 0 0; }
p.en, span.en, div.en { color: #333; font-size: 8.5pt; }
p.sub { text-align: center; margin: 0 0 4mm; }
.warning { border: 2px solid #000; padding: 1mm 3mm; margin: 2mm 0; page-break-inside: avoid; }
.warning p { margin: 1mm 0; }
.warning.high { border-width: 3px; }
.warning strong { display: block; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #555; padding: 0.8mm 1.5mm; vertical-align: top; text-align: left; }
th { background: #eee; font-weight: 600; }
table.facts th { width: 38%; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.total td { font-weight: 700; font-size: 11pt; }
.small { font-size: 8pt; color: #333; }
.sign { display: flex; justify-content: space-between; margin-top: 4mm; page-break-inside: avoid; }
.sign div { width: 45%; text-align: center; min-height: 24mm; }
ul.notes { font-size: 7.5pt; margin: 1mm 0; padding-left: 5mm; }
ul.notes .en { font-size: 7.5pt; }
ul.notes li { margin-bottom: 0.8mm; }
ul.basis { font-size: 8pt; margin: 1mm 0; padding-left: 5mm; }
pre { font-family: "Noto Sans Mono", "Liberation Mono", "Courier New", "DejaVu Sans", sans-serif; font-size: 7pt; white-space: pre-wrap; border: 1px solid #999; padding: 1.5mm; columns: 2; margin: 1mm 0; }
section { margin-top: 1mm; }
@media screen { body { padding: 10mm; background: #f4f4f4; } main { background: #fff; padding: 12mm; } }
@media print { .noprint { display: none; } }
"#;

/// Vietnamese above, English beneath.
fn both(vi: &str, en: &str) -> Markup {
    html! { (vi) br; span.en { (en) } }
}

impl Quote {
    /// The quote as one printable A4 page of HTML (self-contained: no network, no script),
    /// Vietnamese first with English beneath: the applicant and the facts of the application,
    /// warnings to check before collecting, the itemised lines with their legal bases, the
    /// adjustments and charges, the total, notes, the schedule's legal basis and fingerprint,
    /// a signature block, and `application` written as an application file so that anyone can
    /// re-run the quote with the calculator. Every value is escaped.
    pub fn to_html(&self, application: &Application) -> String {
        self.page(application).into_string()
    }

    fn page(&self, application: &Application) -> Markup {
        html! {
            (DOCTYPE)
            html lang="vi" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { "Phiếu tính phí thẩm định an toàn bức xạ — " (self.total) }
                    style { (PreEscaped(STYLE)) }
                }
                body { (self.sheet(application)) }
            }
        }
    }

    /// The printed sheet itself (the page's `main` element, styled by [`STYLE`]): the desk
    /// shows the same sheet inside its own page, so the quote is rendered one way.
    pub(crate) fn sheet(&self, application: &Application) -> Markup {
        let p = &self.province_detail;
        let (pvi, pen) = self.procedure.names();
        let (cvi, cen) = self.channel.names();
        let inputs = application.to_toml().unwrap_or_default();
        html! {
                    main {
                        @if let Some(c) = &self.collector {
                            p.sub { strong { (c.vi) } br; span.en { (c.en) } }
                        }
                        h1 { "PHIẾU TÍNH PHÍ THẨM ĐỊNH AN TOÀN BỨC XẠ" }
                        p.sub { span.en { "Radiation-safety appraisal fee quote" } }
                        @for w in &self.warnings {
                            div class=(if w.level == WarningLevel::High { "warning high" } else { "warning" }) {
                                strong {
                                    @if w.level == WarningLevel::High {
                                        "CẢNH BÁO — KIỂM TRA TRƯỚC KHI THU PHÍ / WARNING — CHECK BEFORE COLLECTING"
                                    } @else {
                                        "LƯU Ý / NOTICE"
                                    }
                                }
                                p { (w.vi) }
                                p.en { (w.en) }
                                p.small { "Căn cứ / Basis: " (w.basis) }
                            }
                        }
                        table.facts {
                            @if let Some(a) = &self.applicant {
                                tr { th { (both("Tổ chức, cá nhân", "Applicant")) } td { (a) } }
                            }
                            tr {
                                th { (both("Tỉnh, thành phố", "Province")) }
                                td {
                                    (both(&p.name.vi, &p.name.en))
                                    @if let Some(f) = p.former.as_ref().filter(|_| !p.historical) {
                                        br; span.small { "ghi trong hồ sơ / as written: " (f.name.vi) }
                                    }
                                }
                            }
                            tr { th { (both("Thủ tục", "Procedure")) } td { (both(pvi, pen)) } }
                            tr { th { (both("Ngày tiếp nhận", "Received")) } td { (self.received.day_first()) } }
                            tr { th { (both("Hình thức nộp", "Channel")) } td { (both(cvi, cen)) } }
                            tr {
                                th { (both("Cơ quan thẩm định, thu phí", "Appraises and collects")) }
                                td {
                                    @if let Some(c) = &self.collector { (both(&c.vi, &c.en)) } @else { "—" }
                                }
                            }
                        }
                        table.lines {
                            thead {
                                tr {
                                    th { "STT" }
                                    th { (both("Thiết bị", "Device")) }
                                    th.num { (both("SL", "Qty")) }
                                    th.num { (both("Đơn giá", "Unit fee")) }
                                    th.num { (both("Thành tiền", "Amount")) }
                                }
                            }
                            tbody {
                                @for (i, l) in self.lines.iter().enumerate() {
                                    tr {
                                        td { (i + 1) }
                                        td {
                                            @if let Some(d) = &l.description { strong { (d) } br; }
                                            @if let Some(label) = &l.label { strong { (label) } br; }
                                            (both(&l.name.vi, &l.name.en))
                                            br;
                                            span.small {
                                                "loại / class: " (l.class.map_or("-", |c| c.key()))
                                                " · căn cứ / basis: " (l.basis)
                                            }
                                            @for r in l.classified_by.iter().filter(|r| r.rule != "class") {
                                                br;
                                                span.small { (super::model::classified_line(r)) }
                                            }
                                            @if let (Some(vi), Some(en)) = (&l.note_vi, &l.note) {
                                                br; span.small { "! " (vi) } br; span.small.en { "! " (en) }
                                            }
                                        }
                                        td.num { (l.count) }
                                        td.num { (l.unit_fee) }
                                        td.num { (l.amount) }
                                    }
                                }
                                tr { td colspan="4" { (both("Cộng", "Subtotal")) } td.num { (self.subtotal) } }
                                @for a in &self.adjustments {
                                    tr {
                                        td colspan="4" {
                                            (both(&a.name.vi, &a.name.en))
                                            br;
                                            span.small {
                                                "căn cứ / basis: " (a.basis)
                                                @if a.assumption { " (giả định / assumption)" }
                                            }
                                        }
                                        td.num { (a.amount) }
                                    }
                                }
                                @if self.charges.is_empty() {
                                    tr { td colspan="4" { (both("Lệ phí", "Licence charge")) } td.num { "không / none" } }
                                }
                                @for c in &self.charges {
                                    tr {
                                        td colspan="4" { (both(&c.name.vi, &c.name.en)) br; span.small { "căn cứ / basis: " (c.basis) } }
                                        td.num { (c.amount) }
                                    }
                                }
                                tr.total {
                                    td colspan="4" { "TỔNG CỘNG / TOTAL (" (self.currency) ")" }
                                    td.num { (self.total) }
                                }
                            }
                        }
                        @if !self.notes.is_empty() {
                            section {
                                p { strong { "Ghi chú" } " / " span.en { "Notes" } }
                                ul.notes {
                                    @for (vi, en) in self.notes_vi.iter().zip(&self.notes) {
                                        li { (vi.replace('`', "")) br; span.en { (en.replace('`', "")) } }
                                    }
                                }
                            }
                        }
                        section {
                            p { strong { "Căn cứ pháp lý" } " / " span.en { "Legal basis" } }
                            ul.basis {
                                @for b in &self.schedule.legal_basis { li { (b) } }
                            }
                            p.small {
                                "Biểu phí / Schedule: " (self.schedule.id) " (" (self.schedule.title.vi) ")"
                                br;
                                "Mã kiểm tra / Fingerprint: " code { (self.schedule.fingerprint) }
                            }
                        }
                        div.sign {
                            div {
                                strong { "NGƯỜI NỘP HỒ SƠ" } br; span.en { "Applicant" } br;
                                span.small { "(Ký, ghi rõ họ tên / signature and full name)" }
                            }
                            div {
                                "Ngày …… tháng …… năm ……" br;
                                strong { "CÁN BỘ THẨM ĐỊNH" } br; span.en { "Appraising officer" } br;
                                span.small { "(Ký, ghi rõ họ tên / signature and full name)" }
                            }
                        }
                        section {
                            p.small {
                                "Dữ liệu để tính lại (lưu thành tệp .toml, chạy " code { "calculator TỆP.toml" } ") / "
                                "The inputs to re-run this quote (save as a .toml file and run the calculator on it):"
                            }
                            pre { (inputs) }
                        }
                    }
        }
    }
}
