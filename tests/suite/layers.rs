//! The shape of the crate, read from its own source: layers one way down, no import cycle
//! between files, no file over 600 lines (tools, benchmarks and tests included), a small root.
//!
//! The layers are described in docs/architecture.md and in the crate guide (src/lib.rs). The
//! check reads every `crate::`, `super::` and `self::` path in `src/` (use trees expanded,
//! comments and string literals ignored), resolves each to the file that defines it, and
//! refuses
//! - a path from a module to a module of a higher layer;
//! - any cycle in the graph of files (a `mod.rs` that re-exports its children is an edge down,
//!   so children import their siblings by file, never through `super::` items of `mod.rs`).

use crate::root;
use std::collections::{BTreeMap, BTreeSet};

/// Top-level modules, lowest layer first. A module may use its own layer and those below.
const LAYERS: &[(&str, u8)] = &[
    ("text", 0),
    ("money", 0),
    ("number", 0),
    ("date", 0),
    ("exact", 0),
    ("sheet", 0),
    ("error", 1),
    ("vocab", 1),
    ("source", 1),
    ("application", 2),
    ("schedule", 3),
    ("nuclide", 4),
    ("province", 4),
    ("authority", 4),
    ("classify", 5),
    ("quote", 6),
    ("batch", 7),
    ("law", 8),
    ("registry", 9),
    ("desk", 10),
];

/// The most lines a source file may have.
const MAX_LINES: usize = 600;

/// The most names `lib.rs` may export at the root besides the concept modules.
const MAX_ROOT_NAMES: usize = 15;

/// Source with comments, character literals and string literals blanked (kept line count).
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').map_or(text.len(), |e| i + e);
            i = end;
        } else if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(text.len(), |e| i + e + 2);
            out.extend(text[i..end].chars().filter(|&c| c == '\n'));
            i = end;
        } else if rest.starts_with("r#\"") || rest.starts_with("r\"") || rest.starts_with("br\"") {
            let start = rest.find('"').unwrap();
            let hashes = &rest[1..start].trim_start_matches('r');
            let close = format!("\"{hashes}");
            let body = &rest[start + 1..];
            let end = body.find(&close).map_or(text.len(), |e| i + start + 1 + e + close.len());
            out.extend(text[i..end].chars().filter(|&c| c == '\n'));
            out.push_str("\"\"");
            i = end;
        } else if rest.starts_with('"') {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(b.len());
            out.extend(text[i..end].chars().filter(|&c| c == '\n'));
            out.push_str("\"\"");
            i = end;
        } else if rest.starts_with("'") && (rest[1..].starts_with("\\") || rest[1..].chars().nth(1) == Some('\'')) {
            // A character literal ('x', '\n', '\''); lifetimes ('a) are left alone.
            let mut j = i + 1;
            if b[j] == b'\\' {
                j += 2;
            } else {
                j += rest[1..].chars().next().unwrap().len_utf8();
            }
            while j < b.len() && b[j] != b'\'' {
                j += 1;
            }
            out.push_str("' '");
            i = (j + 1).min(b.len());
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Expands one use tree (`a::{b, c::{d, e}}`) into its paths.
fn expand(tree: &str) -> Vec<String> {
    // `a as b` imports `a`: drop each rename, wherever it stands in the tree.
    let mut words: Vec<&str> = Vec::new();
    let mut it = tree.split_whitespace().peekable();
    while let Some(w) = it.next() {
        if w == "as" {
            // The alias may carry the list's punctuation (`b,` or `b}`): keep that.
            if let Some(alias) = it.next() {
                let tail = alias.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_');
                words.push(tail);
            }
        } else {
            words.push(w);
        }
    }
    let tree: String = words.concat();
    let Some(open) = tree.find('{') else { return vec![tree] };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (k, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts.iter().filter(|p| !p.is_empty()).flat_map(|p| expand(p)).map(|p| format!("{prefix}{p}")).collect()
}

/// Every module path used by a file's code, as written (`crate::a::b`, `super::c`, `self::d`).
fn paths(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    // A path broken over lines (`crate::\n    quote::Quote`) is read as one.
    let joined;
    let code = if code.contains("::\n") || code.contains(":: ") {
        let mut out = String::with_capacity(code.len());
        let mut rest = code;
        while let Some(k) = rest.find("::") {
            out.push_str(&rest[..k + 2]);
            let after = &rest[k + 2..];
            let trimmed = after.trim_start();
            // Keep the line count: the newlines skipped go after the path's end.
            let skipped = &after[..after.len() - trimmed.len()];
            rest = trimmed;
            if skipped.contains('\n') {
                let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
                out.push_str(&rest[..end]);
                out.extend(skipped.chars().filter(|&c| c == '\n'));
                rest = &rest[end..];
            }
        }
        out.push_str(rest);
        joined = out;
        joined.as_str()
    } else {
        code
    };
    // Use trees (may span lines).
    let mut rest = code;
    let mut offset = 0;
    while let Some(k) = rest.find("use ") {
        let at = offset + k;
        let before = code[..at].chars().next_back();
        let word_start = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let tail = &rest[k + 4..];
        if let (true, Some(end)) = (word_start, tail.find(';')) {
            let tree = &tail[..end];
            let tree = tree.trim();
            let line = code[..at].matches('\n').count() + 1;
            if tree.starts_with("crate::") || tree.starts_with("super::") || tree.starts_with("self::") {
                found.extend(expand(tree).into_iter().map(|p| (line, p)));
            } else if tree.starts_with(|c: char| c.is_ascii_lowercase()) {
                // `use child::X` in a module file names its own child (or an external crate,
                // which resolves to no file).
                found.extend(expand(tree).into_iter().map(|p| (line, format!("self::{p}"))));
            }
        }
        offset = at + 4;
        rest = &code[offset..];
    }
    // Paths in expressions and types.
    for (n, line) in code.lines().enumerate() {
        for head in ["crate::", "super::"] {
            let mut from = 0;
            while let Some(k) = line[from..].find(head) {
                let at = from + k;
                let ok = line[..at].chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'));
                let end = line[at..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .map_or(line.len(), |e| at + e);
                if ok && !is_use_line(line) {
                    found.push((n + 1, line[at..end].trim_end_matches(':').to_owned()));
                }
                from = end.max(at + 1);
            }
        }
    }
    found
}

/// Whether a line starts a use item (its paths are read as a tree above).
fn is_use_line(line: &str) -> bool {
    let t = line.trim_start();
    let t = t.strip_prefix("pub").map_or(t, |r| {
        let r = r.trim_start();
        r.strip_prefix('(').and_then(|r| r.split_once(')')).map_or(r, |(_, r)| r).trim_start()
    });
    t.starts_with("use ")
}

/// Line ranges of inline modules (`mod tests { … }`).
fn inline_modules(code: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let b = code.as_bytes();
    let mut from = 0;
    while let Some(k) = code[from..].find("mod ") {
        let at = from + k;
        from = at + 4;
        let tail = &code[from..];
        let name_end = tail.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(tail.len());
        let after = tail[name_end..].trim_start();
        if name_end == 0 || !after.starts_with('{') {
            continue;
        }
        let open = from + name_end + (tail[name_end..].len() - after.len());
        let mut depth = 0usize;
        let mut close = b.len();
        for (i, &c) in b.iter().enumerate().skip(open) {
            if c == b'{' {
                depth += 1;
            } else if c == b'}' {
                depth -= 1;
                if depth == 0 {
                    close = i;
                    break;
                }
            }
        }
        let line = |i: usize| code[..i].matches('\n').count() + 1;
        out.push((line(at), line(close)));
    }
    out
}

/// The module path of a file under `src/` (`schedule/mod.rs` → `["schedule"]`).
fn module_of(rel: &str) -> Vec<String> {
    let rel = rel.trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The file that defines the longest module prefix of `path`, or `None` for the crate root.
fn file_of(path: &[String], files: &BTreeMap<Vec<String>, String>) -> Option<String> {
    (0..=path.len()).rev().find_map(|n| files.get(&path[..n]).cloned())
}

struct House {
    /// file → (line, used file, path as written)
    edges: BTreeMap<String, Vec<(usize, String, String)>>,
    lines: BTreeMap<String, usize>,
}

/// Every Rust file below `dir`, by its path relative to `dir` (`/`-separated), with its text.
fn rust_files(dir: &std::path::Path) -> BTreeMap<String, String> {
    let mut sources = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                sources.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    sources
}

fn read_house() -> House {
    let sources = rust_files(&root().join("src"));
    let files: BTreeMap<Vec<String>, String> = sources.keys().map(|rel| (module_of(rel), rel.clone())).collect();
    let mut edges = BTreeMap::new();
    let mut lines = BTreeMap::new();
    for (rel, text) in &sources {
        lines.insert(rel.clone(), text.lines().count());
        let me = module_of(rel);
        let mut out = Vec::new();
        let code = code_only(text);
        let inline = inline_modules(&code);
        let mut all = paths(&code);
        // Paths written in strings of attributes (`#[serde(with = "crate::x::y")]`) are
        // imports too.
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("#[") {
                for head in ["\"crate::", "\"super::", "\"self::"] {
                    let mut from = 0;
                    while let Some(k) = line[from..].find(head) {
                        let at = from + k + 1;
                        let end = line[at..].find('"').map_or(line.len(), |e| at + e);
                        all.push((n + 1, line[at..end].to_owned()));
                        from = end;
                    }
                }
            }
        }
        for (line, p) in all {
            // Inside `mod tests { … }`, `super` is the file's own module.
            let depth = inline.iter().filter(|(a, b)| (*a..=*b).contains(&line)).count();
            let mut p = p;
            for _ in 0..depth {
                if let Some(rest) = p.strip_prefix("super::") {
                    p = format!("self::{rest}");
                } else if p == "super" {
                    p = "self".to_owned();
                }
            }
            let p = p.strip_prefix("self::").filter(|r| r.starts_with("super")).map_or(p.clone(), str::to_owned);
            let segs: Vec<&str> = p.split("::").filter(|s| !s.is_empty()).collect();
            let mut abs: Vec<String> = Vec::new();
            let mut it = segs.iter().peekable();
            match it.peek() {
                Some(&&"crate") => {
                    it.next();
                }
                Some(&&"self") => {
                    it.next();
                    abs = me.clone();
                }
                Some(&&"super") => {
                    abs = me.clone();
                    while it.peek() == Some(&&"super") {
                        it.next();
                        abs.pop();
                    }
                }
                _ => continue,
            }
            abs.extend(it.map(|s| (*s).to_owned()));
            if let Some(target) = file_of(&abs, &files).filter(|t| t != rel) {
                // A file's own children are below it (`mod.rs` re-exporting `pub use child::X`).
                out.push((line, target, p.clone()));
            }
        }
        edges.insert(rel.clone(), out);
    }
    House { edges, lines }
}

fn layer_of(rel: &str) -> Option<u8> {
    let top = rel.split('/').next().unwrap().trim_end_matches(".rs");
    LAYERS.iter().find(|(m, _)| *m == top).map(|(_, l)| *l)
}

#[test]
fn every_module_has_a_layer() {
    let house = read_house();
    let missing: Vec<&String> = house.lines.keys().filter(|f| *f != "lib.rs" && layer_of(f).is_none()).collect();
    assert!(missing.is_empty(), "modules without a layer in tests/suite/layers.rs: {missing:?}");
}

#[test]
fn no_module_renames_the_crate() {
    // `use crate as c;` would hide every path after it from this check.
    let house = read_house();
    let renamed: Vec<&String> = house
        .lines
        .keys()
        .filter(|f| {
            let text = std::fs::read_to_string(root().join("src").join(f)).unwrap();
            let code = code_only(&text);
            code.split_whitespace().collect::<Vec<_>>().windows(3).any(|w| w[0] == "crate" && w[1] == "as")
                || code.contains("crate as ")
        })
        .collect();
    assert!(renamed.is_empty(), "`use crate as …` in {renamed:?}");
}

#[test]
fn no_module_imports_from_a_higher_layer() {
    let house = read_house();
    let mut wrong = Vec::new();
    for (file, edges) in &house.edges {
        let Some(mine) = layer_of(file) else { continue };
        for (line, target, path) in edges {
            if let Some(theirs) = layer_of(target).filter(|t| *t > mine) {
                wrong.push(format!("src/{file}:{line} (layer {mine}) uses {path} (src/{target}, layer {theirs})"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports up:\n{}", wrong.join("\n"));
}

#[test]
fn no_cycle_between_files() {
    let house = read_house();
    let graph: BTreeMap<&str, BTreeSet<&str>> =
        house.edges.iter().map(|(f, es)| (f.as_str(), es.iter().map(|(_, t, _)| t.as_str()).collect())).collect();
    // A file is on a cycle when it can reach itself.
    let reaches = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = graph.get(from).map(|o| o.iter().copied().collect()).unwrap_or_default();
        while let Some(f) = stack.pop() {
            if seen.insert(f) {
                stack.extend(graph.get(f).into_iter().flatten().copied());
            }
        }
        seen
    };
    let left: BTreeMap<&str, BTreeSet<&str>> = graph
        .keys()
        .filter(|f| reaches(f).contains(*f))
        .map(|f| (*f, graph[f].iter().copied().filter(|t| reaches(t).contains(*f)).collect()))
        .collect();
    let report: Vec<String> = left
        .iter()
        .map(|(f, out)| {
            let on: Vec<&str> = out.iter().copied().filter(|t| left.contains_key(t)).collect();
            let why: Vec<String> = house.edges[*f]
                .iter()
                .filter(|(_, t, _)| on.contains(&t.as_str()))
                .map(|(l, _, p)| format!("{l}: {p}"))
                .collect();
            format!("src/{f} → {on:?} ({})", why.join(", "))
        })
        .collect();
    assert!(report.is_empty(), "files on an import cycle:\n{}", report.join("\n"));
}

#[test]
fn no_source_file_is_over_600_lines() {
    let house = read_house();
    let mut long: Vec<String> =
        house.lines.iter().filter(|(_, n)| **n > MAX_LINES).map(|(f, n)| format!("src/{f}: {n}")).collect();
    // The tools, the benchmarks and the tests are source files too.
    for dir in ["examples", "benches", "tests"] {
        for (rel, text) in rust_files(&root().join(dir)) {
            let n = text.lines().count();
            if n > MAX_LINES {
                long.push(format!("{dir}/{rel}: {n}"));
            }
        }
    }
    assert!(long.is_empty(), "split by concept:\n{}", long.join("\n"));
}

#[test]
fn the_root_exports_only_what_a_first_user_needs() {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let code = code_only(&lib);
    let mut names = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(k) = rest.find("pub use ") {
        let tail = &rest[k + 8..];
        let end = tail.find(';').unwrap();
        for p in expand(&tail[..end]) {
            let name = p.rsplit("::").next().unwrap().to_owned();
            let name = name.rsplit(" as ").next().unwrap().trim().to_owned();
            names.insert(name);
        }
        rest = &tail[end..];
    }
    assert!(names.len() <= MAX_ROOT_NAMES, "{} names at the root (at most {MAX_ROOT_NAMES}): {names:?}", names.len());
}

#[test]
fn the_checker_sees_use_trees_and_paths() {
    let code = code_only(
        "use crate::a::{b, c::{D, E}};\n// use crate::z;\nlet s = \"crate::y\";\nfn f() { super::x::g(); }\n",
    );
    let got: Vec<String> = paths(&code).into_iter().map(|(_, p)| p).collect();
    assert_eq!(got, ["crate::a::b", "crate::a::c::D", "crate::a::c::E", "super::x::g"]);
    // Renames anywhere in a tree, and paths broken over lines.
    let got: Vec<String> =
        paths(&code_only("use crate::{date::Date as D, quote::Quote};\nfn f() { crate::\n    law::Law::x(); }\n"))
            .into_iter()
            .map(|(_, p)| p)
            .collect();
    assert_eq!(got, ["crate::date::Date", "crate::quote::Quote", "crate::law::Law::x"]);
    assert_eq!(module_of("schedule/mod.rs"), ["schedule"]);
    assert_eq!(module_of("schedule/load.rs"), ["schedule", "load"]);
    assert!(is_use_line("    pub(crate) use load::X;"));
    assert!(!is_use_line("    pub fn f(x: crate::a::B) {}"));
}
