//! Every message the crate builds carries its Vietnamese: each call of a message constructor
//! in `src/` is read and must have `.vi(…)` (or Vietnamese hints), and the reader itself is
//! tested on written cases.

/// Message constructors whose message is their caller's (the definitions themselves): the
/// caller's call is checked instead. (file, enclosing function)
const PASS_THROUGH: [(&str, &str); 5] = [
    ("src/error.rs", "warning"),
    ("src/error.rs", "io"),
    ("src/error.rs", "unpriceable"),
    ("src/source.rs", "error"),
    ("src/source.rs", "error_here"),
];

/// What makes a message: each call must carry a Vietnamese text. `.with_hint(` gives an
/// English-only hint (use `.with_hints(en, vi)` after `.vi(…)`); `message_vi: None` builds a
/// batch or import problem without its Vietnamese.
const CONSTRUCTORS: [&str; 8] = [
    "Finding::error(",
    "Finding::warning(",
    "src.error(",
    ".error_here(",
    "Error::unpriceable(",
    "Error::io(",
    ".with_hint(",
    "message_vi: None",
];

/// The byte after the `)` closing the `(` at `open`, skipping string and character literals.
fn after_call(b: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b'"' => {
                // A raw string `r#"…"#` ends at `"#`; a plain one at an unescaped `"`.
                let raw = i > 0 && b[i - 1] == b'#' && i > 1 && b[i - 2] == b'r';
                i += 1;
                while i < b.len() {
                    if raw && b[i] == b'"' && b.get(i + 1) == Some(&b'#') {
                        i += 1;
                        break;
                    }
                    if !raw && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if !raw && b[i] == b'"' {
                        break;
                    }
                    i += 1;
                }
            }
            // A character literal ('(' or '\''); a lifetime (`'a`) is left alone.
            b'\'' if b.get(i + 2) == Some(&b'\'') => i += 2,
            b'\'' if b.get(i + 1) == Some(&b'\\') => {
                i += 2;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// The methods called on the value built at `from` (just after a constructor's `)`), also
/// through the calls that wrap it (`Error::input(Finding::error(…)).vi(…)` sees `vi`).
fn chain(b: &[u8], mut i: usize) -> Vec<String> {
    let mut methods = Vec::new();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        match b.get(i) {
            Some(b')') => i += 1,
            Some(b'.') => {
                let start = i + 1;
                let mut end = start;
                while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
                    end += 1;
                }
                if b.get(end) != Some(&b'(') {
                    return methods;
                }
                methods.push(String::from_utf8_lossy(&b[start..end]).into_owned());
                i = after_call(b, end);
            }
            _ => return methods,
        }
    }
}

/// Every `.rs` file under `dir`, as paths relative to the crate root, sorted.
fn rust_files(dir: &std::path::Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(crate::root()).unwrap();
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    out.sort();
}

/// The message constructors of `text` (a file of `src/`) without a Vietnamese text, by line:
/// a call whose chain has no `.vi(`/`.vi_opt(`, or gives `.with_hints(` before it (the
/// Vietnamese hint would be dropped), an English-only `.with_hint(`, a problem built with
/// `message_vi: None`. Test modules are not messages.
fn untranslated(file: &str, text: &str) -> Vec<String> {
    let code = text.find("#[cfg(test)]\nmod tests").map_or(text, |end| &text[..end]);
    let b = code.as_bytes();
    let mut found = Vec::new();
    for pat in CONSTRUCTORS {
        for (at, _) in code.match_indices(pat) {
            let line_start = code[..at].rfind('\n').map_or(0, |i| i + 1);
            if code[line_start..at].trim_start().starts_with("//") {
                continue;
            }
            let line = code[..at].matches('\n').count() + 1;
            let enclosing = code[..at].rfind("fn ").map(|f| {
                let name = &code[f + 3..];
                &name[..name.find(['(', '<']).unwrap_or(0)]
            });
            if enclosing.is_some_and(|name| PASS_THROUGH.contains(&(file, name))) {
                continue;
            }
            let why = match pat {
                ".with_hint(" => Some("English-only hint: use .with_hints(en, vi) after .vi(…)"),
                "message_vi: None" => Some("a problem without its Vietnamese"),
                _ => {
                    let methods = chain(b, after_call(b, at + pat.len() - 1));
                    let vi = methods.iter().position(|m| m == "vi" || m == "vi_opt");
                    let hints = methods.iter().position(|m| m == "with_hints");
                    match (vi, hints) {
                        (None, _) => Some("no .vi(…)"),
                        (Some(v), Some(h)) if h < v => Some(".with_hints before .vi: the Vietnamese hint is dropped"),
                        _ => None,
                    }
                }
            };
            if let Some(why) = why {
                found.push(format!("{file}:{line}: {pat} {why}"));
            }
        }
    }
    found.sort_by_key(|f| f.split(':').nth(1).and_then(|l| l.parse::<usize>().ok()).unwrap_or(0));
    found
}

/// Every message the crate makes carries a Vietnamese text of its own (officers read the
/// tools in Vietnamese; English stays for services, `Display` and `--lang en`): every message
/// constructor in every file of `src/`, with no English-only hint. A new English-only message
/// fails this test, named by file and line.
#[test]
fn message_constructors_have_vietnamese() {
    let mut files = Vec::new();
    rust_files(&crate::root().join("src"), &mut files);
    assert!(files.len() > 50, "{files:?}");
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(crate::root().join(file)).unwrap();
        let english = untranslated(file, &text);
        if !english.is_empty() {
            failures.push(format!(
                "{file}: {} message constructors without Vietnamese:\n  {}",
                english.len(),
                english.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The constructor test sees what it must: a call without `.vi(`, a Vietnamese hint given
/// before the Vietnamese message, an English-only hint, and not a translated call, a comment
/// or a test module.
#[test]
fn the_constructor_test_finds_english_messages() {
    let text = r#"
fn a() -> Error {
    Error::input(Finding::error(None, None, format!("x (y) {}", ')')))
}
fn b() -> Error {
    Error::input(Finding::error(None, None, "x")).vi("y")
}
fn c() -> Finding {
    src.error(&v, "k", "x (").with_hints("h", "g").vi("y")
}
fn d() -> Finding {
    // Finding::error(None, None, "x")
    Finding::warning(None, None, "x").vi(format!("y {}", 1)).with_hints("h", "g").with_hint("h")
}
#[cfg(test)]
mod tests {
    fn e() { Finding::error(None, None, "x"); }
}
"#;
    let found = untranslated("src/x.rs", text);
    assert_eq!(
        found,
        [
            "src/x.rs:3: Finding::error( no .vi(…)",
            "src/x.rs:9: src.error( .with_hints before .vi: the Vietnamese hint is dropped",
            "src/x.rs:13: .with_hint( English-only hint: use .with_hints(en, vi) after .vi(…)",
        ]
    );
}
