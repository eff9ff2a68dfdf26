//! The terms of an application the law names: procedures, filing channels, kinds of
//! facility.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A value written for a closed set of terms (a procedure, a channel, a device class) that
/// names none of them. Converts into [`crate::Error`] (kind `Input`) with `?`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct UnknownTerm {
    /// The field it was written for: `procedure`, `channel` or `class`.
    pub field: &'static str,
    /// What was written and what is accepted, e.g. "unknown procedure `renew`: expected new
    /// (cấp mới), renewal (gia hạn), …".
    pub message: String,
    /// The same in Vietnamese.
    pub message_vi: String,
}

impl UnknownTerm {
    pub(crate) fn new(field: &'static str, m: crate::text::Msg) -> UnknownTerm {
        UnknownTerm { field, message: m.en, message_vi: m.vi }
    }
}

/// The licensing procedure applied for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Procedure {
    /// Cấp mới: a new licence.
    New,
    /// Gia hạn: renewal of a licence.
    Renewal,
    /// Bổ sung: adding devices to a licence (only the added devices are listed and priced).
    Supplement,
    /// Sửa đổi: amendment (name, address, fewer devices, corrections).
    Amendment,
    /// Cấp lại: re-issue of a lost or damaged licence.
    Reissue,
    /// Khai báo: declaration of a device.
    Declaration,
}

impl Procedure {
    /// Every procedure.
    pub const ALL: [Procedure; 6] = [
        Procedure::New,
        Procedure::Renewal,
        Procedure::Supplement,
        Procedure::Amendment,
        Procedure::Reissue,
        Procedure::Declaration,
    ];

    /// The procedure's position in [`Procedure::ALL`] (a table index on the hot path).
    pub(crate) fn ordinal(self) -> usize {
        self as usize
    }
}

// `ordinal` indexes tables built in `ALL`'s order: the two orders must be one.
const _: () = {
    let mut i = 0;
    while i < Procedure::ALL.len() {
        assert!(Procedure::ALL[i] as usize == i, "Procedure::ALL must list the variants in declaration order");
        i += 1;
    }
};

impl Procedure {
    /// The key used in files: `new`, `renewal`, …
    pub fn key(self) -> &'static str {
        match self {
            Procedure::New => "new",
            Procedure::Renewal => "renewal",
            Procedure::Supplement => "supplement",
            Procedure::Amendment => "amendment",
            Procedure::Reissue => "reissue",
            Procedure::Declaration => "declaration",
        }
    }

    /// The procedure for a key.
    pub fn from_key(key: &str) -> Option<Procedure> {
        Procedure::ALL.into_iter().find(|p| p.key() == key)
    }

    /// The procedure as an officer writes it: the key (`renewal`) or the Vietnamese name of the
    /// procedure in Decree 142/2020/NĐ-CP and the provincial procedure lists ("gia hạn",
    /// "Gia hạn giấy phép", "cấp mới", "khai báo"…), in any case, with or without diacritics,
    /// with `_`, `-` or spaces between words.
    ///
    /// # Errors
    /// [`UnknownTerm`] whose message names every accepted form: an unknown word, or "sửa đổi, bổ sung" (one procedure of
    /// Decree 142/2020/NĐ-CP that is two here, priced differently: a supplement adds devices
    /// and is charged, an amendment is not).
    pub fn from_written(text: &str) -> Result<Procedure, UnknownTerm> {
        Procedure::written(text).map_err(|m| UnknownTerm::new("procedure", m))
    }

    /// [`Procedure::from_written`] with the bare message, for readers that add the place.
    pub(crate) fn written(text: &str) -> Result<Procedure, crate::text::Msg> {
        if let Some(p) = Procedure::from_key(text) {
            return Ok(p);
        }
        let folded = crate::text::fold(text);
        if let Some((_, p)) = PROCEDURE_WORDS.iter().find(|(w, _)| *w == folded) {
            return Ok(*p);
        }
        // The procedure's full title in the provinces' lists: "Gia hạn giấy phép tiến hành
        // công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán trong y tế".
        let folded = match folded.split_once(" giay phep tien hanh cong viec buc xa") {
            Some((head, _)) => {
                let with_licence = format!("{head} giay phep");
                if let Some((_, p)) = PROCEDURE_WORDS.iter().find(|(w, _)| *w == head || *w == with_licence) {
                    return Ok(*p);
                }
                head.to_owned()
            }
            None => folded,
        };
        if folded == "sua doi bo sung" || folded == "sua doi bo sung giay phep" {
            let t = crate::text::excerpt(text);
            return Err(crate::text::Msg::new(
                format!(
                    "`{t}` covers two procedures priced differently: write `bổ sung` (supplement) when devices are added to the licence, `sửa đổi` (amendment) otherwise"
                ),
                format!(
                    "`{t}` gồm hai thủ tục có mức phí khác nhau: ghi `bổ sung` nếu bổ sung thiết bị vào giấy phép, `sửa đổi` nếu không"
                ),
            ));
        }
        let t = crate::text::excerpt(text);
        Err(crate::text::Msg::new(
            format!("unknown procedure `{t}`: expected {}", Procedure::expected()),
            format!(
                "không có thủ tục `{t}`: ghi một trong các thủ tục cấp mới, gia hạn, bổ sung, sửa đổi, cấp lại, khai báo"
            ),
        ))
    }

    /// The accepted forms, for messages: `new (cấp mới), renewal (gia hạn), …`.
    pub(crate) fn expected() -> &'static str {
        "new (cấp mới), renewal (gia hạn), supplement (bổ sung), amendment (sửa đổi), reissue (cấp lại) or declaration (khai báo)"
    }

    /// Vietnamese and English names.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Procedure::New => ("Cấp mới giấy phép", "New licence"),
            Procedure::Renewal => ("Gia hạn giấy phép", "Licence renewal"),
            Procedure::Supplement => ("Bổ sung giấy phép", "Licence supplement"),
            Procedure::Amendment => ("Sửa đổi giấy phép", "Licence amendment"),
            Procedure::Reissue => ("Cấp lại giấy phép", "Licence re-issue"),
            Procedure::Declaration => ("Khai báo", "Declaration"),
        }
    }
}

impl fmt::Display for Procedure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// How the application was filed.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    /// Filed online through a public-service portal.
    Online,
    /// Filed at the desk or by post.
    #[default]
    InPerson,
}

impl Channel {
    /// The key used in files: `online` or `in_person`.
    pub fn key(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::InPerson => "in_person",
        }
    }

    /// The channel as an officer writes it: the key (`online`, `in_person`) or "trực tuyến",
    /// "nộp trực tuyến", "trực tiếp", "nộp trực tiếp", in any case, with or without diacritics.
    ///
    /// # Errors
    /// [`UnknownTerm`] whose message names the accepted forms.
    pub fn from_written(text: &str) -> Result<Channel, UnknownTerm> {
        Channel::written(text).map_err(|m| UnknownTerm::new("channel", m))
    }

    /// [`Channel::from_written`] with the bare message, for readers that add the place.
    pub(crate) fn written(text: &str) -> Result<Channel, crate::text::Msg> {
        if let Some(c) = Channel::from_key(text) {
            return Ok(c);
        }
        let folded = crate::text::fold(text);
        CHANNEL_WORDS.iter().find(|(w, _)| *w == folded).map(|(_, c)| *c).ok_or_else(|| {
            let t = crate::text::excerpt(text);
            crate::text::Msg::new(
                format!("unknown channel `{t}`: expected online (trực tuyến) or in_person (trực tiếp)"),
                format!("không có hình thức nộp `{t}`: ghi trực tuyến hoặc trực tiếp"),
            )
        })
    }

    /// The channel for a key.
    pub fn from_key(key: &str) -> Option<Channel> {
        [Channel::Online, Channel::InPerson].into_iter().find(|c| c.key() == key)
    }

    /// Vietnamese and English names.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Channel::Online => ("Trực tuyến", "Online"),
            Channel::InPerson => ("Trực tiếp", "In person"),
        }
    }
}

/// What kind of facility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FacilityKind {
    /// Hospital.
    Hospital,
    /// Clinic.
    Clinic,
    /// Dental clinic.
    DentalClinic,
    /// Veterinary practice.
    Veterinary,
    /// Industrial.
    Industrial,
    /// Research or education.
    Research,
    /// Security (airport, port, border).
    Security,
    /// Anything else.
    Other,
}

impl FacilityKind {
    /// Every kind.
    pub const ALL: [FacilityKind; 8] = [
        FacilityKind::Hospital,
        FacilityKind::Clinic,
        FacilityKind::DentalClinic,
        FacilityKind::Veterinary,
        FacilityKind::Industrial,
        FacilityKind::Research,
        FacilityKind::Security,
        FacilityKind::Other,
    ];

    /// The key used in files: `hospital`, `dental_clinic`, …
    pub fn key(self) -> &'static str {
        match self {
            FacilityKind::Hospital => "hospital",
            FacilityKind::Clinic => "clinic",
            FacilityKind::DentalClinic => "dental_clinic",
            FacilityKind::Veterinary => "veterinary",
            FacilityKind::Industrial => "industrial",
            FacilityKind::Research => "research",
            FacilityKind::Security => "security",
            FacilityKind::Other => "other",
        }
    }

    /// The kind for a key.
    pub fn from_key(key: &str) -> Option<FacilityKind> {
        FacilityKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// What officers write for each procedure, folded as [`crate::text::fold`] folds (lower case,
/// no diacritics, one space between words): the keys and the procedures' Vietnamese names
/// (Decree 142/2020/NĐ-CP; the provinces' lists of administrative procedures).
const PROCEDURE_WORDS: &[(&str, Procedure)] = &[
    ("new", Procedure::New),
    ("cap moi", Procedure::New),
    ("cap moi giay phep", Procedure::New),
    ("cap giay phep", Procedure::New),
    ("cap giay phep moi", Procedure::New),
    ("cap lan dau", Procedure::New),
    ("cap giay phep lan dau", Procedure::New),
    ("renewal", Procedure::Renewal),
    ("gia han", Procedure::Renewal),
    ("gia han giay phep", Procedure::Renewal),
    ("supplement", Procedure::Supplement),
    ("bo sung", Procedure::Supplement),
    ("bo sung giay phep", Procedure::Supplement),
    ("amendment", Procedure::Amendment),
    ("sua doi", Procedure::Amendment),
    ("sua doi giay phep", Procedure::Amendment),
    ("reissue", Procedure::Reissue),
    ("re issue", Procedure::Reissue),
    ("cap lai", Procedure::Reissue),
    ("cap lai giay phep", Procedure::Reissue),
    ("declaration", Procedure::Declaration),
    ("khai bao", Procedure::Declaration),
];

/// What officers write for each channel, folded.
const CHANNEL_WORDS: &[(&str, Channel)] = &[
    ("online", Channel::Online),
    ("on line", Channel::Online),
    ("truc tuyen", Channel::Online),
    ("nop truc tuyen", Channel::Online),
    ("dich vu cong truc tuyen", Channel::Online),
    ("qua dich vu cong truc tuyen", Channel::Online),
    ("in person", Channel::InPerson),
    ("truc tiep", Channel::InPerson),
    ("nop truc tiep", Channel::InPerson),
    // By post counts as in person: the 63/2023 reduction is for applications filed online.
    ("qua buu chinh", Channel::InPerson),
    ("buu chinh", Channel::InPerson),
    ("nop qua buu chinh", Channel::InPerson),
];
