//! The checks of a catalogue entry's parts: its class or candidates, its patterns, its
//! source. Each problem is a finding at its place, in Vietnamese and English.

use std::collections::HashMap;

use super::profiles::PROFILES;
use crate::error::Finding;
use crate::schedule::CitationKind;
use crate::schedule::catalogue::{CitationFile, ModelFile};
use crate::source::Src;
use crate::text::Fixed;
use crate::vocab::{DeviceClass, Field};

/// The shortest pattern (letters and digits) that may recognise a model on its own.
pub const MIN_ALONE: usize = 5;

/// The class or candidates of a model, checked.
pub(super) fn classes_of(
    src: &Src<'_>,
    m: &ModelFile,
    findings: &mut Vec<Finding>,
) -> Option<(Vec<DeviceClass>, Option<Field>)> {
    let mut fail = |f: Finding| {
        findings.push(f);
        None
    };
    let keys: Vec<&toml::Spanned<String>> = match (&m.class, m.candidates.as_slice()) {
        (Some(c), []) => vec![c],
        (None, []) => {
            return fail(
                src.error(
                    &m.name,
                    "model.class",
                    format!("model `{}` has no class (class = \"…\", or candidates and decided_by)", m.name.get_ref()),
                )
                .vi(format!(
                    "model `{}` chưa có loại thiết bị (class = \"…\", hoặc candidates và decided_by)",
                    m.name.get_ref()
                )),
            );
        }
        (None, [one]) => {
            return fail(
                src.error(one, "model.candidates", "candidates need two classes or more; one class is `class`")
                    .vi("candidates phải có từ hai loại trở lên; một loại thì ghi `class`"),
            );
        }
        (None, cands) => cands.iter().collect(),
        (Some(c), _) => {
            return fail(
                src.error(c, "model.class", "give `class` or `candidates`, not both")
                    .vi("chỉ ghi `class` hoặc `candidates`, không ghi cả hai"),
            );
        }
    };
    let mut classes = Vec::new();
    for k in keys {
        match DeviceClass::from_key(k.get_ref()) {
            Some(c) if PROFILES.iter().any(|p| p.class == c) && !classes.contains(&c) => classes.push(c),
            Some(c) if classes.contains(&c) => {
                return fail(
                    src.error(k, "model.candidates", format!("class `{c}` twice"))
                        .vi(format!("loại `{c}` bị ghi hai lần")),
                );
            }
            Some(c) => {
                return fail(
                    src.error(k, "model.class", format!("`{c}` is not a kind of device"))
                        .vi(format!("`{c}` không phải là một loại thiết bị (là một loại công việc bức xạ khác)")),
                );
            }
            None => {
                return fail(
                    src.error(k, "model.class", crate::vocab::unknown_class_message(k.get_ref()))
                        .vi(crate::vocab::unknown_class_message_vi(k.get_ref())),
                );
            }
        }
    }
    let decided_by = match (&m.decided_by, classes.len()) {
        (None, 1) => None,
        (Some(d), n) if n > 1 => match d.get_ref().as_str() {
            "modality" => Some(Field::Modality),
            "radiation" => Some(Field::Radiation),
            "use" => Some(Field::Use),
            other => {
                return fail(
                    src.error(d, "model.decided_by", format!("unknown field `{other}`: modality, radiation or use"))
                        .vi(format!("không có trường `{other}`: chỉ dùng modality, radiation hoặc use")),
                );
            }
        },
        (Some(d), _) => {
            return fail(
                src.error(d, "model.decided_by", "decided_by goes with candidates")
                    .vi("decided_by chỉ đi cùng candidates"),
            );
        }
        (None, _) => {
            return fail(
                src.error(
                    &m.name,
                    "model.decided_by",
                    "candidates need decided_by: the field that decides between them",
                )
                .vi("candidates phải có decided_by: trường thông tin quyết định chọn loại nào"),
            );
        }
    };
    Some((classes, decided_by))
}

/// Why a pattern cannot recognise a model (English, Vietnamese), if it cannot.
pub(super) fn pattern_problem(
    key: &str,
    needs_brand: bool,
    vocabulary: &std::collections::HashSet<String, Fixed>,
    brands: &HashMap<String, Vec<u32>, Fixed>,
) -> Option<(String, String)> {
    if key.is_empty() {
        return Some(("it has no letter or digit".to_owned(), "không có chữ cái hay chữ số nào".to_owned()));
    }
    if brands.contains_key(key) {
        return Some((
            "it is a manufacturer's name, not a model".to_owned(),
            "đây là tên hãng, không phải tên model".to_owned(),
        ));
    }
    if needs_brand {
        return None;
    }
    let move_it = "move it to with_brand (recognised only beside the manufacturer's name)";
    let move_it_vi = "chuyển sang with_brand (chỉ nhận dạng khi có tên hãng đi kèm)";
    if key.chars().count() < MIN_ALONE || key.bytes().all(|b| b.is_ascii_digit()) {
        return Some((
            format!("too short or a bare number to recognise a model alone: {move_it}"),
            format!("quá ngắn hoặc chỉ là con số, không đủ để tự nhận dạng model: {move_it_vi}"),
        ));
    }
    if vocabulary.contains(key) {
        return Some((
            format!("a generic word of the classifier's vocabulary: {move_it}"),
            format!("là từ chung trong bộ từ vựng phân loại: {move_it_vi}"),
        ));
    }
    None
}

/// The checks of a citation: a kind on models, a title, a web address, the number's form.
pub(super) fn citation_checks(
    src: &Src<'_>,
    c: &toml::Spanned<CitationFile>,
    model: bool,
    findings: &mut Vec<Finding>,
) {
    let s = c.get_ref();
    let mut bad = |en: String, vi: String| findings.push(src.error(c, "source", en).vi(vi));
    if model && s.kind.is_none() {
        bad(
            "the source has no kind (fda_510k, manual, datasheet, nrc_ssd…)".to_owned(),
            "nguồn chưa ghi loại tài liệu (kind: fda_510k, manual, datasheet, nrc_ssd…)".to_owned(),
        );
    }
    if s.title.trim().is_empty() {
        bad("the source has no title".to_owned(), "nguồn chưa có tiêu đề (title)".to_owned());
    }
    if !(s.url.starts_with("https://") || s.url.starts_with("http://")) || s.url.contains(char::is_whitespace) {
        bad(
            format!("the source's url `{}` is not a web address (https://…)", s.url),
            format!("địa chỉ nguồn `{}` không phải là địa chỉ web (https://…)", s.url),
        );
    }
    let number = s.number.as_deref().unwrap_or("");
    let form = |prefix: u8| {
        number.len() == 7 && number.as_bytes()[0] == prefix && number[1..].bytes().all(|b| b.is_ascii_digit())
    };
    match s.kind {
        Some(CitationKind::Fda510k) if !form(b'K') => bad(
            format!("an FDA 510(k) source needs its number, K and six digits (got `{number}`)"),
            format!("nguồn FDA 510(k) phải có số hồ sơ dạng K và sáu chữ số (đang ghi `{number}`)"),
        ),
        Some(CitationKind::FdaPma) if !form(b'P') => bad(
            format!("an FDA PMA source needs its number, P and six digits (got `{number}`)"),
            format!("nguồn FDA PMA phải có số hồ sơ dạng P và sáu chữ số (đang ghi `{number}`)"),
        ),
        Some(CitationKind::NrcSsd) if number.is_empty() => bad(
            "an NRC registry source needs its sheet number".to_owned(),
            "nguồn sổ đăng ký NRC phải có số hiệu tờ đăng ký (number)".to_owned(),
        ),
        _ => {}
    }
    if let Some(codes) = &s.product_code
        && !codes.split(',').map(str::trim).all(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
    {
        bad(
            format!("product code `{codes}`: three capital letters each, separated by commas"),
            format!("mã sản phẩm `{codes}`: mỗi mã gồm ba chữ in hoa, cách nhau bằng dấu phẩy"),
        );
    }
}
