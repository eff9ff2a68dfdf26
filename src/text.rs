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

fn fold_char(c: char) -> Option<char> {
    if ('\u{0300}'..='\u{036F}').contains(&c) {
        return None; // a combining mark (text typed in decomposed form)
    }
    if c.is_ascii() {
        return Some(c);
    }
    for (marked, bare) in FOLD {
        if marked.contains(c) {
            return Some(*bare);
        }
    }
    Some(c)
}

/// Lower case, diacritics removed, every run of non-alphanumeric characters turned into one
/// space, trimmed: `"  Thành phố  Hồ Chí Minh "` → `"thanh pho ho chi minh"`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars().flat_map(char::to_lowercase).filter_map(fold_char) {
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
    fn folds_case_marks_and_punctuation() {
        assert_eq!(fold("  Thành phố  Hồ Chí Minh "), "thanh pho ho chi minh");
        assert_eq!(fold("TP.HCM"), "tp hcm");
        assert_eq!(fold("ĐỒNG NAI"), "dong nai");
        // Decomposed input: "Hà" as H, a, combining grave.
        assert_eq!(fold("Ha\u{0300} No\u{0302}\u{0323}i"), "ha noi");
        assert_eq!(compact("Bà Rịa – Vũng Tàu"), "bariavungtau");
    }
}
