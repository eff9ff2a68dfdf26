//! Compiles every TOML file under `fee-schedules/` into the crate, so the official schedules are
//! the default without any file on disk at run time. The list is generated, so a file added to
//! the folder can never be silently left out.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dir = root.join("fee-schedules");
    println!("cargo:rerun-if-changed=fee-schedules");
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let mut code = String::from(
        "/// Every shipped schedule file: (path under fee-schedules/, contents).\npub(crate) static FILES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file.strip_prefix(&dir).expect("file is under the folder");
        let rel = rel.to_string_lossy().replace('\\', "/");
        writeln!(code, "    ({:?}, include_str!({:?})),", rel, file.display().to_string()).expect("write to string");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_files.rs");
    std::fs::write(out, code).expect("write generated file list");
}
