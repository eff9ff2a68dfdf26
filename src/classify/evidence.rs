//! The evidence of a description: its fields, the generic words of its name, and the
//! catalogue entries its name names, combined. Fields win over the name, and a disagreement
//! is said; a catalogue entry and the name's generic words are both evidence: when they agree
//! the class is settled, when they disagree both readings are kept (an ambiguity naming the
//! field that decides), never one silently overriding the other.

use std::collections::BTreeSet;

use super::catalogue::Catalogue;
use super::lazy::LazyCatalogue;
use super::name::read_name;
use super::outcome::Reason;
use super::profiles::{Facts, candidate_mask, classes_of, deciding_field, key_of, open_mask};
use crate::error::{Error, Finding};
use crate::vocab::{Description, DeviceClass, Field, Radiation, Use};

/// The facts a description gives, the candidates they leave, and (when explaining) how they
/// were read.
pub(super) struct Evidence {
    pub(super) facts: Facts,
    pub(super) no_evidence: bool,
    /// The candidate classes, as a mask over the class profiles.
    pub(super) mask: u64,
    /// The field that decides, when the evidence names it (a catalogue entry's `decided_by`,
    /// or the field of a disagreement between the catalogue and the name's words).
    pub(super) field: Option<Field>,
    pub(super) reasons: Vec<Reason>,
    /// (English, Vietnamese).
    pub(super) warnings: Vec<(String, String)>,
}

pub(super) fn reason(rule: &str, text: impl Into<String>, text_vi: impl Into<String>, basis: impl ToString) -> Reason {
    Reason { rule: rule.to_owned(), text: text.into(), text_vi: text_vi.into(), basis: basis.to_string() }
}

pub(super) const DEFINITIONS: &str = "Nghị định 142/2020/NĐ-CP Điều 3; TTLT 13/2014/TTLT-BKHCN-BYT Điều 2 (sửa đổi bởi TT 13/2018/TT-BKHCN); docs/device-classes.md";

/// The classes of a mask, as keys joined by "or".
fn show(mask: u64) -> String {
    let classes: Vec<DeviceClass> = classes_of(mask);
    let keys: Vec<&str> = classes.iter().take(6).map(|c| c.key()).collect();
    let more = if classes.len() > 6 { format!(" (+{})", classes.len() - 6) } else { String::new() };
    format!("{}{more}", keys.join(" or "))
}

/// The evidence of a description: the fields, then the name filling in what they leave open.
/// With `explain`, the reasons and warnings that say how (classify); without, only the facts
/// and candidates (class_of, for bulk work).
pub(super) fn gather(d: &Description, catalogue: &LazyCatalogue, explain: bool) -> Result<Evidence, Error> {
    d.check()?;
    if let Some(name) = &d.name
        && crate::text::nfc_len(name) > crate::application::MAX_TEXT
    {
        return Err(Error::input(
            Finding::error(
                None,
                Some("name"),
                format!("the name is longer than {} characters", crate::application::MAX_TEXT),
            )
            .vi(format!("tên thiết bị dài hơn {} ký tự", crate::application::MAX_TEXT)),
        ));
    }
    if d.source.len() > crate::application::MAX_SOURCES {
        return Err(Error::input(
            Finding::error(
                None,
                Some("source"),
                format!("a device may list at most {} sources", crate::application::MAX_SOURCES),
            )
            .vi(format!("một thiết bị có tối đa {} nguồn", crate::application::MAX_SOURCES)),
        ));
    }
    let mut reasons = Vec::new();
    let mut warnings = Vec::new();

    // The evidence from the fields.
    let mut fields = Facts::default();
    if let Some(r) = d.radiation {
        fields.radiation = Some([r].into());
        if explain {
            reasons.push(reason(
                "field.radiation",
                format!("radiation given: {}", key_of(r)),
                format!("loại bức xạ đã khai: {}", key_of(r)),
                DEFINITIONS,
            ));
        }
    }
    if let Some(u) = d.use_ {
        fields.uses = Some([u].into());
        if explain {
            reasons.push(reason(
                "field.use",
                format!("use given: {}", key_of(u)),
                format!("mục đích sử dụng đã khai: {}", key_of(u)),
                DEFINITIONS,
            ));
        }
    }
    if let Some(modality) = d.modality {
        if explain {
            reasons.push(reason(
                "field.modality",
                format!("modality given: {}", modality.key()),
                format!("kỹ thuật đã khai: {}", modality.key()),
                DEFINITIONS,
            ));
        }
        let m = modality.key();
        // A mobile fluoroscope is a C-arm; mobile radiography is a mobile X-ray.
        let m = match (m, d.mobile) {
            ("fluoroscopy", Some(true)) => "c_arm",
            ("radiography", Some(true)) => "mobile_radiography",
            (m, _) => m,
        };
        if m != modality.key() && explain {
            reasons.push(reason(
                "field.mobile",
                format!("a mobile {modality} unit is classed as {m}"),
                format!("thiết bị {modality} di động được xếp là {m}"),
                DEFINITIONS,
            ));
        }
        fields.modality = Some([m].into());
    }
    if d.mobile == Some(true) && d.modality.is_none() && d.radiation == Some(Radiation::XRay) {
        fields.modality = Some(["mobile_radiography", "c_arm"].into());
    }
    if !d.source.is_empty() && fields.radiation.is_none() {
        fields.radiation = Some([Radiation::SealedSource].into());
        if explain {
            reasons.push(reason(
                "field.source",
                "the description lists sealed sources",
                "mô tả có kê khai nguồn phóng xạ kín",
                DEFINITIONS,
            ));
        }
    }

    // The evidence from the name; fields win, disagreements are reported.
    let fields_given = fields.radiation.is_some() || fields.uses.is_some() || fields.modality.is_some();
    // How the fields' modality is named in a disagreement: the field itself, or `mobile`.
    let field_says = ("the field says", "trường đã khai ghi");
    let modality_label = if d.modality.is_none() {
        ("the field mobile = true says", "trường mobile = true cho thấy")
    } else {
        field_says
    };
    let mut facts = fields.clone();
    let mut catalogue_mask: Option<u64> = None;
    let mut mask = None;
    let mut field = None;
    if let Some(name) = d.name.as_deref().filter(|n| !n.trim().is_empty()) {
        // The catalogue is read when a first name is (see `LazyCatalogue`).
        let catalogue = catalogue.get();
        let reading = read_name(name, catalogue);
        let named = reading.facts;
        let phrases = reading.phrases;
        if !explain {
        } else if !phrases.is_empty() {
            reasons.push(reason(
                "name.phrases",
                format!("the name `{name}` contains: {}", phrases.join(", ")),
                format!("tên `{name}` có các từ: {}", phrases.join(", ")),
                "radfee name vocabulary (src/classify/lexicon.rs)",
            ));
        } else if reading.found.is_empty() {
            warnings.push((
                format!("no known term in the name `{name}`"),
                format!("tên `{name}` không có từ nào bộ phân loại nhận biết"),
            ));
        }
        if explain && reading.detector_only {
            warnings.push((
                "`DR`/`CR`/`digital` names the detector, not the kind of unit: general radiography is assumed, but mammography, mobile and fluoroscopy units are digital too; check the form".to_owned(),
                "`DR`/`CR`/`kỹ thuật số` chỉ loại đầu thu ảnh, không chỉ loại máy: tạm coi là X-quang chụp thường, nhưng máy chụp vú, máy di động, máy tăng sáng cũng là máy kỹ thuật số; hãy đối chiếu hồ sơ".to_owned(),
            ));
        }
        let mut disagree = Vec::new();
        macro_rules! merge {
            ($dim:ident, $name:literal, $label:expr, $fmt:expr) => {
                match (&fields.$dim, &named.$dim) {
                    (Some(given), Some(said)) if given.is_disjoint(said) => {
                        // Disjoint: the field wins and the disagreement is said (when explaining).
                        disagree.extend(explain.then(|| {
                            let (field_en, field_vi) = $label;
                            (
                                format!("the name suggests {} {} but {field_en} {}", $name, $fmt(said), $fmt(given)),
                                format!("tên cho thấy {} {} nhưng {field_vi} {}", $name, $fmt(said), $fmt(given)),
                            )
                        }));
                    }
                    (Some(given), Some(said)) => facts.$dim = Some(given.intersection(said).copied().collect()),
                    (None, Some(said)) => facts.$dim = Some(said.clone()),
                    _ => {}
                }
            };
        }
        let show_r = |s: &BTreeSet<Radiation>| s.iter().map(key_of).collect::<Vec<_>>().join(" or ");
        let show_u = |s: &BTreeSet<Use>| s.iter().map(key_of).collect::<Vec<_>>().join(" or ");
        let show_m = |s: &BTreeSet<&str>| s.iter().copied().collect::<Vec<_>>().join(" or ");
        merge!(radiation, "radiation", field_says, show_r);
        merge!(uses, "use", field_says, show_u);
        merge!(modality, "modality", modality_label, show_m);
        if candidate_mask(&facts) == 0 && candidate_mask(&fields) != 0 {
            if fields_given {
                disagree.push((
                    "the name and the fields describe different devices; the fields are used".to_owned(),
                    "tên và các trường mô tả hai thiết bị khác nhau; dùng các trường đã khai".to_owned(),
                ));
            } else if explain {
                // No field was given: the name's own words contradict each other.
                warnings.push((
                    format!("the words of the name `{name}` describe different devices ({})", phrases.join(", ")),
                    format!("các từ trong tên `{name}` mô tả những thiết bị khác nhau ({})", phrases.join(", ")),
                ));
            }
            facts = fields.clone();
        }
        for (en, vi) in disagree {
            warnings.push((
                format!("name and fields disagree: {en}"),
                format!("tên và các trường đã khai không khớp: {vi}"),
            ));
        }
        if !reading.found.is_empty() {
            let masks: Vec<u64> = reading.found.iter().map(|f| catalogue.masks[f.entry as usize]).collect();
            let common = masks.iter().fold(u64::MAX, |a, m| a & m);
            let cat = if common != 0 { common } else { masks.iter().fold(0, |a, m| a | m) };
            catalogue_mask = Some(cat);
            let lex = candidate_mask(&facts);
            let given = open_mask(&fields);
            let entries: Vec<_> = reading.found.iter().map(|f| &catalogue.entries()[f.entry as usize]).collect();
            let labels = entries.iter().map(|e| e.label()).collect::<Vec<_>>().join(", ");
            if explain {
                for (f, e) in reading.found.iter().zip(&entries) {
                    let classes = e.classes.iter().map(|c| c.key()).collect::<Vec<_>>().join(" or ");
                    let by = e.decided_by.map(|f| (format!(", decided by {f}"), format!(", trường quyết định: {f}")));
                    let (by_en, by_vi) = by.unwrap_or_default();
                    let pattern = catalogue.pattern_of(f);
                    reasons.push(reason(
                        "name.catalogue",
                        format!(
                            "the name matches `{pattern}`: catalogue entry {} → {classes}{by_en} ({}:{})",
                            e.label(),
                            e.location.file,
                            e.location.line
                        ),
                        format!(
                            "tên khớp `{pattern}`: mục danh mục thiết bị {} → {classes}{by_vi} ({}:{})",
                            e.label(),
                            e.location.file,
                            e.location.line
                        ),
                        e.source.summary(),
                    ));
                    if reading.near {
                        warnings.push((
                            format!("the name is read as the catalogue pattern `{pattern}`, spelt one letter differently: check the spelling on the form"),
                            format!("tên được hiểu là mẫu `{pattern}` trong danh mục, viết khác một chữ cái: hãy đối chiếu chính tả trên hồ sơ"),
                        ));
                    }
                    if let Some(note) = &e.note {
                        warnings.push((
                            format!("note on the catalogue entry {}: {note}", e.label()),
                            format!("ghi chú của mục danh mục {}: {note}", e.label()),
                        ));
                    }
                    if let Some(doubt) = &e.doubt {
                        warnings.push((
                            format!("the catalogue entry {} is marked doubtful: {doubt}", e.label()),
                            format!("mục danh mục {} được ghi là chưa chắc chắn: {doubt}", e.label()),
                        ));
                    }
                }
                if common == 0 {
                    warnings.push((
                        format!("the name names catalogue entries of different kinds ({labels}): {}", show(cat)),
                        format!("tên nêu các mục danh mục thuộc loại khác nhau ({labels}): {}", show(cat)),
                    ));
                }
            }
            if open_mask(&facts) & cat != 0 {
                mask = Some(open_mask(&facts) & cat);
            } else if fields_given && given & cat == 0 {
                // The fields win over the name, the catalogue entry included; said.
                mask = Some(lex);
                if explain {
                    warnings.push((
                        format!("name and fields disagree: the catalogue entry {labels} is {} but the fields say {}; the fields are used", show(cat), show(given)),
                        format!("tên và các trường đã khai không khớp: mục danh mục {labels} là {} nhưng các trường đã khai cho thấy {}; dùng các trường đã khai", show(cat), show(given)),
                    ));
                }
            } else {
                // The name's words and the catalogue disagree: both readings stay.
                let both = lex | (cat & given);
                let decide = deciding_field(&fields, &classes_of(both));
                mask = Some(both);
                field = Some(decide);
                if explain {
                    warnings.push((
                        format!("the words of the name say {} but the catalogue entry {labels} is {}: both are kept; declare `{decide}` to decide", show(lex), show(cat)),
                        format!("các từ trong tên cho thấy {} nhưng mục danh mục {labels} là {}: giữ cả hai khả năng; hãy khai trường `{decide}` để quyết định", show(lex), show(cat)),
                    ));
                }
            }
            if let ([e], Some(m)) = (entries.as_slice(), mask)
                && m.count_ones() > 1
                && m & !cat == 0
                && field.is_none()
            {
                field = e.decided_by;
            }
        }
    }
    if explain
        && catalogue_mask.is_none()
        && let Some(name) = d.name.as_deref()
    {
        warnings.extend(maker_disagrees(name, catalogue.get(), candidate_mask(&facts)));
    }
    let no_evidence =
        catalogue_mask.is_none() && facts.radiation.is_none() && facts.uses.is_none() && facts.modality.is_none();
    let mask = if no_evidence { 0 } else { mask.unwrap_or_else(|| candidate_mask(&facts)) };
    Ok(Evidence { facts, no_evidence, mask, field, reasons, warnings })
}

/// A maker named without any of its models, when every model the catalogue lists for it is of
/// another kind than the name's reading ("Comet YXLON FF35 CT": the word "CT" reads as a
/// medical CT, and the catalogue knows YXLON only for industrial X-ray equipment): said, so
/// the officer checks the kind of device on the form. The catalogue is evidence, not a closed
/// list, so the reading stands.
fn maker_disagrees(name: &str, catalogue: &Catalogue, mask: u64) -> Option<(String, String)> {
    if mask == 0 {
        return None;
    }
    // One name may stand for several makers (Samsung): the union of their models.
    let makers = super::name::makers_in(name, catalogue);
    let theirs = catalogue
        .brand_of
        .iter()
        .zip(&catalogue.masks)
        .filter(|(of, _)| of.is_some_and(|b| makers.contains(&b)))
        .fold(0, |a, (_, m)| a | m);
    if theirs == 0 || theirs & mask != 0 {
        return None;
    }
    let names: Vec<&str> = makers.iter().map(|b| catalogue.manufacturers()[*b as usize].name.as_str()).collect();
    let maker = names.join(", ");
    Some((
        format!(
            "the name names {maker}, whose models in the catalogue are all {} and none {}: check the kind of device on the form (declare `use` or `modality`)",
            show(theirs),
            show(mask)
        ),
        format!(
            "tên nêu hãng {maker}, mà mọi model trong danh mục đều là {} chứ không phải {}: hãy đối chiếu loại thiết bị trên hồ sơ (khai trường `use` hoặc `modality`)",
            show(theirs),
            show(mask)
        ),
    ))
}
