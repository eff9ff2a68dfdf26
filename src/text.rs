//! Forgiving text matching: case, Vietnamese diacritics (precomposed or combining), punctuation.

/// Vietnamese (and a few Latin) letters with marks, and the bare letter they fold to.
const FOLD: &[(&str, char)] = &[
    ("àáảãạăằắẳẵặâầấẩẫậäå", 'a'),
    ("èéẻẽẹêềếểễệë", 'e'),
    ("ìíỉĩịïî", 'i'),
    ("òóỏõọôồốổỗộơờớởỡợö", 'o'),
    ("ùúủũụưừứửữựüû", 'u'),
    ("ỳýỷỹỵÿ", 'y'),
    ("đ", 'd'),
];

/// Every marked letter and its bare letter, sorted for binary search (built once from FOLD).
fn fold_table() -> &'static [(char, char)] {
    static TABLE: std::sync::OnceLock<Vec<(char, char)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: Vec<(char, char)> =
            FOLD.iter().flat_map(|(marked, bare)| marked.chars().map(|c| (c, *bare))).collect();
        t.sort_unstable();
        t
    })
}

fn fold_char(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c);
    }
    if ('\u{0300}'..='\u{036F}').contains(&c) {
        return None; // a combining mark (text typed in decomposed form)
    }
    let table = fold_table();
    Some(table.binary_search_by_key(&c, |(m, _)| *m).map_or(c, |i| table[i].1))
}

/// The hasher of tables whose keys are fixed by the crate or its files (a lookup cannot add
/// keys, so there is nothing to flood): foldhash with a fixed seed, which hashes 8 bytes at a
/// step and is several times faster than the default SipHash on these short keys.
pub(crate) type Fixed = foldhash::fast::FixedState;

/// At most 60 characters of `text`, with "…" when cut: what a message may quote of an input.
pub(crate) fn excerpt(text: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        None => std::borrow::Cow::Borrowed(text),
        Some((i, _)) => std::borrow::Cow::Owned(format!("{}…", &text[..i])),
    }
}

/// Lower case, diacritics removed, every run of non-alphanumeric characters turned into one
/// space, trimmed: `"  Thành phố  Hồ Chí Minh "` → `"thanh pho ho chi minh"`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let lower = text.chars().flat_map(|c| {
        // ASCII needs no table: lower-case it directly.
        let (ascii, other) =
            if c.is_ascii() { (Some(c.to_ascii_lowercase()), None) } else { (None, Some(c.to_lowercase())) };
        ascii.into_iter().chain(other.into_iter().flatten())
    });
    for c in lower.filter_map(fold_char) {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
    out
}

/// [`fold`] without any spaces: `"Hà Nội"`, `"ha noi"` and `"HaNoi"` all give `"hanoi"`.
pub fn compact(text: &str) -> String {
    fold(text).replace(' ', "")
}

/// Levenshtein distance over bytes (for folded, ASCII keys): how many single-letter edits turn
/// `a` into `b`. Used to suggest the spelling someone probably meant.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_marked_letter_folds_to_its_bare_letter_in_both_cases() {
        for (marked, bare) in FOLD {
            for c in marked.chars() {
                assert_eq!(fold(&c.to_string()), bare.to_string(), "{c}");
                let upper: String = c.to_uppercase().collect();
                assert_eq!(fold(&upper), bare.to_string(), "{upper}");
            }
        }
    }

    #[test]
    fn excerpts_are_bounded() {
        assert_eq!(excerpt("Hà Nội"), "Hà Nội");
        let long = "đ".repeat(100);
        assert_eq!(excerpt(&long).chars().count(), 61);
        assert!(excerpt(&long).ends_with('…'));
    }

    #[test]
    fn folds_case_marks_and_punctuation() {
        assert_eq!(fold("  Thành phố  Hồ Chí Minh "), "thanh pho ho chi minh");
        assert_eq!(fold("TP.HCM"), "tp hcm");
        assert_eq!(fold("ĐỒNG NAI"), "dong nai");
        // Decomposed input: "Hà" as H, a, combining grave.
        assert_eq!(fold("Ha\u{0300} No\u{0302}\u{0323}i"), "ha noi");
        assert_eq!(compact("Bà Rịa – Vũng Tàu"), "bariavungtau");
    }
}
