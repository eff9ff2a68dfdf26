//! Every tool as a shell runs it: a closed pipe, a full disk, outputs that would destroy an
//! input, inputs that are not regular files or are too large, flags that conflict.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::root;

/// `cargo test` builds the examples beside the test binary: target/<profile>/examples/.
fn tool(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = profile_dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "{} not built; run `cargo test` (it builds the examples)", path.display());
    path
}

/// Each tool with arguments that print something on success.
fn printing() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("calculator", vec!["examples/applications/dong-nai-renewal-online.toml"]),
        ("classify", vec!["examples/devices/mixed.toml", "--date", "2026-03-01"]),
        ("batch", vec!["examples/batch/sample.csv"]),
        ("registry", vec!["examples/registry/sample.toml", "--today", "2026-11-22"]),
        ("check-schedules", vec![]),
        ("diff-schedules", vec!["--from", "vn-287-2016", "--to", "vn-287-2016-a63-2023"]),
        ("gen_batch", vec!["--rows", "1000"]),
    ]
}

/// [`run`] with `--lang en`: for the tests that read the English text of a message (the
/// Vietnamese of the same messages is checked beside them and in officer.rs).
fn run_en(name: &str, args: &[&str], stdout: Stdio) -> Output {
    let mut args = args.to_vec();
    args.extend(["--lang", "en"]);
    run(name, &args, stdout)
}

pub(crate) fn run(name: &str, args: &[&str], stdout: Stdio) -> Output {
    Command::new(tool(name))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_closed_pipe_ends_every_tool_quietly_with_141() {
    for (name, args) in printing() {
        // A pipe whose reading end is closed before the tool starts: its first write fails.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = run(name, &args, Stdio::from(writer));
        assert_eq!(o.status.code(), Some(141), "{name}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{name}: {}", stderr(&o));
        assert!(!stderr(&o).contains("error"), "{name} is quiet: {}", stderr(&o));
    }
}

#[test]
fn a_full_disk_is_reported_with_exit_code_2() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    for (name, args) in printing() {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let o = run_en(name, &args, Stdio::from(full));
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("cannot write to standard output: No space left on device"),
            "{name}: {}",
            stderr(&o)
        );
        // And in Vietnamese, the default: what happened in plain words, the system's number.
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let o = run(name, &args, Stdio::from(full));
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("lỗi: không ghi được ra đầu ra chuẩn: ổ đĩa đã đầy (mã lỗi hệ thống 28)"),
            "{name}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn a_closed_standard_error_changes_nothing_but_the_messages() {
    let o = Command::new(tool("calculator"))
        .args(["examples/applications/nothing-here.toml"])
        .current_dir(root())
        .stderr({
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            Stdio::from(writer)
        })
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn outputs_never_destroy_an_input_or_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::copy(root().join("examples/batch/sample.csv"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    let hard = dir.path().join("hard.csv");
    std::fs::hard_link(&input, &hard).unwrap();
    let other = dir.path().join("o.csv");
    let dotted = dir.path().join(".").join("o.csv");
    let cases: Vec<(Vec<&Path>, &str)> = vec![
        (vec![Path::new("--out"), &input], "--out"),
        (vec![Path::new("--detail"), &input], "--detail"),
        (vec![Path::new("--out"), &link], "is the input file"),
        (vec![Path::new("--out"), &hard], "is the input file"),
        (vec![Path::new("--out"), &other, Path::new("--detail"), &dotted], "name the same file"),
    ];
    for (flags, needle) in cases {
        let mut args: Vec<&str> = vec![input.to_str().unwrap()];
        args.extend(flags.iter().map(|p| p.to_str().unwrap()));
        let o = run_en("batch", &args, Stdio::piped());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert_eq!(std::fs::read(&input).unwrap(), before, "{args:?}: the input is untouched");
        assert!(!other.exists());
    }
    // A good run writes both files whole, and leaves no temporary file behind.
    let detail = dir.path().join("d.csv");
    let o = run_en(
        "batch",
        &[input.to_str().unwrap(), "--out", other.to_str().unwrap(), "--detail", detail.to_str().unwrap()],
        Stdio::piped(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&other).unwrap().lines().count(), 5);
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(std::fs::metadata(&other).unwrap().permissions().mode() & 0o777, 0o644, "a new file is readable by all");
    // Two outputs to /dev/null destroy nothing: both are written there.
    let o = run_en("batch", &[input.to_str().unwrap(), "--out", "/dev/null", "--detail", "/dev/null"], Stdio::piped());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A folder that does not exist: said with the file the officer named, not the name of the
    // temporary file the tool would have written first.
    let missing = dir.path().join("nodir/x.csv");
    let o = run_en("batch", &[input.to_str().unwrap(), "--out", missing.to_str().unwrap()], Stdio::piped());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "cannot write {}: No such file or directory (os error 2) (no output file was changed)",
            missing.display()
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn outputs_that_are_devices_pipes_or_links_are_never_replaced() {
    use std::os::unix::fs::FileTypeExt as _;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::copy(root().join("examples/batch/sample.csv"), &input).unwrap();
    let arg = |p: &Path| p.to_str().unwrap().to_owned();
    // /dev/null is written, not replaced; /dev/full fails with 2 and stays a device.
    for (dev, code) in [("/dev/null", 0), ("/dev/full", 2)] {
        if !Path::new(dev).exists() {
            continue;
        }
        let o = run_en("batch", &[&arg(&input), "--out", dev], Stdio::piped());
        assert_eq!(o.status.code(), Some(code), "{dev}: {}", stderr(&o));
        assert!(std::fs::metadata(dev).unwrap().file_type().is_char_device(), "{dev} is still a device");
    }
    // A FIFO as output, or as input with an output: refused at once, never waited on.
    let fifo = dir.path().join("ff");
    if Command::new("mkfifo").arg(&fifo).status().map(|s| s.success()).unwrap_or(false) {
        let o = run_en("batch", &[&arg(&input), "--out", &arg(&fifo)], Stdio::piped());
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("it is not a regular file"), "{}", stderr(&o));
        let o = run_en("batch", &[&arg(&fifo), "--out", &arg(&dir.path().join("o.csv"))], Stdio::piped());
        assert_eq!(o.status.code(), Some(2));
    }
    // A link to a file is followed (the link stays); a link to nothing (no file there yet, or
    // no folder) is refused: more often a mistake than a wish to create what it names.
    let target = dir.path().join("target.csv");
    let link = dir.path().join("link-out.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = run_en("batch", &[&arg(&input), "--out", &arg(&link)], Stdio::piped());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("a link to nothing"), "{}", stderr(&o));
    assert!(!target.exists(), "nothing was created through the link");
    std::fs::write(&target, "old").unwrap();
    let o = run_en("batch", &[&arg(&input), "--out", &arg(&link)], Stdio::piped());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&target).unwrap().starts_with("application_id,total"));
    let nowhere = dir.path().join("nowhere.csv");
    std::os::unix::fs::symlink("/nonexistent/folder/x.csv", &nowhere).unwrap();
    let o = run_en("batch", &[&arg(&input), "--out", &arg(&nowhere)], Stdio::piped());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("a link to nothing"), "{}", stderr(&o));
}

#[test]
fn inputs_that_are_not_regular_files_or_too_large_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    std::fs::File::create(&big).unwrap().set_len(2 * 1024 * 1024 * 1024).unwrap(); // sparse, 2 GiB
    let link = dir.path().join("link.toml");
    std::os::unix::fs::symlink(&big, &link).unwrap();
    let fifo = dir.path().join("fifo.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().map(|s| s.success()).unwrap_or(false);
    let mut cases: Vec<(&str, Vec<String>, &str)> = vec![
        ("calculator", vec!["/dev/zero".into()], "đây không phải là một tệp thông thường"),
        ("calculator", vec![dir.path().display().to_string()], "đây là một thư mục; hãy chọn tệp hồ sơ"),
        ("calculator", vec![link.display().to_string()], "tệp có 2147483648 byte; tệp hồ sơ tối đa 1048576 byte"),
        ("classify", vec![link.display().to_string()], "tệp có 2147483648 byte"),
        ("registry", vec!["/dev/zero".into()], "đây không phải là một tệp thông thường"),
        ("batch", vec!["/dev/zero".into()], "/dev/zero không phải là một tệp thông thường"),
    ];
    if made {
        cases.push(("calculator", vec![fifo.display().to_string()], "đây không phải là một tệp thông thường"));
        cases.push(("batch", vec![fifo.display().to_string()], "không phải là một tệp thông thường"));
    }
    for (name, args, needle) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let started = std::time::Instant::now();
        let o = run(name, &args, Stdio::piped());
        assert_eq!(o.status.code(), Some(2), "{name} {args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{name} {args:?}: {}", stderr(&o));
        assert!(started.elapsed().as_secs() < 30, "{name} {args:?} returns at once");
    }
    // A schedule folder with a link to a huge file.
    let schedules = dir.path().join("schedules");
    std::fs::create_dir(&schedules).unwrap();
    std::os::unix::fs::symlink(&big, schedules.join("x.toml")).unwrap();
    let o = run_en("check-schedules", &[schedules.to_str().unwrap()], Stdio::piped());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("the file is 2147483648 bytes; a schedule file may be at most")
    );
}

#[test]
fn quick_quote_flags_never_pass_unnoticed() {
    let app = "examples/applications/dong-nai-renewal-online.toml";
    let cases: &[(&[&str], &str)] = &[
        (
            &[app, "--date", "2026-01-01"],
            "--date describes a quick quote and cannot be combined with an application file",
        ),
        (&[app, "--class", "xray_ct", "--count", "3"], "--class, --count describe a quick quote"),
        (&[app, "--channel", "online"], "--channel describes a quick quote"),
        (
            &[
                "--class",
                "xray_ct",
                "--count",
                "4294967295",
                "--procedure",
                "new",
                "--province",
                "Huế",
                "--date",
                "2025-01-01",
            ],
            "--count: 4294967295 is larger than the limit of 1000000 devices",
        ),
        (
            &["--class", "xray_ct", "--count", "0", "--procedure", "new", "--province", "Huế", "--date", "2025-01-01"],
            "--count: must be at least 1, not 0",
        ),
        (
            &[
                "--class",
                "xray_ct",
                "--count",
                "1.000",
                "--procedure",
                "new",
                "--province",
                "Huế",
                "--date",
                "2025-01-01",
            ],
            "--count: `1.000` is ambiguous",
        ),
    ];
    for (args, needle) in cases {
        let mut args = args.to_vec();
        args.extend(["--lang", "en"]);
        let o = run("calculator", &args, Stdio::piped());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
    // The same refusals in Vietnamese by default.
    let o = run(
        "calculator",
        &["--class", "xray_ct", "--count", "0", "--procedure", "new", "--province", "Huế", "--date", "2025-01-01"],
        Stdio::piped(),
    );
    assert!(stderr(&o).contains("lỗi: --count: số lượng (count) phải từ 1 trở lên, không phải 0"), "{}", stderr(&o));
    let o = run(
        "calculator",
        &["--class", "xray_ct", "--count", "2.0", "--procedure", "new", "--province", "Huế", "--date", "2025-01-01"],
        Stdio::piped(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("16.000.000 ₫"));
}

/// Standard input redirected from a file is that file: an output naming it is refused before
/// anything is read or written (the file keeps its content).
#[test]
fn an_output_over_the_file_on_standard_input_is_refused() {
    let dir = std::env::temp_dir().join(format!("radfee-stdin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.csv");
    std::fs::copy(root().join("examples/batch/sample.csv"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    for flag in ["--out", "--detail"] {
        let o = Command::new(tool("batch"))
            .args(["-", flag, input.to_str().unwrap()])
            .stdin(std::fs::File::open(&input).unwrap())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{flag}: {}", stderr(&o));
        assert!(stderr(&o).contains("chính là dữ liệu vào chuẩn"), "{flag}: {}", stderr(&o));
        assert_eq!(std::fs::read(&input).unwrap(), before, "{flag}: the input is unchanged");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn help_and_argument_mistakes_are_in_vietnamese_by_default() {
    let english = ["Usage:", "Options:", "Arguments:", "Print help", "Print version", "Possible values", "[default:"];
    for (name, _) in printing() {
        let o = run(name, &["--help"], Stdio::piped());
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let help = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(help.contains("Cách dùng:") && help.contains("Tùy chọn:"), "{name}:\n{help}");
        for word in english {
            assert!(!help.contains(word), "{name}: `{word}` in the Vietnamese help:\n{help}");
        }
        // Every flag is described in Vietnamese: the description of each option carries a
        // Vietnamese letter (the tool forgot no argument).
        let flags: Vec<&str> = help.lines().filter(|l| l.trim_start().starts_with('-')).collect();
        assert!(!flags.is_empty(), "{name}");
        for line in flags {
            let vietnamese =
                line.chars().any(|c| "ạảãàáâậầấẩẫăắằặẳẵđêệếềểễôộồốổỗơợờớởỡưựừứửữíìịỉĩýỳỵỷỹúùụủũóòọỏõéèẹẻẽ".contains(c));
            assert!(vietnamese, "{name}: an option without Vietnamese help: {line}");
        }
        // English on request, and both.
        let o = run(name, &["--help", "--lang", "en"], Stdio::piped());
        assert!(String::from_utf8_lossy(&o.stdout).contains("Usage:"), "{name}");
        let o = run(name, &["--lang=both", "--help"], Stdio::piped());
        let both = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(both.contains("Cách dùng:") && both.contains("Print help"), "{name}:\n{both}");
        // A mistyped flag, explained in Vietnamese with the close one.
        let o = run(name, &["--lagn", "en"], Stdio::piped());
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = stderr(&o);
        assert!(err.starts_with("lỗi: không có tùy chọn hay tham số `--lagn`"), "{name}: {err}");
        assert!(err.contains("có phải ý bạn là `--lang`?"), "{name}: {err}");
    }
    // A flag given twice, a second file, a number that is not one: said as such.
    let o = run("calculator", &["--date", "1", "--date", "2"], Stdio::piped());
    assert!(stderr(&o).contains("--date <NGÀY> được ghi hai lần"), "{}", stderr(&o));
    let o = run("calculator", &["a.toml", "b.toml"], Stdio::piped());
    assert!(stderr(&o).contains("thừa tham số `b.toml`"), "{}", stderr(&o));
    let o = run("registry", &["x.toml", "--days", "ba"], Stdio::piped());
    assert!(stderr(&o).contains("phải là một số nguyên không âm"), "{}", stderr(&o));
    let o = run("batch", &[], Stdio::piped());
    assert!(
        stderr(&o).contains("thiếu tham số bắt buộc: `<TỆP>`") && stderr(&o).contains("batch [TÙY_CHỌN] <TỆP>"),
        "{}",
        stderr(&o)
    );
    // A value outside the list names the values allowed.
    let o = run("calculator", &["--format", "pdf"], Stdio::piped());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "lỗi: giá trị `pdf` không hợp lệ cho --format <DẠNG>; các giá trị hợp lệ: `text`, `json`, `html`"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_quick_quote_never_guesses_a_count_a_procedure_or_a_date() {
    let base = ["--procedure", "gia hạn", "--province", "Đồng Nai", "--date", "15/09/2025"];
    let cases: [(&[&str], &str); 11] = [
        // A count in words after `:`, or inside the name: never one device named so.
        (&["--device", "Máy CT:hai"], "sau dấu `:` phải là số thiết bị viết bằng chữ số, ví dụ `Máy CT:2`"),
        (&["--device", "Máy CT x2"], "có vẻ tên có kèm số lượng"),
        (&["--device", "2 Máy CT"], "có vẻ tên có kèm số lượng"),
        (&["--name", "3 Máy X-quang"], "ghi số lượng bằng --count"),
        (&["--device", "Máy CT x 2"], "có vẻ tên có kèm số lượng"),
        (&["--device", "Máy CT 2 cái"], "có vẻ tên có kèm số lượng"),
        (&["--device", "hai máy CT"], "có vẻ tên có kèm số lượng"),
        (&["--device", "Máy CT (x2)"], "có vẻ tên có kèm số lượng"),
        // A mistyped class key gets the close key, as --class does.
        (&["--device", "xray_ctt"], "có phải là `xray_ct`?"),
        // A misspelt province is said with its flag.
        (
            &["--device", "xray_ct", "--province", "Dong Nia"],
            "--province: không có tỉnh, thành phố `Dong Nia`; có phải là Tỉnh Đồng Nai?",
        ),
        // Received in the future: a typing mistake.
        (&["--device", "xray_ct", "--date", "15/09/2099"], "ngày tiếp nhận 15/09/2099 là ngày trong tương lai"),
    ];
    for (extra, needle) in cases {
        // The later flag wins where a case repeats one of the base flags: build without it.
        let mut args: Vec<&str> = Vec::new();
        let mut i = 0;
        while i < base.len() {
            if !extra.contains(&base[i]) {
                args.extend([base[i], base[i + 1]]);
            }
            i += 2;
        }
        args.extend(extra);
        let o = run("calculator", &args, Stdio::piped());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
    // The procedure changes the fee: a quick quote without it is refused, not priced as new.
    let o = run("calculator", &["--device", "xray_ct", "--province", "Huế", "--date", "15/09/2025"], Stdio::piped());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("lệnh tính nhanh cần --procedure"), "{}", stderr(&o));
    // A bare number at the end is part of a name (a 64-slice CT), and policy staff previewing
    // edited schedules (--schedules) may price a day after today.
    let o = run(
        "calculator",
        &[
            "--device",
            "Máy CT 64",
            "--procedure",
            "new",
            "--province",
            "Huế",
            "--date",
            "01/06/2099",
            "--schedules",
            "fee-schedules",
            "--format",
            "json",
        ],
        Stdio::piped(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A count after `:` still works, and a month written first is explained.
    let o = run(
        "calculator",
        &[
            "--device",
            "Máy CT:2",
            "--procedure",
            "new",
            "--province",
            "Huế",
            "--date",
            "09/15/2025",
            "--format",
            "json",
        ],
        Stdio::piped(),
    );
    assert!(stderr(&o).contains("có phải đã ghi tháng trước ngày? Hãy ghi ngày trước: 15/09/2025"), "{}", stderr(&o));
    let o = run(
        "calculator",
        &[
            "--device",
            "Máy CT:2",
            "--procedure",
            "new",
            "--province",
            "Huế",
            "--date",
            "15/09/2025",
            "--format",
            "json",
        ],
        Stdio::piped(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // 2 CT × 8,000,000.
    assert!(String::from_utf8_lossy(&o.stdout).contains(r#""total":"16000000""#));
}

#[test]
fn classify_reads_names_given_on_the_command_line() {
    // Names as the forms write them, without a file: a C-arm used in surgery is a C-arm, and
    // a bare "máy gia tốc" (accelerator) needs its use (exit code 1, the others still printed).
    let o = run_en(
        "classify",
        &["--name", "Máy C-arm trong phẫu thuật", "--name", "Máy gia tốc", "--date", "2026-03-01"],
        Stdio::piped(),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(out.contains("device 1: Máy C-arm trong phẫu thuật\n  class: C-arm fluoroscopy (`xray_c_arm`)"), "{out}");
    assert!(out.contains("device 2: Máy gia tốc\n  class: AMBIGUOUS:"), "{out}");
    // A file and names at once is refused: which to classify would be a guess.
    let o = run_en("classify", &["examples/devices/mixed.toml", "--name", "CT"], Stdio::piped());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("give a file of devices or names (--name), not both"), "{}", stderr(&o));
    // Neither: the message names both ways.
    let o = run_en("classify", &["--date", "2026-03-01"], Stdio::piped());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("or a device's name (--name NAME)"), "{}", stderr(&o));
}

#[test]
fn classify_names_each_refused_name_and_reads_names_from_lists() {
    // A name copied from a bulleted list begins with "-": it is a name, not an option.
    let o = run_en("classify", &["--name", "- Máy CT 64 lát", "--date", "2026-03-01"], Stdio::piped());
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("device 1: - Máy CT 64 lát\n  class: Computed tomography (CT) (`xray_ct`)"), "{out}");
    // A name left out: the next option is not taken for a name (nor its value for a file).
    let o = run_en("classify", &["--name", "--date", "2026-03-01"], Stdio::piped());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--name needs a value, not the option `--date`"), "{}", stderr(&o));
    // Said in the language of the tool's own --lang, not of a `--lang` read as the name.
    let o = run("classify", &["--name", "--lang", "en"], Stdio::piped());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--name cần một giá trị, không phải tùy chọn `--lang`"), "{}", stderr(&o));
    // So are the tools' short options and `--`; a name that only begins like an option is a name.
    for option in ["-h", "-V", "--", "-"] {
        let o = run_en("classify", &["--name", option, "--date", "2026-03-01"], Stdio::piped());
        assert_eq!(o.status.code(), Some(2), "{option}: {}", stderr(&o));
        assert!(stderr(&o).contains(&format!("not the option `{option}`")), "{}", stderr(&o));
    }
    let o = run_en("classify", &["--name", "--Máy CT", "--date", "2026-03-01"], Stdio::piped());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // An empty name (an unset shell variable) is refused, naming which name when there are several.
    let o = run_en("classify", &["--name", "CT", "--name", " ", "--date", "2026-03-01"], Stdio::piped());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--name (name 2): the name is empty"), "{}", stderr(&o));
    // Too long: said of that name, in characters as kept (NFC). A 1,000-letter name typed with
    // separate marks (NFD, 2,000 code points) is not too long; 1,001 letters are.
    let nfd = |n: usize| "a\u{301}".repeat(n);
    let o = run_en("classify", &["--name", &nfd(1000), "--date", "2026-03-01"], Stdio::piped());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = run_en("classify", &["--name", "CT", "--name", &nfd(1001), "--date", "2026-03-01"], Stdio::piped());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--name (name 2): the text is 1001 characters long; at most 1000 are allowed"),
        "{}",
        stderr(&o)
    );
    // The calculator's quick quote reads such names too, and refuses a missing one alike.
    let quick = ["--province", "Hà Nội", "--procedure", "new", "--date", "2026-03-01", "--format", "json"];
    let o = run_en("calculator", &[&["--device", "- Máy CT 64 lát"][..], &quick].concat(), Stdio::piped());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("\"total\":\"8000000\""),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = run_en("calculator", &[&["--device"][..], &quick].concat(), Stdio::piped());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--device needs a value, not the option `--province`"), "{}", stderr(&o));
    // Said before --class and --name are found together: the real mistake is the name left out.
    let o = run_en("calculator", &[&["--class", "xray_ct", "--name"][..], &quick].concat(), Stdio::piped());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--name needs a value, not the option `--province`"), "{}", stderr(&o));
    let o = run_en("calculator", &[&["--class", "xray_ct", "--name", "CT"][..], &quick].concat(), Stdio::piped());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--class cannot be used with --name"), "{}", stderr(&o));
    let o = run_en("calculator", &[&["--name", ""][..], &quick].concat(), Stdio::piped());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--name: the name is empty"), "{}", stderr(&o));
}
