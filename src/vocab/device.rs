//! What a device is, as written on a declaration form: the kind of radiation, its use, its
//! modality, its measured values and its sealed sources.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::{Error, Finding};

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

/// What kind of radiation a described device uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Radiation {
    /// An X-ray tube.
    XRay,
    /// One or more sealed radioactive sources.
    SealedSource,
    /// A particle accelerator.
    Accelerator,
    /// No ionising radiation.
    None,
}

/// What a described device is used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Use {
    /// Medical diagnosis.
    Medical,
    /// Dentistry.
    Dental,
    /// Veterinary medicine.
    Veterinary,
    /// Industry.
    Industrial,
    /// Security screening.
    Security,
    /// Laboratory analysis.
    Analytical,
    /// Research.
    Research,
    /// Radiotherapy.
    Radiotherapy,
    /// Irradiation (sterilisation, processing).
    Irradiation,
}

/// A sealed source in a device description.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// e.g. `Cs-137`, `Am-241/Be`.
    pub nuclide: String,
    /// Activity with its unit, e.g. `3.7 GBq`, `100 mCi`.
    pub activity: String,
    /// The date the activity was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_date: Option<Date>,
}

/// A device as written on the declaration form (docs/device-classes.md, "Describing a device").
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Description {
    /// Free text as on the form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Kind of radiation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub radiation: Option<Radiation>,
    /// Use.
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<Use>,
    /// What it does (see the classifier's vocabulary).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modality: Option<Modality>,
    /// Used at more than one place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<bool>,
    /// Highest tube voltage, kV (exact decimal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_kv: Option<rust_decimal::Decimal>,
    /// Accelerators: highest particle energy, MeV.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_energy_mev: Option<rust_decimal::Decimal>,
    /// Dose-equivalent rate at 0.1 m from any accessible surface, µSv/h.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dose_rate_usv_h: Option<rust_decimal::Decimal>,
    /// Type-approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_approved: Option<bool>,
    /// Sealed sources.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source: Vec<SourceSpec>,
}

impl Description {
    /// Whether nothing at all is described.
    pub fn is_empty(&self) -> bool {
        *self == Description::default()
    }

    /// Refuses a physically impossible value: a tube voltage or particle energy that is not
    /// positive, or a negative dose rate. (Sources are checked where they are read and
    /// assessed: their activity, nuclide and reference date.)
    pub(crate) fn check(&self) -> Result<(), Error> {
        for (key, value) in [
            ("max_kv", self.max_kv),
            ("max_energy_mev", self.max_energy_mev),
            ("dose_rate_usv_h", self.dose_rate_usv_h),
        ] {
            if let Some(message) = value.and_then(|v| impossible(key, v)) {
                return Err(Error::input(Finding::error(None, Some(key), message)));
            }
        }
        Ok(())
    }
}

/// The modality for a key, or a message naming the closest one or the list.
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

/// Why a measured value of a description cannot be, if it cannot.
pub(crate) fn impossible(key: &str, value: rust_decimal::Decimal) -> Option<String> {
    let shown = crate::money::canonical(value);
    match key {
        "max_kv" if value <= rust_decimal::Decimal::ZERO => Some(format!(
            "max_kv = {shown} cannot be: the highest tube voltage is a positive number of kilovolts (e.g. 120)"
        )),
        "max_energy_mev" if value <= rust_decimal::Decimal::ZERO => Some(format!(
            "max_energy_mev = {shown} cannot be: the highest particle energy is a positive number of MeV (e.g. 6)"
        )),
        "dose_rate_usv_h" if value < rust_decimal::Decimal::ZERO => {
            Some(format!("dose_rate_usv_h = {shown} cannot be: a dose rate is zero or more µSv/h"))
        }
        _ => None,
    }
}
