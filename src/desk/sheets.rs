//! Spreadsheet upload: a batch as a workbook (.xlsx, .xls, .ods) or CSV, priced as the batch
//! tool prices it; the page shows the three figures, the first [`SHOWN`] totals, every problem
//! with its sheet, row and column, and a download of all totals as CSV carried in the page
//! (nothing is kept on the server after the response).

use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use maud::{Markup, html};

use super::PageQuery;
use super::page::{FieldError, Lang, error_lines, error_summary, field_class, frame};
use crate::batch::{BATCH_COLUMNS, BatchReport, Keep, Options};
use crate::law::Law;

/// The totals shown on the page; the download holds all of them.
const SHOWN: usize = 1000;

/// The problems listed on the page (a batch keeps at most its own cap).
const SHOWN_PROBLEMS: usize = 1000;

fn form(lang: Lang, errors: &[FieldError], sheet: &str) -> Markup {
    html! {
        (error_summary(lang, errors))
        h1 { (lang.t("Tính phí cho cả bảng tính", "Price a whole spreadsheet")) }
        p.hint { (lang.t(
            "Tệp Excel (.xlsx, .xls), LibreOffice (.ods) hoặc CSV, mỗi dòng một thiết bị của một hồ sơ, với các cột: ",
            "An Excel (.xlsx, .xls), LibreOffice (.ods) or CSV file, one device of one application per row, with the columns: "
        )) code { (BATCH_COLUMNS.join(", ")) } ". "
        (lang.t("Dòng tiêu đề có thể nằm dưới phần tiêu đề của bảng; ngày ghi ngày/tháng/năm.", "The header row may stand below a title block; dates are day/month/year.")) }
        p.hint { (lang.t(
            "Hoặc danh sách thiết bị của một hồ sơ (cột Tên thiết bị và/hoặc Loại thiết bị, Số lượng, Ghi chú; tối đa 100 thiết bị): các thiết bị được đưa vào biểu mẫu hồ sơ để kiểm tra rồi tính phí.",
            "Or the device list of one application (columns name and/or class, count, label; at most 100 devices): the devices are put on the application form to check, then priced."
        )) }
        form method="post" action="/batch" enctype="multipart/form-data" {
            input type="hidden" name="lang" value=(lang.key());
            div class=(field_class(errors, "file")) {
                label for="file" { (lang.t("Tệp bảng tính", "Spreadsheet file")) }
                p.hint { (lang.t("Tối đa 20 MB", "At most 20 MB")) }
                (error_lines(lang, errors, "file"))
                input type="file" id="file" name="file" accept=".xlsx,.xls,.ods,.csv,text/csv";
            }
            div class=(field_class(errors, "sheet")) {
                label for="sheet" { (lang.t("Tên trang tính (không bắt buộc)", "Sheet name (optional)")) }
                p.hint { (lang.t("Để trống để đọc trang đầu tiên", "Leave empty to read the first sheet")) }
                (error_lines(lang, errors, "sheet"))
                input type="text" id="sheet" name="sheet" value=(sheet);
            }
            button type="submit" { (lang.t("Tính phí", "Price it")) }
        }
    }
}

/// `GET /batch`: the upload form.
pub(crate) async fn upload_page(Query(q): Query<PageQuery>) -> Html<String> {
    let lang = Lang::from_param(q.lang.as_deref());
    Html(frame(lang, lang.t("Bảng tính", "Spreadsheet"), "/batch", false, form(lang, &[], "")).into_string())
}

/// `POST /batch`: the upload priced, or the form with its problem.
pub(crate) async fn upload(State(desk): State<super::Desk>, mut multipart: Multipart) -> Response {
    let law: &'static Law = desk.law;
    let (mut lang, mut file, mut sheet) = (Lang::Vi, None::<(String, Vec<u8>)>, None::<String>);
    let unreadable = |lang: Lang| {
        let message = lang.t(
            "Không đọc được dữ liệu gửi lên (bị ngắt giữa chừng?); hãy chọn lại tệp và gửi lại",
            "The upload could not be read (cut off?); choose the file again and send it again",
        );
        again(lang, "file", message, "")
    };
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let file_name = field.file_name().map(str::to_owned);
                let bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return too_large(lang),
                    Err(_) => return unreadable(lang),
                };
                match name.as_str() {
                    "lang" => lang = Lang::from_param(std::str::from_utf8(&bytes).ok()),
                    "sheet" => {
                        sheet = std::str::from_utf8(&bytes).ok().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
                    }
                    "file" => file = Some((file_name.unwrap_or_default(), bytes.to_vec())),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return too_large(lang),
            Err(_) => return unreadable(lang),
        }
    }
    let typed_sheet = sheet.clone().unwrap_or_default();
    // A browser sends an empty file part with no name when nothing was chosen.
    let Some((file_name, bytes)) = file.filter(|(n, b)| !b.is_empty() || !n.is_empty()) else {
        return again(lang, "file", lang.t("Chọn một tệp bảng tính", "Choose a spreadsheet file"), &typed_sheet);
    };
    if bytes.is_empty() {
        let message = lang.t("Tệp đã chọn không có dữ liệu (0 byte)", "The file chosen is empty (0 bytes)");
        return again(lang, "file", message, &typed_sheet);
    }
    if bytes.len() > super::MAX_UPLOAD_BYTES {
        return too_large(lang);
    }
    let workbook = crate::batch::looks_like_workbook(&bytes);
    if sheet.is_some() && !workbook {
        let message =
            lang.t("Tệp CSV không có trang tính; để trống ô này", "A CSV file has no sheets; leave this empty");
        return again(lang, "sheet", message, &typed_sheet);
    }
    // One spreadsheet at a time: a workbook may unpack to hundreds of megabytes.
    let Ok(_turn) = desk.uploads.acquire().await else {
        return again(lang, "file", lang.t("Chương trình đang dừng", "The desk is stopping"), &typed_sheet);
    };
    // The devices of one application (no application column): onto the form, to be checked
    // and priced there. A row is named as the officer sees it: a sheet's row, or a CSV line.
    let list = if workbook {
        let is_header =
            |names: &[String]| super::devices::is_device_list(names) || crate::batch::is_batch_header(names);
        crate::sheet::workbook::read_sheet(&bytes, sheet.as_deref(), &is_header, "application_id, class / name")
            .ok()
            .filter(|s| super::devices::is_device_list(&s.header))
            .map(|s| (s.csv.clone(), Some(s)))
    } else {
        super::devices::csv_is_device_list(&bytes).then(|| (bytes.clone(), None))
    };
    if let Some((csv, sheet_csv)) = list {
        let at = |line: u64| match &sheet_csv {
            Some(s) => s.cell(line, None),
            None => format!("{} {line}", lang.t("dòng", "line")),
        };
        return match super::devices::read(&csv, &at) {
            Ok(list) => {
                let n = list.form.devices.len();
                let mut notice = match lang {
                    Lang::Vi => format!(
                        "Đã đọc {n} thiết bị từ tệp {file_name}. Chọn thủ tục, ghi tỉnh và ngày tiếp nhận, kiểm tra từng dòng rồi nhấn Tính phí."
                    ),
                    Lang::En => format!(
                        "{n} device(s) read from {file_name}. Choose the procedure, fill in the province and date received, check each row, then Compute the fee."
                    ),
                };
                if !list.has_count {
                    notice.push(' ');
                    notice.push_str(lang.t(
                        "Tệp không có cột Số lượng: mỗi dòng được ghi là 1 thiết bị, hãy kiểm tra.",
                        "The file has no count column: each row is one device; check it.",
                    ));
                }
                if !list.ignored.is_empty() {
                    notice.push_str(&format!(
                        " {}{}.",
                        lang.t("Các cột không đọc: ", "Columns not read: "),
                        list.ignored.join(", ")
                    ));
                }
                Html(super::form_page::page(law, lang, &list.form, &[], Some(&notice)).into_string()).into_response()
            }
            Err(m) => again(lang, "file", lang.t(&m.vi, &m.en), &typed_sheet),
        };
    }
    let asked = sheet.clone();
    let priced = tokio::task::spawn_blocking(move || {
        let options = Options::default().keep(Keep::Totals);
        if workbook {
            law.price_workbook(&bytes, sheet.as_deref(), &options, |_| {})
        } else {
            law.price_batch(bytes.as_slice(), &options, |_| {})
        }
    })
    .await;
    match priced {
        Ok(Ok(report)) => Html(results(lang, &file_name, &report).into_string()).into_response(),
        Ok(Err(e)) => {
            let mut message = e
                .display_in(lang.messages())
                .replace('\n', " ")
                .replace("hãy chọn một trang bằng `--sheet <tên>`", "hãy ghi tên trang ở ô Tên trang tính")
                .replace("choose one with `--sheet <name>`", "give its name in Sheet name");
            if e.findings().first().and_then(|f| f.key.as_deref()) == Some("header") {
                message.push(' ');
                message.push_str(lang.t(
                    "Nếu đây là danh sách thiết bị của một hồ sơ: cần cột Tên thiết bị và/hoặc Loại thiết bị (cùng Số lượng, Ghi chú), dòng tiêu đề ở dòng đầu của tệp CSV.",
                    "If this is the device list of one application: it needs a name and/or class column (with count, label), the header on the first line of a CSV file.",
                ));
            }
            // A sheet that is not there is the sheet field's problem.
            // (The reader names a missing sheet in backticks; a cell reference quotes it otherwise.)
            let field =
                if asked.as_deref().is_some_and(|s| message.contains(&format!("`{s}`"))) { "sheet" } else { "file" };
            again(lang, field, &message, &typed_sheet)
        }
        Err(_) => {
            let message = lang.t("Không tính được bảng tính này", "This spreadsheet could not be priced");
            again(lang, "file", message, &typed_sheet)
        }
    }
}

fn again(lang: Lang, field: &str, message: &str, sheet: &str) -> Response {
    let errors = [FieldError { field: field.to_owned(), message: message.to_owned() }];
    let page = frame(lang, lang.t("Bảng tính", "Spreadsheet"), "/batch", false, form(lang, &errors, sheet));
    (StatusCode::BAD_REQUEST, Html(page.into_string())).into_response()
}

fn too_large(lang: Lang) -> Response {
    let message =
        lang.t("Tệp lớn hơn 20 MB; hãy chia nhỏ bảng tính", "The file is larger than 20 MB; split the spreadsheet");
    let errors = [FieldError { field: "file".to_owned(), message: message.to_owned() }];
    let page = frame(lang, lang.t("Bảng tính", "Spreadsheet"), "/batch", false, form(lang, &errors, ""));
    (StatusCode::PAYLOAD_TOO_LARGE, Html(page.into_string())).into_response()
}

/// Every total as CSV: application_id,total,authority,warnings (the batch tool's `--out`).
fn totals_csv(report: &BatchReport) -> String {
    let mut o = String::from("application_id,total,authority,warnings\n");
    let quote = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
    };
    for r in &report.results {
        o.push_str(&format!(
            "{},{},{},{}\n",
            quote(&r.application_id),
            r.total.amount(),
            r.authority.map_or("", |a| a.key()),
            quote(&r.warnings.join(";"))
        ));
    }
    o
}

fn results(lang: Lang, file_name: &str, report: &BatchReport) -> Markup {
    let csv = base64::engine::general_purpose::STANDARD.encode(totals_csv(report));
    let download = format!("data:text/csv;charset=utf-8;base64,{csv}");
    let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
    let body = html! {
        h1 { (lang.t("Kết quả tính phí bảng tính", "Spreadsheet priced")) }
        p { (lang.t("Tệp: ", "File: ")) strong { (file_name) } }
        dl.figures {
            dt { (lang.t("Số hồ sơ đã tính phí", "Applications priced")) } dd #applications { (report.applications) }
            dt { (lang.t("Tổng số phí", "Grand total")) } dd #grand-total { (report.grand_total) }
            dt { (lang.t("Mã kiểm tra (digest)", "Digest")) } dd #digest { (report.digest) }
        }
        p { (lang.t("Số dòng đã đọc: ", "Rows read: ")) (report.rows) }
        @if !report.ignored_columns.is_empty() {
            p.panel { (lang.t("Các cột không đọc: ", "Columns not read: ")) (report.ignored_columns.join(", ")) }
        }
        @for w in &report.warnings {
            div.panel { strong { (lang.t("Cảnh báo ", "Warning ")) (w.id) } " (" (w.applications) ")" br; (lang.t(&w.text.vi, &w.text.en)) }
        }
        @if !report.problems.is_empty() {
            h2 #problems { (lang.t("Dòng có vấn đề", "Problems")) " (" (report.bad_rows + report.unpriceable) ")" }
            ul {
                @for p in report.problems.iter().take(SHOWN_PROBLEMS) { li { (p.display_in(lang.messages())) } }
            }
        }
        h2 { (lang.t("Số phí từng hồ sơ", "Total per application")) }
        p { a download={ (stem) "-tong-phi.csv" } href=(download) { (lang.t("Tải về tất cả (CSV)", "Download all (CSV)")) } }
        @if report.results.len() > SHOWN {
            p.hint { (lang.t("Trang này hiện ", "Showing the first ")) (SHOWN) (lang.t(" hồ sơ đầu tiên; tệp tải về có tất cả ", " applications; the download has all ")) (report.results.len()) "." }
        }
        table.results {
            thead { tr { th { (lang.t("Mã hồ sơ", "Application")) } th { (lang.t("Số phí", "Total")) } th { (lang.t("Cơ quan cấp phép", "Authority")) } th { (lang.t("Cảnh báo", "Warnings")) } } }
            tbody {
                @for r in report.results.iter().take(SHOWN) {
                    tr { td { (r.application_id) } td.num { (r.total) } td { (r.authority.map_or("", |a| lang.t(a.names().0, a.names().1))) } td { (r.warnings.join("; ")) } }
                }
            }
        }
        p.noprint { a href={ "/batch?lang=" (lang.key()) } { (lang.t("Tính bảng tính khác", "Price another spreadsheet")) } }
    };
    frame(lang, lang.t("Kết quả bảng tính", "Spreadsheet priced"), "/batch", false, body)
}
