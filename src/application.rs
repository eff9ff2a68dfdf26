//! A licensing application as received at the one-stop desk (docs/application.md).

use serde::Deserialize;
use toml::Spanned;

use crate::date::Date;
use crate::error::{Error, Finding, Location};
use crate::source::Src;
use crate::vocab::{Channel, Description, FacilityKind, Procedure, Radiation, SourceSpec, Use};
use crate::vocab::{DeviceClass, unknown_class_message};

/// One `[[device]]` entry of an application.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceEntry {
    /// The class given by key, if any.
    pub class: Option<DeviceClass>,
    /// The description given, if any (it may accompany a class).
    pub description: Option<Description>,
    /// How many identical devices (at least 1).
    pub count: u32,
    /// Free label echoed on the quote line.
    pub label: Option<String>,
    /// Where the entry was written, for messages.
    pub location: Option<Location>,
}

impl DeviceEntry {
    /// `count` devices of a known class.
    pub fn of_class(class: DeviceClass, count: u32) -> DeviceEntry {
        DeviceEntry { class: Some(class), description: None, count, label: None, location: None }
    }
}

/// A licensing application.
#[derive(Clone, Debug, PartialEq)]
pub struct Application {
    /// The province as written (any spelling of a current or former province).
    pub province: String,
    /// The procedure.
    pub procedure: Procedure,
    /// The day the application was received: selects the rules in force.
    pub received: Date,
    /// How it was filed.
    pub channel: Channel,
    /// Echoed on the quote.
    pub applicant: Option<String>,
    /// The devices, in the order written.
    pub devices: Vec<DeviceEntry>,
    /// The kind of facility applying (for schedules with a base fee by kind of facility).
    pub facility_kind: Option<FacilityKind>,
    /// Number of sites or locations covered (at least 1).
    pub sites: u32,
    /// Conditions the schedule may test (`when = "…"`), e.g. `late`, `partial_period`.
    pub conditions: Vec<String>,
    /// Where the fields were written, when the application came from a file.
    pub(crate) places: Places,
}

/// Where an application's fields were written, when it came from a file: the places its
/// messages point at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Places {
    /// The file itself (its first line), for a key that is missing.
    pub(crate) file: Option<Location>,
    /// `province`.
    pub(crate) province: Option<Location>,
    /// `facility_kind`.
    pub(crate) facility_kind: Option<Location>,
    /// Each entry of `conditions`.
    pub(crate) conditions: Vec<Location>,
}

/// What an application is priced on besides its devices: the fields adjustments and charges
/// test. The batch prices from these without building an [`Application`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Terms<'a> {
    pub(crate) procedure: Procedure,
    pub(crate) received: Date,
    pub(crate) channel: Channel,
    pub(crate) facility_kind: Option<FacilityKind>,
    pub(crate) sites: u32,
    pub(crate) conditions: &'a [String],
}

/// Largest application file read, in bytes.
pub const MAX_APPLICATION_BYTES: usize = 1 << 20;
/// Most `[[device]]` entries in one application.
pub const MAX_DEVICES: usize = 10_000;
/// Longest free text (applicant, label, device name), in characters.
pub const MAX_TEXT: usize = 1000;
/// Most sealed sources one device may list.
pub const MAX_SOURCES: usize = 100;
/// Most conditions one application may state.
pub const MAX_CONDITIONS: usize = 32;

/// Refuses a text longer than [`MAX_TEXT`] characters, at its place.
fn check_len(src: &Src<'_>, text: &Spanned<String>, key: &str) -> Result<(), Error> {
    let n = text.get_ref().chars().count();
    if n > MAX_TEXT {
        return Err(Error::input(src.error(
            text,
            key,
            format!("the text is {n} characters long; at most {MAX_TEXT} are allowed"),
        )));
    }
    Ok(())
}

/// Most sites one application may cover.
pub const MAX_SITES: u32 = 1000;
/// Largest `count` of one device entry.
pub const MAX_COUNT: u32 = 1_000_000;

/// Reads a device count written as text (a flag, a form field) under the crate's one number
/// rule: a whole number from 1 to [`MAX_COUNT`] (`2.0` is 2; `1.000` is refused as ambiguous).
///
/// # Errors
///
/// An input error saying what is wrong with the text, with the key `count`.
pub fn parse_count(text: &str) -> Result<u32, Error> {
    crate::number::parse_count(text, COUNT).map_err(|e| Error::input(Finding::error(None, Some("count"), e.message)))
}

/// The `count` of a device entry, as every reader checks it.
pub(crate) const COUNT: crate::number::Counted =
    crate::number::Counted { key: "count", noun: "devices", range: (1, MAX_COUNT) };
/// The `sites` of an application.
const SITES: crate::number::Counted = crate::number::Counted { key: "sites", noun: "sites", range: (1, MAX_SITES) };

/// An application file (TOML), as an officer writes it: docs/application.md.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Application file")]
struct ApplicationFile {
    /// The province: any spelling of one of the 34 provinces or a former province.
    #[schemars(with = "String")]
    province: Spanned<String>,
    /// new, renewal, supplement, amendment, reissue or declaration.
    #[schemars(with = "Procedure")]
    procedure: Spanned<String>,
    /// The day the application was received (YYYY-MM-DD): selects the rules in force.
    #[schemars(with = "Date")]
    received: Spanned<Date>,
    /// online or in_person (default in_person).
    #[serde(default)]
    #[schemars(with = "Option<Channel>")]
    channel: Option<Spanned<String>>,
    /// The applicant, echoed on the quote (at most 1,000 characters).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    applicant: Option<Spanned<String>>,
    /// The kind of facility, when the schedule in force charges by it.
    #[serde(default)]
    #[schemars(with = "Option<FacilityKind>")]
    facility_kind: Option<Spanned<FacilityKind>>,
    /// Number of sites covered, 1 to 1,000 (default 1).
    #[serde(default)]
    #[schemars(with = "Option<u32>", range(min = 1, max = 1000))]
    sites: Option<Spanned<crate::number::Number>>,
    /// Conditions the schedule in force tests (e.g. "late"); a condition it does not know is refused.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    conditions: Vec<Spanned<String>>,
    /// The devices: each a class, a description, or both.
    #[serde(default)]
    #[schemars(with = "Vec<DeviceFile>")]
    device: Vec<Spanned<DeviceFile>>,
}

/// One `[[device]]`: a class key, or a description the classifier reads, or both.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct DeviceFile {
    /// A device-class key (docs/device-classes.md).
    #[serde(default)]
    #[schemars(with = "Option<ClassKey>")]
    class: Option<Spanned<String>>,
    /// How many identical devices, 1 to 1,000,000 (default 1).
    #[serde(default)]
    #[schemars(with = "Option<u32>", range(min = 1, max = 1_000_000))]
    count: Option<Spanned<crate::number::Number>>,
    /// Free label echoed on the quote line (at most 1,000 characters).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    label: Option<Spanned<String>>,
    /// The name as written on the declaration form, Vietnamese or English.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    name: Option<Spanned<String>>,
    /// x_ray, sealed_source, accelerator or none.
    #[serde(default)]
    radiation: Option<Radiation>,
    /// medical, dental, veterinary, industrial, security, analytical, research, radiotherapy, irradiation.
    #[serde(default, rename = "use")]
    use_: Option<Use>,
    /// A modality key of the classifier (docs/device-classes.md).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    modality: Option<Spanned<String>>,
    /// Used at more than one place.
    #[serde(default)]
    mobile: Option<bool>,
    /// Highest tube voltage, kV (positive).
    #[serde(default)]
    #[schemars(with = "Option<crate::number::Number>")]
    max_kv: Option<Spanned<crate::number::Number>>,
    /// Accelerators: highest particle energy, MeV (positive).
    #[serde(default)]
    #[schemars(with = "Option<crate::number::Number>")]
    max_energy_mev: Option<Spanned<crate::number::Number>>,
    /// Dose-equivalent rate at 0.1 m from any accessible surface, µSv/h (zero or more).
    #[serde(default)]
    #[schemars(with = "Option<crate::number::Number>")]
    dose_rate_usv_h: Option<Spanned<crate::number::Number>>,
    /// Type-approved.
    #[serde(default)]
    type_approved: Option<bool>,
    /// Sealed sources in the device.
    #[serde(default)]
    source: Vec<SourceFileSpec>,
}

/// One `[[device.source]]`.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct SourceFileSpec {
    /// The nuclide, e.g. "Cs-137", "Am-241/Be".
    nuclide: String,
    /// The activity with its unit, e.g. "3.7 GBq", "100 mCi".
    #[schemars(with = "String")]
    activity: Spanned<String>,
    /// The day the activity was measured (on or before the application's date).
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    reference_date: Option<Spanned<Date>>,
}

/// A device-class key, for the schema.
struct ClassKey;

impl schemars::JsonSchema for ClassKey {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DeviceClass".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let classes: Vec<&str> = DeviceClass::all_keys().collect();
        schemars::json_schema!({ "description": "A device-class key (docs/device-classes.md).", "type": "string", "enum": classes })
    }
}

/// The JSON Schema of an application file, for editors (fee-schedules/schema/application.schema.json).
pub(crate) fn application_schema() -> schemars::Schema {
    schemars::schema_for!(ApplicationFile)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DevicesFile {
    #[serde(default)]
    device: Vec<Spanned<DeviceFile>>,
}

/// Reads a file of `[[device]]` tables (the classify tool's input): each a class and/or a
/// description. `file` is the name used in messages.
pub fn devices_from_toml(file: &str, text: &str) -> Result<Vec<DeviceEntry>, Error> {
    let src = Src::new(file, text);
    if text.len() > MAX_APPLICATION_BYTES {
        return Err(Error::input(src.error_here(
            None,
            format!("the file is {} bytes; a device file may be at most {MAX_APPLICATION_BYTES} bytes", text.len()),
        )));
    }
    let raw: DevicesFile = src.read().map_err(Error::input)?;
    if raw.device.is_empty() {
        return Err(Error::input(
            src.error_here(Some("device"), "the file lists no device").with_hint("add one or more [[device]] tables"),
        ));
    }
    if raw.device.len() > MAX_DEVICES {
        return Err(Error::input(src.error(
            &raw.device[MAX_DEVICES],
            "device",
            format!("a file may list at most {MAX_DEVICES} [[device]] entries"),
        )));
    }
    raw.device.iter().map(|d| convert_device(&src, d)).collect()
}

impl Application {
    /// The terms it is priced on.
    pub(crate) fn terms(&self) -> Terms<'_> {
        Terms {
            procedure: self.procedure,
            received: self.received,
            channel: self.channel,
            facility_kind: self.facility_kind,
            sites: self.sites,
            conditions: &self.conditions,
        }
    }

    /// A new application with no devices yet.
    pub fn new(province: impl Into<String>, procedure: Procedure, received: Date) -> Application {
        Application {
            province: province.into(),
            procedure,
            received,
            channel: Channel::InPerson,
            applicant: None,
            devices: Vec::new(),
            places: Places::default(),
            facility_kind: None,
            sites: 1,
            conditions: Vec::new(),
        }
    }

    /// Sets the channel.
    pub fn with_channel(mut self, channel: Channel) -> Application {
        self.channel = channel;
        self
    }

    /// Adds `count` devices of `class`.
    pub fn with_device(mut self, class: DeviceClass, count: u32) -> Application {
        self.devices.push(DeviceEntry::of_class(class, count));
        self
    }

    /// Reads an application file. `file` is the name used in messages.
    pub fn from_toml(file: &str, text: &str) -> Result<Application, Error> {
        let src = Src::new(file, text);
        if text.len() > MAX_APPLICATION_BYTES {
            return Err(Error::input(src.error_here(
                None,
                format!(
                    "the file is {} bytes; an application may be at most {MAX_APPLICATION_BYTES} bytes",
                    text.len()
                ),
            )));
        }
        let raw: ApplicationFile = src.read().map_err(Error::input)?;

        let procedure = Procedure::from_key(raw.procedure.get_ref()).ok_or_else(|| {
            Error::input(src.error(
                &raw.procedure,
                "procedure",
                format!(
                    "unknown procedure `{}`: expected one of new, renewal, supplement, amendment, reissue, declaration",
                    raw.procedure.get_ref()
                ),
            ))
        })?;
        let channel = match &raw.channel {
            None => Channel::InPerson,
            Some(c) => Channel::from_key(c.get_ref()).ok_or_else(|| {
                Error::input(src.error(
                    c,
                    "channel",
                    format!("unknown channel `{}`: expected online or in_person", c.get_ref()),
                ))
            })?,
        };
        if raw.province.get_ref().trim().is_empty() {
            return Err(Error::input(src.error(&raw.province, "province", "the province is empty")));
        }
        check_len(&src, &raw.province, "province")?;
        if let Some(a) = &raw.applicant {
            check_len(&src, a, "applicant")?;
        }
        if raw.conditions.len() > MAX_CONDITIONS {
            return Err(Error::input(src.error(
                &raw.conditions[MAX_CONDITIONS],
                "conditions",
                format!("an application may state at most {MAX_CONDITIONS} conditions"),
            )));
        }
        if raw.device.is_empty() {
            return Err(Error::input(
                src.error_here(Some("device"), "the application lists no device")
                    .with_hint("add at least one [[device]] table with a class or a description"),
            ));
        }
        if raw.device.len() > MAX_DEVICES {
            return Err(Error::input(src.error(
                &raw.device[MAX_DEVICES],
                "device",
                format!("an application may list at most {MAX_DEVICES} [[device]] entries"),
            )));
        }
        let mut devices = Vec::with_capacity(raw.device.len());
        let received = *raw.received.get_ref();
        for entry in &raw.device {
            // A source measured after the day received cannot be decayed back to it: refused at
            // its own key (the classifier refuses it too, at the device, for code-built input).
            for source in &entry.get_ref().source {
                if let Some(d) = source.reference_date.as_ref().filter(|d| *d.get_ref() > received) {
                    return Err(Error::input(
                        src.error(
                            d,
                            "source.reference_date",
                            format!(
                                "source {}: its activity is dated {}, after the day the application was received ({received}); decay cannot be worked backwards from a measurement not yet made",
                                crate::text::excerpt(&source.nuclide),
                                d.get_ref()
                            ),
                        )
                        .with_hint("give the date the activity was measured (on the source certificate), on or before the date received"),
                    ));
                }
            }
            devices.push(convert_device(&src, entry)?);
        }
        let sites = match &raw.sites {
            None => 1,
            Some(n) => crate::number::count_in(n.get_ref().0, SITES)
                .map_err(|e| Error::input(src.error(n, "sites", e.message)))?,
        };
        let mut conditions = Vec::new();
        for c in &raw.conditions {
            if c.get_ref().is_empty() || !c.get_ref().chars().all(|x| x.is_ascii_lowercase() || x == '_') {
                return Err(Error::input(src.error(
                    c,
                    "conditions",
                    format!("`{}` is not a condition name: use snake_case, e.g. \"late\"", c.get_ref()),
                )));
            }
            conditions.push(c.get_ref().clone());
        }
        Ok(Application {
            province: crate::text::nfc(raw.province.get_ref()),
            procedure,
            received: *raw.received.get_ref(),
            channel,
            applicant: raw.applicant.map(|a| crate::text::nfc(a.get_ref())),
            devices,
            places: Places {
                file: Some(src.location(0)),
                province: Some(src.at(raw.province.span())),
                facility_kind: raw.facility_kind.as_ref().map(|k| src.at(k.span())),
                conditions: raw.conditions.iter().map(|c| src.at(c.span())).collect(),
            },
            facility_kind: raw.facility_kind.map(Spanned::into_inner),
            sites,
            conditions,
        })
    }
}

fn convert_device(src: &Src<'_>, entry: &Spanned<DeviceFile>) -> Result<DeviceEntry, Error> {
    let d = entry.get_ref();
    let location = Some(src.at(entry.span()));
    let class = match &d.class {
        None => None,
        Some(c) => Some(
            DeviceClass::from_key(c.get_ref())
                .ok_or_else(|| Error::input(src.error(c, "class", unknown_class_message(c.get_ref()))))?,
        ),
    };
    let count = match &d.count {
        None => 1,
        Some(c) => {
            crate::number::count_in(c.get_ref().0, COUNT).map_err(|e| Error::input(src.error(c, "count", e.message)))?
        }
    };
    if let Some(label) = &d.label {
        check_len(src, label, "label")?;
    }
    if let Some(name) = &d.name {
        check_len(src, name, "name")?;
    }
    if d.source.len() > MAX_SOURCES {
        return Err(Error::input(Finding::error(
            location,
            Some("source"),
            format!("a device may list at most {MAX_SOURCES} sources"),
        )));
    }
    let modality = match &d.modality {
        Some(m) => Some(
            crate::vocab::parse_modality(m.get_ref())
                .map_err(|message| Error::input(src.error(m, "modality", message)))?,
        ),
        None => None,
    };
    for (key, value) in
        [("max_kv", &d.max_kv), ("max_energy_mev", &d.max_energy_mev), ("dose_rate_usv_h", &d.dose_rate_usv_h)]
    {
        if let Some(v) = value
            && let Some(message) = crate::vocab::device::impossible(key, v.get_ref().0)
        {
            return Err(Error::input(src.error(v, key, message)));
        }
    }
    let description = Description {
        name: d.name.as_ref().map(|n| crate::text::nfc(n.get_ref())),
        radiation: d.radiation,
        use_: d.use_,
        modality,
        mobile: d.mobile,
        max_kv: d.max_kv.as_ref().map(|x| x.get_ref().0),
        max_energy_mev: d.max_energy_mev.as_ref().map(|x| x.get_ref().0),
        dose_rate_usv_h: d.dose_rate_usv_h.as_ref().map(|x| x.get_ref().0),
        type_approved: d.type_approved,
        source: d
            .source
            .iter()
            .map(|s| {
                crate::nuclide::Activity::parse(s.activity.get_ref())
                    .map_err(|e| Error::input(src.error(&s.activity, "source.activity", e.0)))?;
                Ok(SourceSpec {
                    nuclide: s.nuclide.clone(),
                    activity: s.activity.get_ref().clone(),
                    reference_date: s.reference_date.as_ref().map(|d| *d.get_ref()),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?,
    };
    let description = (!description.is_empty()).then_some(description);
    if class.is_none() && description.is_none() {
        return Err(Error::input(
            Finding::error(location, Some("device"), "this [[device]] has neither a class nor a description")
                .with_hint("give class = \"<key>\" (docs/device-classes.md), or describe it with name, radiation, use, modality…"),
        ));
    }
    Ok(DeviceEntry {
        class,
        description,
        count,
        label: d.label.as_ref().map(|l| crate::text::nfc(l.get_ref())),
        location,
    })
}
