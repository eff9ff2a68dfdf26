//! Loading the body of law from its files: which file is what (by path), limits on the set,
//! the built-in parts a folder leaves out, and every part parsed and checked together.

use std::path::Path;

use crate::authority::AuthorityTable;
use crate::classify::{Catalogue, ClassificationRules, LazyCatalogue};
use crate::error::{Error, Finding, Location};
use crate::nuclide::Nuclides;
use crate::province::Provinces;
use crate::schedule::{Version, load_versions};
use crate::source::SourceFile;
use crate::source::Src;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_files.rs"));
}

/// The parts of a loaded body of law.
pub(super) struct Parts {
    pub(super) versions: Vec<Version>,
    pub(super) provinces: Provinces,
    pub(super) authority: AuthorityTable,
    pub(super) nuclides: Nuclides,
    pub(super) rules: ClassificationRules,
    pub(super) catalogue: LazyCatalogue,
}

/// The files compiled into the crate.
pub(super) fn builtin_files() -> Vec<SourceFile> {
    builtin::FILES
        .iter()
        .map(|(path, text)| SourceFile {
            path: (*path).to_owned(),
            display_name: format!("fee-schedules/{path}"),
            text: (*text).to_owned(),
        })
        .collect()
}

/// Largest schedule file read, in bytes: far above any real schedule, far below trouble.
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// Largest number of schedule files in one set.
pub const MAX_FILES: usize = 1000;
/// Largest schedule set, all files together, in bytes (the shipped set is under 300 KB).
pub const MAX_TOTAL_BYTES: u64 = 8 << 20;

/// Most files of a folder listed as not read for their names (`x.toml.txt`).
const MAX_NOT_READ: usize = 100;

/// The files a set is read as: `files`, and the built-in files of each part they leave out (a
/// folder may hold only some parts, e.g. an edited national schedule): provinces, authority
/// table, nuclides, classifier's rules, catalogue.
pub(super) fn with_builtin_parts(mut files: Vec<SourceFile>) -> Vec<SourceFile> {
    let missing: Vec<Role> = [Role::Province, Role::Authority, Role::Nuclides, Role::Classification, Role::Catalogue]
        .into_iter()
        .filter(|r| !files.iter().any(|f| f.is_read() && role(&f.path) == *r))
        .collect();
    if !missing.is_empty() {
        files.extend(builtin_files().into_iter().filter(|f| missing.contains(&role(&f.path))));
    }
    files
}

/// The role a file plays, from its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Version,
    Province,
    Authority,
    Nuclides,
    Classification,
    Catalogue,
}

fn role(path: &str) -> Role {
    if path == "authority.toml" {
        Role::Authority
    } else if path == "nuclides.toml" {
        Role::Nuclides
    } else if path == "classification.toml" {
        Role::Classification
    } else if path.starts_with("catalogue/") {
        Role::Catalogue
    } else if path.starts_with("provinces/") {
        Role::Province
    } else {
        Role::Version
    }
}

pub(super) fn read_dir(dir: &Path) -> Result<Vec<SourceFile>, Error> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<SourceFile>) -> Result<(), Error> {
        let io = |e: std::io::Error| {
            let shown = dir.display().to_string();
            let vi = format!("không đọc được thư mục biểu phí {shown}: {}", crate::error::io_message_vi(&e));
            Error::io(&shown, format!("cannot read the schedule folder {shown}: {e}"), e).vi(vi)
        };
        let mut entries: Vec<_> = std::fs::read_dir(dir).map_err(io)?.collect::<Result<_, _>>().map_err(io)?;
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            let path = entry.path();
            let kind = entry.file_type().map_err(io)?;
            let name = entry.file_name().to_string_lossy().to_lowercase();
            if kind.is_dir() {
                walk(root, &path, out)?;
            } else if path.extension().is_none_or(|e| e != "toml") && name.contains(".toml") {
                // A schedule saved under another name (`x.toml.txt`, `x.TOML`, `x.toml~`): not
                // read, but listed with no text (up to a bound), for loading to say so.
                if out.iter().filter(|f| !f.is_read()).count() < MAX_NOT_READ {
                    let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                    out.push(SourceFile { path: rel, display_name: path.display().to_string(), text: String::new() });
                }
            } else if path.extension().is_some_and(|e| e == "toml") {
                if out.iter().filter(|f| f.is_read()).count() >= MAX_FILES {
                    return Err(Error::schedule(vec![
                        Finding::error(
                            None,
                            None,
                            format!("the schedule folder {} has more than {MAX_FILES} TOML files", root.display()),
                        )
                        .vi(format!("thư mục biểu phí {} có hơn {MAX_FILES} tệp TOML", root.display())),
                    ]));
                }
                let display = path.display().to_string();
                let text = crate::source::read_text_file(&path, MAX_FILE_BYTES, "a schedule")
                    .map_err(|e| if e.is_input() { Error::schedule(e.findings().to_vec()) } else { e })?;
                let total = out.iter().map(|f: &SourceFile| f.text.len() as u64).sum::<u64>() + text.len() as u64;
                if total > MAX_TOTAL_BYTES {
                    return Err(Error::schedule(vec![
                        Finding::error(
                            None,
                            None,
                            format!(
                                "the schedule folder {} holds more than {MAX_TOTAL_BYTES} bytes of TOML; a schedule set may hold at most that",
                                root.display()
                            ),
                        )
                        .vi(format!(
                            "thư mục biểu phí {} chứa hơn {MAX_TOTAL_BYTES} byte dữ liệu TOML; một bộ biểu phí chỉ được chứa tối đa chừng đó",
                            root.display()
                        )),
                    ]));
                }
                let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                out.push(SourceFile { path: rel, display_name: display, text });
            }
        }
        Ok(())
    }
    let shown = dir.display().to_string();
    let meta = std::fs::metadata(dir).map_err(|e| {
        let vi = format!("không đọc được thư mục biểu phí {shown}: {}", crate::error::io_message_vi(&e));
        Error::io(&shown, format!("cannot read the schedule folder {shown}: {e}"), e).vi(vi)
    })?;
    if !meta.is_dir() {
        return Err(Error::input(
            Finding::error(None, None, format!("{shown} is not a folder of schedule files"))
                .vi(format!("{shown} không phải là thư mục chứa các tệp biểu phí")),
        ));
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    if !out.iter().any(|f| role(&f.path) == Role::Version) {
        return Err(Error::input(
            Finding::error(
                None,
                None,
                format!("{} holds no schedule version (no .toml file outside provinces/)", dir.display()),
            )
            .vi(format!(
                "{} không có phiên bản biểu phí nào (không có tệp .toml nào nằm ngoài thư mục provinces/)",
                dir.display()
            )),
        ));
    }
    Ok(out)
}

/// Parses and checks `files`; returns the schedules when they could be built at all, and every
/// finding. The caller refuses the result if any finding is an error.
pub(super) fn load(mut files: Vec<SourceFile>, eager: bool) -> (Option<Parts>, Vec<Finding>) {
    let mut findings = Vec::new();
    // Files a folder holds that look like schedule files but are not read (see `read_dir`).
    files.retain(|f| {
        if f.is_read() {
            return true;
        }
        findings.push(
            Finding::warning(
                Some(Location { file: f.display_name.clone(), line: 1, column: 1 }),
                None,
                "not read: only files whose names end in `.toml` are read (a name such as `x.toml.txt` or `x.TOML` is what some editors save); rename it if it holds a schedule, or move it out of the folder",
            )
            .vi("không được đọc: chỉ đọc các tệp có tên kết thúc bằng `.toml` (một số trình soạn thảo lưu thành `x.toml.txt` hoặc `x.TOML`); nếu tệp chứa biểu phí, hãy đổi tên, nếu không, hãy chuyển tệp ra khỏi thư mục"),
        );
        false
    });
    if files.len() > MAX_FILES {
        findings.push(
            Finding::error(
                None,
                None,
                format!("{} files given; a schedule set may have at most {MAX_FILES}", files.len()),
            )
            .vi(format!("có {} tệp; một bộ biểu phí có tối đa {MAX_FILES} tệp", files.len())),
        );
        return (None, findings);
    }
    let too_big: Vec<Finding> = files
        .iter()
        .filter(|f| f.text.len() as u64 > MAX_FILE_BYTES)
        .map(|f| {
            Finding::error(
                Some(Location { file: f.display_name.clone(), line: 1, column: 1 }),
                None,
                format!("the file is {} bytes; a schedule file may be at most {MAX_FILE_BYTES} bytes", f.text.len()),
            )
            .vi(format!("tệp có {} byte; tệp biểu phí tối đa {MAX_FILE_BYTES} byte", f.text.len()))
        })
        .collect();
    if !too_big.is_empty() {
        return (None, too_big);
    }
    let total: u64 = files.iter().map(|f| f.text.len() as u64).sum();
    if total > MAX_TOTAL_BYTES {
        findings.push(
            Finding::error(
                None,
                None,
                format!(
                    "the schedule files hold {total} bytes together; a schedule set may hold at most {MAX_TOTAL_BYTES}"
                ),
            )
            .vi(format!(
                "các tệp biểu phí có tổng cộng {total} byte; một bộ biểu phí có tối đa {MAX_TOTAL_BYTES} byte"
            )),
        );
        return (None, findings);
    }
    let files = with_builtin_parts(files);

    let version_files: Vec<&SourceFile> = files.iter().filter(|f| role(&f.path) == Role::Version).collect();
    let versions = load_versions(&version_files, &mut findings);

    let province_files: Vec<&SourceFile> = files.iter().filter(|f| role(&f.path) == Role::Province).collect();
    let provinces = Provinces::load(&province_files, &versions, &mut findings);

    let authority = files
        .iter()
        .find(|f| role(&f.path) == Role::Authority)
        .and_then(|f| AuthorityTable::load(&Src::new(&f.display_name, &f.text), &mut findings));

    let single = |r: Role| files.iter().find(|f| role(&f.path) == r).map(|f| Src::new(&f.display_name, &f.text));
    let nuclides = single(Role::Nuclides).and_then(|src| Nuclides::load(&src, &mut findings));
    let rules = single(Role::Classification).and_then(|src| ClassificationRules::load(&src, &mut findings));
    let catalogue_files: Vec<SourceFile> = files.iter().filter(|f| role(&f.path) == Role::Catalogue).cloned().collect();
    let shipped: Vec<SourceFile> = builtin_files().into_iter().filter(|f| role(&f.path) == Role::Catalogue).collect();
    let same = |a: &SourceFile, b: &SourceFile| a.path == b.path && a.text == b.text;
    let lazy = !eager
        && catalogue_files.len() == shipped.len()
        && catalogue_files.iter().zip(&shipped).all(|(a, b)| same(a, b));
    let catalogue = if lazy {
        LazyCatalogue::later(catalogue_files)
    } else {
        let srcs: Vec<Src<'_>> = catalogue_files.iter().map(|f| Src::new(&f.display_name, &f.text)).collect();
        LazyCatalogue::now(Catalogue::load(&srcs, &mut findings))
    };

    findings.sort_by(|a, b| (a.severity, &a.location).cmp(&(b.severity, &b.location)));
    let schedules = match (provinces, authority, nuclides, rules) {
        (Some(provinces), Some(authority), Some(nuclides), Some(rules)) => {
            Some(Parts { versions, provinces, authority, nuclides, rules, catalogue })
        }
        _ => None,
    };
    (schedules, findings)
}
