//! The terms of an application the law names: procedures, filing channels, kinds of
//! facility.

use std::fmt;

use serde::{Deserialize, Serialize};

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
