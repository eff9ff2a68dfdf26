//! CSV files as spreadsheets export them (batch and registry import alike): a byte-order mark
//! before a quoted header, `;` or tab delimiters, trailing empty columns, rows of only
//! delimiters, any line end, rows that are not UTF-8, quotes never closed, overlong text.

use crate::r::{BatchReport, Change, Event, Facility, FacilityKind, Registry};
use proptest::prelude::*;

use crate::{date, shared};

const HEADER: [&str; 7] = ["application_id", "province", "procedure", "received", "channel", "class", "count"];

/// Rows of a small valid batch: (id, province, procedure, received, channel, class, count).
fn sample_rows() -> Vec<[String; 7]> {
    let raw = [
        ["A-1", "Hà Nội", "new", "2024-03-15", "online", "xray_ct", "1"],
        ["A-1", "Hà Nội", "new", "2024-03-15", "online", "xray_dental_panoramic", "2"],
        ["A-2", "Đồng Nai", "renewal", "2025-09-15", "online", "xray_general", "1"],
        ["A-3", "Huế", "new", "2026-01-10", "in_person", "nuclear_gauge", "3"],
        ["A-2", "Dong Nai", "renewal", "2025-09-15", "online", "xray_mobile", "1"],
        ["A 4, \"quoted\"", "Thành phố Hồ Chí Minh", "supplement", "2026-02-01", "", "xray_ct", ""],
    ];
    raw.iter().map(|r| r.map(str::to_owned)).collect()
}

/// How a spreadsheet may save the same table.
#[derive(Clone, Copy, Debug)]
struct Saving {
    delimiter: char,
    bom: bool,
    crlf: bool,
    trailing_empty: usize,
    quote_all: bool,
    blank_rows: bool,
}

fn save(header: &[&str], rows: &[[String; 7]], s: Saving) -> String {
    let end = if s.crlf { "\r\n" } else { "\n" };
    let cell = |v: &str| {
        let needs = v.contains([s.delimiter, '"', '\n', '\r']) || s.quote_all;
        if needs { format!("\"{}\"", v.replace('"', "\"\"")) } else { v.to_owned() }
    };
    let line = |cells: Vec<String>| {
        let mut l = cells.join(&s.delimiter.to_string());
        for _ in 0..s.trailing_empty {
            l.push(s.delimiter);
        }
        l
    };
    let mut out = String::new();
    if s.bom {
        out.push('\u{feff}');
    }
    out.push_str(&line(header.iter().map(|h| cell(h)).collect()));
    out.push_str(end);
    for (i, r) in rows.iter().enumerate() {
        out.push_str(&line(r.iter().map(|v| cell(v)).collect()));
        out.push_str(end);
        if s.blank_rows && i % 2 == 0 {
            out.push_str(&s.delimiter.to_string().repeat(6 + s.trailing_empty));
            out.push_str(end);
            out.push_str(end);
        }
    }
    out
}

fn figures(r: &BatchReport) -> (u64, String, String) {
    (r.applications, r.grand_total.amount().to_string(), r.digest.clone())
}

const PLAIN: Saving =
    Saving { delimiter: ',', bom: false, crlf: false, trailing_empty: 0, quote_all: false, blank_rows: false };

#[test]
fn the_same_table_saved_as_spreadsheets_save_it_gives_the_same_figures() {
    let rows = sample_rows();
    let plain = shared().price_batch(save(&HEADER, &rows, PLAIN).as_bytes(), &Default::default(), |_| {}).unwrap();
    assert!(plain.problems.is_empty(), "{:?}", plain.problems);
    assert_eq!(plain.applications, 4);
    for saving in [
        Saving { bom: true, quote_all: true, ..PLAIN },
        Saving { delimiter: ';', ..PLAIN },
        Saving { delimiter: '\t', crlf: true, ..PLAIN },
        Saving { trailing_empty: 2, ..PLAIN },
        Saving { blank_rows: true, crlf: true, ..PLAIN },
        Saving { delimiter: ';', bom: true, crlf: true, trailing_empty: 3, quote_all: true, blank_rows: true },
    ] {
        let text = save(&HEADER, &rows, saving);
        let report = shared().price_batch(text.as_bytes(), &Default::default(), |_| {}).unwrap();
        assert!(report.problems.is_empty(), "{saving:?}: {:?}", report.problems);
        assert_eq!(figures(&report), figures(&plain), "{saving:?}");
    }
}

#[test]
fn bad_rows_are_counted_and_named_by_their_physical_line() {
    let text = "application_id,province,procedure,received,channel,class,count\r\n\
        \r\n\
        B-1,Huế,new,2024-01-01,,xray_ct,1\r\n\
        B-2,Atlantis,new,2024-01-01,,xray_ct,1\r\n\
        ,,,,,,\r\n\
        B-3,Huế,new,31/02/2025,,xray_ct,1\r\n";
    let mut bytes = text.as_bytes().to_vec();
    // Line 7: not UTF-8 (a Windows-1258 export).
    bytes.extend_from_slice(b"B-4,Hu\xea,new,2024-01-01,,xray_ct,1\r\n");
    // Line 8: a quote opened and never closed.
    bytes.extend_from_slice(b"B-5,\"Hu\xc3\xa1,new,2024-01-01,,xray_ct,1\r\nB-6,Hue,new,2024-01-01,,xray_ct,1\r\n");
    let report = shared().price_batch(bytes.as_slice(), &Default::default(), |_| {}).unwrap();
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "line 4: application B-2: unknown province `Atlantis`: write the name of one of the 34 provinces or cities (or a former province), e.g. \"Hà Nội\", \"Đồng Nai\", \"Bình Dương\"; the application is not priced (a row of it was refused)",
            "line 6: application B-3: received: day 31 does not exist in 2025-02 (it has 28 days); the application is not priced (a row of it was refused)",
            "line 7: application B-4: the row is not UTF-8 text: save the file as \"CSV UTF-8 (Comma delimited)\" and try again; the application is not priced (a row of it was refused)",
            "line 8: application B-5: a quote opened here is never closed: every field after it was read as one text; the application is not priced (a row of it was refused)",
        ]
    );
    // B-5's quote swallows B-6: five rows, four refused, B-1 priced.
    assert_eq!(report.rows, 5);
    assert_eq!(report.bad_rows, 4);
    assert_eq!(report.unpriceable, 0);
    assert_eq!(report.applications, 1);
}

fn registry_with_facility() -> Registry {
    let mut r = Registry::new();
    let f = Facility {
        id: "F1".into(),
        name: "Bệnh viện".into(),
        tax_code: None,
        province: "Huế".into(),
        address: None,
        kind: FacilityKind::Hospital,
    };
    r.apply(shared(), Event { date: date("2025-01-01"), change: Change::RegisterFacility { facility: f } }).unwrap();
    r
}

#[test]
fn the_registry_import_reads_what_the_batch_reads() {
    let s = shared();
    // CRLF, blank lines, a `;` export with a BOM before a quoted header and trailing columns.
    let text = "\u{feff}\"Mã cơ sở\";Mã thiết bị;Loại;Năm sản xuất;;\r\n\r\nF1;D1;xray_ct;2020;;\r\n;;;;;\r\nF1;D2;xray_cat;2020;;\r\nF1;D3;xray_ct;2031;;\r\n";
    let mut r = registry_with_facility();
    let report = r.import_csv(s, text.as_bytes(), date("2025-09-01")).unwrap();
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(report.imported, 1, "{problems:?}");
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("line 5: unknown device class `xray_cat`"), "{problems:?}");
    assert_eq!(
        problems[1],
        "line 6: year 2031 of manufacture is not from 1900 to the day of the import (2025-09-01): check the year"
    );
    assert_eq!(report.rows, report.imported + report.refused);
    // Text over its limit, and a quote never closed.
    let long = "x".repeat(1001);
    let text = format!("facility_id,equipment_id,name\nF1,D4,{long}\nF1,D5,\"Máy CT\nF1,D6,CT\n");
    let report = r.import_csv(s, text.as_bytes(), date("2025-09-01")).unwrap();
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "line 2: name is 1001 characters long; at most 1000 are allowed",
            "line 3: a quote opened here is never closed: every field after it was read as one text",
        ]
    );
}

#[test]
fn a_flood_of_bad_rows_is_counted_and_the_list_capped() {
    let s = shared();
    let mut text = b"facility_id,equipment_id,class\n".to_vec();
    for i in 0..100_000 {
        text.extend_from_slice(format!("F1,D{i},xray_ct").as_bytes());
        text.extend_from_slice(b"\xff\n");
    }
    text.extend_from_slice(b"F1,OK,xray_ct\n");
    let mut r = registry_with_facility();
    let report = r.import_csv(s, text.as_slice(), date("2025-09-01")).unwrap();
    assert_eq!((report.rows, report.imported, report.refused), (100_001, 1, 100_000));
    assert_eq!(report.problems.len(), crate::r::MAX_PROBLEMS);
    assert!(report.problems[0].to_string().starts_with("line 2: the row is not UTF-8 text"));
    // The batch alike.
    let mut text = HEADER.join(",").into_bytes();
    text.push(b'\n');
    for i in 0..30_000 {
        text.extend_from_slice(format!("X-{i},Hu").as_bytes());
        text.extend_from_slice(b"\xea,new,2024-01-01,,xray_ct,1\n");
    }
    let report = shared().price_batch(text.as_slice(), &Default::default(), |_| {}).unwrap();
    assert_eq!((report.rows, report.bad_rows, report.applications), (30_000, 30_000, 0));
    assert_eq!(report.problems.len(), crate::r::MAX_PROBLEMS);
}

fn arb_row() -> impl Strategy<Value = [String; 7]> {
    (
        0u8..40,
        prop::sample::select(vec!["xray_ct", "xray_general", "xray_dental_intraoral", "nuclear_gauge", "pet_ct"]),
        1u32..4,
        any::<bool>(),
    )
        .prop_map(|(id, class, count, spelled)| {
            // The rows of one id agree on the application's fields (a province may be spelled
            // two ways: both resolve to the same province).
            let province = match id % 3 {
                0 if spelled => "Ha Noi",
                0 => "Hà Nội",
                1 => "Đồng Nai",
                _ => "Huế",
            };
            [
                format!("P-{id}"),
                province.to_owned(),
                ["new", "renewal"][usize::from(id % 2)].to_owned(),
                ["2024-03-15", "2025-09-15", "2026-01-10"][usize::from(id % 3)].to_owned(),
                ["online", "in_person"][usize::from(id % 2)].to_owned(),
                class.to_owned(),
                count.to_string(),
            ]
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn re_saving_a_valid_batch_never_changes_its_figures(
        rows in prop::collection::vec(arb_row(), 1..30),
        delimiter in prop::sample::select(vec![',', ';', '\t']),
        bom in any::<bool>(),
        crlf in any::<bool>(),
        trailing_empty in 0usize..3,
        quote_all in any::<bool>(),
        blank_rows in any::<bool>(),
    ) {
        let plain = shared().price_batch(save(&HEADER, &rows, PLAIN).as_bytes(), &Default::default(), |_| {}).unwrap();
        let saving = Saving { delimiter, bom, crlf, trailing_empty, quote_all, blank_rows };
        let again = shared().price_batch(save(&HEADER, &rows, saving).as_bytes(), &Default::default(), |_| {}).unwrap();
        prop_assert_eq!(figures(&again), figures(&plain));
        prop_assert_eq!(again.problems.len(), plain.problems.len());
    }
}
