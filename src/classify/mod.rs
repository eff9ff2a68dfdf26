//! The classifier: a device description → [`Classification`] (class, family, exemption,
//! licensing authority on a date, source category, inspection interval, safety officer, and
//! the reasons, each with its legal basis).
//!
//! It reads the structured fields of docs/device-classes.md and the free-text `name`
//! (Vietnamese with or without diacritics, English, abbreviations). Fields win over the name,
//! and a disagreement is reported. When the evidence leaves two or more classes it returns them
//! with the one field that would decide. It never guesses.

mod lexicon;

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::{Error, Finding};
use crate::nuclide::{Activity, SourceAssessment, assess, category, sum_a_over_d};
use crate::schedule::Schedules;
use crate::schedule::model::Exact;
use crate::source::Src;
use crate::vocab::{Authority, LegalRef, Text};
use crate::vocab::{Description, Radiation, Use};
use crate::vocab::{DeviceClass, Family};
use lexicon::Meaning;

/// Whether a device needs a licence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Regulated: declaration and licence.
    Licence,
    /// Below the exemption criteria: no declaration, no licence, no fee.
    Exempt,
    /// Emits no ionising radiation: outside radiation licensing.
    NotIonizing,
}

/// The plausible classes when the evidence does not settle one, and the field that would.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidates {
    /// The plausible classes (empty when nothing in the description points to a class).
    pub classes: Vec<DeviceClass>,
    /// The description field that would decide (`modality`, `radiation`, `use`…).
    pub field: String,
}

/// Who licenses a device under one reading of a contested period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct Reason {
    /// Stable rule id, e.g. `name.phrase`, `field.modality`, `exemption.max_kv`.
    pub rule: String,
    /// What it found, in plain words.
    pub text: String,
    /// The legal basis or source.
    pub basis: String,
}

/// What the classifier says about one device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    /// The name as written, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The class, or `None` when the evidence does not settle one.
    pub class: Option<DeviceClass>,
    /// The family (also given when every candidate shares it).
    pub family: Option<Family>,
    /// Whether it is an X-ray emitting device in the sense of the 2025–2026 provincial procedures.
    pub x_ray_emitting: Option<bool>,
    /// Licence, exempt or not ionising (also given when every candidate agrees).
    pub status: Option<Status>,
    /// The criterion that exempted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption: Option<String>,
    /// Who licenses it on the date (`None` when not regulated or not settled); in a contested
    /// period, under the default reading.
    pub authority: Option<Authority>,
    /// In a contested period, who licenses it under the other reading, that reading and its
    /// basis (see `fee-schedules/authority.toml`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority_alternative: Option<AuthorityReading>,
    /// IAEA / QCVN 6:2010 category 1–5 of its sources on the date (Σ A/D), if it has sources.
    pub source_category: Option<u8>,
    /// Σ A/D on the date, if it has sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a_over_d: Option<Decimal>,
    /// Each source on the date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceAssessment>,
    /// Whether a radiation-safety officer is required (for licensed devices).
    pub safety_officer_required: Option<bool>,
    /// Inspection (kiểm định) interval in months, where the law sets one.
    pub inspection_interval_months: Option<u32>,
    /// When ambiguous: the plausible classes and the field that would decide.
    pub candidates: Option<Candidates>,
    /// The fields that decided the class.
    pub decided_by: Vec<String>,
    /// Disagreements between the name and the fields, unverified data used, and the like.
    pub warnings: Vec<String>,
    /// The rules that fired, each with its legal basis.
    pub reasons: Vec<Reason>,
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
}

impl Classification {
    /// Whether the evidence left more than one class (or none) and the device is not exempt.
    pub fn is_ambiguous(&self) -> bool {
        self.class.is_none() && self.status != Some(Status::Exempt)
    }
}

/// What [`Schedules::class_of`] decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassOf {
    /// The description settles one class.
    Class(DeviceClass),
    /// Two or more classes fit; `field` would decide.
    Ambiguous {
        /// The plausible classes.
        classes: Vec<DeviceClass>,
        /// The description field that would decide.
        field: String,
    },
    /// Nothing in the description points to a class, or it contradicts itself.
    Unknown,
}

/// The facts a description gives, and (when explaining) how they were read.
struct Evidence {
    facts: Facts,
    no_evidence: bool,
    reasons: Vec<Reason>,
    warnings: Vec<String>,
}

// ── Class profiles: what each class is compatible with ──────────────────────────────────────

struct Profile {
    class: DeviceClass,
    radiation: Radiation,
    /// Empty: any use.
    uses: &'static [Use],
    modalities: &'static [&'static str],
    /// The class is defined by its use and needs it stated (veterinary X-ray).
    requires_use: bool,
}

macro_rules! p {
    ($c:ident, $r:ident, [$($u:ident),*], [$($m:literal),*]) => {
        Profile { class: DeviceClass::$c, radiation: Radiation::$r, uses: &[$(Use::$u),*], modalities: &[$($m),*], requires_use: false }
    };
    ($c:ident, $r:ident, [$($u:ident),*], [$($m:literal),*], requires_use) => {
        Profile { class: DeviceClass::$c, radiation: Radiation::$r, uses: &[$(Use::$u),*], modalities: &[$($m),*], requires_use: true }
    };
}

const MEDICAL_XRAY_MODALITIES: &[&str] =
    &["radiography", "mobile_radiography", "fluoroscopy", "c_arm", "ct", "intraoral", "panoramic"];

static PROFILES: &[Profile] = &[
    p!(XrayGeneral, XRay, [Medical], ["radiography"]),
    p!(XrayFluoroscopy, XRay, [Medical], ["fluoroscopy"]),
    p!(XrayCArm, XRay, [Medical], ["c_arm"]),
    p!(XrayAngiography, XRay, [Medical], ["angiography"]),
    p!(XrayCt, XRay, [Medical], ["ct"]),
    p!(XrayMammography, XRay, [Medical], ["mammography"]),
    p!(XrayMobile, XRay, [Medical], ["mobile_radiography"]),
    p!(XrayDentalIntraoral, XRay, [Dental, Medical], ["intraoral"]),
    p!(XrayDentalPanoramic, XRay, [Dental, Medical], ["panoramic"]),
    p!(XrayDentalCephalometric, XRay, [Dental, Medical], ["cephalometric"]),
    p!(XrayDentalCbct, XRay, [Dental, Medical], ["cbct"]),
    p!(XrayBoneDensitometry, XRay, [Medical], ["densitometry"]),
    Profile {
        class: DeviceClass::XrayVeterinary,
        radiation: Radiation::XRay,
        uses: &[Use::Veterinary],
        modalities: MEDICAL_XRAY_MODALITIES,
        requires_use: true,
    },
    p!(PetCt, XRay, [Medical], ["pet_ct"]),
    p!(SpectCt, XRay, [Medical], ["spect_ct"]),
    p!(XraySecurityScreening, XRay, [Security], ["security_screening"]),
    p!(XrayPcbInspection, XRay, [Industrial], ["pcb_inspection"]),
    p!(XrfAnalyzer, XRay, [Analytical, Industrial, Research], ["xrf"]),
    p!(XrdAnalyzer, XRay, [Analytical, Industrial, Research], ["xrd"]),
    p!(ElectronMicroscope, XRay, [Analytical, Research, Medical], ["electron_microscope"]),
    p!(XrayCabinetInspection, XRay, [Industrial, Security], ["cabinet_inspection"]),
    p!(XrayIndustrialRadiography, XRay, [Industrial], ["industrial_radiography"]),
    p!(RadiotherapySuperficial, XRay, [Radiotherapy, Medical], ["superficial_therapy"]),
    p!(LinacRadiotherapy, Accelerator, [Radiotherapy, Medical], ["linac"]),
    p!(AcceleratorIsotopeProduction, Accelerator, [Medical, Industrial, Research], ["cyclotron"]),
    p!(AcceleratorIrradiation, Accelerator, [Irradiation, Industrial], ["irradiation"]),
    p!(AcceleratorCargoScreening, Accelerator, [Security], ["cargo_screening"]),
    p!(AcceleratorOther, Accelerator, [Research, Analytical], []),
    p!(TeletherapySource, SealedSource, [Radiotherapy, Medical], ["teletherapy"]),
    p!(BrachytherapyHdr, SealedSource, [Radiotherapy, Medical], ["brachytherapy_hdr"]),
    p!(IrradiatorSource, SealedSource, [Irradiation, Industrial], ["irradiation"]),
    p!(GammaCell, SealedSource, [Irradiation, Research, Medical], ["gamma_cell"]),
    p!(GammaField, SealedSource, [Irradiation, Research], ["gamma_field"]),
    p!(GammaRadiography, SealedSource, [Industrial], ["gamma_radiography", "industrial_radiography"]),
    p!(WellLogging, SealedSource, [Industrial, Research], ["well_logging"]),
    p!(NuclearGauge, SealedSource, [Industrial, Research, Analytical], ["gauge"]),
    p!(XrfAnalyzerSource, SealedSource, [Analytical, Industrial, Research], ["xrf"]),
    p!(GasChromatographEcd, SealedSource, [Analytical, Research], ["ecd"]),
    p!(StaticEliminator, SealedSource, [Industrial], ["static_eliminator"]),
    p!(MossbauerSpectrometer, SealedSource, [Analytical, Research], ["mossbauer"]),
    p!(NotIonizing, None, [], ["mri", "ultrasound", "laser", "non_ionizing_other"]),
];

/// Every modality the classifier understands (docs/device-classes.md, plus
/// `non_ionizing_other` for other equipment that emits no ionising radiation).
pub fn modalities() -> &'static [&'static str] {
    static ALL: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&str> = PROFILES.iter().flat_map(|p| p.modalities.iter().copied()).collect();
        all.sort_unstable();
        all.dedup();
        all
    })
}

const RADIATIONS: [Radiation; 4] = [Radiation::XRay, Radiation::SealedSource, Radiation::Accelerator, Radiation::None];
const USES: [Use; 9] = [
    Use::Medical,
    Use::Dental,
    Use::Veterinary,
    Use::Industrial,
    Use::Security,
    Use::Analytical,
    Use::Research,
    Use::Radiotherapy,
    Use::Irradiation,
];

/// The evidence, one set per dimension (`None`: nothing known).
#[derive(Clone, Debug, Default)]
struct Facts {
    radiation: Option<BTreeSet<Radiation>>,
    uses: Option<BTreeSet<Use>>,
    modality: Option<BTreeSet<&'static str>>,
}

fn key_of<T: Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Bitmasks over [`PROFILES`] (one bit per profile), built once, so a candidate set is a few
/// ANDs rather than a scan with string comparisons.
struct Masks {
    radiation: [u64; 4],
    uses: [u64; 9],
    requires_use: u64,
    modality: std::collections::HashMap<&'static str, u64, crate::text::Fixed>,
}

fn masks() -> &'static Masks {
    static MASKS: std::sync::OnceLock<Masks> = std::sync::OnceLock::new();
    MASKS.get_or_init(|| {
        let mut m =
            Masks { radiation: [0; 4], uses: [0; 9], requires_use: 0, modality: std::collections::HashMap::default() };
        for (i, p) in PROFILES.iter().enumerate() {
            let bit = 1u64 << i;
            if let Some(r) = RADIATIONS.iter().position(|r| *r == p.radiation) {
                m.radiation[r] |= bit;
            }
            for (u, use_) in USES.iter().enumerate() {
                if p.uses.is_empty() || p.uses.contains(use_) {
                    m.uses[u] |= bit;
                }
            }
            if p.requires_use {
                m.requires_use |= bit;
            }
            for modality in p.modalities {
                *m.modality.entry(modality).or_insert(0) |= bit;
            }
        }
        m
    })
}

/// The masks each dimension of the facts allows: (modality, radiation, use). An absent
/// dimension allows everything, except that use-defined classes need their use stated.
fn dimension_masks(f: &Facts) -> (u64, u64, u64) {
    let m = masks();
    let all = if PROFILES.len() >= 64 { u64::MAX } else { (1u64 << PROFILES.len()) - 1 };
    let modality = f
        .modality
        .as_ref()
        .map_or(all, |mods| mods.iter().fold(0, |acc, x| acc | m.modality.get(x).copied().unwrap_or(0)));
    let radiation = f.radiation.as_ref().map_or(all, |rs| {
        rs.iter().fold(0, |acc, r| acc | RADIATIONS.iter().position(|x| x == r).map_or(0, |i| m.radiation[i]))
    });
    let uses = f.uses.as_ref().map_or(all & !m.requires_use, |us| {
        us.iter().fold(0, |acc, u| acc | USES.iter().position(|x| x == u).map_or(0, |i| m.uses[i]))
    });
    (modality, radiation, uses)
}

/// The profiles compatible with the facts, as a bitmask over [`PROFILES`].
fn candidate_mask(f: &Facts) -> u64 {
    let (modality, radiation, uses) = dimension_masks(f);
    modality & radiation & uses
}

fn classes_of(mask: u64) -> Vec<DeviceClass> {
    PROFILES.iter().enumerate().filter(|(i, _)| mask & (1u64 << i) != 0).map(|(_, p)| p.class).collect()
}

fn candidates(f: &Facts) -> Vec<DeviceClass> {
    classes_of(candidate_mask(f))
}

/// The missing field that singles out every candidate (or the one that singles out most).
fn deciding_field(f: &Facts, cands: &[DeviceClass]) -> String {
    let mut best: Option<(&str, usize)> = None;
    for field in ["radiation", "use", "modality"] {
        let known = match field {
            "radiation" => f.radiation.as_ref().is_some_and(|s| s.len() == 1),
            "use" => f.uses.as_ref().is_some_and(|s| s.len() == 1),
            _ => f.modality.as_ref().is_some_and(|s| s.len() == 1),
        };
        if known {
            continue;
        }
        // The candidates each value of the field would leave, the other two dimensions as they are.
        let (mm, rm, um) = dimension_masks(f);
        let m = masks();
        let outcomes: Vec<u64> = match field {
            "radiation" => m.radiation.iter().map(|r| mm & um & r).collect(),
            "use" => m.uses.iter().map(|u| mm & rm & u).collect(),
            _ => modalities().iter().map(|x| rm & um & m.modality.get(x).copied().unwrap_or(0)).collect(),
        };
        // A candidate is singled out when some value of the field leaves it alone.
        let singled = cands
            .iter()
            .filter(|c| {
                let bit = PROFILES.iter().position(|p| p.class == **c).map_or(0, |i| 1u64 << i);
                outcomes.contains(&bit)
            })
            .count();
        if singled == cands.len() {
            return field.to_owned();
        }
        if best.is_none_or(|(_, n)| singled > n) {
            best = Some((field, singled));
        }
    }
    best.map_or("modality", |(f, _)| f).to_owned()
}

/// What the name says, as facts, with the phrases that said it.
fn read_name(name: &str) -> (Facts, Vec<&'static str>) {
    let folded = crate::text::fold(name);
    let found = lexicon::read(&folded);
    let mut f = Facts::default();
    let mut modal: BTreeSet<&'static str> = BTreeSet::new();
    let mut mobile = false;
    let mut phrases = Vec::new();
    for (phrase, meaning) in &found {
        phrases.push(*phrase);
        match *meaning {
            Meaning::Modality(m) => {
                modal.insert(m);
            }
            Meaning::Modalities(a, b) => {
                modal.insert(a);
                modal.insert(b);
            }
            Meaning::Radiation(r) => {
                f.radiation.get_or_insert_with(BTreeSet::new).insert(r);
            }
            Meaning::Use(u) => {
                f.uses.get_or_insert_with(BTreeSet::new).insert(u);
            }
            Meaning::Mobile => mobile = true,
        }
    }
    // More specific words win over the general ones they contain or imply.
    let has = |m: &BTreeSet<&str>, x: &str| m.contains(x);
    if has(&modal, "pet_ct") || has(&modal, "spect_ct") || has(&modal, "cbct") {
        modal.remove("ct");
    }
    if has(&modal, "c_arm") || has(&modal, "angiography") {
        modal.remove("fluoroscopy");
    }
    if has(&modal, "gamma_cell") || has(&modal, "gamma_field") || has(&modal, "teletherapy") {
        modal.remove("irradiation");
    }
    if modal.len() > 1 {
        modal.remove("radiography");
    }
    let dental = f.uses.as_ref().is_some_and(|u| u.contains(&Use::Dental));
    if dental && modal.remove("ct") {
        modal.insert("cbct");
    }
    if mobile {
        if modal.remove("fluoroscopy") {
            modal.insert("c_arm");
        } else if modal.is_empty() || modal.remove("radiography") {
            let xray = f.radiation.as_ref().is_none_or(|r| r.contains(&Radiation::XRay));
            if xray && modal.is_empty() {
                modal.insert("mobile_radiography");
            }
        }
    }
    if !modal.is_empty() {
        f.modality = Some(modal);
    }
    (f, phrases)
}

/// The rules of fee-schedules/classification.toml.
#[derive(Clone, Debug)]
pub struct ClassificationRules {
    max_kv: Decimal,
    max_energy_kev: Decimal,
    dose_rate_usv_h: Decimal,
    exemption_basis: String,
    exemption_assumption: Option<Text>,
    source_basis: String,
    category_bounds: Vec<(u8, Decimal)>,
    category_basis: String,
    inspection: Vec<(u32, BTreeSet<DeviceClass>, String)>,
    officer_not_required: BTreeSet<DeviceClass>,
    officer_not_required_from_category: u8,
    officer_basis: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    exemption: ExemptionFile,
    categories: CategoriesFile,
    inspection: Vec<InspectionFile>,
    safety_officer: OfficerFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExemptionFile {
    max_kv: Exact,
    max_energy_kev: Exact,
    dose_rate_usv_h: Exact,
    basis: LegalRef,
    #[serde(default)]
    assumption: Option<Text>,
    source_basis: LegalRef,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoriesFile {
    basis: LegalRef,
    bounds: Vec<BoundFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BoundFile {
    category: u8,
    a_over_d_at_least: Exact,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InspectionFile {
    months: u32,
    #[serde(default)]
    classes: Vec<toml::Spanned<String>>,
    #[serde(default)]
    families: Vec<toml::Spanned<String>>,
    basis: LegalRef,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfficerFile {
    not_required_classes: Vec<toml::Spanned<String>>,
    not_required_from_category: u8,
    basis: LegalRef,
}

fn class_list(src: &Src<'_>, keys: &[toml::Spanned<String>], findings: &mut Vec<Finding>) -> BTreeSet<DeviceClass> {
    keys.iter()
        .filter_map(|k| {
            let c = DeviceClass::from_key(k.get_ref());
            if c.is_none() {
                findings.push(src.error(k, "classes", crate::vocab::unknown_class_message(k.get_ref())));
            }
            c
        })
        .collect()
}

impl ClassificationRules {
    pub(crate) fn load(src: &Src<'_>, findings: &mut Vec<Finding>) -> Option<ClassificationRules> {
        let raw: RulesFile = src.parse(findings)?;
        let mut bounds: Vec<(u8, Decimal)> =
            raw.categories.bounds.iter().map(|b| (b.category, b.a_over_d_at_least.0)).collect();
        bounds.sort_by_key(|b| std::cmp::Reverse(b.1));
        if bounds.windows(2).any(|w| w[0].0 >= w[1].0) {
            findings.push(src.error_here(
                Some("categories.bounds"),
                "category bounds must rise in danger as the category number falls (1 highest)",
            ));
        }
        let mut inspection = Vec::new();
        for i in &raw.inspection {
            let mut classes = class_list(src, &i.classes, findings);
            for f in &i.families {
                match Family::from_key(f.get_ref()) {
                    Some(fam) => classes.extend(DeviceClass::ALL.iter().filter(|c| c.family() == fam)),
                    None => findings.push(src.error(f, "families", format!("unknown family `{}`", f.get_ref()))),
                }
            }
            inspection.push((i.months, classes, i.basis.to_string()));
        }
        Some(ClassificationRules {
            max_kv: raw.exemption.max_kv.0,
            max_energy_kev: raw.exemption.max_energy_kev.0,
            dose_rate_usv_h: raw.exemption.dose_rate_usv_h.0,
            exemption_basis: raw.exemption.basis.to_string(),
            exemption_assumption: raw.exemption.assumption,
            source_basis: raw.exemption.source_basis.to_string(),
            category_bounds: bounds,
            category_basis: raw.categories.basis.to_string(),
            inspection,
            officer_not_required: class_list(src, &raw.safety_officer.not_required_classes, findings),
            officer_not_required_from_category: raw.safety_officer.not_required_from_category,
            officer_basis: raw.safety_officer.basis.to_string(),
        })
    }
}

fn reason(rule: &str, text: impl Into<String>, basis: impl ToString) -> Reason {
    Reason { rule: rule.to_owned(), text: text.into(), basis: basis.to_string() }
}

const DEFINITIONS: &str = "Nghị định 142/2020/NĐ-CP Điều 3; TTLT 13/2014/TTLT-BKHCN-BYT Điều 2 (sửa đổi bởi TT 13/2018/TT-BKHCN); docs/device-classes.md";

/// Agreement of a single value across candidates.
fn common<T: PartialEq + Copy>(items: impl IntoIterator<Item = T>) -> Option<T> {
    let mut it = items.into_iter();
    let first = it.next()?;
    it.all(|x| x == first).then_some(first)
}

impl Schedules {
    /// The evidence of a description: the fields, then the name filling in what they leave
    /// open. With `explain`, the reasons and warnings that say how (classify); without, only
    /// the facts (class_of, for bulk work).
    fn gather(&self, d: &Description, explain: bool) -> Result<Evidence, Error> {
        d.check()?;
        if let Some(name) = &d.name
            && name.chars().count() > crate::application::MAX_TEXT
        {
            return Err(Error::input(Finding::error(
                None,
                Some("name"),
                format!("the name is longer than {} characters", crate::application::MAX_TEXT),
            )));
        }
        if d.source.len() > crate::application::MAX_SOURCES {
            return Err(Error::input(Finding::error(
                None,
                Some("source"),
                format!("a device may list at most {} sources", crate::application::MAX_SOURCES),
            )));
        }
        let mut reasons = Vec::new();
        let mut warnings = Vec::new();

        // The evidence from the fields.
        let mut fields = Facts::default();
        if let Some(r) = d.radiation {
            fields.radiation = Some([r].into());
        }
        if let Some(u) = d.use_ {
            fields.uses = Some([u].into());
        }
        if let Some(modality) = d.modality {
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
                reasons.push(reason("field.source", "the description lists sealed sources", DEFINITIONS));
            }
        }

        // The evidence from the name; fields win, disagreements are reported.
        let mut facts = fields.clone();
        if let Some(name) = d.name.as_deref().filter(|n| !n.trim().is_empty()) {
            let (named, phrases) = read_name(name);
            if !explain {
            } else if !phrases.is_empty() {
                reasons.push(reason(
                    "name.phrases",
                    format!("the name `{name}` contains: {}", phrases.join(", ")),
                    "radfee name vocabulary (src/classify/lexicon.rs)",
                ));
            } else {
                warnings.push(format!("no known term in the name `{name}`"));
            }
            let mut disagree = Vec::new();
            macro_rules! merge {
                ($dim:ident, $label:literal, $fmt:expr) => {
                    match (&fields.$dim, &named.$dim) {
                        (Some(given), Some(said)) if given.is_disjoint(said) => {
                            // Disjoint: the field wins and the disagreement is said (when explaining).
                            disagree.extend(explain.then(|| {
                                format!(
                                    "the name suggests {} {} but the field says {}",
                                    $label,
                                    $fmt(said),
                                    $fmt(given)
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
            merge!(radiation, "radiation", show_r);
            merge!(uses, "use", show_u);
            merge!(modality, "modality", show_m);
            if candidates(&facts).is_empty() && !candidates(&fields).is_empty() {
                disagree.push("the name and the fields describe different devices; the fields are used".to_owned());
                facts = fields.clone();
            }
            for w in disagree {
                warnings.push(format!("name and fields disagree: {w}"));
            }
        }
        let no_evidence = facts.radiation.is_none() && facts.uses.is_none() && facts.modality.is_none();
        Ok(Evidence { facts, no_evidence, reasons, warnings })
    }

    /// Only the class a description settles, or the candidates and the field that would
    /// decide: what [`Schedules::classify`] decides, without building its reasons,
    /// exemption, authority or sources. For classifying many descriptions in bulk.
    pub fn class_of(&self, d: &Description) -> Result<ClassOf, Error> {
        let e = self.gather(d, false)?;
        if e.no_evidence {
            return Ok(ClassOf::Unknown);
        }
        let mask = candidate_mask(&e.facts);
        Ok(match mask.count_ones() {
            0 => ClassOf::Unknown,
            1 => ClassOf::Class(PROFILES[mask.trailing_zeros() as usize].class),
            _ => {
                let classes = classes_of(mask);
                let field = deciding_field(&e.facts, &classes);
                ClassOf::Ambiguous { classes, field }
            }
        })
    }

    /// Classifies a described device on `date` (which fixes the authority and the decay of its
    /// sources). An unreadable activity or an unknown nuclide is an input error; an ambiguous
    /// description is not an error: the result has no class and lists the candidates.
    pub fn classify(&self, d: &Description, date: Date) -> Result<Classification, Error> {
        let Evidence { facts, no_evidence, mut reasons, mut warnings } = self.gather(d, true)?;
        let rules = self.classification_rules();
        let mut decided_by = Vec::new();
        for (field, given) in [
            ("radiation", d.radiation.is_some()),
            ("use", d.use_.is_some()),
            ("modality", d.modality.is_some()),
            ("mobile", d.mobile.is_some()),
            ("name", d.name.is_some()),
        ] {
            if given {
                decided_by.push(field.to_owned());
            }
        }
        let cands = if no_evidence { Vec::new() } else { candidates(&facts) };
        let class = match cands.as_slice() {
            [one] => Some(*one),
            _ => None,
        };
        let candidates_out = match cands.len() {
            1 => None,
            0 if no_evidence => Some(Candidates { classes: Vec::new(), field: "modality".to_owned() }),
            0 => {
                warnings.push("the description contradicts itself: no class fits every stated fact".to_owned());
                Some(Candidates { classes: Vec::new(), field: "modality".to_owned() })
            }
            _ => Some(Candidates { classes: cands.clone(), field: deciding_field(&facts, &cands) }),
        };
        if let Some(c) = class {
            reasons.push(reason("class", format!("{} ({} / {})", c.key(), c.name_vi(), c.name_en()), c.legal_basis()));
        }

        // Exemption first (radiation generators).
        let generator = cands.iter().all(|c| {
            matches!(
                c.family(),
                Family::MedicalXray
                    | Family::HybridImaging
                    | Family::IndustrialXray
                    | Family::AnalyticalXray
                    | Family::Accelerator
            )
        }) && (!cands.is_empty()
            || matches!(d.radiation, Some(Radiation::XRay | Radiation::Accelerator)));
        let mut exemption = None;
        if generator {
            let kev_limit = rules.max_energy_kev / Decimal::from(1000);
            if let Some(kv) = d.max_kv.filter(|kv| *kv <= rules.max_kv) {
                exemption = Some(format!("tube voltage {kv} kV ≤ {} kV", rules.max_kv));
            } else if let Some(mev) = d.max_energy_mev.filter(|e| *e <= kev_limit) {
                exemption = Some(format!("maximum energy {mev} MeV ≤ {} keV", rules.max_energy_kev));
            } else if d.type_approved == Some(true)
                && let Some(rate) = d.dose_rate_usv_h.filter(|r| *r <= rules.dose_rate_usv_h)
            {
                exemption =
                    Some(format!("type-approved, dose rate {rate} µSv/h ≤ {} µSv/h at 0.1 m", rules.dose_rate_usv_h));
            }
            if let Some(e) = &exemption {
                reasons.push(reason("exemption.generator", format!("exempt: {e}"), &rules.exemption_basis));
                if let Some(a) = &rules.exemption_assumption {
                    warnings.push(format!("assumption: {}", a.en));
                }
            }
        }

        // Sealed sources: Σ A/D on the date, and the exemption sum rule.
        let mut sources = Vec::new();
        let mut exempt_sum = Some(Decimal::ZERO);
        for s in &d.source {
            let n = self.nuclides().get(&s.nuclide).ok_or_else(|| {
                Error::input(Finding::error(
                    None,
                    Some("source.nuclide"),
                    format!(
                        "unknown nuclide `{}`: the nuclide table (fee-schedules/nuclides.toml) has no such entry",
                        s.nuclide
                    ),
                ))
            })?;
            let activity = Activity::parse(&s.activity)
                .map_err(|e| Error::input(Finding::error(None, Some("source.activity"), e.0)))?;
            if let Some(reference) = s.reference_date.filter(|r| *r > date) {
                return Err(Error::input(
                    Finding::error(
                        None,
                        Some("source.reference_date"),
                        format!(
                            "source {}: its activity is dated {reference}, after the day it is classified on ({date}); decay cannot be worked backwards from a measurement not yet made",
                            n.name
                        ),
                    )
                    .with_hint("give the date the activity was measured (on the source certificate), on or before the date of the application"),
                ));
            }
            if s.reference_date.is_none() {
                warnings.push(format!(
                    "{}: no reference_date: the activity {} is taken as measured on {date}, with no decay; give the date on the source certificate",
                    n.name,
                    crate::text::excerpt(&s.activity)
                ));
            }
            let a = assess(n, activity, s.reference_date, date);
            if !a.verified {
                warnings.push(format!(
                    "{}: uses unverified data (D-value {}, half-life {})",
                    n.name,
                    key_of(n.d_value.confidence),
                    key_of(n.half_life_source.confidence)
                ));
            }
            exempt_sum = match (exempt_sum, n.exempt_activity_bq) {
                (Some(sum), Some(ex)) => sum.checked_add(a.activity_tbq * Decimal::from(1_000_000_000_000_i64) / ex),
                _ => None,
            };
            sources.push(a);
        }
        let mut source_category = None;
        let mut a_over_d = None;
        if !sources.is_empty() {
            let total = sum_a_over_d(&sources);
            a_over_d = Some(total);
            if let Some(sum) = exempt_sum.filter(|s| *s <= Decimal::ONE) {
                exemption = Some(format!(
                    "sources at or below the exemption activity (Σ A/A_exempt = {})",
                    crate::money::canonical(sum)
                ));
                reasons.push(reason(
                    "exemption.source",
                    format!("exempt: Σ A/A_exempt = {} ≤ 1 on {date}", crate::money::canonical(sum)),
                    &rules.source_basis,
                ));
            } else {
                let cat = category(total, &rules.category_bounds);
                source_category = Some(cat);
                let shown = total.round_sf(6).unwrap_or(total).normalize();
                reasons.push(reason(
                    "source.category",
                    format!("Σ A/D = {shown} on {date}: category {cat}"),
                    &rules.category_basis,
                ));
                if exempt_sum.is_none() {
                    warnings.push(
                        "no exemption activity in the data for at least one nuclide: exemption not assessed".to_owned(),
                    );
                }
            }
        }

        let status = if exemption.is_some() {
            Some(Status::Exempt)
        } else {
            common(
                cands
                    .iter()
                    .map(|c| if c.family() == Family::NotIonizing { Status::NotIonizing } else { Status::Licence }),
            )
        };
        if status == Some(Status::NotIonizing) {
            reasons.push(reason(
                "not_ionizing",
                "emits no ionising radiation: no radiation licence, no appraisal fee",
                "Luật Năng lượng nguyên tử (phạm vi: bức xạ ion hóa)",
            ));
        }
        // A fee-bearing device on a date the schedule warns about (e.g. a newer circular
        // reported): the classification carries the warning too.
        if status == Some(Status::Licence)
            && let Some(v) = self.version_on(date)
        {
            for w in v.warnings().iter().filter(|w| w.applies_on(date)) {
                warnings.push(format!("{} ({}): {}", w.level.key(), w.id, w.text.en));
            }
        }
        let mut authority_alternative = None;
        let authority = if status == Some(Status::Licence) {
            let rules_on: Vec<_> = cands.iter().map(|c| self.authority().rule(*c, date)).collect();
            let auth = common(rules_on.iter().map(|r| r.map(|(rule, _)| rule.authority))).flatten();
            if let (Some(a), Some(Some((rule, period)))) = (auth, rules_on.first()) {
                reasons.push(reason("authority", format!("licensed by {} on {date}", a.key()), &rule.basis_text));
                for t in [rule.assumption.as_ref(), *period].into_iter().flatten() {
                    warnings.push(format!("assumption: {}", t.en));
                }
                if let (Some(alt), Some(contest)) = (&rule.alternative, self.authority().contest_on(date)) {
                    warnings.push(format!(
                        "contested: {} This classification follows the default reading ({}: {}); under the other reading ({}) it is licensed by {}.",
                        contest.question.en,
                        contest.default.en,
                        a.key(),
                        contest.alternative.en,
                        alt.authority.key()
                    ));
                    authority_alternative = Some(AuthorityReading {
                        authority: alt.authority,
                        reading: contest.alternative.clone(),
                        basis: alt.basis.to_string(),
                    });
                }
            }
            auth
        } else {
            None
        };
        let (safety_officer_required, inspection_interval_months) = match (class, status) {
            (Some(c), Some(Status::Licence)) => {
                let not_required = rules.officer_not_required.contains(&c)
                    || source_category.is_some_and(|k| k >= rules.officer_not_required_from_category);
                reasons.push(reason(
                    "safety_officer",
                    if not_required {
                        "no radiation-safety officer is required"
                    } else {
                        "a radiation-safety officer is required"
                    },
                    &rules.officer_basis,
                ));
                let interval = rules.inspection.iter().find(|(_, cs, _)| cs.contains(&c));
                if let Some((months, _, basis)) = interval {
                    reasons.push(reason("inspection", format!("inspection every {months} months"), basis));
                }
                (Some(!not_required), interval.map(|(m, _, _)| *m))
            }
            _ => (None, None),
        };
        Ok(Classification {
            name: d.name.clone(),
            class,
            family: common(cands.iter().map(|c| c.family())),
            x_ray_emitting: common(cands.iter().map(|c| c.is_x_ray_emitting())),
            status,
            exemption,
            authority,
            authority_alternative,
            source_category,
            a_over_d,
            sources,
            safety_officer_required,
            inspection_interval_months,
            candidates: candidates_out,
            decided_by,
            warnings,
            reasons,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain reading of the profiles, as it was before the bitmasks.
    fn filtered(f: &Facts) -> Vec<DeviceClass> {
        PROFILES
            .iter()
            .filter(|p| f.modality.as_ref().is_none_or(|m| p.modalities.iter().any(|x| m.contains(x))))
            .filter(|p| f.radiation.as_ref().is_none_or(|r| r.contains(&p.radiation)))
            .filter(|p| match &f.uses {
                Some(u) => p.uses.is_empty() || p.uses.iter().any(|x| u.contains(x)),
                None => !p.requires_use,
            })
            .map(|p| p.class)
            .collect()
    }

    #[test]
    fn bitmask_candidates_equal_the_plain_filter_for_every_combination() {
        let radiations: Vec<Option<Radiation>> =
            std::iter::once(None).chain(RADIATIONS.iter().copied().map(Some)).collect();
        let uses: Vec<Option<Use>> = std::iter::once(None).chain(USES.iter().copied().map(Some)).collect();
        let mods: Vec<Option<&'static str>> =
            std::iter::once(None).chain(modalities().iter().copied().map(Some)).collect();
        for r in &radiations {
            for u in &uses {
                for m in &mods {
                    let f = Facts {
                        radiation: r.map(|x| [x].into()),
                        uses: u.map(|x| [x].into()),
                        modality: m.map(|x| [x].into()),
                    };
                    assert_eq!(candidates(&f), filtered(&f), "{r:?} {u:?} {m:?}");
                }
            }
        }
    }

    #[test]
    fn every_class_but_the_non_device_items_has_a_profile() {
        for c in DeviceClass::ALL.iter().filter(|c| c.family() != Family::OtherPractice) {
            assert!(PROFILES.iter().any(|p| p.class == *c), "{c}");
        }
    }

    #[test]
    fn the_modality_vocabulary_is_exactly_what_the_profiles_know() {
        let mut keys: Vec<&str> = crate::vocab::Modality::ALL.iter().map(|m| m.key()).collect();
        keys.sort_unstable();
        assert_eq!(keys, modalities());
    }
}
