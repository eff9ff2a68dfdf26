//! What a device is, as written on a declaration form: the kind of radiation, its use, its
//! modality, its measured values and its sealed sources.

use serde::{Deserialize, Serialize};

use super::modality::Modality;
use crate::date::Date;
use crate::error::{Error, Finding};

/// What kind of radiation a described device uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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
#[non_exhaustive]
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

/// Longest free text (applicant, label, device name, nuclide), in characters.
pub const MAX_TEXT: usize = 1000;
/// Most sealed sources one device may list.
pub const MAX_SOURCES: usize = 100;

/// Refuses a text longer than [`MAX_TEXT`] characters, counted as the text is kept (NFC: a
/// letter with its marks is one character however the keyboard wrote it).
pub(crate) fn check_text(key: &str, text: &str) -> Result<(), Error> {
    let n = crate::text::nfc_len(text);
    if n > MAX_TEXT {
        return Err(Error::input(
            Finding::error(None, Some(key), format!("the text is {n} characters long; at most {MAX_TEXT} are allowed"))
                .vi(format!("đoạn chữ dài {n} ký tự; tối đa {MAX_TEXT} ký tự")),
        ));
    }
    Ok(())
}

/// A sealed source in a device description: a nuclide, its activity as written with its unit,
/// and the day the activity was measured (for decay to the application's date).
///
/// Built with [`SourceSpec::new`], which reads the activity; an unreadable activity cannot be
/// held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SourceSpecFile")]
pub struct SourceSpec {
    pub(crate) nuclide: String,
    pub(crate) activity: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reference_date: Option<Date>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceSpecFile {
    nuclide: String,
    activity: String,
    #[serde(default)]
    reference_date: Option<Date>,
}

impl TryFrom<SourceSpecFile> for SourceSpec {
    type Error = Error;
    fn try_from(f: SourceSpecFile) -> Result<SourceSpec, Error> {
        SourceSpec::new(&f.nuclide, &f.activity, f.reference_date)
    }
}

impl SourceSpec {
    /// A source: `nuclide` as written (`Cs-137`, `Am-241/Be`), `activity` with its unit
    /// (`3.7 GBq`, `100 mCi`), and the day it was measured, if known.
    ///
    /// # Errors
    /// An input error (key `source.activity` or `source.nuclide`) when the activity cannot be
    /// read exactly ([`Activity::parse`](super::activity::Activity::parse)) or a text is empty or
    /// over [`MAX_TEXT`] characters. Whether the nuclide is known is the nuclide table's to
    /// say, when the device is classified.
    pub fn new(nuclide: &str, activity: &str, reference_date: Option<Date>) -> Result<SourceSpec, Error> {
        if nuclide.trim().is_empty() {
            return Err(Error::input(
                Finding::error(None, Some("source.nuclide"), "the nuclide is empty").vi("chưa ghi đồng vị phóng xạ"),
            ));
        }
        check_text("source.nuclide", nuclide)?;
        check_text("source.activity", activity)?;
        super::activity::Activity::parse(activity)
            .map_err(|e| Error::input(Finding::error(None, Some("source.activity"), e.message()).vi(e.message_vi())))?;
        Ok(SourceSpec { nuclide: nuclide.to_owned(), activity: activity.to_owned(), reference_date })
    }

    /// The nuclide as written, e.g. `Cs-137`.
    pub fn nuclide(&self) -> &str {
        &self.nuclide
    }

    /// The activity as written, with its unit, e.g. `3.7 GBq`.
    pub fn activity(&self) -> &str {
        &self.activity
    }

    /// The day the activity was measured, if given.
    pub fn reference_date(&self) -> Option<Date> {
        self.reference_date
    }
}

/// A device as written on the declaration form (docs/device-classes.md, "Describing a
/// device"): any of a free-text name, the kind of radiation, the use, the modality, and
/// measured values. Built with [`Description::builder`] (or [`Description::named`]), which
/// refuses what an application file would refuse.
///
/// ```
/// use radfee::classify::{Description, Modality, Radiation, Use};
///
/// let d = Description::builder().radiation(Radiation::XRay).use_(Use::Dental).modality(Modality::Panoramic).build()?;
/// assert_eq!(d.modality(), Some(Modality::Panoramic));
/// assert!(Description::builder().max_kv(0.into()).build().is_err()); // a tube voltage is positive
/// # Ok::<(), radfee::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "DescriptionFile")]
pub struct Description {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) radiation: Option<Radiation>,
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub(crate) use_: Option<Use>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) modality: Option<Modality>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) mobile: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max_kv: Option<rust_decimal::Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max_energy_mev: Option<rust_decimal::Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) dose_rate_usv_h: Option<rust_decimal::Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) type_approved: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) source: Vec<SourceSpec>,
}

/// The serialized form of a [`Description`], checked on the way in.
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct DescriptionFile {
    name: Option<String>,
    radiation: Option<Radiation>,
    #[serde(rename = "use")]
    use_: Option<Use>,
    modality: Option<Modality>,
    mobile: Option<bool>,
    max_kv: Option<rust_decimal::Decimal>,
    max_energy_mev: Option<rust_decimal::Decimal>,
    dose_rate_usv_h: Option<rust_decimal::Decimal>,
    type_approved: Option<bool>,
    source: Vec<SourceSpec>,
}

impl TryFrom<DescriptionFile> for Description {
    type Error = Error;
    fn try_from(f: DescriptionFile) -> Result<Description, Error> {
        DescriptionBuilder(Description {
            name: f.name,
            radiation: f.radiation,
            use_: f.use_,
            modality: f.modality,
            mobile: f.mobile,
            max_kv: f.max_kv,
            max_energy_mev: f.max_energy_mev,
            dose_rate_usv_h: f.dose_rate_usv_h,
            type_approved: f.type_approved,
            source: f.source,
        })
        .build()
    }
}

/// Builds a [`Description`]; [`DescriptionBuilder::build`] checks it.
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct DescriptionBuilder(Description);

impl DescriptionBuilder {
    /// The name as written on the form, Vietnamese or English (at most [`MAX_TEXT`]
    /// characters; stored in Unicode NFC).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.0.name = Some(name.into());
        self
    }

    /// The kind of radiation.
    pub fn radiation(mut self, radiation: Radiation) -> Self {
        self.0.radiation = Some(radiation);
        self
    }

    /// The use.
    pub fn use_(mut self, use_: Use) -> Self {
        self.0.use_ = Some(use_);
        self
    }

    /// What the device does.
    pub fn modality(mut self, modality: Modality) -> Self {
        self.0.modality = Some(modality);
        self
    }

    /// Whether it is used at more than one place.
    pub fn mobile(mut self, mobile: bool) -> Self {
        self.0.mobile = Some(mobile);
        self
    }

    /// Highest tube voltage, kV (positive).
    pub fn max_kv(mut self, kv: rust_decimal::Decimal) -> Self {
        self.0.max_kv = Some(kv);
        self
    }

    /// Accelerators: highest particle energy, MeV (positive).
    pub fn max_energy_mev(mut self, mev: rust_decimal::Decimal) -> Self {
        self.0.max_energy_mev = Some(mev);
        self
    }

    /// Dose-equivalent rate at 0.1 m from any accessible surface, µSv/h (zero or more).
    pub fn dose_rate_usv_h(mut self, rate: rust_decimal::Decimal) -> Self {
        self.0.dose_rate_usv_h = Some(rate);
        self
    }

    /// Whether the model is type-approved.
    pub fn type_approved(mut self, approved: bool) -> Self {
        self.0.type_approved = Some(approved);
        self
    }

    /// Adds a sealed source (at most [`MAX_SOURCES`]).
    pub fn source(mut self, source: SourceSpec) -> Self {
        self.0.source.push(source);
        self
    }

    /// The description, checked.
    ///
    /// # Errors
    /// An input error naming the key: a tube voltage or particle energy that is not positive,
    /// a negative dose rate, a name over [`MAX_TEXT`] characters, more than [`MAX_SOURCES`]
    /// sources.
    pub fn build(self) -> Result<Description, Error> {
        let mut d = self.0;
        d.check()?;
        if let Some(name) = &mut d.name {
            check_text("name", name)?;
            *name = crate::text::nfc(name);
        }
        Ok(d)
    }
}

impl Description {
    /// A builder for a description.
    pub fn builder() -> DescriptionBuilder {
        DescriptionBuilder::default()
    }

    /// A description by its name alone, as written on the form.
    ///
    /// # Errors
    /// As [`DescriptionBuilder::build`].
    pub fn named(name: impl Into<String>) -> Result<Description, Error> {
        Description::builder().name(name).build()
    }

    /// A description from values a reader has checked already (physical values, lengths).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_parts(
        name: Option<String>,
        radiation: Option<Radiation>,
        use_: Option<Use>,
        modality: Option<Modality>,
        mobile: Option<bool>,
        [max_kv, max_energy_mev, dose_rate_usv_h]: [Option<rust_decimal::Decimal>; 3],
        type_approved: Option<bool>,
        source: Vec<SourceSpec>,
    ) -> Description {
        Description {
            name,
            radiation,
            use_,
            modality,
            mobile,
            max_kv,
            max_energy_mev,
            dose_rate_usv_h,
            type_approved,
            source,
        }
    }

    /// The name as written (NFC).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The kind of radiation.
    pub fn radiation(&self) -> Option<Radiation> {
        self.radiation
    }

    /// The use.
    pub fn use_(&self) -> Option<Use> {
        self.use_
    }

    /// The modality.
    pub fn modality(&self) -> Option<Modality> {
        self.modality
    }

    /// Whether it is used at more than one place.
    pub fn mobile(&self) -> Option<bool> {
        self.mobile
    }

    /// Highest tube voltage, kV.
    pub fn max_kv(&self) -> Option<rust_decimal::Decimal> {
        self.max_kv
    }

    /// Highest particle energy, MeV.
    pub fn max_energy_mev(&self) -> Option<rust_decimal::Decimal> {
        self.max_energy_mev
    }

    /// Dose-equivalent rate at 0.1 m, µSv/h.
    pub fn dose_rate_usv_h(&self) -> Option<rust_decimal::Decimal> {
        self.dose_rate_usv_h
    }

    /// Whether the model is type-approved.
    pub fn type_approved(&self) -> Option<bool> {
        self.type_approved
    }

    /// The sealed sources.
    pub fn sources(&self) -> &[SourceSpec] {
        &self.source
    }

    /// Whether nothing at all is described.
    pub fn is_empty(&self) -> bool {
        *self == Description::default()
    }

    /// Refuses a physically impossible value (a tube voltage or particle energy that is not
    /// positive, a negative dose rate) and more than [`MAX_SOURCES`] sources.
    pub(crate) fn check(&self) -> Result<(), Error> {
        for (key, value) in [
            ("max_kv", self.max_kv),
            ("max_energy_mev", self.max_energy_mev),
            ("dose_rate_usv_h", self.dose_rate_usv_h),
        ] {
            if let Some(m) = value.and_then(|v| impossible(key, v)) {
                return Err(Error::input(Finding::error(None, Some(key), m.en).vi(m.vi)));
            }
        }
        if self.source.len() > MAX_SOURCES {
            return Err(Error::input(
                Finding::error(None, Some("source"), format!("a device may list at most {MAX_SOURCES} sources"))
                    .vi(format!("một thiết bị có tối đa {MAX_SOURCES} nguồn")),
            ));
        }
        Ok(())
    }
}

/// Why a measured value of a description cannot be, if it cannot, in both languages.
pub(crate) fn impossible(key: &str, value: rust_decimal::Decimal) -> Option<crate::text::Msg> {
    let shown = crate::money::canonical(value);
    let (en, vi) = match key {
        "max_kv" if value <= rust_decimal::Decimal::ZERO => (
            format!(
                "max_kv = {shown} cannot be: the highest tube voltage is a positive number of kilovolts (e.g. 120)"
            ),
            format!("max_kv = {shown} là không thể: điện áp cực đại của ống phát là một số kV dương (ví dụ 120)"),
        ),
        "max_energy_mev" if value <= rust_decimal::Decimal::ZERO => (
            format!(
                "max_energy_mev = {shown} cannot be: the highest particle energy is a positive number of MeV (e.g. 6)"
            ),
            format!("max_energy_mev = {shown} là không thể: năng lượng hạt cực đại là một số MeV dương (ví dụ 6)"),
        ),
        "dose_rate_usv_h" if value < rust_decimal::Decimal::ZERO => (
            format!("dose_rate_usv_h = {shown} cannot be: a dose rate is zero or more µSv/h"),
            format!("dose_rate_usv_h = {shown} là không thể: suất liều bằng 0 hoặc lớn hơn (µSv/h)"),
        ),
        _ => return None,
    };
    Some(crate::text::Msg::new(en, vi))
}
