//! The legal vocabulary every part shares: bilingual texts, legal references, licensing
//! authorities and the bodies that appraise and collect.

use std::fmt;

use schemars::JsonSchema;

use crate::date::Date;
use serde::{Deserialize, Serialize};

/// A text in Vietnamese and English.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Text {
    /// Vietnamese (never empty or only spaces: a quote prints it).
    #[serde(deserialize_with = "said")]
    pub vi: String,
    /// English (never empty or only spaces: a quote prints it).
    #[serde(deserialize_with = "said")]
    pub en: String,
}

/// A text that says something: one that is empty or only white space is refused where it is
/// read (a schedule file's place), since a quote would print a blank name or citation.
fn said<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let text = String::deserialize(d)?;
    // Blank: white space and the invisible characters that show nothing (zero-width space,
    // joiners, word joiner, byte-order mark).
    let invisible = |c: char| c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}');
    if text.chars().all(invisible) {
        return Err(serde::de::Error::custom(crate::text::join_both(
            "this text is empty: a quote prints it, so write it out (a legal reference names its document, e.g. \"Thông tư 287/2016/TT-BTC\"; a name, in Vietnamese and in English)",
            "chỗ này đang để trống: phiếu tính phí in nội dung này, hãy ghi đầy đủ (căn cứ pháp lý phải ghi tên văn bản, ví dụ \"Thông tư 287/2016/TT-BTC\"; tên phải ghi cả tiếng Việt và tiếng Anh)",
        )));
    }
    Ok(text)
}

/// [`said`] for a text that may be left out (but, when given, says something).
fn said_if_given<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    said(d).map(Some)
}

/// A legal reference: the document, and where in it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LegalRef {
    /// The document's number and kind, e.g. `Thông tư 287/2016/TT-BTC` (never empty or only
    /// spaces: every figure cites its source).
    #[serde(deserialize_with = "said")]
    pub document: String,
    /// Article, clause, annex row… e.g. `Biểu phí, mục 1.4.4` (when given, never empty or only
    /// spaces).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "said_if_given")]
    pub article: Option<String>,
    /// The document's date of issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Where the text (or the secondary source used) can be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Text {
    /// A text in Vietnamese and English.
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Text {
        Text { vi: vi.into(), en: en.into() }
    }
}

impl fmt::Display for LegalRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.document)?;
        if let Some(article) = &self.article {
            write!(f, ", {article}")?;
        }
        Ok(())
    }
}

/// Who licenses and collects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Authority {
    /// The provincial People's Committee, through its Department of Science and Technology.
    Province,
    /// VARANS, the Vietnam Agency for Radiation and Nuclear Safety.
    Varans,
    /// The Ministry of Science and Technology itself.
    Ministry,
}

impl Authority {
    /// Short Vietnamese and English names, for sentences.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Authority::Province => ("UBND cấp tỉnh (Sở KH&CN)", "the province (DOST)"),
            Authority::Varans => ("Cục An toàn bức xạ và hạt nhân", "VARANS"),
            Authority::Ministry => ("Bộ Khoa học và Công nghệ", "the Ministry of Science and Technology"),
        }
    }

    /// The stable key: `province`, `varans` or `ministry`.
    pub fn key(self) -> &'static str {
        match self {
            Authority::Province => "province",
            Authority::Varans => "varans",
            Authority::Ministry => "ministry",
        }
    }
}

/// A body that appraises and collects the fee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Body {
    /// Vietnamese name.
    pub vi: String,
    /// English name.
    pub en: String,
    /// Why this body.
    pub basis: LegalRef,
}
