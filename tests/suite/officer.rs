//! What an officer types: Vietnamese procedures and channels, day-first dates in cells and
//! flags, device names as written on the form. Expected values are written by hand.

use std::process::Stdio;

use crate::r::{Application, Channel, Date, DeviceClass, Procedure};
use crate::tools::{run, stderr};
use crate::{date, shared};

#[test]
fn procedures_and_channels_as_officers_write_them() {
    use Procedure::*;
    for (written, expected) in [
        ("renewal", Renewal),
        ("gia hạn", Renewal),
        ("Gia Hạn", Renewal),
        ("GIA HAN", Renewal),
        ("gia_han", Renewal),
        ("Gia hạn giấy phép", Renewal),
        ("cấp mới", New),
        ("Cấp giấy phép", New),
        ("bổ sung", Supplement),
        ("Bo sung giay phep", Supplement),
        ("sửa đổi", Amendment),
        ("cấp lại", Reissue),
        ("cap-lai", Reissue),
        ("re-issue", Reissue),
        ("Khai báo", Declaration),
        // Decomposed marks (as some Mac keyboards type them) read the same.
        ("gia ha\u{323}n", Renewal),
    ] {
        assert_eq!(Procedure::from_written(written), Ok(expected), "{written}");
    }
    for (written, expected) in [
        ("online", Channel::Online),
        ("Trực tuyến", Channel::Online),
        ("nộp trực tuyến", Channel::Online),
        ("in_person", Channel::InPerson),
        ("trực tiếp", Channel::InPerson),
        ("Nộp trực tiếp", Channel::InPerson),
    ] {
        assert_eq!(Channel::from_written(written), Ok(expected), "{written}");
    }
    // Refused, saying what is accepted.
    let e = Procedure::from_written("gia hạn lần 2").unwrap_err();
    assert_eq!(e.field, "procedure");
    assert!(e.message.contains("renewal (gia hạn)"), "{e}");
    // "sửa đổi, bổ sung" is one procedure in Decree 142/2020 but two fees here: never guessed.
    let e = Procedure::from_written("Sửa đổi, bổ sung giấy phép").unwrap_err();
    assert!(e.message.contains("write `bổ sung` (supplement) when devices are added"), "{e}");
    assert!(Channel::from_written("bưu điện").unwrap_err().message.contains("online (trực tuyến)"));
    // A class key as typed; a guess is only suggested.
    assert_eq!(DeviceClass::from_written("XRAY-CT"), Ok(DeviceClass::XrayCt));
    let e = DeviceClass::from_written("CT").unwrap_err();
    assert!(e.message.contains("did you mean `xray_ct`, `pet_ct` or `spect_ct`?"), "{e}");
}

#[test]
fn day_first_dates_in_cells_and_flags_iso_in_files() {
    for (written, expected) in [
        ("15/09/2025", "2025-09-15"),
        ("1/9/2025", "2025-09-01"),
        ("15-09-2025", "2025-09-15"),
        ("15.09.2025", "2025-09-15"),
        (" 02/03/2026 ", "2026-03-02"),
        ("2025-09-15", "2025-09-15"),
    ] {
        assert_eq!(Date::from_form(written), Ok(date(expected)), "{written}");
    }
    for (written, needle) in [
        ("09/15/2025", "month 15 does not exist"),
        ("31/02/2025", "day 31 does not exist in 2025-02"),
        ("15/09/25", "write it as DD/MM/YYYY"),
        ("2025/09/15", "write it as DD/MM/YYYY"),
        ("15/09-2025", "write it as DD/MM/YYYY"),
    ] {
        let e = Date::from_form(written).unwrap_err().to_string();
        assert!(e.contains(needle), "{written}: {e}");
    }
    // In a TOML file a date is YYYY-MM-DD; a day-first one is refused with the right spelling.
    let e = Application::from_toml(
        "a.toml",
        "province = \"Huế\"\nprocedure = \"new\"\nreceived = \"15/09/2025\"\n[[device]]\nclass = \"xray_ct\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("a.toml:3:12: `15/09/2025` is written day first: write it here as 2025-09-15"), "{e}");
}

#[test]
fn an_application_in_vietnamese_is_priced_as_in_keys() {
    let vi = "province = \"Ðồng Nai\"\nprocedure = \"Gia hạn\"\nchannel = \"Trực tuyến\"\nreceived = 2025-09-15\n[[device]]\nclass = \"xray_mobile\"\n";
    let q = shared().quote(&Application::from_toml("vi.toml", vi).unwrap()).unwrap();
    assert_eq!((q.procedure, q.channel), (Procedure::Renewal, Channel::Online));
    // 2,000,000 × 75 % (renewal) × 90 % (online, 63/2023) = 1,350,000.
    assert_eq!(q.total.amount(), rust_decimal::Decimal::from(1_350_000));
    // A batch written the same way gives the figures of the same batch written in keys.
    let header = "application_id,province,procedure,received,channel,class,count\n";
    let vi =
        format!("{header}A,Ðồng Nai,Gia hạn,15/09/2025,trực tuyến,xray_mobile,1\nB,Huế,cấp mới,2/3/2026,,xray_ct,2\n");
    let keys = format!("{header}A,Đồng Nai,renewal,2025-09-15,online,xray_mobile,1\nB,Huế,new,2026-03-02,,xray_ct,2\n");
    let price = |t: &str| shared().price_batch(t.as_bytes(), &Default::default(), |_| {}).unwrap();
    let (a, b) = (price(&vi), price(&keys));
    assert!(a.problems.is_empty(), "{:?}", a.problems);
    assert_eq!(a.grand_total.amount(), rust_decimal::Decimal::from(1_350_000 + 16_000_000));
    assert_eq!((a.applications, a.grand_total, a.digest), (b.applications, b.grand_total, b.digest));
}

#[test]
fn the_quick_quote_takes_what_an_officer_knows() {
    // A name as written on the form, Vietnamese procedure and channel, a day-first date.
    let o = run(
        "calculator",
        &[
            "--name",
            "Máy X-quang di động Shimadzu",
            "--procedure",
            "gia hạn",
            "--channel",
            "trực tuyến",
            "--province",
            "Ðồng Nai",
            "--date",
            "15/09/2025",
            "--format",
            "json",
        ],
        Stdio::piped(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let q: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(q["total"], "1350000");
    assert_eq!(q["lines"][0]["class"], "xray_mobile");
    assert_eq!(q["lines"][0]["description"], "Máy X-quang di động Shimadzu");
    assert_eq!(q["lines"][0]["classified_by"][0]["rule"], "name.phrases");
    // Several devices, by class and by name, with counts.
    let o = run(
        "calculator",
        &[
            "--device",
            "xray_ct:2",
            "--device",
            "Máy X-quang răng toàn cảnh",
            "--procedure",
            "cấp mới",
            "--province",
            "Huế",
            "--date",
            "02/03/2026",
            "--format",
            "json",
        ],
        Stdio::piped(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let q: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // 2 × 8,000,000 (CT) + 2,000,000 (panoramic dental).
    assert_eq!(q["total"], "18000000");
    assert_eq!(q["lines"][1]["class"], "xray_dental_panoramic");
    assert!(q["lines"][0].get("description").is_none(), "a class given is not described");
    // A name that does not settle a class is refused with the candidates, never guessed.
    let o = run(
        "calculator",
        &["--name", "Máy X-quang răng", "--procedure", "new", "--province", "Huế", "--date", "02/03/2026"],
        Stdio::piped(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("xray_dental_panoramic"), "{}", stderr(&o));
    // `--class CT`: a suggestion, as in the file form.
    let o = run(
        "calculator",
        &["--class", "CT", "--procedure", "new", "--province", "Huế", "--date", "02/03/2026"],
        Stdio::piped(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("lỗi: --class: không có loại thiết bị `CT`; có phải là `xray_ct`, `pet_ct` hay `spect_ct`?"),
        "{}",
        stderr(&o)
    );
    let o = run(
        "calculator",
        &["--class", "CT", "--procedure", "new", "--province", "Huế", "--date", "02/03/2026", "--lang", "en"],
        Stdio::piped(),
    );
    assert!(stderr(&o).contains("did you mean `xray_ct`, `pet_ct` or `spect_ct`?"), "{}", stderr(&o));
    // --count belongs to --class or --name.
    let o = run(
        "calculator",
        &["--device", "xray_ct", "--count", "2", "--procedure", "new", "--province", "Huế", "--date", "02/03/2026"],
        Stdio::piped(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("với --device hãy ghi `:N` sau tên"), "{}", stderr(&o));
}

/// The words of an English sentence; a Vietnamese message must have none outside `code`.
fn english_words_outside_code(text: &str) -> Vec<String> {
    let mut outside = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 0 {
            outside.push_str(part);
            outside.push(' ');
        }
    }
    ["unknown", "expected", "write", " the ", " is ", "must", "device ", "application ", "did you mean", " or "]
        .iter()
        .filter(|w| outside.to_lowercase().contains(*w))
        .map(|w| (*w).to_owned())
        .collect()
}

/// The messages an officer meets most (a file, a batch row, an unpriceable application) have
/// a Vietnamese text of the crate's own, with no English sentence left inside it; English
/// stays for services (`Display`, `--lang en`).
#[test]
fn messages_officers_meet_are_in_vietnamese() {
    use radfee::error::Lang;
    let head = "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2026-03-02\n";
    let files = [
        format!("{head}[[device]]\nclass = \"xray_cat\"\n"),
        "province = \"Huế\"\nprocedure = \"gia hạn lần 2\"\nreceived = 2026-03-02\n[[device]]\nclass = \"xray_ct\"\n".to_owned(),
        "province = \"Huế\"\nprocedure = \"new\"\nchannel = \"bưu điện\"\nreceived = 2026-03-02\n[[device]]\nclass = \"xray_ct\"\n".to_owned(),
        // Read by TOML and serde: the crate's own texts keep their Vietnamese.
        format!("{head}tinh = \"Huế\"\n[[device]]\nclass = \"xray_ct\"\n"),
        format!("{head}[[device]]\nclass = \"xray_ct\"\ncount = \"hai\"\n"),
        format!("{head}[[device]]\nclass = \"xray_ct\"\ncount = 1.000\n"),
        "province = \"Huế\"\nprocedure = \"new\"\nreceived = \"15/09/2025\"\n[[device]]\nclass = \"xray_ct\"\n".to_owned(),
        format!("{head}[[device]]\nname = \"X-quang\"\nmobile = \"có lẽ\"\n"),
        format!("{head}[[device]]\nclass = \"xray_cat\"\n").replace("class = \"xray_cat\"", "class = 5"),
        format!("{head}[[device]]\nclass = \"xray_ct\"\ncount = 0\n"),
        head.to_owned(),
        format!("{head}[[device]]\nlabel = \"Phòng 1\"\n"),
        format!("{head}[[device]]\nname = \"máy đo mức\"\n[[device.source]]\nnuclide = \"Cs-137\"\nactivity = \"1 GBq\"\nreference_date = 2030-01-01\n"),
    ];
    let mut errors: Vec<radfee::Error> =
        files.iter().map(|t| Application::from_toml("a.toml", t).unwrap_err()).collect();
    let quote = |t: &str| shared().quote(&Application::from_toml("a.toml", t).unwrap()).unwrap_err();
    errors.push(quote(
        "province = \"Atlantis\"\nprocedure = \"new\"\nreceived = 2026-03-02\n[[device]]\nclass = \"xray_ct\"\n",
    ));
    errors.push(quote(&format!("{head}[[device]]\nname = \"Máy X-quang răng\"\n")));
    errors.push(quote(&format!("{head}[[device]]\nname = \"Thiết bị ABC\"\n")));
    errors.push(quote(&format!("{head}[[device]]\nclass = \"xray_ct\"\n[[device]]\nclass = \"nuclear_gauge\"\n")));
    errors.push(quote(
        "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2016-03-02\n[[device]]\nclass = \"xray_ct\"\n",
    ));
    for e in &errors {
        let vi = e.display_in(Lang::Vi);
        assert_ne!(vi, e.to_string(), "no Vietnamese text: {e}");
        assert!(
            english_words_outside_code(&vi).is_empty(),
            "English left in {vi:?}: {:?}",
            english_words_outside_code(&vi)
        );
        let both = e.display_in(Lang::Both);
        assert!(both.starts_with(&vi) && both.contains(&e.to_string().replace('\n', "\n       ")), "{both}");
        assert_eq!(e.display_in(Lang::En), e.to_string());
    }
    // Batch rows.
    let batch = "application_id,province,procedure,received,channel,class,count\n\
        A,Atlantis,new,2026-03-02,,xray_ct,1\nB,Huế,gia hạn lần 2,2026-03-02,,xray_ct,1\nC,Huế,new,31/02/2026,,xray_ct,1\n\
        D,Huế,new,2026-03-02,bưu điện,xray_ct,1\nE,Huế,new,2026-03-02,,CT,1\nF,Huế,new,2026-03-02,,xray_ct,1.000\nG,Huế,new,2026-03-02,,xray_ct,2.5\nH,,new,2026-03-02,,xray_ct,1\n";
    let r = shared().price_batch(batch.as_bytes(), &Default::default(), |_| {}).unwrap();
    assert_eq!(r.problems.len(), 8);
    for p in &r.problems {
        let vi = p.display_in(Lang::Vi);
        assert!(vi.starts_with("dòng "), "{vi}");
        assert!(english_words_outside_code(&vi).is_empty(), "English left in {vi:?}");
    }
    assert_eq!(
        r.problems[2].display_in(Lang::Vi),
        "dòng 4: hồ sơ C: ngày tiếp nhận (received): tháng 02/2026 không có ngày 31 (tháng có 28 ngày); hồ sơ này không được tính phí (có dòng bị từ chối)"
    );
}

/// The messages met less often have their Vietnamese too, with no English sentence left in
/// it: a source's activity, a batch row the CSV reader refuses, a device list's rows and
/// header, a registry change refused, a file that is not a workbook.
#[test]
fn less_common_messages_are_in_vietnamese_too() {
    use radfee::error::Lang;
    let check = |vi: String, en: String| {
        assert_ne!(vi, en, "no Vietnamese text: {en}");
        assert!(
            english_words_outside_code(&vi).is_empty(),
            "English left in {vi:?}: {:?}",
            english_words_outside_code(&vi)
        );
    };
    let head = "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2026-03-02\n[[device]]\nname = \"máy đo mức\"\n[[device.source]]\nnuclide = \"Cs-137\"\n";
    for activity in ["\"1 GBx\"", "\"0 GBq\"", "\"GBq\"", "\"1,5 GBq\"", "\"1e30 TBq\""] {
        let e = Application::from_toml("a.toml", &format!("{head}activity = {activity}\n")).unwrap_err();
        check(e.display_in(Lang::Vi), e.to_string());
    }
    let e = Application::from_toml("a.toml", &format!("{head}activity = \"1 GBx\"\n")).unwrap_err();
    assert!(e.display_in(Lang::Vi).contains("không có đơn vị hoạt độ `GBx`"), "{}", e.display_in(Lang::Vi));
    // Rows the CSV reader refuses: a quote inside a field, a row that is not UTF-8.
    let mut batch =
        b"application_id,province,procedure,received,channel,class,count\nA,Hu\"e,new,2026-03-02,,xray_ct,1\n".to_vec();
    batch.extend_from_slice(b"B,Hu\xe9,new,2026-03-02,,xray_ct,1\n");
    let r = shared().price_batch(batch.as_slice(), &Default::default(), |_| {}).unwrap();
    assert_eq!(r.problems.len(), 2, "{:?}", r.problems);
    for p in &r.problems {
        check(p.display_in(Lang::Vi), p.to_string());
    }
    // A device list: rows refused by the import and by the registry, and a wrong header.
    let s = shared();
    let mut registry = radfee::registry::Registry::new();
    let list = "facility_id,equipment_id,class,year,mobile\nF9,D1,xray_ct,2020,\nF9,D2,xray_cat,2020,\nF9,D3,xray_ct,20x0,\nF9,D4,xray_ct,2020,có lẽ\n,D5,xray_ct,2020,\n";
    let report = registry.import_csv(s, list.as_bytes(), date("2025-09-01")).unwrap();
    assert_eq!(report.problems.len(), 5, "{:?}", report.problems);
    for p in &report.problems {
        check(p.display_in(Lang::Vi), p.to_string());
        assert!(p.display_in(Lang::Vi).starts_with("dòng "), "{}", p.display_in(Lang::Vi));
    }
    assert!(report.problems[0].display_in(Lang::Vi).contains("chưa có cơ sở mã `F9` trong sổ đăng ký"));
    let e = registry.import_csv(s, "colour,Mã thiết bị\n".as_bytes(), date("2025-09-01")).unwrap_err();
    check(e.display_in(Lang::Vi), e.to_string());
    // Not a workbook.
    let e = registry.import_workbook(s, b"PK\x03\x04 not a zip", None, date("2025-09-01")).unwrap_err();
    check(e.display_in(Lang::Vi), e.to_string());
}

/// A checkbox of the form (`mobile`, `type_approved`) may be written as the form says it:
/// "có"/"không" with or without diacritics, as well as true/false.
#[test]
fn checkboxes_read_co_and_khong() {
    let head = "province = \"Huế\"\nprocedure = \"new\"\nreceived = 2026-03-02\n[[device]]\nradiation = \"x_ray\"\nuse = \"medical\"\nmodality = \"radiography\"\n";
    for (written, class) in [
        ("\"Có\"", DeviceClass::XrayMobile),
        ("\"khong\"", DeviceClass::XrayGeneral),
        ("true", DeviceClass::XrayMobile),
        ("\"KHÔNG\"", DeviceClass::XrayGeneral),
    ] {
        let app = Application::from_toml("a.toml", &format!("{head}mobile = {written}\n")).unwrap();
        let q = shared().quote(&app).unwrap();
        assert_eq!(q.lines[0].class, Some(class), "{written}");
    }
    let e = Application::from_toml("a.toml", &format!("{head}mobile = \"có lẽ\"\n")).unwrap_err().to_string();
    assert!(
        e.contains("a.toml:8:10: `có lẽ` is not true or false: write true or false (or \"có\" or \"không\")"),
        "{e}"
    );
}

/// The words of the provinces' procedure lists and of the national portal.
#[test]
fn procedure_titles_and_portal_words_are_read() {
    use Procedure::*;
    for (written, expected) in [
        ("Gia hạn giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán trong y tế", Ok(Renewal)),
        ("Cấp giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán trong y tế", Ok(New)),
        ("Cấp lần đầu", Ok(New)),
        ("Bổ sung giấy phép tiến hành công việc bức xạ", Ok(Supplement)),
        ("Sửa đổi, bổ sung giấy phép tiến hành công việc bức xạ", Err("gồm hai thủ tục")),
    ] {
        match (Procedure::from_written(written), expected) {
            (Ok(p), Ok(e)) => assert_eq!(p, e, "{written}"),
            (Err(e), Err(needle)) => assert!(e.message_vi.contains(needle), "{written}: {}", e.message_vi),
            (got, _) => panic!("{written}: {got:?}"),
        }
    }
    assert_eq!(Channel::from_written("Dịch vụ công trực tuyến"), Ok(Channel::Online));
    // By post is not online: the 63/2023 reduction is for applications filed online.
    assert_eq!(Channel::from_written("qua bưu chính"), Ok(Channel::InPerson));
}

/// With `--format json`, an error of the library is one JSON object on standard error with
/// both languages, for the portal.
#[test]
fn errors_are_json_in_both_languages_when_the_output_is() {
    let o = run(
        "calculator",
        &[
            "--class",
            "xray_ct",
            "--procedure",
            "new",
            "--province",
            "Atlantis",
            "--date",
            "02/03/2026",
            "--format",
            "json",
        ],
        Stdio::piped(),
    );
    assert_eq!(o.status.code(), Some(2));
    let e: serde_json::Value = serde_json::from_str(stderr(&o).trim()).unwrap_or_else(|_| panic!("{}", stderr(&o)));
    let f = &e["error"]["findings"][0];
    assert_eq!(f["key"], "province");
    assert!(f["message"].as_str().unwrap().starts_with("unknown province `Atlantis`"));
    assert!(f["message_vi"].as_str().unwrap().starts_with("không có tỉnh, thành phố `Atlantis`"));
    assert_eq!(e["error"]["unpriceable"], false);
}

/// The classify tool speaks Vietnamese by default: labels, values and the reasons with their
/// dates day first; `--lang en` gives the English.
#[test]
fn the_classify_tool_speaks_vietnamese() {
    let o = run("classify", &["examples/devices/mixed.toml", "--date", "01/03/2026"], Stdio::piped());
    let out = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "Phân loại thiết bị ngày 01/03/2026",
        "thiết bị 1: Máy C-arm di động",
        "  loại: X-quang C-arm (`xray_c_arm`)",
        "  nhóm: X-quang chẩn đoán trong y tế (thiết bị phát tia X)",
        "  tình trạng: phải khai báo và cấp giấy phép",
        "  thẩm quyền cấp phép: UBND cấp tỉnh (Sở KH&CN)",
        "  kiểm định: 12 tháng một lần",
        "cơ quan cấp phép vào ngày 01/03/2026: UBND cấp tỉnh (Sở KH&CN)",
    ] {
        assert!(out.contains(needle), "{needle}\n{out}");
    }
    let o = run("classify", &["examples/devices/mixed.toml", "--date", "01/03/2026", "--lang", "en"], Stdio::piped());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("device 1: Máy C-arm di động") && out.contains("inspection: every 12 months"), "{out}");
    assert!(
        out.contains("  class: C-arm fluoroscopy (`xray_c_arm`)") && out.contains("status: declaration and licence"),
        "{out}"
    );
}

/// A batch whose header row is written in Vietnamese, as officers' spreadsheets are, reads the
/// same columns as the keys (any case, with or without diacritics), and prices the same.
#[test]
fn a_batch_with_vietnamese_headings_prices_as_with_keys() {
    let law = radfee::Law::builtin().unwrap();
    let rows = "HS-1,Đồng Nai,gia hạn,15/09/2025,trực tuyến,xray_ct,1\nHS-1,Đồng Nai,gia hạn,15/09/2025,trực tuyến,xray_mobile,2\n";
    let keys = format!("application_id,province,procedure,received,channel,class,count\n{rows}");
    let vietnamese =
        format!("Mã hồ sơ,\"Tỉnh, thành phố\",Thủ tục,Ngày tiếp nhận,Hình thức nộp,LOẠI THIẾT BỊ,so luong\n{rows}");
    let options = radfee::batch::Options::default();
    let a = law.price_batch(keys.as_bytes(), &options, |_| {}).unwrap();
    let b = law.price_batch(vietnamese.as_bytes(), &options, |_| {}).unwrap();
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    // (8,000,000 + 2 × 2,000,000) × 0.75 × 0.9 = 8,100,000.
    assert_eq!(b.grand_total.amount(), rust_decimal::Decimal::from(8_100_000));
    assert_eq!((a.applications, a.grand_total, a.digest), (b.applications, b.grand_total, b.digest));
    // A heading that is none of them is still reported, not guessed.
    let other = format!("Mã hồ sơ,Tỉnh,Thủ tục,Ngày,Hình thức nộp,Loại thiết bị,Số lượng\n{rows}");
    let e = law.price_batch(other.as_bytes(), &options, |_| {}).unwrap_err();
    assert!(e.findings()[0].message.contains("received"), "{e}");
}

mod constructors;
