//! The desk over HTTP: the router served on an ephemeral loopback port in this process, called
//! with a plain HTTP/1.1 client (std's TcpStream), every route, the error cases, the size
//! limits and the escaping. Built only with `--features desk` (`.ci/run` runs it).
//!
//! Expected totals are worked by hand from Circular 287/2016/TT-BTC as amended (116/2021,
//! 63/2023): CT 8,000,000 (1.4.7); mobile, dental panoramic X-ray 2,000,000 each (1.4.3,
//! 1.4.1); renewal 75 % of the new-licence fee; filed online 1/12/2023–31/12/2025: 90 %.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::sync::OnceLock;

use radfee::Law;

/// The port of the desk this test process serves (started once, on 127.0.0.1:0).
fn port() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap().port()).unwrap();
                radfee::desk::serve(listener, Law::builtin().unwrap(), std::future::pending()).await.unwrap();
            });
        });
        rx.recv().unwrap()
    })
}

/// A response: status, headers (lower-case names), body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// One request on its own connection (`Connection: close`), the reply read to the end.
fn request(method: &str, path: &str, content_type: Option<&str>, body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port())).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(t) = content_type {
        head.push_str(&format!("Content-Type: {t}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    // A body over the limit may be refused before it is all sent: the reply still comes.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete reply");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked")) {
        body = dechunk(&body);
    }
    Reply { status, headers, body }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else { return out };
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
}

fn get(path: &str) -> Reply {
    request("GET", path, None, b"")
}

/// A form post of `pairs`, encoded as a browser does.
fn post_form(path: &str, pairs: &[(&str, &str)]) -> Reply {
    let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    request("POST", path, Some("application/x-www-form-urlencoded"), body.join("&").as_bytes())
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn post_json(path: &str, body: &str) -> Reply {
    request("POST", path, Some("application/json"), body.as_bytes())
}

/// The renewal of the issue's officer: a CT by class and two mobile X-ray units by their
/// Vietnamese name, filed online in Đồng Nai on 15/09/2025, typed as officers type it.
const RENEWAL: &[(&str, &str)] = &[
    ("province", "Ðồng Nai"), // U+00D0, the Icelandic Eth officers' keyboards give
    ("procedure", "gia hạn"),
    ("received", "15/09/2025"),
    ("channel", "online"),
    ("applicant", "Bệnh viện Đa khoa Đồng Nai"),
    ("device-0-class", "xray_ct"),
    ("device-0-count", "1"),
    ("device-1-name", "Máy X-quang di động"),
    ("device-1-count", "2"),
    ("device-2-class", ""),
    ("device-2-name", ""),
    ("device-2-count", "1"),
];

#[test]
fn the_form_is_vietnamese_first_with_an_english_switch() {
    let r = get("/");
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let t = r.text();
    for label in
        ["Tỉnh, thành phố", "Thủ tục", "Ngày tiếp nhận hồ sơ", "Hình thức nộp hồ sơ", "Thêm thiết bị", "Tính phí"]
    {
        assert!(t.contains(label), "missing {label}");
    }
    assert!(t.contains(r#"<html lang="vi">"#));
    // Every input has a label (GOV.UK pattern): each id named by a `for`.
    for id in ["province", "procedure", "received", "applicant", "device-0-class", "device-0-name", "device-0-count"] {
        assert!(t.contains(&format!(r#"for="{id}""#)), "no label for {id}");
    }
    // The date shown day first, today in Vietnam.
    assert!(t.contains(&radfee::Date::today_in_vietnam().day_first()));
    // No network: nothing loaded from elsewhere.
    assert!(!t.contains("http://") && !t.contains("https://"), "a page refers to the network");
    let en = get("/?lang=en").text();
    assert!(en.contains("Date received") && en.contains(r#"<html lang="en">"#));
}

#[test]
fn a_form_with_a_class_and_a_typed_name_gives_the_hand_worked_total() {
    let r = post_form("/quote", RENEWAL);
    assert_eq!(r.status, 200, "{}", r.text());
    let t = r.text();
    // (8,000,000 + 2 × 2,000,000) × 0.75 × 0.9 = 8,100,000.
    assert!(t.contains(r#"id="total">8.100.000 ₫"#), "{t}");
    // The printed sheet itself, the typed name on its line, and how it was computed.
    assert!(t.contains("PHIẾU TÍNH PHÍ THẨM ĐỊNH AN TOÀN BỨC XẠ"));
    assert!(t.contains("Máy X-quang di động"));
    assert!(t.contains("Bệnh viện Đa khoa Đồng Nai"));
    assert!(t.contains("Cách tính") && t.contains("window.print()"));
    assert!(t.contains("sha256:"), "the fingerprint is on the quote");
    // The same total as the calculator's engine for the same application.
    let app = radfee::Application::from_toml(
        "a.toml",
        "province = \"Đồng Nai\"\nprocedure = \"renewal\"\nreceived = 2025-09-15\nchannel = \"online\"\n[[device]]\nclass = \"xray_ct\"\n[[device]]\nclass = \"xray_mobile\"\ncount = 2\n",
    )
    .unwrap();
    assert_eq!(Law::builtin().unwrap().quote(&app).unwrap().total.to_string(), "8.100.000 ₫");
    // "Add a device" keeps what was typed and adds a row.
    let mut pairs = RENEWAL.to_vec();
    pairs.push(("action", "add"));
    let t = post_form("/quote", &pairs).text();
    assert!(t.contains(r#"name="device-3-class""#) && t.contains("Máy X-quang di động"));
    // Back from the quote to edit: the form as filled.
    let mut pairs = RENEWAL.to_vec();
    pairs.push(("action", "edit"));
    let t = post_form("/quote", &pairs).text();
    assert!(t.contains(r#"value="15/09/2025""#) && t.contains(r#"value="Bệnh viện Đa khoa Đồng Nai""#));
}

#[test]
fn every_row_typed_is_a_device_or_a_problem_and_all_ambiguities_are_said_at_once() {
    // A count typed on a row without its device is said, not ignored.
    let r = post_form(
        "/quote",
        &[
            ("province", "Huế"),
            ("procedure", "new"),
            ("received", "02/03/2026"),
            ("device-0-class", "xray_ct"),
            ("device-1-count", "5"),
        ],
    );
    assert_eq!(r.status, 400);
    assert!(r.text().contains(r##"href="#device-1-class""##), "{}", r.text());
    // A name that does not settle a class is said together with the other problems.
    let t = post_form(
        "/quote",
        &[
            ("province", "Atlantis"),
            ("procedure", "new"),
            ("received", "02/03/2026"),
            ("device-0-name", "Máy X-quang răng"),
            ("device-1-class", "xray_ct"),
            ("device-1-count", "0"),
        ],
    )
    .text();
    for field in ["province", "device-0-choice", "device-1-count"] {
        assert!(t.contains(&format!(r##"href="#{field}""##)), "{field}: {t}");
    }
    // A field's problem found by the engine links to its field; a count with words is explained.
    let long = "x".repeat(1500);
    let t = post_form(
        "/quote",
        &[
            ("province", "Huế"),
            ("procedure", "new"),
            ("received", "02/03/2026"),
            ("applicant", &long),
            ("device-0-class", "xray_ct"),
        ],
    )
    .text();
    assert!(t.contains(r##"href="#applicant""##), "{t}");
    let t = post_form(
        "/quote",
        &[("province", "Huế"), ("procedure", "new"), ("received", "31/12/2016"), ("device-0-class", "xray_ct")],
    )
    .text();
    assert!(t.contains(r##"href="#received""##), "{t}");
    let t = post_form(
        "/quote",
        &[
            ("province", "Huế"),
            ("procedure", "new"),
            ("received", "02/03/2026"),
            ("device-0-class", "xray_ct"),
            ("device-0-count", "2 cái"),
        ],
    )
    .text();
    assert!(t.contains("có chữ kèm theo số") && t.contains("ví dụ 2"), "{t}");
    // Two names that do not settle a class: both rows come back with their candidates.
    let r = post_form(
        "/quote",
        &[
            ("province", "Huế"),
            ("procedure", "new"),
            ("received", "02/03/2026"),
            ("device-0-name", "Máy X-quang răng"),
            ("device-1-name", "Máy X-quang răng"),
        ],
    );
    assert_eq!(r.status, 400);
    let t = r.text();
    assert!(t.contains(r##"href="#device-0-choice""##) && t.contains(r##"href="#device-1-choice""##), "{t}");
    assert!(t.contains("kỹ thuật, loại máy"), "the field that decides in words: {t}");
    // The name as written with a class chosen in the list: priced by the class, the name kept.
    let r = post_form(
        "/quote",
        &[
            ("province", "Huế"),
            ("procedure", "new"),
            ("received", "02/03/2026"),
            ("device-0-name", "Máy X-quang răng Sirona"),
            ("device-0-class", "xray_dental_panoramic"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains(r#"id="total">2.000.000 ₫"#) && r.text().contains("Máy X-quang răng Sirona"));
    // Enter in a field submits the first button: it prices, it does not add a row.
    let form = get("/").text();
    let quote_at = form.find(r#"value="quote""#).unwrap();
    let add_at = form.find(r#"value="add""#).unwrap();
    assert!(quote_at < add_at);
}

#[test]
fn a_client_that_never_finishes_its_headers_is_dropped() {
    use std::io::Read as _;
    let mut s = TcpStream::connect(("127.0.0.1", port())).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(radfee::desk::HEADER_TIMEOUT_SECS + 20))).unwrap();
    let mut buf = Vec::new();
    // The desk closes the connection (an empty read, or a 408 then close), never waits forever.
    let closed = s.read_to_end(&mut buf).is_ok();
    assert!(closed, "the connection was still open after the header timeout");
    // And still serves others meanwhile.
    assert_eq!(get("/api/version").status, 200);
}

#[test]
fn an_ambiguous_name_comes_back_with_its_candidates_and_is_never_guessed() {
    let base = [
        ("province", "Hà Nội"),
        ("procedure", "new"),
        ("received", "02/03/2026"),
        ("device-0-name", "Máy X-quang răng"),
    ];
    let r = post_form("/quote", &base);
    assert_eq!(r.status, 400);
    let t = r.text();
    assert!(t.contains("error-summary") && t.contains(r##"href="#device-0-choice""##), "{t}");
    assert!(t.contains("modality"), "the field that decides is named");
    for c in ["xray_dental_intraoral", "xray_dental_panoramic"] {
        assert!(t.contains(&format!(r#"value="{c}""#)), "candidate {c} offered");
    }
    assert!(!t.contains(r#"id="total""#), "no total for a guess");
    let mut chosen = base.to_vec();
    chosen.push(("device-0-choice", "xray_dental_panoramic"));
    let r = post_form("/quote", &chosen);
    assert_eq!(r.status, 200, "{}", r.text());
    // A new licence for one panoramic dental X-ray: 2,000,000.
    assert!(r.text().contains(r#"id="total">2.000.000 ₫"#));
}

#[test]
fn every_problem_of_a_form_is_listed_at_the_top_and_at_its_field() {
    let r = post_form(
        "/quote",
        &[
            ("province", "Ha Nol"),
            ("procedure", "new"),
            ("received", "31/02/2026"),
            ("device-0-class", "xray_ct"),
            ("device-0-count", "1.000"),
        ],
    );
    assert_eq!(r.status, 400);
    let t = r.text();
    for field in ["province", "received", "device-0-count"] {
        assert!(t.contains(&format!(r##"href="#{field}""##)), "summary links to {field}: {t}");
    }
    assert!(t.contains("Hà Nội"), "the close spelling is suggested");
    assert!(t.contains("không có ngày 31"));
    let future = post_form(
        "/quote",
        &[("province", "Huế"), ("procedure", "new"), ("received", "15/09/2099"), ("device-0-class", "xray_ct")],
    )
    .text();
    assert!(future.contains("trong tương lai") && future.contains(r##"href="#received""##), "{future}");
    assert!(t.contains(r#"value="Ha Nol""#), "what was typed stays");
    // In English on request.
    let r = post_form("/quote", &[("lang", "en"), ("province", ""), ("procedure", "new"), ("received", "")]);
    let t = r.text();
    assert!(
        t.contains("There is a problem") && t.contains("Enter the province") && t.contains("Add at least one device"),
        "{t}"
    );
}

#[test]
fn what_a_user_types_is_shown_as_text_never_run() {
    let script = "<script>alert(1)</script>";
    let mut pairs = RENEWAL.to_vec();
    pairs.push(("device-0-label", script));
    pairs.push(("applicant", "\"><img src=x onerror=alert(2)>"));
    let t = post_form("/quote", &pairs).text();
    assert!(!t.contains(script) && t.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "escaped on the quote");
    assert!(!t.contains("<img src=x"));
    let t = post_form("/quote", &[("province", script), ("device-0-name", script)]).text();
    assert!(!t.contains(script), "escaped on the form");
    let r = get("/api/provinces?q=%3Cscript%3E");
    assert!(r.header("content-type").unwrap().starts_with("application/json"));
}

/// A multipart body with a file field and a sheet field.
fn upload(file_name: &str, bytes: &[u8], sheet: &str) -> Reply {
    let boundary = "radfeeboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"lang\"\r\n\r\nvi\r\n").as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"sheet\"\r\n\r\n{sheet}\r\n").as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    request("POST", "/batch", Some(&format!("multipart/form-data; boundary={boundary}")), &body)
}

#[test]
fn a_spreadsheet_upload_gives_the_batch_tools_figures_and_keeps_nothing() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let law = Law::builtin().unwrap();
    for file in ["examples/batch/sample.csv", "examples/batch/officer-batch.xlsx"] {
        let bytes = std::fs::read(root.join(file)).unwrap();
        let r = upload(file, &bytes, "");
        assert_eq!(r.status, 200, "{file}: {}", r.text());
        let t = r.text();
        let options = radfee::batch::Options::default();
        let report = if file.ends_with(".xlsx") {
            law.price_workbook(&bytes, None, &options, |_| {}).unwrap()
        } else {
            law.price_batch(bytes.as_slice(), &options, |_| {}).unwrap()
        };
        assert!(t.contains(&format!(r#"id="applications">{}<"#, report.applications)), "{file}");
        assert!(t.contains(&format!(r#"id="grand-total">{}<"#, report.grand_total)), "{file}");
        assert!(t.contains(&report.digest), "{file}");
        assert!(t.contains("data:text/csv;charset=utf-8;base64,"), "the download is in the page");
    }
    // The hand-checked sample: 4 applications, 17,450,000 (examples/batch/sample.csv).
    let t = upload("s.csv", &std::fs::read(root.join("examples/batch/sample.csv")).unwrap(), "").text();
    assert!(t.contains(r#"id="applications">4<"#) && t.contains(r#"id="grand-total">17.450.000 ₫<"#));
    // A bad workbook and a sheet asked of a CSV: the form again, the problem at its field.
    let r = upload("bad.xlsx", b"PK\x03\x04 not really a workbook", "");
    assert_eq!(r.status, 400);
    assert!(r.text().contains(r##"href="#file""##));
    let r = upload("s.csv", b"application_id,province,procedure,received,channel,class,count\n", "Sheet1");
    assert_eq!(r.status, 400);
    assert!(r.text().contains(r##"href="#sheet""##));
    assert_eq!(upload("none.csv", b"", "").status, 400);
    // Over 20 MB: 413 with the form.
    let big = vec![b'a'; radfee::desk::MAX_UPLOAD_BYTES + 1];
    assert_eq!(upload("big.csv", &big, "").status, 413);
}

#[test]
fn a_device_list_goes_onto_the_form_and_is_priced_there() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // A workbook made by LibreOffice: a title block, Vietnamese headings, three rows.
    let bytes = std::fs::read(root.join("tests/fixtures/workbooks/one-application-devices.xlsx")).unwrap();
    let r = upload("thiet-bi.xlsx", &bytes, "");
    assert_eq!(r.status, 200, "{}", r.text());
    let t = r.text();
    assert!(t.contains("Đã đọc 3 thiết bị"), "{t}");
    for v in ["Máy chụp CT 64 lát cắt", "Máy X-quang di động", "Phòng răng"] {
        assert!(t.contains(&format!(r#"value="{v}""#)), "{v}: {t}");
    }
    assert!(t.contains(r#"<option value="xray_dental_panoramic" selected>"#), "{t}");
    // The same list as CSV (header on the first line), with `;` as Excel in Vietnam saves it.
    let csv = "Tên thiết bị;Loại thiết bị;Số lượng;Ghi chú\nMáy chụp CT 64 lát cắt;;1;Phòng CT\nMáy X-quang di động;;2;\nMáy X-quang răng;xray_dental_panoramic;1;\n";
    let t = upload("thiet-bi.csv", csv.as_bytes(), "").text();
    assert!(t.contains("Đã đọc 3 thiết bị") && t.contains(r#"value="2""#), "{t}");
    // Priced as the form prices it, once the officer adds the facts of the application:
    // (8,000,000 + 2 × 2,000,000 + 2,000,000) × 0.75 (renewal) × 0.9 (online) = 9,450,000.
    let r = post_form(
        "/quote",
        &[
            ("province", "Đồng Nai"),
            ("procedure", "renewal"),
            ("received", "15/09/2025"),
            ("channel", "online"),
            ("device-0-name", "Máy chụp CT 64 lát cắt"),
            ("device-0-count", "1"),
            ("device-1-name", "Máy X-quang di động"),
            ("device-1-count", "2"),
            ("device-2-name", "Máy X-quang răng"),
            ("device-2-class", "xray_dental_panoramic"),
            ("device-2-count", "1"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains(r#"id="total">9.450.000 ₫"#), "{}", r.text());
    // A class written as the library reads it becomes its key on the form; one it does not
    // read is refused with the close key, never dropped on the way to the form.
    let csv = "Tên thiết bị,Loại thiết bị,Số lượng,Số seri,Ghi chú\nMáy X-quang di động,,2,SN-1,Phòng 1\n,XRAY-CT,1,,\n,x-quang ct,1,,\n";
    let r = upload("a.csv", csv.as_bytes(), "");
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("x-quang ct"), "{}", r.text());
    let csv = "Tên thiết bị,Loại thiết bị,Số lượng,Số seri,Ghi chú,Điện thoại\n\"Máy X-quang\ndi động\",,2,SN-1,Phòng 1,0123\n,XRAY-CT,1,,,\n";
    let t = upload("a.csv", csv.as_bytes(), "").text();
    assert!(t.contains(r#"<option value="xray_ct" selected>"#), "{t}");
    assert!(t.contains(r#"value="Máy X-quang di động""#), "a line break in a name is a space: {t}");
    assert!(t.contains(r#"value="Phòng 1; số sê-ri SN-1""#), "{t}");
    assert!(t.contains("Các cột không đọc: Điện thoại"), "{t}");
    assert!(t.contains("— chọn thủ tục —"), "the procedure is the officer's to choose: {t}");
    // A repeated column, a count with a line break: refused with their line.
    let r = upload("a.csv", "Tên thiết bị,Số lượng,Ghi chú,Số lượng\nMáy CT,3,,1\n".as_bytes(), "");
    assert_eq!(r.status, 400);
    assert!(r.text().contains("trùng nghĩa"), "{}", r.text());
    let r = upload("a.csv", "Tên thiết bị,Số lượng\nMáy CT,\"1\n2\"\n".as_bytes(), "");
    assert!(r.text().contains("dòng 2") && r.text().contains("xuống dòng"), "{}", r.text());
    // No count column: said on the page. An application's columns make it a batch, not a list.
    let t = upload("a.csv", "Tên thiết bị,Ghi chú\nMáy CT,\n".as_bytes(), "").text();
    assert!(t.contains("không có cột Số lượng"), "{t}");
    let r = upload(
        "a.csv",
        "Tỉnh,Thủ tục,Ngày tiếp nhận,Loại thiết bị,Số lượng\nĐồng Nai,gia hạn,14/03/2025,xray_ct,1\n".as_bytes(),
        "",
    );
    assert_eq!(r.status, 400);
    assert!(r.text().contains("application_id"), "{}", r.text());
    // A list longer than the form takes is refused with the way to price it.
    let mut long = String::from("Tên thiết bị,Số lượng\n");
    for i in 0..101 {
        long.push_str(&format!("Máy chụp CT {i},1\n"));
    }
    let r = upload("dai.csv", long.as_bytes(), "");
    assert_eq!(r.status, 400);
    assert!(r.text().contains("hơn 100 thiết bị"), "{}", r.text());
}

#[test]
fn hostile_requests_get_4xx_never_a_file_or_a_500() {
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/Cargo.toml",
        "/static/../Cargo.toml",
        "/api/../../src/lib.rs",
        "/fee-schedules/national/287-2016.toml",
    ] {
        let r = get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.text().contains("[package]") && !r.text().contains("forbid(unsafe_code)"), "{path}");
    }
    let junk: &[(&str, Option<&str>, &[u8])] = &[
        ("/quote", Some("application/x-www-form-urlencoded"), b"%%%\xff\xfe=&&=="),
        ("/quote", None, b"province=x"),
        ("/quote", Some("application/x-www-form-urlencoded"), b"device-99999999999999999999-class=x&device-49-name=y"),
        ("/api/quote", Some("text/plain"), b"\x00\x01\x02"),
        ("/api/classify", Some("application/json"), b"{\"device\": 5}"),
        ("/batch", Some("multipart/form-data; boundary=x"), b"--x\r\ngarbage"),
        ("/batch", Some("application/json"), b"{}"),
    ];
    for (path, ct, body) in junk {
        let r = request("POST", path, *ct, body);
        assert!((400..500).contains(&r.status), "{path} {ct:?}: {} {}", r.status, r.text());
    }
    // A row beyond the form's rows is refused, never dropped from the fee.
    let r = post_form(
        "/quote",
        &[
            ("province", "Huế"),
            ("procedure", "new"),
            ("received", "02/03/2026"),
            ("device-0-class", "xray_ct"),
            ("device-100-class", "xray_ct"),
        ],
    );
    assert_eq!(r.status, 400);
    assert!(r.text().contains("tối đa 100") && !r.text().contains(r#"id="total""#), "{}", r.text());
    let r = post_form(
        "/quote",
        &[
            ("province", "Huế"),
            ("procedure", "new"),
            ("received", "02/03/2026"),
            ("device-99999999999999999999-class", "xray_ct"),
        ],
    );
    assert_eq!(r.status, 400);
    // The framework's refusals in the desk's words: JSON under /api/, a Vietnamese page elsewhere.
    let r = request("POST", "/quote", Some("application/json"), b"{}");
    assert_eq!(r.status, 415);
    assert!(
        r.header("content-type").unwrap().starts_with("text/html") && r.text().contains("kiểu nội dung không đúng")
    );
    let r = get("/api/nothing");
    assert_eq!(r.status, 404);
    assert!(r.json()["error"]["findings"][0]["message_vi"].is_string());
    let r = request("POST", "/api/quote", Some("text/plain"), br#"{"province":"Hue"}"#);
    assert_eq!(r.status, 415, "a JSON API takes JSON only (no cross-site form posts)");
    assert!(r.json()["error"]["findings"][0]["message_vi"].as_str().unwrap().contains("application/json"));
    let r = request("POST", "/api/quote", Some("application/json"), &vec![b' '; radfee::desk::MAX_BODY_BYTES + 10]);
    assert_eq!(r.status, 413);
    assert!(r.json()["error"]["findings"][0]["message_vi"].as_str().unwrap().contains("lớn hơn giới hạn"));
    // Safety headers on every page.
    let r = get("/");
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert!(r.header("content-security-policy").unwrap().contains("default-src 'none'"));
    assert_eq!(get("/favicon.ico").status, 204);
}

mod api;
