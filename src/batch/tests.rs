//! The batch read in blocks cut everywhere gives the report a single pass gives.

#![allow(clippy::unwrap_used)]

use super::*;
use proptest::prelude::*;

use super::gather::Gathered;
use super::read::{Part, Row};
use crate::vocab::{Channel, DeviceClass, Procedure};

/// One row of a test file: its text without its line end.
fn row() -> impl Strategy<Value = String> {
    let id = prop::sample::select(vec!["A1", "A2", "B-7", "C 9", "Đ1", "\"A1\"", "\"Q\nR\""]);
    let province = prop::sample::select(vec![
        "Huế",
        "Hue",
        "thành phố huế",
        "\"Hà Nội\"",
        "Ha Noi",
        "\"Hà\nNội\"",
        "Atlantis",
        "",
    ]);
    let procedure = prop::sample::select(vec!["new", "renewal", "gia hạn", "amendment", "bogus"]);
    let date = prop::sample::select(vec!["2024-05-10", "10/05/2024", "2019-01-01", "31/02/2024", "2099-01-01"]);
    let channel = prop::sample::select(vec!["", "online", "in_person", "trực tuyến"]);
    let class = prop::sample::select(vec!["xray_ct", "xray_general", "nuclear_gauge", "XRAY-CT", "toaster"]);
    let count = prop::sample::select(vec!["1", "2", "", "0", "1.000", "x"]);
    let odd = prop::sample::select(vec![
        "",
        ",,,,,,",
        "A1,Huế,new",
        "A1,Huế,new,2024-05-10,,xray_ct,1,extra",
        "A2,\"Hu\"ế,new,2024-05-10,,xray_ct,1",
        "A2,Hu\"e,new,2024-05-10,,xray_ct,1",
        "A1,\u{feff}Huế,new,2024-05-10,,xray_ct,1",
        "   ",
    ]);
    prop_oneof![
        8 => (id, province, procedure, date, channel, class, count)
            .prop_map(|(a, b, c, d, e, f, g)| format!("{a},{b},{c},{d},{e},{f},{g}")),
        1 => odd.prop_map(str::to_owned),
    ]
}

/// A test file: a header, rows joined by mixed line ends, maybe bytes that are not UTF-8.
fn file() -> impl Strategy<Value = Vec<u8>> {
    let end = prop::sample::select(vec!["\n", "\n", "\r\n", "\r"]);
    (
        prop::collection::vec((row(), end, prop::bool::weighted(0.03)), 0..40),
        prop::bool::ANY,
        prop::sample::select(vec!["\n", "\r\n", ""]),
        prop::sample::select(vec![",", ";", "\t"]),
    )
        .prop_map(|(rows, bom, last, delimiter)| {
            let mut out = Vec::new();
            if bom {
                out.extend_from_slice(b"\xef\xbb\xbf");
            }
            out.extend_from_slice(b"application_id,province,procedure,received,channel,class,count\n");
            if delimiter != "," {
                out = String::from_utf8_lossy(&out).replace(',', delimiter).into_bytes();
            }
            for (text, end, broken) in rows {
                // Every comma a delimiter, as a spreadsheet saved with `;` or tab would write it.
                out.extend_from_slice(text.replace(',', delimiter).as_bytes());
                if broken {
                    out.extend_from_slice(b"\xff");
                }
                out.extend_from_slice(end.as_bytes());
            }
            out.extend_from_slice(last.as_bytes());
            out
        })
}

/// The report (or the error) as text, to compare.
fn priced(input: &[u8], cut: Cut) -> String {
    let law = crate::Law::builtin().unwrap();
    let book = law.book();
    let options = Options::default().keep(Keep::Totals);
    match price_in(&book, input, &options, |_| {}, cut) {
        Ok(report) => serde_json::to_string_pretty(&report).unwrap(),
        Err(e) => format!("error: {e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        // Kept with the other seeds, not in a directory of its own at the top of the crate.
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct("tests/proptest-regressions/src/batch-tests.txt"))),
        ..ProptestConfig::default()
    })]
    /// Blocks of a few bytes, every one cut in two and read on two cores, give what one pass
    /// over the whole file gives: figures, problems with their lines, results.
    #[test]
    fn cutting_the_file_anywhere_changes_nothing(input in file(), block in 1usize..200) {
        let whole = priced(&input, Cut { block: 1 << 30, split_from: usize::MAX });
        let cut = priced(&input, Cut { block, split_from: 1 });
        prop_assert_eq!(whole, cut);
    }
}

#[test]
fn a_quoted_line_end_across_the_cut_and_a_row_that_never_ends() {
    // The cut falls inside the quoted field (a line feed in the middle of the file).
    let mut text = b"application_id,province,procedure,received,channel,class,count\n".to_vec();
    text.extend_from_slice(
        b"A1,\"Hu\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\ne\",new,2024-05-10,,xray_ct,1\nA2,Hue,new,2024-05-10,,toaster,1\n",
    );
    for block in [1, 7, 40, 64, 200] {
        assert_eq!(priced(&text, Cut::DEFAULT), priced(&text, Cut { block, split_from: 1 }), "block {block}");
    }
    // Both rows read whole: the first is numbered by its first line, the second by its own (after 17 line ends inside the first).
    let report = priced(&text, Cut { block: 50, split_from: 1 });
    assert!(report.contains("\"rows\": 2"), "{report}");
    assert!(report.contains("\"line\": 20"), "{report}");
    // A quote never closed: the row runs on past MAX_RUN and reading stops, named by its line.
    let mut text =
        b"application_id,province,procedure,received,channel,class,count\nA1,Hue,new,2024-05-10,,xray_ct,1\nA2,\""
            .to_vec();
    text.extend(std::iter::repeat_n(b'x', crate::sheet::csv::MAX_RUN + 10));
    let whole = priced(&text, Cut::DEFAULT);
    assert!(whole.starts_with("error: line 3: a field quoted on line 3 runs past"), "{whole}");
    assert_eq!(whole, priced(&text, Cut { block: 4096, split_from: 1 }));
}

#[test]
fn a_row_over_the_limit_is_refused_at_its_line_however_the_file_is_cut() {
    // A quoted field of 70,000 bytes with line ends in it: refused as too long at its first
    // line, the rows after it read on their own lines.
    let mut text = b"application_id,province,procedure,received,channel,class,count
A1,Hue,new,2024-05-10,,xray_ct,1
A2,\""
        .to_vec();
    text.extend(std::iter::repeat_n(b"xxxxxxxxx\n".iter().copied(), 7_000).flatten());
    text.extend_from_slice(b"\",new,2024-05-10,,xray_ct,1\nA3,Hue,new,2024-05-10,,xray_ct,2\n");
    let whole = priced(&text, Cut::DEFAULT);
    assert!(whole.contains("\"line\": 3,"), "{whole}");
    assert!(whole.contains("the row is longer than 65536 bytes"), "{whole}");
    assert!(whole.contains("\"applications\": 2"), "{whole}");
    for block in [1000, 4096, 65_536, 100_000] {
        assert_eq!(whole, priced(&text, Cut { block, split_from: 1 }), "block {block}");
    }
}

/// The table from id to application is let go before pricing (a tenth of a large batch's
/// memory); the applications gathered stay as they were.
#[test]
fn closing_lets_the_table_go_and_keeps_the_applications() {
    let law = crate::Law::builtin().unwrap();
    let mut part = Part::default();
    for (n, id) in ["A1", "A2", "A1"].into_iter().enumerate() {
        let start = u32::try_from(part.ids.len()).unwrap();
        part.ids.push_str(id);
        part.rows.push(Row {
            line: n as u64 + 2,
            hash: u64::from(id.as_bytes()[1]) << 40,
            id: (start, u32::try_from(part.ids.len()).unwrap()),
            spelling: 0,
            procedure: Procedure::New,
            received: Date::new(2025, 9, 15).unwrap(),
            channel: Channel::Online,
            class: DeviceClass::XrayCt,
            count: 1,
        });
    }
    let mut g = Gathered::new(law.provinces());
    g.add(&part, &[]);
    assert_eq!(g.apps.len(), 2);
    assert!(g.table_slots() > 0);
    g.close();
    assert_eq!(g.table_slots(), 0);
    let gathered: Vec<(&str, Vec<(DeviceClass, u32)>)> =
        g.apps.iter().map(|a| (g.id(a), a.devices().collect())).collect();
    assert_eq!(gathered, [("A1", vec![(DeviceClass::XrayCt, 2)]), ("A2", vec![(DeviceClass::XrayCt, 1)])]);
}
