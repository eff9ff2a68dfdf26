//! What the classifier says: the outcome (one class, candidates and the field that would
//! decide, or nothing known), and everything that follows from the class on a date.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::nuclide::SourceAssessment;
use crate::vocab::{Authority, DeviceClass, Family, Field, Text};

/// Whether a device needs a licence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Status {
    /// Regulated: declaration and licence.
    Licence,
    /// Below the exemption criteria: no declaration, no licence, no fee.
    Exempt,
    /// Emits no ionising radiation: outside radiation licensing.
    NotIonizing,
}

impl Status {
    /// The key used in JSON: `licence`, `exempt` or `not_ionizing`.
    pub fn key(self) -> &'static str {
        match self {
            Status::Licence => "licence",
            Status::Exempt => "exempt",
            Status::NotIonizing => "not_ionizing",
        }
    }

    /// Vietnamese and English names (Law on Atomic Energy: giấy phép, miễn trừ).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Status::Licence => ("phải khai báo và cấp giấy phép", "declaration and licence"),
            Status::Exempt => (
                "được miễn trừ (không khai báo, không cấp phép, không thu phí)",
                "exempt (no declaration, licence or fee)",
            ),
            Status::NotIonizing => {
                ("không phát bức xạ ion hóa: ngoài phạm vi cấp phép", "no ionising radiation: outside licensing")
            }
        }
    }
}

/// What a description settles.
///
/// In JSON it is written as two keys of the classification: `class` (the class or `null`) and
/// `candidates` (`null`, or `{ "classes": […], "field": "…" }`; no classes when nothing is
/// known), as docs/device-classes.md shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "OutcomeJson", from = "OutcomeJson")]
#[non_exhaustive]
pub enum Outcome {
    /// The description settles one class.
    Settled(DeviceClass),
    /// Two or more classes fit; `field` would decide.
    Ambiguous {
        /// The plausible classes.
        classes: Vec<DeviceClass>,
        /// The description field that would decide.
        field: Field,
    },
    /// Nothing in the description points to a class, or it contradicts itself.
    Unknown,
}

impl Outcome {
    /// The class, when settled.
    pub fn class(&self) -> Option<DeviceClass> {
        match self {
            Outcome::Settled(c) => Some(*c),
            _ => None,
        }
    }

    /// The candidates, when ambiguous (empty otherwise).
    pub fn candidates(&self) -> &[DeviceClass] {
        match self {
            Outcome::Ambiguous { classes, .. } => classes,
            _ => &[],
        }
    }
}

#[derive(Serialize, Deserialize)]
struct CandidatesJson {
    classes: Vec<DeviceClass>,
    field: Field,
}

#[derive(Serialize, Deserialize)]
struct OutcomeJson {
    class: Option<DeviceClass>,
    candidates: Option<CandidatesJson>,
}

impl From<Outcome> for OutcomeJson {
    fn from(o: Outcome) -> OutcomeJson {
        match o {
            Outcome::Settled(c) => OutcomeJson { class: Some(c), candidates: None },
            Outcome::Ambiguous { classes, field } => {
                OutcomeJson { class: None, candidates: Some(CandidatesJson { classes, field }) }
            }
            Outcome::Unknown => OutcomeJson {
                class: None,
                candidates: Some(CandidatesJson { classes: Vec::new(), field: Field::Modality }),
            },
        }
    }
}

impl From<OutcomeJson> for Outcome {
    fn from(o: OutcomeJson) -> Outcome {
        match (o.class, o.candidates) {
            (Some(c), _) => Outcome::Settled(c),
            (None, Some(k)) if !k.classes.is_empty() => Outcome::Ambiguous { classes: k.classes, field: k.field },
            _ => Outcome::Unknown,
        }
    }
}

/// Who licenses a device under one reading of a contested period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthorityReading {
    /// Who licenses and collects under that reading.
    pub authority: Authority,
    /// The reading.
    pub reading: Text,
    /// Its legal basis.
    pub basis: String,
}

/// A rule that fired, with its legal basis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reason {
    /// Stable rule id, e.g. `name.phrase`, `field.modality`, `exemption.max_kv`.
    pub rule: String,
    /// What it found, in plain words.
    pub text: String,
    /// The same in Vietnamese.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text_vi: String,
    /// The legal basis or source.
    pub basis: String,
}

/// What the classifier says about one device.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Classification {
    /// The name as written, if any.
    pub name: Option<String>,
    /// The class, or the candidates and the field that would decide, or nothing known.
    pub outcome: Outcome,
    /// The family (also given when every candidate shares it).
    pub family: Option<Family>,
    /// Whether it is an X-ray emitting device in the sense of the 2025–2026 provincial procedures.
    pub x_ray_emitting: Option<bool>,
    /// Licence, exempt or not ionising (also given when every candidate agrees).
    pub status: Option<Status>,
    /// The criterion that exempted it.
    pub exemption: Option<String>,
    /// Who licenses it on the date (`None` when not regulated or not settled); in a contested
    /// period, under the default reading.
    pub authority: Option<Authority>,
    /// In a contested period, who licenses it under the other reading, that reading and its
    /// basis (see `fee-schedules/authority.toml`).
    pub authority_alternative: Option<AuthorityReading>,
    /// IAEA / QCVN 6:2010 category 1–5 of its sources on the date (Σ A/D), if it has sources.
    pub source_category: Option<u8>,
    /// Σ A/D on the date, if it has sources.
    pub a_over_d: Option<Decimal>,
    /// Each source on the date.
    pub sources: Vec<SourceAssessment>,
    /// Whether a radiation-safety officer is required (for licensed devices).
    pub safety_officer_required: Option<bool>,
    /// Inspection (kiểm định) interval in months, where the law sets one.
    pub inspection_interval_months: Option<u32>,
    /// The fields that decided the class.
    pub decided_by: Vec<String>,
    /// Disagreements between the name and the fields, unverified data used, and the like.
    pub warnings: Vec<String>,
    /// The same warnings in Vietnamese, in the same order.
    pub warnings_vi: Vec<String>,
    /// The rules that fired, each with its legal basis.
    pub reasons: Vec<Reason>,
}

impl Classification {
    /// The class, when the description settles one.
    pub fn class(&self) -> Option<DeviceClass> {
        self.outcome.class()
    }

    /// Whether the evidence left more than one class (or none) and the device is not exempt.
    pub fn is_ambiguous(&self) -> bool {
        self.class().is_none() && self.status != Some(Status::Exempt)
    }
}

/// The JSON of a classification (docs/device-classes.md), keys in their documented order:
/// the outcome is written as `class` and `candidates`.
#[derive(Serialize)]
struct ClassificationJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: &'a Option<String>,
    class: Option<DeviceClass>,
    family: Option<Family>,
    x_ray_emitting: Option<bool>,
    status: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exemption: &'a Option<String>,
    authority: Option<Authority>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authority_alternative: &'a Option<AuthorityReading>,
    source_category: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    a_over_d: Option<Decimal>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    sources: &'a [SourceAssessment],
    safety_officer_required: Option<bool>,
    inspection_interval_months: Option<u32>,
    candidates: Option<CandidatesJson>,
    decided_by: &'a [String],
    warnings: &'a [String],
    warnings_vi: &'a [String],
    reasons: &'a [Reason],
}

impl Serialize for Classification {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let OutcomeJson { class, candidates } = OutcomeJson::from(self.outcome.clone());
        ClassificationJson {
            name: &self.name,
            class,
            family: self.family,
            x_ray_emitting: self.x_ray_emitting,
            status: self.status,
            exemption: &self.exemption,
            authority: self.authority,
            authority_alternative: &self.authority_alternative,
            source_category: self.source_category,
            a_over_d: self.a_over_d,
            sources: &self.sources,
            safety_officer_required: self.safety_officer_required,
            inspection_interval_months: self.inspection_interval_months,
            candidates,
            decided_by: &self.decided_by,
            warnings: &self.warnings,
            warnings_vi: &self.warnings_vi,
            reasons: &self.reasons,
        }
        .serialize(s)
    }
}
