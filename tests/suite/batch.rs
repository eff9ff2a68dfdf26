//! Batch appraisal: the three figures, bad rows, and totals equal to the calculator's.

use crate::r::{Application, Channel, Date, DeviceClass, DeviceEntry, Procedure};
use proptest::prelude::*;

use crate::{root, shared};

#[test]
fn the_sample_batch_gives_its_three_figures() {
    let file = std::fs::File::open(root().join("examples/batch/sample.csv")).unwrap();
    let report = shared().price_batch(file, &Default::default(), |_| {}).unwrap();
    assert_eq!(report.rows, 6);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    // Computed independently: Python hashlib.sha256 over
    // "A-000001,9450000\nA-000002,6000000\nA-000003,2000000\nA-000004,0".
    let digest = "sha256:e36d029cb2056eff388c30c7a08bb321d77212cd14262489dd13640b80dc85b0";
    assert_eq!(report.summary(), format!("applications: 4\ngrand_total: 17450000\ndigest: {digest}\n"));
}

#[test]
fn bad_rows_are_reported_by_line_and_the_good_ones_kept() {
    let csv = "application_id,province,procedure,received,channel,class,count\n\
        B-1,Huế,new,2024-01-01,in_person,xray_ct,1\n\
        B-1,Huế,renewal,2024-01-01,in_person,xray_ct,1\n\
        B-2,Huế,new,2024-02-30,in_person,xray_ct,1\n\
        B-4,Huế,new,2024-01-01,,xray_ct,1\n\
        B-4,Huế,new,2024-01-01,,nuclear_gauge,1\n\
        B-6,Huế,new\n\
        \"B-7\",\"Huế\",new,2024-01-01,online,xray_ct,\n";
    let report = shared().price_batch(csv.as_bytes(), &Default::default(), |_| {}).unwrap();
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(problems[0].starts_with("line 3: application B-1: procedure is `renewal` here but `new` on line 2"));
    assert!(problems[1].starts_with("line 4: application B-2: received: day 30 does not exist"));
    assert!(problems[2].starts_with("line 5: application B-4: the devices fall to different licensing authorities"));
    assert!(report.problems[2].unpriceable);
    assert_eq!(
        problems[3],
        "line 7: application B-6: the row has 3 fields; the header has 7; the application is not priced (a row of it was refused)"
    );
    assert_eq!(report.applications, 1);
    assert_eq!(report.results[0].application_id, "B-7");
    assert_eq!(report.grand_total.amount(), rust_decimal::Decimal::from(7_200_000));
}

/// A date received after today is priced as written (a year's renewals may be priced ahead)
/// but never silently: the application carries a high warning saying so, counted once for the
/// batch; an application received before today does not.
#[test]
fn an_application_received_after_today_is_priced_with_a_warning() {
    let csv = "application_id,province,procedure,received,channel,class,count\n\
        F-1,Đồng Nai,gia hạn,01/01/2099,,xray_ct,1\n\
        F-2,Hà Nội,new,2025-09-15,,xray_ct,1\n";
    let options = crate::r::Options::default().keep(crate::r::Keep::Totals);
    let report = shared().price_batch(csv.as_bytes(), &options, |_| {}).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    // F-1: renewal, CT 8,000,000 × 75 % = 6,000,000 (the schedule in force in 2099 is the last
    // one, with its warning of the reported 2026 circular); F-2: new, CT 8,000,000.
    assert_eq!(report.grand_total.amount(), rust_decimal::Decimal::from(6_000_000 + 8_000_000));
    let carried: Vec<(&str, Vec<String>)> =
        report.results.iter().map(|r| (r.application_id.as_str(), r.warnings.clone())).collect();
    assert_eq!(
        carried,
        [("F-1", vec!["received-after-today".to_owned(), "reported-74-2026".to_owned()]), ("F-2", vec![]),]
    );
    let w = report.warnings.iter().find(|w| w.id == "received-after-today").unwrap();
    assert_eq!(w.applications, 1);
    assert!(w.text.vi.starts_with("Ngày tiếp nhận sau hôm nay ("), "{}", w.text.vi);
    assert!(w.text.en.contains("check the year, day and month"), "{}", w.text.en);
}

/// The class column reads a class's name as a quote prints it (and the desk lists it), with
/// or without diacritics, as well as its key; a part of a name is refused, never guessed.
#[test]
fn a_class_written_by_its_name_is_that_class() {
    let csv = "application_id,province,procedure,received,channel,class,count\n\
        N-1,Hà Nội,new,2025-09-15,,X-quang chụp cắt lớp vi tính (CT),1\n\
        N-1,Hà Nội,new,2025-09-15,,x quang rang toan canh panorama,2\n\
        N-2,Hà Nội,new,2025-09-15,,X-quang,1\n";
    let report = shared().price_batch(csv.as_bytes(), &Default::default(), |_| {}).unwrap();
    // N-1: CT 8,000,000 + 2 panoramic dental × 2,000,000 = 12,000,000.
    assert_eq!(report.applications, 1);
    assert_eq!(report.grand_total.amount(), rust_decimal::Decimal::from(12_000_000));
    let p = &report.problems[0];
    assert_eq!((p.line, p.column), (4, Some("class")));
    assert!(p.message_vi.as_deref().unwrap().contains("cũng có thể ghi tên loại như trên phiếu tính phí"), "{p:?}");
}

/// A row whose id is not UTF-8 is refused and shown with `�`, but names no application: a
/// valid row whose id really is `��X` is another application, and is priced.
#[test]
fn an_id_that_is_not_utf8_takes_no_valid_application_down() {
    let mut csv = b"application_id,province,procedure,received,channel,class,count\n".to_vec();
    csv.extend_from_slice(b"\xff\xfeX,dong-nai,renewal,2025-03-14,online,xray_ct,1\n");
    csv.extend_from_slice("\u{FFFD}\u{FFFD}X,dong-nai,renewal,2025-03-14,online,xray_ct,1\n".as_bytes());
    let report = shared().price_batch(&csv[..], &Default::default(), |_| {}).unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert_eq!(report.problems[0].line, 2);
    assert_eq!(report.problems[0].application_id.as_deref(), Some("\u{FFFD}\u{FFFD}X"));
    assert_eq!(report.applications, 1);
    // CT 8,000,000 at 75 % for a renewal, 90 % online (received before 2026): 5,400,000.
    assert_eq!(report.grand_total.amount(), rust_decimal::Decimal::from(5_400_000));
}

#[test]
fn a_wrong_header_is_refused() {
    for (csv, needle) in [
        (
            "id,province\n",
            "missing column(s): application_id, procedure, received, channel, class, count (the header also has `id`, which a batch file does not read: check the spelling)",
        ),
        (
            "application_id,province,procedure,received,channel,class,count,facility_kind\n",
            "column `facility_kind` would change the fee, but a batch file cannot state it",
        ),
        ("application_id,province,procedure,received,channel,class\n", "missing column(s): count"),
        ("", "missing column(s)"),
    ] {
        let err = shared().price_batch(csv.as_bytes(), &Default::default(), |_| {}).unwrap_err();
        assert!(err.to_string().contains(needle), "{err}");
        assert_eq!(crate::exit_code(&err), 2);
    }
    // In Vietnamese, a missing column is named by the heading an officer's sheet uses.
    let err = shared()
        .price_batch(
            "application_id,province,procedure,received,channel,class\n".as_bytes(),
            &Default::default(),
            |_| {},
        )
        .unwrap_err();
    let vi = err.display_in(radfee::error::Lang::Vi);
    assert!(vi.contains("thiếu cột: Số lượng (count)"), "{vi}");
    // A column the batch does not read is said, not refused.
    let csv = "STT,application_id,province,procedure,received,channel,class,count,Ghi chú\n1,X,Huế,new,2024-01-01,,xray_ct,2,ok\n";
    let report = shared().price_batch(csv.as_bytes(), &Default::default(), |_| {}).unwrap();
    assert_eq!(report.ignored_columns, ["STT", "Ghi chú"]);
    assert_eq!(report.grand_total.amount(), rust_decimal::Decimal::from(16_000_000));
    // Columns may come in any order; a byte-order mark is tolerated.
    let csv =
        "\u{feff}count,class,channel,received,procedure,province,application_id\n2,xray_ct,,2024-01-01,new,Huế,X\n";
    let report = shared().price_batch(csv.as_bytes(), &Default::default(), |_| {}).unwrap();
    assert_eq!(report.grand_total.amount(), rust_decimal::Decimal::from(16_000_000));
}

fn arb_rows() -> impl Strategy<Value = Vec<(u8, usize, u8, u16, bool, usize, u32)>> {
    // (application, province, procedure, day offset, online, class, count)
    prop::collection::vec((0u8..20, 0usize..34, 0u8..6, 0u16..4000, any::<bool>(), 0usize..40, 1u32..50), 1..60)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    /// The batch prices each application exactly as the calculator prices the same rows given
    /// as separate [[device]] entries, and its digest is independent of row order.
    #[test]
    fn batch_totals_equal_the_calculator_and_ignore_row_order(rows in arb_rows(), seed in any::<u64>()) {
        let s = shared();
        let classes: Vec<DeviceClass> = DeviceClass::ALL.iter().copied().filter(|c| c.needs_fee_row()).collect();
        let provinces = s.provinces().all();
        // Each application's header comes from its first row, so the rows agree.
        let mut heads = std::collections::BTreeMap::new();
        let mut csv = String::from("application_id,province,procedure,received,channel,class,count\n");
        let mut lines = Vec::new();
        for &(app, p, proc, day, online, class, count) in &rows {
            let (p, proc, day, online) = *heads.entry(app).or_insert((p, proc, day, online));
            let date = Date::from_days(Date::new(2017, 1, 1).unwrap().to_days() + i64::from(day)).unwrap();
            let line = format!(
                "APP-{app:03},{},{},{date},{},{},{count}\n",
                provinces[p].name().vi,
                Procedure::ALL[usize::from(proc)].key(),
                if online { "online" } else { "in_person" },
                classes[class % classes.len()].key()
            );
            lines.push(line);
        }
        csv.extend(lines.iter().cloned());
        let report = s.price_batch(csv.as_bytes(), &Default::default(), |_| {}).unwrap();
        for r in &report.results {
            let app_no: u8 = r.application_id[4..].parse().unwrap();
            let (p, proc, day, online) = heads[&app_no];
            let date = Date::from_days(Date::new(2017, 1, 1).unwrap().to_days() + i64::from(day)).unwrap();
            let mut b = Application::builder(provinces[p].name().vi.clone(), Procedure::ALL[usize::from(proc)], date)
                .channel(if online { Channel::Online } else { Channel::InPerson });
            for &(a, _, _, _, _, class, count) in &rows {
                if a == app_no {
                    b = b.device(DeviceEntry::of_class(classes[class % classes.len()], count).unwrap());
                }
            }
            let app = b.build().unwrap();
            prop_assert_eq!(s.quote(&app).unwrap().total, r.total);
        }
        // Shuffle the rows: same figures.
        let mut shuffled = lines.clone();
        crate::shuffle(&mut shuffled, seed);
        let csv2 = String::from("application_id,province,procedure,received,channel,class,count\n") + &shuffled.concat();
        let again = s.price_batch(csv2.as_bytes(), &Default::default(), |_| {}).unwrap();
        prop_assert_eq!(again.summary(), report.summary());
    }
}

#[test]
fn the_batch_tool_prints_the_figures_and_writes_out() {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().and_then(|d| d.parent()).unwrap().join("examples").join("batch");
    let out = std::env::temp_dir().join(format!("radfee-batch-{}.csv", std::process::id()));
    let detail = std::env::temp_dir().join(format!("radfee-batch-detail-{}.csv", std::process::id()));
    let o = std::process::Command::new(&bin)
        .args(["examples/batch/sample.csv", "--out"])
        .arg(&out)
        .arg("--detail")
        .arg(&detail)
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(stdout.starts_with("applications: 4\ngrand_total: 17450000\ndigest: sha256:"), "{stdout}");
    let written = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    assert_eq!(written.lines().next(), Some("application_id,total,authority,warnings"));
    assert!(written.contains("A-000001,9450000,province,\n"), "{written}");
    let lines = std::fs::read_to_string(&detail).unwrap();
    let _ = std::fs::remove_file(&detail);
    assert_eq!(lines.lines().next(), Some("application_id,class,count,unit_fee,amount,row,warnings,by_analogy,note"));
    assert!(lines.contains("A-000001,xray_general,2,3000000,6000000,1.4.4,,false,\n"), "{lines}");
}

#[test]
fn the_generator_is_deterministic_and_everything_it_writes_is_priced() {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().and_then(|d| d.parent()).unwrap().join("examples").join("gen_batch");
    let run =
        |seed: &str| std::process::Command::new(&bin).args(["--rows", "3000", "--seed", seed]).output().unwrap().stdout;
    let a = run("7");
    assert_eq!(a, run("7"));
    assert_ne!(a, run("8"));
    let report = shared().price_batch(a.as_slice(), &Default::default(), |_| {}).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems.first());
    assert_eq!((report.rows, report.applications), (3000, 1200));
}

/// A field as a CSV writer may write it: bare, or quoted (with `""` for a quote), as `quote` says.
fn csv_field(text: &str, quote: bool) -> String {
    if quote || text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(80))]

    /// Whatever the quoting, line ends, blank lines and id lengths, the batch reads the same
    /// applications, lists them in byte order of their ids, and its digest is SHA-256 over
    /// "id,total" lines in that order (computed here independently).
    #[test]
    fn ids_quoting_and_line_ends_do_not_change_the_figures(
        ids in prop::collection::vec("[A-Za-zé\",\n ]{0,3}", 1..12),
        prefix in prop::sample::select(vec!["", "A-", "PROVINCE-2025-LONG-PREFIX-"]),
        picks in prop::collection::vec((0usize..12, any::<bool>(), 1u32..4), 1..40),
        crlf in any::<bool>(),
        blank in any::<bool>(),
    ) {
        use sha2::{Digest, Sha256};
        let s = shared();
        let ids: Vec<String> = ids.iter().map(|i| format!("Z{prefix}{i}X")).collect();
        let end = if crlf { "\r\n" } else { "\n" };
        let mut plain = String::from("application_id,province,procedure,received,channel,class,count\n");
        let mut fancy = format!("application_id,province,procedure,received,channel,class,count{end}");
        for &(k, quote, count) in &picks {
            let id = &ids[k % ids.len()];
            plain.push_str(&format!("{},Huế,new,2024-05-10,online,xray_general,{count}\n", csv_field(id, false)));
            fancy.push_str(&format!(
                "{},{},new,2024-05-10,{},xray_general,{}{end}",
                csv_field(id, quote),
                csv_field("Huế", quote),
                csv_field("online", quote),
                csv_field(&count.to_string(), quote),
            ));
            if blank {
                fancy.push_str(end);
            }
        }
        let a = s.price_batch(plain.as_bytes(), &Default::default(), |_| {}).unwrap();
        let b = s.price_batch(fancy.as_bytes(), &Default::default(), |_| {}).unwrap();
        prop_assert!(a.problems.is_empty(), "{:?}", a.problems);
        prop_assert_eq!(&a.results, &b.results);
        prop_assert_eq!(a.summary(), b.summary());
        let mut expected: Vec<&str> = ids.iter().map(String::as_str).collect();
        expected.retain(|id| picks.iter().any(|(k, _, _)| ids[k % ids.len()] == *id));
        expected.sort_unstable();
        expected.dedup();
        let listed: Vec<&str> = a.results.iter().map(|r| r.application_id.as_str()).collect();
        prop_assert_eq!(&listed, &expected);
        let text = a.results.iter().map(|r| format!("{},{}", r.application_id, r.total.amount())).collect::<Vec<_>>().join("\n");
        let digest = Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect::<String>();
        prop_assert_eq!(a.digest.clone(), format!("sha256:{digest}"));
        // Keeping only the figures gives the same figures.
        let c = s.price_batch(fancy.as_bytes(), &crate::r::Options::default().keep(crate::r::Keep::Figures), |_| {}).unwrap();
        prop_assert_eq!(c.summary(), a.summary());
        prop_assert!(c.results.is_empty());
    }
}

#[test]
fn rows_are_numbered_by_the_line_they_start_on() {
    // A quoted field spanning two lines, CRLF and CR line ends, and blank lines.
    let csv = "application_id,province,procedure,received,channel,class,count\r\n\
        \"Q-1\nsecond line\",Huế,new,2024-05-10,,xray_ct,1\r\n\
        \r\n\
        Q-2,Huế,new,2024-02-30,,xray_ct,1\r\
        Q-3,Huế,new,2024-05-10,,xray_ct,zero\n\
        \n\
        Q-4,\"Xa\"\"Y\",new,2024-05-10,,xray_ct,1\n";
    let report = shared().price_batch(csv.as_bytes(), &Default::default(), |_| {}).unwrap();
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].starts_with("line 5: application Q-2: received: day 30 does not exist"), "{}", problems[0]);
    assert!(problems[1].starts_with("line 6: application Q-3: count: `zero` is not a number"), "{}", problems[1]);
    assert!(problems[2].starts_with("line 8: application Q-4: unknown province `Xa\"Y`"), "{}", problems[2]);
    assert_eq!(report.results.len(), 1);
    assert_eq!(report.results[0].application_id, "Q-1\nsecond line");
}

#[test]
fn an_overlong_row_is_reported_and_the_rest_read() {
    let csv = format!(
        "application_id,province,procedure,received,channel,class,count\nL-1,Huế,new,2024-05-10,,xray_ct,1{}\nL-2,Huế,new,2024-05-10,,xray_ct,1\n",
        " ".repeat(70_000)
    );
    let report = shared().price_batch(csv.as_bytes(), &Default::default(), |_| {}).unwrap();
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "line 2: application L-1: the row is longer than 65536 bytes; the application is not priced (a row of it was refused)"
        ]
    );
    assert_eq!(report.results.len(), 1);
}

/// An over-long row whose `application_id` comes after 64 KiB (docs/batch.md): it still names
/// its application, whose other, good row is then not priced.
#[test]
fn an_overlong_row_names_its_application_wherever_the_id_is() {
    let csv = format!(
        "province,procedure,received,channel,class,count,application_id
         Huế,new,2024-05-10,,xray_ct,1,L-1
         {},new,2024-05-10,,xray_ct,1,L-1
         Huế,new,2024-05-10,,xray_ct,1,L-2
",
        "x".repeat(70_000)
    );
    let report = shared().price_batch(csv.as_bytes(), &Default::default(), |_| {}).unwrap();
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "line 3: application L-1: the row is longer than 65536 bytes; the application is not priced (a row of it was refused)"
        ]
    );
    let priced: Vec<&str> = report.results.iter().map(|r| r.application_id.as_str()).collect();
    assert_eq!(priced, ["L-2"]);
}

/// A header typed with capitals names the same columns (`Application_ID;Class;…`).
#[test]
fn a_header_in_capitals_names_the_same_columns() {
    let csv = "Application_ID;Province;Procedure;Received;Channel;CLASS;Count\nA;Huế;new;2026-03-02;;xray_ct;2\n";
    let r = shared().price_batch(csv.as_bytes(), &Default::default(), |_| {}).unwrap();
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.grand_total.amount(), rust_decimal::Decimal::from(16_000_000));
}

#[test]
fn the_detail_file_marks_a_line_priced_by_analogy_with_its_assumption() {
    // An electron microscope has no row of Circular 287/2016: it is priced like row 1.5.1
    // (4,000,000 đồng a device), and the detail file says so on its line, as the quote does.
    let dir = std::env::temp_dir().join(format!("radfee-detail-analogy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("batch.csv");
    std::fs::write(
        &input,
        "application_id,province,procedure,received,channel,class,count\n\
         B-1,Hà Nội,new,2026-03-01,,electron_microscope,2\n\
         B-2,Hà Nội,new,2026-03-01,,xray_general,1\n",
    )
    .unwrap();
    let detail = dir.join("detail.csv");
    let o = crate::tools::run(
        "batch",
        &[input.to_str().unwrap(), "--detail", detail.to_str().unwrap(), "--lang", "en"],
        std::process::Stdio::piped(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", crate::tools::stderr(&o));
    let lines = std::fs::read_to_string(&detail).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let analogy = lines.lines().find(|l| l.starts_with("B-1,")).unwrap();
    assert!(
        analogy.starts_with("B-1,electron_microscope,2,4000000,8000000,1.5.1,,true,Applied by analogy with row 1.5.1"),
        "{lines}"
    );
    assert!(analogy.contains("no electron-microscope row"), "{lines}");
    assert!(lines.contains("\nB-2,xray_general,1,3000000,3000000,1.4.4,,false,\n"), "{lines}");
}
