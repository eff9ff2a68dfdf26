//! Class profiles: what each class is compatible with (kind of radiation, uses, modalities),
//! the evidence a description gives as sets per dimension, and the candidates it leaves, as
//! bitmasks over the profiles.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::vocab::Field;
use crate::vocab::{DeviceClass, Radiation, Use};
// ── Class profiles: what each class is compatible with ──────────────────────────────────────

pub(super) struct Profile {
    pub(super) class: DeviceClass,
    pub(super) radiation: Radiation,
    /// Empty: any use.
    pub(super) uses: &'static [Use],
    pub(super) modalities: &'static [&'static str],
    /// The class is defined by its use and needs it stated (veterinary X-ray).
    pub(super) requires_use: bool,
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

pub(super) static PROFILES: &[Profile] = &[
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
pub(crate) fn modalities() -> &'static [&'static str] {
    static ALL: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&str> = PROFILES.iter().flat_map(|p| p.modalities.iter().copied()).collect();
        all.sort_unstable();
        all.dedup();
        all
    })
}

pub(super) const RADIATIONS: [Radiation; 4] =
    [Radiation::XRay, Radiation::SealedSource, Radiation::Accelerator, Radiation::None];
pub(super) const USES: [Use; 9] = [
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
pub(super) struct Facts {
    pub(super) radiation: Option<BTreeSet<Radiation>>,
    pub(super) uses: Option<BTreeSet<Use>>,
    pub(super) modality: Option<BTreeSet<&'static str>>,
}

pub(super) fn key_of<T: Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Bitmasks over [`PROFILES`] (one bit per profile), built once, so a candidate set is a few
/// ANDs rather than a scan with string comparisons.
pub(super) struct Masks {
    radiation: [u64; 4],
    uses: [u64; 9],
    requires_use: u64,
    modality: std::collections::HashMap<&'static str, u64, crate::text::Fixed>,
}

pub(super) fn masks() -> &'static Masks {
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
pub(super) fn dimension_masks(f: &Facts) -> (u64, u64, u64) {
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

/// The profiles compatible with the facts, the use-defined classes (veterinary X-ray) included
/// when no use is known: what other evidence (a catalogue entry) may narrow.
pub(super) fn open_mask(f: &Facts) -> u64 {
    let (modality, radiation, uses) = dimension_masks(f);
    let uses = if f.uses.is_none() { uses | masks().requires_use } else { uses };
    modality & radiation & uses
}

/// The profiles compatible with the facts, as a bitmask over [`PROFILES`].
pub(super) fn candidate_mask(f: &Facts) -> u64 {
    let (modality, radiation, uses) = dimension_masks(f);
    modality & radiation & uses
}

pub(super) fn classes_of(mask: u64) -> Vec<DeviceClass> {
    PROFILES.iter().enumerate().filter(|(i, _)| mask & (1u64 << i) != 0).map(|(_, p)| p.class).collect()
}

#[cfg(test)]
pub(super) fn candidates(f: &Facts) -> Vec<DeviceClass> {
    classes_of(candidate_mask(f))
}

/// The missing field that singles out every candidate (or the one that singles out most).
pub(super) fn deciding_field(f: &Facts, cands: &[DeviceClass]) -> Field {
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
            return field_of(field);
        }
        if best.is_none_or(|(_, n)| singled > n) {
            best = Some((field, singled));
        }
    }
    field_of(best.map_or("modality", |(f, _)| f))
}

fn field_of(key: &str) -> Field {
    match key {
        "radiation" => Field::Radiation,
        "use" => Field::Use,
        _ => Field::Modality,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Family;

    /// Candidate sets are `u64` masks with a bit per profile: a 65th profile would set the
    /// wrong bit in a release build. Past 64, widen the masks (e.g. to `u128`) first.
    #[test]
    fn every_profile_has_a_bit_of_the_masks() {
        assert!(PROFILES.len() <= 64, "{} profiles; the classifier's masks hold 64", PROFILES.len());
    }

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
