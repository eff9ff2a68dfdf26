//! The application form as a page: the error summary, then the fields with their labels and
//! hints, each error above its input; devices one per row (a class from the grouped,
//! bilingual list, or the name as written), and the candidates of a name that fits several
//! classes.

use maud::{Markup, html};

use super::form::{DeviceRow, FormInput, MAX_ROWS};
use super::page::{FieldError, Lang, error_lines, error_summary, field_class};
use crate::law::Law;
use crate::vocab::{Channel, DeviceClass, Family, Procedure};

/// The name of a class in the page's language, the other beneath in a list.
fn class_name(lang: Lang, c: DeviceClass) -> String {
    match lang {
        Lang::Vi => format!("{} — {}", c.name_vi(), c.name_en()),
        Lang::En => format!("{} — {}", c.name_en(), c.name_vi()),
    }
}

/// The name of a family of classes (the groups of the class list).
fn family_name(lang: Lang, f: Family) -> &'static str {
    let (vi, en) = f.names();
    lang.t(vi, en)
}

/// The form page: the error summary, then the fields with labels and hints, each error above
/// its input.
pub(crate) fn page(law: &Law, lang: Lang, form: &FormInput, errors: &[FieldError], notice: Option<&str>) -> Markup {
    let title = lang.t("Tính phí thẩm định an toàn bức xạ", "Radiation-safety appraisal fee");
    let body = html! {
        (error_summary(lang, errors))
        @if let Some(n) = notice { p.panel role="status" { (n) } }
        h1 { (title) }
        p.hint { (lang.t(
            "Điền thông tin như trên hồ sơ đề nghị cấp giấy phép. Ngày ghi theo dạng ngày/tháng/năm.",
            "Fill in the application as on the form. Dates are day/month/year."
        )) }
        form method="post" action="/quote" novalidate {
            input type="hidden" name="lang" value=(lang.key());
            div class=(field_class(errors, "province")) {
                label for="province" { (lang.t("Tỉnh, thành phố", "Province")) }
                p.hint id="province-hint" { (lang.t(
                    "Viết có dấu hoặc không dấu; tên tỉnh cũ (trước ngày 01/07/2025) cũng được, ví dụ: Huế, Đồng Nai, Bình Dương",
                    "With or without diacritics; a former province name (before 01/07/2025) also works, e.g. Huế, Đồng Nai, Bình Dương"
                )) }
                (error_lines(lang, errors, "province"))
                input type="text" id="province" name="province" value=(form.province) list="provinces" aria-describedby="province-hint" autocomplete="off";
                datalist id="provinces" {
                    @for p in law.provinces().all() {
                        option value=(p.name().vi) {}
                        @for f in p.former() { option value=(f.name.vi) {} }
                    }
                }
            }
            div class=(field_class(errors, "procedure")) {
                label for="procedure" { (lang.t("Thủ tục", "Procedure")) }
                p.hint { (lang.t("Gia hạn thu 75 % mức phí cấp mới", "A renewal is 75 % of the new-licence fee")) }
                (error_lines(lang, errors, "procedure"))
                select id="procedure" name="procedure" {
                    @if form.procedure.trim().is_empty() {
                        option value="" selected { (lang.t("— chọn thủ tục —", "— choose the procedure —")) }
                    }
                    @for p in Procedure::ALL {
                        @let (vi, en) = p.names();
                        option value=(p.key()) selected[Procedure::from_written(&form.procedure).ok() == Some(p)] { (lang.t(vi, en)) }
                    }
                }
            }
            div class=(field_class(errors, "received")) {
                label for="received" { (lang.t("Ngày tiếp nhận hồ sơ", "Date received")) }
                p.hint id="received-hint" { (lang.t("Ngày/tháng/năm, ví dụ 15/09/2025", "Day/month/year, e.g. 15/09/2025")) }
                (error_lines(lang, errors, "received"))
                input.narrow type="text" id="received" name="received" value=(form.received) aria-describedby="received-hint" inputmode="numeric" style="width:9em";
            }
            fieldset class=(field_class(errors, "channel-in_person")) {
                legend { (lang.t("Hình thức nộp hồ sơ", "How the application was filed")) }
                (error_lines(lang, errors, "channel-in_person"))
                div.radios {
                    @for c in [Channel::InPerson, Channel::Online] {
                        @let (vi, en) = c.names();
                        @let id = format!("channel-{}", c.key());
                        input type="radio" id=(id) name="channel" value=(c.key()) checked[Channel::from_written(&form.channel).ok() == Some(c)];
                        label for=(id) { (lang.t(vi, en)) }
                    }
                }
                p.hint { (lang.t("Nộp qua bưu chính tính như nộp trực tiếp", "By post counts as in person")) }
            }
            div.field {
                label for="applicant" { (lang.t("Tổ chức, cá nhân đề nghị (không bắt buộc)", "Applicant (optional)")) }
                p.hint { (lang.t("In trên phiếu tính phí", "Printed on the quote")) }
                input.wide type="text" id="applicant" name="applicant" value=(form.applicant);
            }
            h2 { (lang.t("Thiết bị", "Devices")) }
            p.hint { (lang.t(
                "Với mỗi thiết bị: chọn loại trong danh sách, hoặc ghi tên như trên hồ sơ (ví dụ: Máy X-quang di động) để chương trình phân loại.",
                "For each device: choose its class from the list, or write its name as on the form (e.g. Máy X-quang di động) to have it classified."
            )) }
            @for (i, row) in form.devices.iter().enumerate() {
                (device_row(lang, i, row, errors))
            }
            // "Tính phí" first: Enter in any field prices the form, as the officer expects.
            div.noprint {
                button type="submit" name="action" value="quote" { (lang.t("Tính phí", "Compute the fee")) }
                @if form.devices.len() < MAX_ROWS {
                    button.secondary type="submit" name="action" value="add" { (lang.t("Thêm thiết bị", "Add a device")) }
                } @else {
                    p.hint { (lang.t("Đã đủ số dòng thiết bị tối đa của trang này; hồ sơ lớn hơn hãy dùng trang Bảng tính.", "This page has its most device rows; price a larger application on the Spreadsheet page.")) }
                }
            }
        }
    };
    let title = if errors.is_empty() { title.to_owned() } else { format!("{}{title}", lang.t("Lỗi: ", "Error: ")) };
    super::page::frame(lang, &title, "/", false, body)
}

/// One device row: class list, or name as written; count; label; and the candidates when the
/// name fits several classes.
fn device_row(lang: Lang, i: usize, row: &DeviceRow, errors: &[FieldError]) -> Markup {
    let id = |f: &str| format!("device-{i}-{f}");
    html! {
        div.device {
            h3 { (lang.t("Thiết bị", "Device")) " " (i + 1) }
            div.row {
                div class=(field_class(errors, &id("class"))) {
                    label for=(id("class")) { (lang.t("Loại thiết bị", "Class")) }
                    p.hint { (lang.t("Theo Thông tư 287/2016/TT-BTC", "As Circular 287/2016/TT-BTC lists them")) }
                    (error_lines(lang, errors, &id("class")))
                    select.wide id=(id("class")) name=(id("class")) {
                        option value="" { (lang.t("— chọn loại, hoặc ghi tên bên cạnh —", "— choose, or write the name —")) }
                        // A value the list does not hold (posted or read from a file) stays
                        // visible and selected, for the form to say what is wrong with it.
                        @if !row.class.trim().is_empty() && DeviceClass::from_key(row.class.trim()).is_none() {
                            option value=(row.class) selected { (row.class) }
                        }
                        @for f in Family::ALL {
                            optgroup label=(family_name(lang, f)) {
                                @for c in DeviceClass::ALL.iter().filter(|c| c.family() == f) {
                                    option value=(c.key()) selected[row.class == c.key()] { (class_name(lang, *c)) }
                                }
                            }
                        }
                    }
                }
                div class=(field_class(errors, &id("name"))) {
                    label for=(id("name")) { (lang.t("hoặc tên thiết bị như trên hồ sơ", "or the name as on the form")) }
                    p.hint { (lang.t("Ví dụ: Máy chụp CT 64 lát cắt", "E.g. Máy chụp CT 64 lát cắt")) }
                    (error_lines(lang, errors, &id("name")))
                    input.wide type="text" id=(id("name")) name=(id("name")) value=(row.name);
                }
            }
            @if !row.candidates.is_empty() {
                fieldset class=(field_class(errors, &id("choice"))) id=(id("choice")) {
                    legend { (lang.t("Chọn loại thiết bị đúng với tên này", "Choose the class that fits this name")) }
                    (error_lines(lang, errors, &id("choice")))
                    div.choice {
                        @for c in &row.candidates {
                            @let cid = format!("device-{i}-choice-{}", c.key());
                            input type="radio" id=(cid) name=(id("choice")) value=(c.key()) checked[row.choice == c.key()];
                            label for=(cid) style="display:inline" { (class_name(lang, *c)) }
                            br;
                        }
                    }
                }
            }
            div.row {
                div class=(field_class(errors, &id("count"))) {
                    label for=(id("count")) { (lang.t("Số lượng", "Count")) }
                    p.hint { (lang.t("Chữ số, từ 1", "Digits, from 1")) }
                    (error_lines(lang, errors, &id("count")))
                    input.narrow type="text" id=(id("count")) name=(id("count")) value=(row.count) inputmode="numeric";
                }
                div class=(field_class(errors, &id("label"))) {
                    label for=(id("label")) { (lang.t("Ghi chú trên phiếu (không bắt buộc)", "Label on the quote (optional)")) }
                    p.hint { (lang.t("Ví dụ: số sê-ri, phòng đặt máy", "E.g. serial number, room")) }
                    (error_lines(lang, errors, &id("label")))
                    input.wide type="text" id=(id("label")) name=(id("label")) value=(row.label);
                }
            }
        }
    }
}
