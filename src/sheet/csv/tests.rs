//! The CSV reader's rules, and its two ways of reading a record compared.

#![allow(clippy::unwrap_used, clippy::panic)]

use super::rules::{MAX_ROW, MAX_RUN};
use super::*;

/// Every row a reader gives, as `line:fields`, `line!refusal` or `line#stop`.
fn read_all<R: Read>(mut r: CsvRows<R>) -> Vec<String> {
    let mut out = Vec::new();
    loop {
        match r.next() {
            Ok(Got::Row) => {
                let fields: Vec<&str> = (0..r.len()).map(|i| r.field(i)).collect();
                out.push(format!("{}:{}", r.row_line, fields.join("|")));
            }
            Ok(Got::Bad(line, m)) => out.push(format!("{line}!{}", m.en)),
            Ok(Got::End) => break,
            Err(Stop::RowTooLong { line, message }) => {
                out.push(format!("{line}#{}", message.en));
                break;
            }
            Err(Stop::Io(e)) => panic!("{e}"),
        }
    }
    out
}

/// Every row of `text`, the delimiter detected from a header naming `a`, `b`, `c`.
fn rows(text: &[u8]) -> Vec<String> {
    let mut r = CsvRows::new(text);
    r.detect_delimiter(|n| ["a", "b", "c"].contains(&n)).unwrap();
    read_all(r)
}

#[test]
fn delimiters_bom_line_ends_and_leftovers() {
    assert_eq!(rows(b"a,b,c\n1,2,3\n"), ["1:a|b|c", "2:1|2|3"]);
    assert_eq!(rows(b"a;b;c\r\n1;\"2;x\";3\r\n"), ["1:a|b|c", "2:1|2;x|3"]);
    assert_eq!(rows(b"a\tb\tc\n1\t2\t3\n"), ["1:a|b|c", "2:1|2|3"]);
    assert_eq!(rows(b"\xef\xbb\xbf\"a\",b,c\n1,2,3"), ["1:a|b|c", "2:1|2|3"]);
    // Blank lines, rows of only delimiters, CR alone: physical lines counted.
    assert_eq!(rows(b"a,b,c\r\n\r\n,,\r\n1,2,3\r4,5,6\n\n7,8,9"), ["1:a|b|c", "4:1|2|3", "5:4|5|6", "7:7|8|9"]);
    // A quoted field over two lines: the row is numbered by its first line.
    assert_eq!(rows(b"a,b,c\n\"x\ny\",2,3\n4,5,6\n"), ["1:a|b|c", "2:x\ny|2|3", "4:4|5|6"]);
}

/// A row of exactly `MAX_ROW` bytes, its line end not counted, is read; one byte more is
/// refused: the same whichever way the row is read (split directly, unquoted or quoted whole,
/// or by csv-core, a delimiter inside quotes) and whatever its line end.
#[test]
fn the_row_limit_is_the_same_on_every_path() {
    for (open, close) in [("1,", ",3"), ("\"1\",\"", "\",\"3\""), ("1,\"x,", "\",3")] {
        for end in ["\n", "\r\n", "\r"] {
            for (len, read) in [(MAX_ROW, true), (MAX_ROW + 1, false)] {
                let filler = "y".repeat(len - open.len() - close.len());
                let row = format!("{open}{filler}{close}");
                assert_eq!(row.len(), len);
                let r = rows(format!("a,b,c{end}{row}{end}4,5,6{end}").as_bytes());
                let middle = if open.contains('x') { format!("x,{filler}") } else { filler.clone() };
                let first =
                    if read { format!("2:1|{middle}|3") } else { "2!the row is longer than 65536 bytes".to_owned() };
                // Compared whole, shown by their starts (a row is 64 KiB).
                let start = |s: &String| s.chars().take(40).collect::<String>();
                assert!(
                    r[1..] == [first.clone(), "3:4|5|6".to_owned()],
                    "{open:?} {end:?} {len}: {:?}, not {:?}",
                    r.iter().map(start).collect::<Vec<_>>(),
                    start(&first)
                );
            }
        }
    }
}

#[test]
fn refusals_name_their_line() {
    let r = rows(b"a,b,c\n1,\xff,3\n4,5,6\n");
    assert_eq!(r[1], "2!the row is not UTF-8 text: save the file as \"CSV UTF-8 (Comma delimited)\" and try again");
    assert_eq!(r[2], "3:4|5|6");
    let r = rows(b"a,b,c\n1,2,3\n4,\"5,6\n7,8,9\n");
    assert_eq!(r.last().unwrap(), "3!a quote opened here is never closed: every field after it was read as one text");
    // Quoting csv-core would read loosely: refused, the rest read.
    let r = rows(b"a,b,c\n1,2,\"1\"0\n1,x\"y,3\n\"p\"\"q\",\"\",\"\"\n");
    assert!(r[1].starts_with("2!text follows the closing quote of a field"), "{r:?}");
    assert!(r[2].starts_with("3!a quote stands inside a field"), "{r:?}");
    assert_eq!(r[3], "4:p\"q||");
    let r = rows(b"a,b,c\n1,2,3\n\n4,5,\"6\n7,8,9\n10");
    assert_eq!(r.last().unwrap(), "4!a quote opened here is never closed: every field after it was read as one text");
    // A quote never closed before MAX_RUN: reading stops, naming the line it opened on.
    let mut text = b"a,b,c\n1,\"2,3\n".to_vec();
    text.extend(std::iter::repeat_n(b"x,y,z\n".iter().copied(), MAX_RUN / 5).flatten());
    let r = rows(&text);
    assert!(
        r.last().unwrap().starts_with("2#a field quoted on line 2 runs past 1048576 bytes without its closing quote"),
        "{r:?}"
    );
    // Closed within MAX_RUN: that row is refused, the rest read.
    let mut text = b"a,b,c\n1,\"2,3\n".to_vec();
    text.extend(std::iter::repeat_n(b"x,y,z\n".iter().copied(), MAX_ROW / 5).flatten());
    text.extend_from_slice(b"\",3\n4,5,6\n");
    let r = rows(&text);
    assert_eq!(r[1..], ["2!the row is longer than 65536 bytes", &format!("{}:4|5|6", 3 + MAX_ROW / 5 + 1)]);
    // No line end at all (as /dev/zero): stops after MAX_RUN bytes.
    let zeros = vec![0u8; 3 * MAX_RUN];
    let r = rows(&[b"a,b,c\n".as_slice(), &zeros].concat());
    assert!(r.last().unwrap().starts_with("2#the row runs past 1048576 bytes"), "{r:?}");
}

/// Every row of `data` read in memory, split directly or always by csv-core.
fn in_memory(data: &[u8], direct: bool) -> Vec<String> {
    let mut r = Records::new(b',', 1, false);
    if !direct {
        r = r.without_direct_split();
    }
    let mut pos = 0;
    let mut out = Vec::new();
    loop {
        match r.next(data, if direct { Checked::run(data, 0, data.len()) } else { Checked::default() }, &mut pos, true)
        {
            Ok(Step::Row(f)) => {
                let fields: Vec<&str> = (0..f.len()).map(|i| f.get(i)).collect();
                out.push(format!("{}:{}", f.line, fields.join("|")));
            }
            Ok(Step::Bad(line, m)) => out.push(format!("{line}!{}", m.en)),
            Ok(Step::End) => break,
            Ok(Step::NeedMore) => panic!("more asked of the whole input"),
            Err(Stop::RowTooLong { line, message }) => {
                out.push(format!("{line}#{}", message.en));
                break;
            }
            Err(Stop::Io(e)) => panic!("{e}"),
        }
    }
    out
}

/// A stream that gives at most `k` bytes a read.
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.1.min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// Every row of a stream given `k` bytes at a time.
fn streamed(data: &[u8], k: usize) -> Vec<String> {
    read_all(CsvRows::new(Trickle(data, k)))
}

#[test]
fn direct_split_and_csv_core_agree_on_written_cases() {
    let cases: [&[u8]; 17] = [
        b"\"H\xc3\xa0 N\xe1\xbb\x99i\",\"x\"\r\n\"a\",b\n",
        b"\"\",\"\"\n\" \", \nx\n",
        b"\"a\"\"b\",c\n\"a\",b\"\n",
        b"\"a\" ,b\n \"a\",b\n",
        b"\"a,b\",c\na,\"\"\n",
        b"\"\n",
        b"a,\"",
        b"\"a\r\nb\",c\n",
        b"\"a\"\rb\n",
        b"a,b\r\nc,d\r\n",
        b"a,b\rc,d\n\n\r\ne,f",
        b"\xef\xbb\xbfa,b\n\xef\xbb\xbfc,d\n",
        b"a,\xc3\xa9\nb,\xc3,\xa9\n",
        b" , \n,,\n\t\nx\n",
        b"a,\"b\nc\",d\ne,f\n",
        b"a,\"b\"c\n\"open,x\ny\n",
        b"last line without end",
    ];
    for case in cases {
        let direct = in_memory(case, true);
        assert_eq!(direct, in_memory(case, false), "{:?}", String::from_utf8_lossy(case));
        assert_eq!(direct, streamed(case, 1), "{:?}", String::from_utf8_lossy(case));
    }
    // A row of only a byte-order mark is blank; the rows after it keep their own lines.
    assert_eq!(in_memory(b"a\n\xef\xbb\xbf\n\nb\n", true), ["1:a", "4:b"]);
    assert_eq!(streamed(b"a\n\xef\xbb\xbf\n\nb\n", 1), ["1:a", "4:b"]);
    // Lone CRs end lines whichever way the row is read.
    assert_eq!(in_memory(b"a,b\rc,d\re", true), ["1:a|b", "2:c|d", "3:e"]);
    // A field split at a delimiter inside a character is not text (as the whole row is not).
    assert_eq!(
        in_memory(b"a,\xc3,\xa9\n", true),
        ["1!the row is not UTF-8 text: save the file as \"CSV UTF-8 (Comma delimited)\" and try again"]
    );
    assert_eq!(in_memory(b"a,\xc3,\xa9\n", false), in_memory(b"a,\xc3,\xa9\n", true));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 2000,
        // Kept with the other seeds, not in a directory of its own at the top of the crate.
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct("tests/proptest-regressions/src/sheet-csv-tests.txt"))),
        ..proptest::prelude::ProptestConfig::default()
    })]
    /// Random files of the bytes that matter (delimiters, quotes, every line end, a split
    /// character, a byte that is never UTF-8, a byte-order mark) read the same way in memory with
    /// and without the direct split, and streamed a few bytes at a time.
    #[test]
    fn every_way_of_reading_agrees(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                &b"a"[..], b"bc", b",", b"\"", b"\r", b"\n", b"\r\n", b" ", b"\xc3\xa9", b"\xc3", b"\xff",
                b"\xef\xbb\xbf", b"\t", b";", b"\"bc\"", b"\"\"", b"\"a,\"",
            ]),
            0..60,
        ),
        k in 1usize..9,
    ) {
        let data: Vec<u8> = pieces.concat();
        let direct = in_memory(&data, true);
        proptest::prop_assert_eq!(&direct, &in_memory(&data, false));
        proptest::prop_assert_eq!(&direct, &streamed(&data, k));
    }
}
