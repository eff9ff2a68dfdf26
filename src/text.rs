//! Forgiving text matching: case, Vietnamese diacritics (precomposed or combining), punctuation.

use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;

/// Letters typed for Đ/đ that look the same but are other letters: Icelandic eth (Ð U+00D0,
/// ð U+00F0) and African D (Ɖ U+0189, ɖ U+0256). Keyboards and fonts substitute them.
fn dee(c: char) -> char {
    match c {
        '\u{00D0}' | '\u{0189}' => 'Đ',
        '\u{00F0}' | '\u{0256}' => 'đ',
        c => c,
    }
}

/// The five Vietnamese tone marks, as combining characters (grave, acute, tilde, hook above,
/// dot below); the other marks (circumflex, breve, horn) make letters of their own.
fn is_tone_mark(c: char) -> bool {
    matches!(c, '\u{0300}' | '\u{0301}' | '\u{0303}' | '\u{0309}' | '\u{0323}')
}

/// Text as it is kept and echoed: Unicode NFC (one code point per letter with its marks, as
/// Vietnamese keyboards produce), with the look-alikes of Đ/đ replaced by Đ/đ.
pub(crate) fn nfc(text: &str) -> String {
    if text.is_ascii() {
        return text.to_owned();
    }
    text.chars().map(dee).nfc().collect()
}

/// The number of characters of [`nfc`]`(text)`, counted without building it.
pub(crate) fn nfc_len(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    // Text typed precomposed (most of it) is NFC already, letter for letter (the look-alikes
    // of Đ are one letter each way): counted without normalising.
    match unicode_normalization::is_nfc_quick(text.chars().map(dee)) {
        unicode_normalization::IsNormalized::Yes => text.chars().count(),
        _ => text.chars().map(dee).nfc().count(),
    }
}

/// A key under which texts that read the same are equal: [`nfc`], with each word's tone
/// mark moved to the end of the word (old and new placement, `hòa` and `hoà`, are one word),
/// and runs of white space made one space, trimmed. Case is kept.
pub(crate) fn reading_key(text: &str) -> String {
    if text.is_ascii() {
        return text.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
    }
    let mut out = String::with_capacity(text.len());
    let mut tones = String::new();
    let mut space = false;
    for c in text.chars().map(dee).nfd() {
        if c.is_whitespace() {
            out.push_str(&tones);
            tones.clear();
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if is_tone_mark(c) {
            tones.push(c);
        } else if c.is_alphanumeric() || !is_combining_mark(c) {
            if !c.is_alphanumeric() {
                out.push_str(&tones);
                tones.clear();
            }
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out.push_str(&tones);
    out
}

fn fold_char(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c);
    }
    if is_combining_mark(c) {
        return None; // the marks of a decomposed letter
    }
    Some(match dee(c) {
        'đ' | 'Đ' => 'd',
        c => c,
    })
}

/// The hasher of tables whose keys are fixed by the crate or its files (a lookup cannot add
/// keys, so there is nothing to flood): foldhash with a fixed seed, which hashes 8 bytes at a
/// step and is several times faster than the default SipHash on these short keys.
pub(crate) type Fixed = foldhash::fast::FixedState;

/// At most 60 characters of `text`, with "…" when cut, and line breaks and other control
/// characters shown as `⏎` and `�`: what a message may quote of an input (one message, one
/// line).
pub(crate) fn excerpt(text: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 60;
    let cut = text.char_indices().nth(MAX).map(|(i, _)| i);
    let head = &text[..cut.unwrap_or(text.len())];
    if cut.is_none() && !head.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out: String = head
        .chars()
        .map(|c| match c {
            '\n' | '\r' => '⏎',
            c if c.is_control() => '�',
            c => c,
        })
        .collect();
    if cut.is_some() {
        out.push('…');
    }
    std::borrow::Cow::Owned(out)
}

/// Lower case, diacritics removed, every run of non-alphanumeric characters turned into one
/// space, trimmed: `"  Thành phố  Hồ Chí Minh "` → `"thanh pho ho chi minh"`.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let mut push = |c: char| {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            push(c.to_ascii_lowercase());
            continue;
        }
        // Decompose (NFD), drop the marks, fold case: Vietnamese letters in either Unicode
        // form, and any other Latin letter with marks, become their bare letter.
        for d in std::iter::once(c).nfd().filter_map(fold_char) {
            for l in d.to_lowercase() {
                push(l);
            }
        }
    }
    out
}

/// [`fold`] without any spaces: `"Hà Nội"`, `"ha noi"` and `"HaNoi"` all give `"hanoi"`.
pub(crate) fn compact(text: &str) -> String {
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

    /// The length counted without normalising is the length of the text as kept.
    #[test]
    fn nfc_len_is_the_length_of_the_text_as_kept() {
        for s in [
            "",
            "Hà Nội",
            "Ha\u{300} N\u{1ed9}i",
            "Ðồng Nai",
            "\u{344}\u{344}",
            "\u{1100}\u{1161}\u{11a8}",
            "a\u{301}\u{302}",
        ] {
            assert_eq!(nfc_len(s), nfc(s).chars().count(), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn nfc_len_agrees_with_nfc(s in "\\PC{0,40}", marks in "[a\u{300}-\u{36f}\u{1100}-\u{1112}\u{1161}-\u{1175}]{0,20}") {
            proptest::prop_assert_eq!(nfc_len(&s), nfc(&s).chars().count());
            proptest::prop_assert_eq!(nfc_len(&marks), nfc(&marks).chars().count());
        }
    }

    #[test]
    fn every_vietnamese_letter_folds_to_its_bare_letter_in_both_cases() {
        const LETTERS: &[(&str, char)] = &[
            ("àáảãạăằắẳẵặâầấẩẫậ", 'a'),
            ("èéẻẽẹêềếểễệ", 'e'),
            ("ìíỉĩị", 'i'),
            ("òóỏõọôồốổỗộơờớởỡợ", 'o'),
            ("ùúủũụưừứửữự", 'u'),
            ("ỳýỷỹỵ", 'y'),
            ("đðɖ", 'd'),
        ];
        for (marked, bare) in LETTERS {
            for c in marked.chars() {
                assert_eq!(fold(&c.to_string()), bare.to_string(), "{c}");
                let upper: String = c.to_uppercase().collect();
                assert_eq!(fold(&upper), bare.to_string(), "{upper}");
                let nfd: String = std::iter::once(c).nfd().collect();
                assert_eq!(fold(&nfd), bare.to_string(), "{c} decomposed");
            }
        }
    }

    #[test]
    fn texts_that_read_the_same_have_one_form() {
        // Đ look-alikes, NFD beside NFC, old and new tone placement.
        assert_eq!(nfc("\u{00D0}ồng Nai"), "Đồng Nai");
        assert_eq!(nfc("\u{0189}à Nẵng"), "Đà Nẵng");
        assert_eq!(nfc("Ha\u{0300} No\u{0302}\u{0323}i"), "Hà Nội");
        assert_eq!(reading_key("Thanh Hoá"), reading_key("Thanh Hóa"));
        assert_eq!(reading_key("hoà  bình "), reading_key("hòa bình"));
        assert_eq!(reading_key("thuỷ"), reading_key("thủy"));
        assert_eq!(reading_key("\u{00F0}ầu dò"), reading_key("đầu dò"));
        assert_ne!(reading_key("hòa"), reading_key("hóa"));
        assert_ne!(reading_key("SIEMENS"), reading_key("Siemens"), "case is kept");
        assert_eq!(reading_key("AB-12 3"), "AB-12 3");
    }

    #[test]
    fn excerpts_are_bounded() {
        assert_eq!(excerpt("Hà Nội"), "Hà Nội");
        let long = "đ".repeat(100);
        assert_eq!(excerpt(&long).chars().count(), 61);
        assert!(excerpt(&long).ends_with('…'));
        assert_eq!(excerpt("Q-1\nsecond\tline"), "Q-1⏎second�line");
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

/// A message in both languages, written by the crate: English for services and logs,
/// Vietnamese (the law's own terms) for officers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Msg {
    pub(crate) en: String,
    pub(crate) vi: String,
}

impl Msg {
    pub(crate) fn new(en: impl Into<String>, vi: impl Into<String>) -> Msg {
        Msg { en: en.into(), vi: vi.into() }
    }
}

/// Between the English and the Vietnamese text of a message that has to pass through serde
/// as one string (a custom deserialisation error); [`split_both`] takes them apart again.
pub(crate) const BOTH: char = '\u{1f}';

/// `en` and `vi` as one string for serde (see [`BOTH`]).
pub(crate) fn join_both(en: &str, vi: &str) -> String {
    format!("{en}{BOTH}{vi}")
}

/// The English and (when there is one) Vietnamese text of a message joined by [`join_both`].
pub(crate) fn split_both(message: &str) -> (&str, Option<&str>) {
    match message.split_once(BOTH) {
        Some((en, vi)) => (en, Some(vi)),
        None => (message, None),
    }
}
