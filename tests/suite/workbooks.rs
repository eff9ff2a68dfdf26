//! Workbooks read directly (issue 15): made by LibreOffice from the CSV sources beside them
//! (tests/fixtures/workbooks/make.sh), with a title block above the header, a row-number
//! column, notes, Vietnamese values and date cells. Expected figures written by hand.

use std::process::Stdio;

use rust_decimal::Decimal;

use crate::tools::{run, stderr};
use crate::{root, shared};

/// The next number of a fixed xorshift sequence (reproducible corruptions).
fn xorshift(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures/workbooks").join(name)).unwrap()
}

#[test]
fn an_officers_workbook_is_priced_as_its_csv_would_be() {
    let report = shared().price_workbook(&bytes("officer-batch.xlsx"), None, &Default::default(), |_| {}).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.ignored_columns, ["STT", "ghi chú"], "stray columns are said, not refused");
    // HS-001 Đồng Nai, renewal online 2025-09-15, mobile X-ray: 2,000,000 × 75 % × 90 % = 1,350,000.
    // HS-002 Huế, new 2026-03-02: 2 CT × 8,000,000 + panoramic dental 2,000,000 = 18,000,000.
    // HS-003 Hà Nội, new 2024-05-10: 3 general X-ray × 3,000,000 = 9,000,000.
    assert_eq!(report.applications, 3);
    assert_eq!(report.grand_total.amount(), Decimal::from(1_350_000 + 18_000_000 + 9_000_000));
    let keys = "application_id,province,procedure,received,channel,class,count\n\
        HS-001,Đồng Nai,renewal,2025-09-15,online,xray_mobile,1\n\
        HS-002,Huế,new,2026-03-02,in_person,xray_ct,2\n\
        HS-002,Huế,new,2026-03-02,in_person,xray_dental_panoramic,1\n\
        HS-003,Hà Nội,new,2024-05-10,,xray_general,3\n";
    let csv = shared().price_batch(keys.as_bytes(), &Default::default(), |_| {}).unwrap();
    assert_eq!((report.grand_total, &report.digest), (csv.grand_total, &csv.digest));
}

#[test]
fn a_note_beside_the_table_is_not_refused_and_a_merged_id_is_not_guessed() {
    // tests/fixtures/workbooks/merged.py: "đã nộp phí" typed in H2, under no heading; HS-010's
    // id, province, procedure, date and channel merged down over its two device rows.
    let report = shared().price_workbook(&bytes("merged-and-unnamed.xlsx"), None, &Default::default(), |_| {}).unwrap();
    assert_eq!(report.ignored_columns, ["H:H"], "a note beside the table is said, not refused");
    // A merged cell is read as its top cell: the row below it has no id, and is refused at
    // its cell rather than joined to an application by guess (docs/batch.md).
    let cells: Vec<(&str, &str)> =
        report.problems.iter().map(|p| (p.cell.as_deref().unwrap(), p.column.unwrap_or("-"))).collect();
    assert_eq!(cells, [("'Hồ sơ'!A4", "application_id")]);
    // HS-001 Hà Nội, new 2025-09-15: one CT, 8,000,000. HS-010 Đồng Nai, renewal online
    // 2025-09-15, from its first row alone: CT 8,000,000 × 75 % × 90 % = 5,400,000.
    assert_eq!(report.applications, 2);
    assert_eq!(report.grand_total.amount(), Decimal::from(8_000_000 + 5_400_000));
}

#[test]
fn a_bad_workbook_names_each_cell() {
    let report = shared().price_workbook(&bytes("officer-batch-bad.xlsx"), None, &Default::default(), |_| {}).unwrap();
    let cells: Vec<(&str, &str)> =
        report.problems.iter().map(|p| (p.cell.as_deref().unwrap(), p.column.unwrap_or("-"))).collect();
    assert_eq!(
        cells,
        [
            ("'officer-batch-bad'!C4", "province"),
            ("'officer-batch-bad'!G5", "class"),
            ("'officer-batch-bad'!D6", "procedure"),
            ("'officer-batch-bad'!H7", "count"),
            ("'officer-batch-bad'!E8", "received"),
        ]
    );
    let text: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert!(
        text[1].starts_with(
            "'officer-batch-bad'!G5: application HS-003: unknown device class `xray_cat`; did you mean `xray_ct`?"
        ),
        "{}",
        text[1]
    );
    assert!(text[3].contains("count must be a whole number of devices, not 2.5"), "{}", text[3]);
    assert!(text[4].contains("received: day 31 does not exist in 2026-02"), "{}", text[4]);
    // Only HS-001 is priced: 1,350,000.
    assert_eq!((report.applications, report.grand_total.amount()), (1, Decimal::from(1_350_000)));
}

/// The same bad workbook with its header in Vietnamese (Mã hồ sơ, Tỉnh, Thủ tục…), made by
/// LibreOffice: the same cells, column letters included.
#[test]
fn a_bad_workbook_with_vietnamese_headings_names_the_same_cells() {
    let report =
        shared().price_workbook(&bytes("officer-batch-bad-vi.xlsx"), None, &Default::default(), |_| {}).unwrap();
    let cells: Vec<&str> = report.problems.iter().map(|p| p.cell.as_deref().unwrap()).collect();
    assert_eq!(
        cells,
        [
            "'officer-batch-bad-vi'!C4",
            "'officer-batch-bad-vi'!G5",
            "'officer-batch-bad-vi'!D6",
            "'officer-batch-bad-vi'!H7",
            "'officer-batch-bad-vi'!E8",
        ]
    );
    assert_eq!((report.applications, report.grand_total.amount()), (1, Decimal::from(1_350_000)));
}

#[test]
fn what_is_not_a_priceable_workbook_is_refused_with_a_reason() {
    let law = shared();
    let price = |b: &[u8], sheet: Option<&str>| {
        law.price_workbook(b, sheet, &Default::default(), |_| {}).unwrap_err().to_string()
    };
    let e = price(&bytes("officer-batch.xlsx"), Some("Trang 2"));
    assert!(e.contains("the workbook has no sheet `Trang 2`; its sheets are: `officer-batch`"), "{e}");
    let e = price(b"PK\x03\x04 not really a zip", None);
    assert!(e.contains("cannot be read as a workbook"), "{e}");
    // A device list is not a batch: no header naming application_id and class.
    // One stray cell far down and right (made by LibreOffice; 5 KB): refused at that cell,
    // without building the sheet's grid (which would take hundreds of gigabytes).
    let e = price(&bytes("stray-cell.xlsx"), None);
    assert!(e.contains("S!WQK1000004: a value far right of the table (beyond 1024 columns)"), "{e}");
    // Far down only (ALM1048003, a column with no heading): read cell by cell; the stray
    // value is not part of the table, so it is named as a column not read, and the rest priced.
    let r = law.price_workbook(&bytes("stray-cell-far-down.xlsx"), None, &Default::default(), |_| {}).unwrap();
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.ignored_columns, ["ALM:ALM"]);
    assert_eq!(r.applications, 1);
    let e = price(&bytes("device-list.xlsx"), None);
    assert!(e.contains("has no header row naming the columns application_id, …, class in its first 50 rows"), "{e}");
}

#[test]
fn a_device_list_workbook_is_imported_row_by_row() {
    let law = shared();
    for file in ["device-list.xlsx", "device-list.ods"] {
        let mut r = crate::registry::base();
        let report = r.import_workbook(law, &bytes(file), None, crate::date("2025-09-01")).unwrap();
        assert_eq!(report.ignored_columns, ["STT"], "{file}");
        assert_eq!((report.rows, report.imported, report.refused), (4, 3, 1), "{file}: {:?}", report.problems);
        // The refused row is the sheet's row 6 (title, blank, header on row 3).
        let p = report.problems[0].to_string();
        assert!(p.starts_with("'device-list'!6: ") && p.contains("no facility with id `F9`"), "{file}: {p}");
        assert!(r.state().equipment["D17"].mobile, "{file}: `có` in Di động");
        assert_eq!(r.state().equipment["D10"].class, Some(crate::r::DeviceClass::XrayCt), "{file}: classified by name");
    }
}

#[test]
fn the_batch_tool_reads_a_workbook_and_says_where_the_problems_are() {
    let o = run("batch", &["examples/batch/officer-batch.xlsx"], Stdio::piped());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("grand_total: 28350000"));
    assert!(stderr(&o).contains("ghi chú: không đọc cột `STT`, `ghi chú`"), "{}", stderr(&o));
    let o = run("batch", &["tests/fixtures/workbooks/officer-batch-bad.xlsx"], Stdio::piped());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("'officer-batch-bad'!E8: hồ sơ HS-006: ngày tiếp nhận (received): tháng 02/2026 không có ngày 31 (tháng có 28 ngày); hồ sơ này không được tính phí (có dòng bị từ chối)"),
        "{}",
        stderr(&o)
    );
    let o = run("batch", &["tests/fixtures/workbooks/officer-batch-bad.xlsx", "--lang", "en"], Stdio::piped());
    assert!(stderr(&o).contains("'officer-batch-bad'!E8: application HS-006: received:"), "{}", stderr(&o));
    let o = run("batch", &["examples/batch/sample.csv", "--sheet", "Sheet1", "--lang", "en"], Stdio::piped());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--sheet is for a workbook"), "{}", stderr(&o));
}

/// Broken workbooks (cut short, bytes changed, a zip of something else) are refused with a
/// message, never a panic: every prefix of the sample and a thousand corrupted copies.
#[test]
#[allow(clippy::cast_possible_truncation)] // random positions and bytes, in range by construction
fn broken_workbooks_are_refused_not_panicked_on() {
    let good = bytes("officer-batch.xlsx");
    let law = shared();
    let try_one = |b: &[u8]| {
        let r = std::panic::catch_unwind(|| {
            law.price_workbook(b, None, &Default::default(), |_| {}).map(|r| r.applications)
        });
        assert!(r.is_ok(), "a panic on {} bytes", b.len());
    };
    for len in (0..good.len()).step_by(97) {
        try_one(&good[..len]);
    }
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..1000 {
        let mut b = good.clone();
        for _ in 0..4 {
            let seed = xorshift(&mut seed);
            let i = (seed % b.len() as u64) as usize;
            b[i] = (seed >> 32) as u8;
        }
        try_one(&b);
    }
}

/// The sheet's XML itself damaged (the zip intact): cells, shared strings and the workbook
/// part with bytes changed or cut. The reader refuses or reads what is there; it never panics.
#[test]
#[allow(clippy::cast_possible_truncation)] // random positions and bytes, in range by construction
fn damaged_sheet_xml_is_refused_not_panicked_on() {
    use std::io::{Read as _, Write as _};
    let good = bytes("officer-batch.xlsx");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&good)).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        parts.push((f.name().unwrap().into_owned(), data));
    }
    let rezip = |parts: &[(String, Vec<u8>)]| {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (name, data) in parts {
            w.start_file(name.as_str(), stored).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    };
    let law = shared();
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = || xorshift(&mut seed);
    for target in ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml"] {
        let k = parts.iter().position(|(n, _)| n == target).unwrap();
        for round in 0..150 {
            let mut damaged = parts.clone();
            let data = &mut damaged[k].1;
            if round % 3 == 0 {
                let cut = (next() % data.len() as u64) as usize;
                data.truncate(cut);
            } else {
                for _ in 0..3 {
                    let i = (next() % data.len() as u64) as usize;
                    // Digits, quotes and angle brackets: the bytes that change what XML means.
                    data[i] = b"0123456789<>\"/=-.eE"[(next() % 19) as usize];
                }
            }
            let b = rezip(&damaged);
            let r = std::panic::catch_unwind(|| {
                law.price_workbook(&b, None, &Default::default(), |_| {}).map(|r| r.applications)
            });
            assert!(r.is_ok(), "a panic on {target}, round {round}");
        }
    }
}
