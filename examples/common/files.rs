//! The files a tool reads and writes: inputs read with bounds (standard input, regular files
//! only), outputs refused when they would overwrite an input or each other, and written
//! whole or not at all (a temporary file, then renamed).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::*;

/// A text input named on the command line: `-` is standard input (at most `limit` bytes),
/// anything else a regular file of at most `limit` bytes. `what` names the file in English for
/// the library ("an application"). Gives the name for messages and the text.
pub(crate) fn read_input(path: &str, limit: u64, what: &str) -> Result<(String, String), ExitCode> {
    if path == "-" {
        use std::io::Read as _;
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().lock().take(limit + 1).read_to_end(&mut bytes) {
            return Err(usage(
                &format!("không đọc được dữ liệu vào chuẩn: {}", io_vi(&e)),
                &format!("cannot read standard input: {e}"),
            ));
        }
        if bytes.len() as u64 > limit {
            return Err(usage(
                &format!("dữ liệu vào chuẩn dài hơn {limit} byte; tệp này tối đa {limit} byte"),
                &format!("standard input holds more than {limit} bytes; {what} file may be at most {limit}"),
            ));
        }
        return String::from_utf8(bytes).map(|t| ("<stdin>".to_owned(), t)).map_err(|_| {
            usage(
                "dữ liệu vào chuẩn không phải văn bản UTF-8 (hãy lưu tệp với bảng mã UTF-8)",
                "standard input is not UTF-8 text",
            )
        });
    }
    radfee::application::read_text_file(Path::new(path), limit, what)
        .map(|t| (path.to_owned(), t))
        .map_err(|e| fail(&e))
}

/// Opens a named input that is read as a stream (a batch): `-` is standard input, anything else
/// must be a regular file (a FIFO or a device could block or never end).
pub(crate) fn open_stream(path: &str) -> Result<Box<dyn std::io::Read + Send>, ExitCode> {
    if path == "-" {
        return Ok(Box::new(std::io::stdin()));
    }
    let unreadable = |e: std::io::Error| {
        usage(&format!("không đọc được {path}: {}", io_vi(&e)), &format!("cannot read {path}: {e}"))
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(usage(
            &format!(
                "{path} không phải là một tệp thông thường; hãy chỉ ra một tệp, hoặc ghi - và chuyển dữ liệu vào chuẩn"
            ),
            &format!("{path} is not a regular file; give a file, or - and pipe the data to standard input"),
        ));
    }
    std::fs::File::open(path).map(|f| Box::new(f) as Box<dyn std::io::Read + Send>).map_err(unreadable)
}

/// Where a path would be: its folder made canonical, then its name (the file need not exist).
fn where_is(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Some(parent.canonicalize().ok()?.join(name))
}

/// Whether two paths name the same file: the same file on disk (device and inode, so hard
/// links and symbolic links count), or the same place once folders are resolved. Nothing is
/// opened (opening a FIFO could block). A character device (`/dev/null`, a terminal) holds
/// no data to destroy: two outputs may both go there.
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _};
    if std::fs::metadata(a).is_ok_and(|m| m.file_type().is_char_device()) {
        return false;
    }
    let identity = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
    if let (Some(x), Some(y)) = (identity(a), identity(b)) {
        return x == y;
    }
    let resolve = |p: &Path| p.canonicalize().ok().or_else(|| where_is(p));
    matches!((resolve(a), resolve(b)), (Some(x), Some(y)) if x == y)
}

/// An input a tool reads, for [`check_outputs`]: what it is in Vietnamese and in English
/// (for messages), and its path.
pub(crate) type Input<'a> = (&'a str, &'a str, &'a Path);

/// Refuses outputs that would overwrite an input or each other. `outputs` are (flag, path)
/// pairs.
pub(crate) fn check_outputs(inputs: &[Input<'_>], outputs: &[(&str, &Path)]) -> Result<(), ExitCode> {
    for (i, (flag, out)) in outputs.iter().enumerate() {
        for (what_vi, what_en, input) in inputs {
            if same_file(out, input) {
                let shown = out.display();
                return Err(usage(
                    &format!(
                        "{flag} {shown} chính là {what_vi}: ghi vào đó sẽ xóa mất dữ liệu đầu vào; hãy chọn tệp khác"
                    ),
                    &format!(
                        "{flag} {shown} is the {what_en}: writing it would destroy the input; choose another file"
                    ),
                ));
            }
        }
        for (other_flag, other) in &outputs[..i] {
            if same_file(out, other) {
                let shown = out.display();
                return Err(usage(
                    &format!("{flag} và {other_flag} cùng chỉ một tệp ({shown}); hãy cho mỗi tùy chọn một tệp riêng"),
                    &format!("{flag} and {other_flag} name the same file ({shown}); give each its own"),
                ));
            }
        }
        target(flag, out)?;
    }
    Ok(())
}

/// What an output path names.
enum Target {
    /// A regular file to create or replace: the path itself, or the file a link points at.
    File(PathBuf),
    /// A character device (`/dev/null`, a terminal): written in place, never replaced.
    Device(PathBuf),
}

/// What `path` names as an output: a regular file (new or existing, through links) or a
/// character device; a folder, a FIFO, a socket or a link to nothing is refused.
fn target(flag: &str, path: &Path) -> Result<Target, ExitCode> {
    use std::os::unix::fs::FileTypeExt as _;
    let shown = path.display();
    let refuse = |vi: &str, en: &str| {
        usage(
            &format!("{flag} {shown}: {vi}; hãy chỉ ra đường dẫn của một tệp"),
            &format!("{flag} {shown}: {en}; give the path of a file"),
        )
    };
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Target::File(path.to_owned())),
        Err(e) => Err(refuse(&io_vi(&e), &e.to_string())),
        Ok(m) if m.file_type().is_symlink() => match path.canonicalize() {
            // A link to nothing is refused: it is more often a mistake than a wish to create
            // the file it names (docs/batch.md).
            Err(_) => Err(refuse("đây là một liên kết không trỏ tới tệp nào", "it is a link to nothing")),
            Ok(real) => target(flag, &real),
        },
        Ok(m) if m.is_file() => Ok(Target::File(path.to_owned())),
        Ok(m) if m.file_type().is_char_device() => Ok(Target::Device(path.to_owned())),
        Ok(m) if m.is_dir() => Err(refuse("đây là một thư mục", "it is a folder")),
        Ok(_) => Err(refuse(
            "đây không phải là tệp thông thường (một đường ống, một socket hay một thiết bị khối)",
            "it is not a regular file (a pipe, a socket or a block device)",
        )),
    }
}

/// An I/O error as the system says it, without the temporary file's name the `tempfile`
/// crate adds ("… at path \".radfee-x2Kq.tmp\""): the officer named another file, and the
/// Vietnamese message says it without.
fn plain(e: &std::io::Error) -> String {
    // The crate's wrapper keeps no way back to the system's error: its text is cut instead.
    let text = e.to_string();
    match text.find(" at path \"") {
        Some(k) if text.ends_with('"') => text[..k].to_owned(),
        _ => text,
    }
}

/// A file to write: its flag (for messages), its path, and what to write in it.
pub(crate) type Output<'a> = (&'a str, &'a Path, Box<dyn FnOnce(&mut dyn std::io::Write) -> std::io::Result<()> + 'a>);

/// Writes files without ever leaving one half-written, and all of them or none: each regular
/// file's content goes to a temporary file in its folder and is flushed to disk; only when
/// every one is written are they renamed over their paths (a device such as `/dev/null` is
/// written in place). On any error (a full disk) every temporary file is removed and existing
/// files are left as they were.
pub(crate) fn write_files(outputs: Vec<Output<'_>>) -> Result<(), ExitCode> {
    let mut staged: Vec<(tempfile::NamedTempFile, PathBuf, &Path)> = Vec::new();
    let mut devices = Vec::new();
    for (flag, path, write) in outputs {
        let fail = |e: std::io::Error| {
            usage(
                &format!("không ghi được {}: {} (chưa tệp kết quả nào bị thay đổi)", path.display(), io_vi(&e)),
                &format!("cannot write {}: {} (no output file was changed)", path.display(), plain(&e)),
            )
        };
        match target(flag, path)? {
            Target::Device(dev) => devices.push((dev, path, write)),
            Target::File(real) => {
                let folder = real.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
                // The file keeps the permissions it had; a new one gets the usual rw-r--r-- (a
                // temporary file would otherwise be private to its owner).
                let permissions = std::fs::metadata(&real).map(|m| m.permissions()).unwrap_or_else(|_| {
                    use std::os::unix::fs::PermissionsExt as _;
                    std::fs::Permissions::from_mode(0o644)
                });
                let mut tmp = tempfile::Builder::new()
                    .prefix(".radfee-")
                    .suffix(".tmp")
                    .permissions(permissions)
                    .tempfile_in(folder)
                    .map_err(fail)?;
                {
                    let mut w = std::io::BufWriter::new(tmp.as_file_mut());
                    write(&mut w).map_err(fail)?;
                    w.flush().map_err(fail)?;
                }
                tmp.as_file().sync_all().map_err(fail)?;
                staged.push((tmp, real, path));
            }
        }
    }
    for (dev, path, write) in devices {
        let fail = |e: std::io::Error| {
            usage(
                &format!("không ghi được {}: {}", path.display(), io_vi(&e)),
                &format!("cannot write {}: {e}", path.display()),
            )
        };
        let file = std::fs::OpenOptions::new().write(true).open(&dev).map_err(fail)?;
        let mut w = std::io::BufWriter::new(file);
        write(&mut w).map_err(fail)?;
        w.flush().map_err(fail)?;
    }
    for (tmp, real, path) in staged {
        tmp.persist(&real).map_err(|e| {
            usage(
                &format!("không ghi được {}: {}", path.display(), io_vi(&e.error)),
                &format!("cannot write {}: {}", path.display(), e.error),
            )
        })?;
    }
    Ok(())
}
