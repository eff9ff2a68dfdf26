//! Modalities: what a described device does, as the classifier's vocabulary names it.

use serde::{Deserialize, Serialize};

/// What a described device does (its modality), as the classifier's vocabulary names it
/// (docs/device-classes.md, "Describing a device"). Written in files as its snake_case key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Modality {
    /// General radiography.
    Radiography,
    /// Fluoroscopy.
    Fluoroscopy,
    /// C-arm fluoroscopy.
    CArm,
    /// Angiography, interventional.
    Angiography,
    /// Computed tomography.
    Ct,
    /// Mammography.
    Mammography,
    /// Mobile radiography.
    MobileRadiography,
    /// Dental intraoral.
    Intraoral,
    /// Dental panoramic.
    Panoramic,
    /// Cephalometric.
    Cephalometric,
    /// Cone-beam CT.
    Cbct,
    /// Bone densitometry.
    Densitometry,
    /// PET/CT.
    PetCt,
    /// SPECT/CT.
    SpectCt,
    /// Security screening X-ray.
    SecurityScreening,
    /// Circuit-board inspection X-ray.
    PcbInspection,
    /// X-ray fluorescence analysis.
    Xrf,
    /// X-ray diffraction.
    Xrd,
    /// Electron microscope.
    ElectronMicroscope,
    /// Cabinet X-ray for product inspection.
    CabinetInspection,
    /// Industrial radiography (NDT).
    IndustrialRadiography,
    /// Superficial X-ray therapy.
    SuperficialTherapy,
    /// Linear accelerator.
    Linac,
    /// Cyclotron.
    Cyclotron,
    /// Irradiation (sterilisation, processing).
    Irradiation,
    /// Cargo / container screening.
    CargoScreening,
    /// Teletherapy with a radioactive source.
    Teletherapy,
    /// HDR brachytherapy.
    BrachytherapyHdr,
    /// Self-shielded gamma irradiator.
    GammaCell,
    /// Gamma field.
    GammaField,
    /// Gamma radiography.
    GammaRadiography,
    /// Well logging.
    WellLogging,
    /// Nuclear gauge.
    Gauge,
    /// Electron-capture detector.
    Ecd,
    /// Static eliminator.
    StaticEliminator,
    /// Mössbauer spectrometry.
    Mossbauer,
    /// Magnetic resonance imaging (not ionising).
    Mri,
    /// Ultrasound (not ionising).
    Ultrasound,
    /// Laser (not ionising).
    Laser,
    /// Other equipment that emits no ionising radiation.
    NonIonizingOther,
}

impl Modality {
    /// Every modality, in vocabulary order.
    pub const ALL: [Modality; 40] = [
        Modality::Radiography,
        Modality::Fluoroscopy,
        Modality::CArm,
        Modality::Angiography,
        Modality::Ct,
        Modality::Mammography,
        Modality::MobileRadiography,
        Modality::Intraoral,
        Modality::Panoramic,
        Modality::Cephalometric,
        Modality::Cbct,
        Modality::Densitometry,
        Modality::PetCt,
        Modality::SpectCt,
        Modality::SecurityScreening,
        Modality::PcbInspection,
        Modality::Xrf,
        Modality::Xrd,
        Modality::ElectronMicroscope,
        Modality::CabinetInspection,
        Modality::IndustrialRadiography,
        Modality::SuperficialTherapy,
        Modality::Linac,
        Modality::Cyclotron,
        Modality::Irradiation,
        Modality::CargoScreening,
        Modality::Teletherapy,
        Modality::BrachytherapyHdr,
        Modality::GammaCell,
        Modality::GammaField,
        Modality::GammaRadiography,
        Modality::WellLogging,
        Modality::Gauge,
        Modality::Ecd,
        Modality::StaticEliminator,
        Modality::Mossbauer,
        Modality::Mri,
        Modality::Ultrasound,
        Modality::Laser,
        Modality::NonIonizingOther,
    ];

    /// The key used in files: `ct`, `c_arm`, `xrf`, …
    pub fn key(self) -> &'static str {
        match self {
            Modality::Radiography => "radiography",
            Modality::Fluoroscopy => "fluoroscopy",
            Modality::CArm => "c_arm",
            Modality::Angiography => "angiography",
            Modality::Ct => "ct",
            Modality::Mammography => "mammography",
            Modality::MobileRadiography => "mobile_radiography",
            Modality::Intraoral => "intraoral",
            Modality::Panoramic => "panoramic",
            Modality::Cephalometric => "cephalometric",
            Modality::Cbct => "cbct",
            Modality::Densitometry => "densitometry",
            Modality::PetCt => "pet_ct",
            Modality::SpectCt => "spect_ct",
            Modality::SecurityScreening => "security_screening",
            Modality::PcbInspection => "pcb_inspection",
            Modality::Xrf => "xrf",
            Modality::Xrd => "xrd",
            Modality::ElectronMicroscope => "electron_microscope",
            Modality::CabinetInspection => "cabinet_inspection",
            Modality::IndustrialRadiography => "industrial_radiography",
            Modality::SuperficialTherapy => "superficial_therapy",
            Modality::Linac => "linac",
            Modality::Cyclotron => "cyclotron",
            Modality::Irradiation => "irradiation",
            Modality::CargoScreening => "cargo_screening",
            Modality::Teletherapy => "teletherapy",
            Modality::BrachytherapyHdr => "brachytherapy_hdr",
            Modality::GammaCell => "gamma_cell",
            Modality::GammaField => "gamma_field",
            Modality::GammaRadiography => "gamma_radiography",
            Modality::WellLogging => "well_logging",
            Modality::Gauge => "gauge",
            Modality::Ecd => "ecd",
            Modality::StaticEliminator => "static_eliminator",
            Modality::Mossbauer => "mossbauer",
            Modality::Mri => "mri",
            Modality::Ultrasound => "ultrasound",
            Modality::Laser => "laser",
            Modality::NonIonizingOther => "non_ionizing_other",
        }
    }

    /// The modality for a key.
    pub fn from_key(key: &str) -> Option<Modality> {
        Modality::ALL.into_iter().find(|m| m.key() == key)
    }
}

impl std::fmt::Display for Modality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// The modality for a key, or a message naming the closest one or the list.
/// [`parse_modality`]'s refusal in Vietnamese.
pub(crate) fn unknown_modality_vi(m: &str) -> String {
    let shown = crate::text::excerpt(m);
    match Modality::ALL.iter().find(|k| m.len() <= 64 && crate::text::edit_distance(k.key(), m) <= 2) {
        Some(k) => format!("không có kỹ thuật `{shown}`; có phải là `{k}`?"),
        None => format!(
            "không có kỹ thuật `{shown}`; ghi một trong: {}",
            Modality::ALL.iter().map(|k| k.key()).collect::<Vec<_>>().join(", ")
        ),
    }
}

pub(crate) fn parse_modality(m: &str) -> Result<Modality, String> {
    if let Some(modality) = Modality::from_key(m) {
        return Ok(modality);
    }
    let shown = crate::text::excerpt(m);
    let close = Modality::ALL.iter().find(|k| m.len() <= 64 && crate::text::edit_distance(k.key(), m) <= 2);
    Err(match close {
        Some(k) => format!("unknown modality `{shown}`; did you mean `{k}`?"),
        None => format!(
            "unknown modality `{shown}`; expected one of: {}",
            Modality::ALL.iter().map(|k| k.key()).collect::<Vec<_>>().join(", ")
        ),
    })
}
