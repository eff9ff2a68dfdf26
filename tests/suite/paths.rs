//! Every path the README, the docs, the code's messages and the data files cite exists in a
//! fresh clone (nothing may send a reader to `spec/` or `../shared`, which a clone lacks).

use std::path::{Path, PathBuf};

use crate::root;

/// The folders a cited path may start with.
const PREFIXES: [&str; 8] = ["docs/", "examples/", "fee-schedules/", "src/", "tests/", "benches/", "fuzz/", ".ci/"];

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with("target") && !path.ends_with("corpus") {
                files(&path, ext, out);
            }
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// Text outside fenced code blocks (commands and example files to create are shown there).
fn prose(markdown: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Repository paths named in `text`: a known folder prefix, then path characters.
fn cited(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for prefix in PREFIXES {
        let mut from = 0;
        while let Some(i) = text[from..].find(prefix) {
            let start = from + i;
            from = start + prefix.len();
            let before = text[..start].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '/' | '.' | '-' | '_')) {
                continue; // part of a longer path or word (`../docs/`, `my-src/`)
            }
            let rest = &text[start..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '#')))
                .unwrap_or(rest.len());
            let path = rest[..end].trim_end_matches(['.', '-']);
            if rest[end..].starts_with(['<', '*', '…', '{']) || path.ends_with('#') {
                continue; // a pattern or placeholder, not a path
            }
            found.push(path.to_owned());
        }
    }
    found
}

fn exists(path: &str) -> bool {
    let (file, _) = path.split_once('#').unwrap_or((path, ""));
    root().join(file).exists()
}

#[test]
fn every_cited_path_exists_in_a_clone() {
    let mut sources = vec![root().join("README.md"), root().join("Cargo.toml"), root().join(".taplo.toml")];
    files(&root().join("docs"), "md", &mut sources);
    files(&root().join("src"), "rs", &mut sources);
    files(&root().join("examples"), "rs", &mut sources);
    files(&root().join("fee-schedules"), "toml", &mut sources);
    let mut missing = Vec::new();
    for file in &sources {
        let text = std::fs::read_to_string(file).unwrap();
        let text = if file.extension().is_some_and(|e| e == "md") { prose(&text) } else { text };
        let shown = file.strip_prefix(root()).unwrap().display().to_string();
        for forbidden in ["spec/", "../shared"] {
            if text.contains(forbidden) && !shown.starts_with("docs/reference/") {
                missing.push(format!("{shown} cites {forbidden}, which a clone does not have"));
            }
        }
        for path in cited(&text) {
            if !exists(&path) {
                missing.push(format!("{shown} cites {path}"));
            }
        }
        // Relative Markdown links resolve from the file's own folder, anchors to a heading.
        if file.extension().is_some_and(|e| e == "md") {
            for link in text.split("](").skip(1).filter_map(|s| s.split(')').next()) {
                if link.starts_with("http") || link.starts_with("mailto:") || link.starts_with('#') {
                    continue;
                }
                let (target, anchor) = link.split_once('#').unwrap_or((link, ""));
                let path = file.parent().unwrap().join(target);
                if !path.exists() {
                    missing.push(format!("{shown} links to {link}"));
                } else if !anchor.is_empty() && path.is_file() {
                    let heading = |l: &str| {
                        l.trim_start_matches('#')
                            .trim()
                            .to_lowercase()
                            .chars()
                            .filter_map(|c| match c {
                                ' ' => Some('-'),
                                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                                _ => None,
                            })
                            .collect::<String>()
                    };
                    let target_text = std::fs::read_to_string(&path).unwrap();
                    if !target_text.lines().any(|l| l.starts_with('#') && heading(l) == anchor) {
                        missing.push(format!("{shown} links to {link}: no such heading"));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_path_finder_finds_paths() {
    assert_eq!(
        cited("see `docs/application.md`, and fee-schedules/authority.toml."),
        ["docs/application.md", "fee-schedules/authority.toml"]
    );
    assert!(cited("../docs/x.md and my-src/a and fee-schedules/provinces/<name>.toml").is_empty());
    assert!(exists("docs/fee-schedules.md#a-new-circular"));
    assert!(!exists("docs/nothing.md"));
}
