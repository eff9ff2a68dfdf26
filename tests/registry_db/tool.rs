//! The officer's registry tool end to end: single changes from flags, refusals that record
//! nothing, a full or read-only disk, an import killed half way.

use std::path::{Path, PathBuf};
use std::process::Command;

fn tool() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let tool = exe.parent().and_then(|d| d.parent()).unwrap().join("examples").join("registry-db");
    assert!(tool.exists(), "build it first: cargo build --features sqlite --example registry-db");
    tool
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the tool on `db` (through `sh -c` with `prefix` when given), returns (exit code, output).
fn run_on(db: &Path, prefix: Option<&str>, args: &[&str]) -> (Option<i32>, String) {
    let mut c = match prefix {
        Some(p) => {
            let mut c = Command::new("sh");
            c.arg("-c").arg(format!("{p}; exec \"$0\" \"$@\"")).arg(tool()).arg(db);
            c
        }
        None => {
            let mut c = Command::new(tool());
            c.arg(db);
            c
        }
    };
    let o = c.args(args).current_dir(root()).output().unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr))
}

/// A registry file with the sample registry in it.
fn sample_store(dir: &Path) -> PathBuf {
    let db = dir.join("so.sqlite");
    assert_eq!(run_on(&db, None, &["init"]).0, Some(0));
    let (code, out) = run_on(&db, None, &["migrate", "--from", "examples/registry/sample.toml", "--by", "A"]);
    assert_eq!(code, Some(0), "{out}");
    db
}

fn events(db: &Path) -> usize {
    run_on(db, None, &["history"]).1.lines().count()
}

#[test]
fn single_changes_from_flags_each_say_what_they_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_store(dir.path());
    let run = |args: &[&str]| run_on(&db, None, args);
    let by = ["--by", "Trần Thị B"];
    let steps: Vec<Vec<&str>> = vec![
        vec![
            "register-facility",
            "--id",
            "PK-DN-05",
            "--name",
            "Phòng khám Hòa Bình",
            "--province",
            "Ðồng Nai",
            "--kind",
            "clinic",
            "--date",
            "01/03/2026",
        ],
        vec![
            "register",
            "--id",
            "DN05-XQ",
            "--facility",
            "PK-DN-05",
            "--name",
            "Máy X-quang răng toàn cảnh",
            "--serial",
            "P-77",
            "--manufacturer",
            "Vatech",
            "--model",
            "PaX-i",
            "--date",
            "02/03/2026",
        ],
        vec!["update", "--device", "DN05-XQ", "--location", "Phòng 2", "--date", "03/03/2026"],
        vec![
            "licence",
            "issue",
            "--number",
            "5/GP-SKHCN",
            "--facility",
            "PK-DN-05",
            "--authority",
            "province",
            "--expires",
            "02/03/2029",
            "--devices",
            "DN05-XQ",
            "--date",
            "04/03/2026",
        ],
        vec!["licence", "renew", "--number", "5/GP-SKHCN", "--expires", "02/03/2032", "--date", "05/03/2026"],
        vec!["move", "--device", "DN05-XQ", "--to-facility", "BV-DN-01", "--date", "06/03/2026"],
        vec!["decommission", "--device", "DN05-XQ", "--date", "07/03/2026"],
        vec!["dispose", "--device", "DN05-XQ", "--date", "08/03/2026"],
    ];
    for (i, step) in steps.iter().enumerate() {
        let args: Vec<&str> = step.iter().chain(by.iter()).copied().collect();
        let (code, out) = run(&args);
        assert_eq!(code, Some(0), "{step:?}: {out}");
        assert!(out.contains(&format!("Đã ghi sự kiện {}", 19 + i)), "{step:?}: {out}");
    }
    // Recorded as the rules keep them: the province as its slug, the class from the name.
    let (_, out) = run(&["history", "--device", "DN05-XQ"]);
    assert!(out.contains("\"province\":\"dong-nai\"") && out.contains("xray_dental_panoramic"), "{out}");
    // One of --facility and --device: both would leave one out without a word.
    for action in ["history", "show"] {
        let (code, out) = run(&[action, "--facility", "PK-DN-05", "--device", "DN05-XQ"]);
        assert_eq!(code, Some(2), "{out}");
        assert!(out.contains(&format!("{action} đọc --facility hoặc --device, không đọc cả hai")), "{out}");
    }
    assert!(out.contains("Trần Thị B") && out.contains("5/GP-SKHCN"), "{out}");
    // The state on a past day: held by the clinic on 04/03/2026, by the hospital on 06/03.
    let (_, out) = run(&["state", "--on", "04/03/2026", "--facility", "PK-DN-05"]);
    assert!(out.contains("DN05-XQ") && out.contains("cơ sở PK-DN-05 có 1 thiết bị, 1 giấy phép."), "{out}");
    let (_, out) = run(&["state", "--on", "06/03/2026", "--facility", "PK-DN-05"]);
    assert!(out.contains("cơ sở PK-DN-05 có 0 thiết bị, 1 giấy phép."), "{out}");
    // A refused change records nothing and says why, in Vietnamese, naming the device.
    let before = events(&db);
    let (code, out) = run(&["move", "--device", "DN05-XQ", "--to-facility", "NK-HCM-02", "--by", "B"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("thiết bị `DN05-XQ` đã thải bỏ") && out.contains("không có gì được ghi"), "{out}");
    let (code, out) = run(&[
        "licence",
        "issue",
        "--number",
        "7/GP",
        "--facility",
        "BV-DN-01",
        "--authority",
        "province",
        "--expires",
        "01/01/2030",
        "--devices",
        "DN01-CT",
        "--by",
        "B",
    ]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("đã thuộc giấy phép `15/GP-SKHCN`"), "{out}");
    // A missing flag is named with an example; a change needs who records it.
    let (code, out) = run(&["register", "--facility", "BV-DN-01", "--class", "xray_general", "--by", "B"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("register cần --id"), "{out}");
    let (code, out) = run(&["decommission", "--device", "DN01-CT"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("--by"), "{out}");
    let (code, out) = run(&["licence", "--number", "1", "--by", "B"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("`issue` (cấp) hoặc `renew` (gia hạn)"), "{out}");
    assert_eq!(events(&db), before, "nothing refused was recorded");
    assert_eq!(run(&["check"]).0, Some(0));
}

#[test]
fn a_full_disk_gives_exit_2_and_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_store(dir.path());
    let list = dir.path().join("list.csv");
    let mut csv = String::from("facility_id,equipment_id,class\n");
    for i in 0..3000 {
        csv.push_str(&format!("BV-DN-01,FULL-{i},xray_general\n"));
    }
    std::fs::write(&list, csv).unwrap();
    let before = events(&db);
    // Files written by the tool may not grow past 200 KiB: its journal fills that "disk".
    let (code, out) = run_on(
        &db,
        Some("trap '' XFSZ; ulimit -f 400"),
        &["import", "--list", list.to_str().unwrap(), "--date", "05/01/2026", "--by", "B"],
    );
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("không có thay đổi nào được ghi"), "{out}");
    assert_eq!(events(&db), before);
    assert_eq!(run_on(&db, None, &["check"]).0, Some(0));
}

#[test]
fn a_read_only_disk_gives_exit_2_and_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_store(dir.path());
    let bytes = std::fs::read(&db).unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let root_user = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    // The superuser writes through file permissions: a read-only mount is what it cannot.
    let mounted = root_user
        && Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
            .arg(&ro)
            .status()
            .is_ok_and(|s| s.success());
    let copy = ro.join("so.sqlite");
    std::fs::copy(&db, &copy).unwrap();
    if mounted {
        assert!(Command::new("mount").args(["-o", "remount,ro"]).arg(&ro).status().unwrap().success());
    } else {
        assert!(!root_user, "the superuser could not mount a read-only disk to test with");
        let mode = |p: &Path, m: u32| {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
        };
        mode(&copy, 0o444);
        mode(&ro, 0o555);
    }
    let (code, out) = run_on(&copy, None, &["decommission", "--device", "DN01-CT", "--by", "B"]);
    // An archived copy on a read-only disk can still be read and checked.
    let (check, checked) = run_on(&copy, None, &["check"]);
    let (list, listed) = run_on(&copy, None, &["list", "--province", "Đồng Nai"]);
    let after = std::fs::read(&copy).unwrap();
    if mounted {
        let _ = Command::new("umount").arg(&ro).status();
    }
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("chỉ cho phép đọc"), "{out}");
    assert_eq!(check, Some(0), "{checked}");
    assert_eq!(list, Some(0), "{listed}");
    assert!(listed.contains("DN01-CT"), "{listed}");
    assert_eq!(after, std::fs::read(&db).unwrap(), "the file is unchanged");
    assert_eq!(after.len(), bytes.len());
}

#[test]
fn an_import_killed_half_way_records_all_of_it_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_store(dir.path());
    let before = events(&db);
    let list = dir.path().join("big.csv");
    let mut csv = String::from("facility_id,equipment_id,class,manufacturer,model,serial\n");
    for i in 0..100_000 {
        csv.push_str(&format!("BV-DN-01,BIG-{i},xray_general,Acme,M1,SN{i}\n"));
    }
    std::fs::write(&list, csv).unwrap();
    let mut child = Command::new(tool())
        .arg(&db)
        .args(["import", "--list", list.to_str().unwrap(), "--date", "05/01/2026", "--by", "B"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed once its transaction has started writing (its journal grows), or after 3 s.
    let wal = dir.path().join("so.sqlite-wal");
    for _ in 0..300 {
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 1_000_000) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let after = events(&db);
    assert!(after == before || after == before + 100_000, "all or none: {before} → {after}");
    assert_eq!(run_on(&db, None, &["check"]).0, Some(0));
    // The import run again completes.
    let (code, out) =
        run_on(&db, None, &["import", "--list", list.to_str().unwrap(), "--date", "05/01/2026", "--by", "B"]);
    if after == before {
        assert_eq!(code, Some(0), "{out}");
        assert!(out.contains("đăng ký 100000 thiết bị"), "{out}");
    }
}

#[test]
fn flags_ids_and_texts_are_held_to_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_store(dir.path());
    let run = |args: &[&str]| run_on(&db, None, args);
    let before = events(&db);
    // A flag the action does not read is refused, not ignored.
    let (code, out) =
        run(&["update", "--device", "DN01-CT", "--to-facility", "NK-HCM-02", "--location", "P5", "--by", "B"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("update không dùng --to-facility"), "{out}");
    let (code, out) = run(&["list", "--facility", "SB-HN-04"]);
    assert_eq!(code, Some(2), "{out}");
    // An id typed with spaces or in another Unicode form names the device already there.
    for id in [" DN01-CT", "DN01-CT ", "MÁY-1", "MA\u{301}Y-1"] {
        let (code, out) =
            run(&["register", "--id", id, "--facility", "BV-DN-01", "--class", "xray_general", "--by", "B"]);
        if id == "MÁY-1" {
            assert_eq!(code, Some(0), "{out}");
        } else {
            assert_eq!(code, Some(2), "{id:?}: {out}");
            assert!(out.contains("đã có trong sổ đăng ký"), "{out}");
        }
    }
    // A move that changes nothing, a text with a terminal code, an unknown facility.
    let (code, out) = run(&["move", "--device", "DN01-CT", "--to-facility", "BV-DN-01", "--by", "B"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("không thay đổi gì"), "{out}");
    let (code, out) = run(&["decommission", "--device", "DN01-CT", "--by", "B\u{1b}[2J"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("ký tự điều khiển"), "{out}");
    let (code, out) = run(&["state", "--on", "01/01/2026", "--facility", "NOPE"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("không có cơ sở `NOPE`"), "{out}");
    assert_eq!(events(&db), before + 1, "only the one new device was recorded");
    // An export's format is the one given or the one its name says, never guessed.
    let (code, out) = run(&["export", "--out", dir.path().join("x.txt").to_str().unwrap()]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("--format"), "{out}");
}

#[test]
fn what_a_second_newcomer_found_stays_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_store(dir.path());
    let run = |args: &[&str]| run_on(&db, None, args);
    let refused = |args: &[&str], needle: &str| {
        let (code, out) = run(args);
        assert_eq!(code, Some(2), "{args:?}: {out}");
        assert!(out.contains(needle), "{args:?}: {out}");
    };
    // Another registry is never an export's target.
    let other = sample_store(&{
        let d = dir.path().join("other");
        std::fs::create_dir(&d).unwrap();
        d
    });
    let before = std::fs::read(&other).unwrap();
    refused(&["export", "--format", "toml", "--out", other.to_str().unwrap()], "là một cơ sở dữ liệu SQLite");
    assert_eq!(std::fs::read(&other).unwrap(), before);
    refused(
        &[
            "licence",
            "renew",
            "--number",
            "15/GP-SKHCN",
            "--expires",
            "01/01/2030",
            "--facility",
            "SB-HN-04",
            "--by",
            "B",
        ],
        "licence renew không dùng --facility",
    );
    refused(&["list", "--on", "01/01/2024"], "state --on");
    refused(
        &["register", "--id", "X\u{200b}1", "--facility", "BV-DN-01", "--class", "xray_general", "--by", "B"],
        "vô hình",
    );
    // A list whose serial column is named in words the import does not know is refused whole.
    let list = dir.path().join("l.csv");
    std::fs::write(&list, "facility_id,equipment_id,class,Số seri thiết bị\nBV-DN-01,S-1,xray_general,A-1\n").unwrap();
    refused(&["import", "--list", list.to_str().unwrap(), "--date", "05/01/2026", "--by", "B"], "có vẻ là số sê-ri");
    // An empty SQLite database is not made a registry by reading it.
    let empty = dir.path().join("empty.db");
    rusqlite::Connection::open(&empty).unwrap().execute_batch("PRAGMA user_version = 0; VACUUM;").unwrap();
    let bytes = std::fs::read(&empty).unwrap();
    let (code, out) = run_on(&empty, None, &["list"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("không chứa sổ đăng ký"), "{out}");
    assert_eq!(std::fs::read(&empty).unwrap(), bytes);
    // Ids in reads are read as the registry keeps them.
    let (code, out) = run(&["show", "--device", " DN01-CT "]);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn a_mistyped_serial_is_corrected_never_into_another_devices() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_store(dir.path());
    let run = |args: &[&str]| run_on(&db, None, args);
    // DN01-XQ given the CT's maker, model and serial (SN-1001, maker in capitals): refused.
    let (code, out) = run(&[
        "update",
        "--device",
        "DN01-XQ",
        "--manufacturer",
        "SIEMENS",
        "--model",
        "Somatom go.Up",
        "--serial",
        "SN-1001",
        "--by",
        "B",
    ]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("đã được đăng ký là thiết bị `DN01-CT`"), "{out}");
    // A serial of its own is recorded, with the year, and the store stays sound.
    let (code, out) = run(&["update", "--device", "DN01-XQ", "--serial", "XQ-77", "--year", "2019", "--by", "B"]);
    assert_eq!(code, Some(0), "{out}");
    let (_, shown) = run(&["show", "--device", "DN01-XQ"]);
    assert!(shown.contains("\"serial\": \"XQ-77\"") && shown.contains("\"year\": 2019"), "{shown}");
    assert_eq!(run(&["check"]).0, Some(0));
}
