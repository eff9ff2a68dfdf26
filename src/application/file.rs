//! Reading an application file (TOML, docs/application.md) and a file of device tables, with
//! every problem at its place.

use serde::Deserialize;
use toml::Spanned;

use super::model::{
    Application, COUNT, DeviceEntry, MAX_APPLICATION_BYTES, MAX_CONDITIONS, MAX_DEVICES, MAX_SOURCES, MAX_TEXT, Places,
    SITES,
};
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::source::Src;
use crate::vocab::{
    Channel, Condition, Description, DeviceClass, FacilityKind, Procedure, Radiation, SourceSpec, Use,
    unknown_class_message,
};

/// Refuses a text longer than [`MAX_TEXT`] characters (counted as kept, NFC), at its place.
fn check_len(src: &Src<'_>, text: &Spanned<String>, key: &str) -> Result<(), Error> {
    let n = crate::text::nfc_len(text.get_ref());
    if n > MAX_TEXT {
        return Err(Error::input(
            src.error(text, key, format!("the text is {n} characters long; at most {MAX_TEXT} are allowed"))
                .vi(format!("đoạn chữ dài {n} ký tự; tối đa {MAX_TEXT} ký tự")),
        ));
    }
    Ok(())
}

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
    mobile: Option<Checkbox>,
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
    type_approved: Option<Checkbox>,
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
/// A box ticked or not on the form: `true`/`false`, or as an officer writes it, "có"/"không"
/// (with or without diacritics, any case), "yes"/"no", "x" for ticked.
#[derive(Clone, Copy)]
struct Checkbox(bool);

impl<'de> Deserialize<'de> for Checkbox {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Checkbox, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Checkbox;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("true or false (also \"có\" or \"không\")")
            }
            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Checkbox, E> {
                Ok(Checkbox(b))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Checkbox, E> {
                match crate::text::fold(s).as_str() {
                    "co" | "yes" | "true" | "x" => Ok(Checkbox(true)),
                    "khong" | "no" | "false" => Ok(Checkbox(false)),
                    _ => Err(E::custom(crate::text::join_both(
                        &format!(
                            "`{}` is not true or false: write true or false (or \"có\" or \"không\")",
                            crate::text::excerpt(s)
                        ),
                        &format!(
                            "`{}` không phải là có hoặc không: ghi \"có\" hoặc \"không\" (hay true, false)",
                            crate::text::excerpt(s)
                        ),
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for Checkbox {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Checkbox".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A box ticked or not: true or false, or as written on the form, \"có\" or \"không\".",
            "anyOf": [
                { "type": "boolean" },
                { "type": "string", "enum": ["có", "không", "Có", "Không", "co", "khong", "yes", "no", "x"] }
            ]
        })
    }
}

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
///
/// # Errors
/// An input error with its place (`file:line:column`, key) for anything an application
/// file's `[[device]]` would refuse; a file with no device or over the limits.
pub fn devices_from_toml(file: &str, text: &str) -> Result<Vec<DeviceEntry>, Error> {
    let src = Src::new(file, text);
    if text.len() > MAX_APPLICATION_BYTES {
        return Err(Error::input(
            src.error_here(
                None,
                format!("the file is {} bytes; a device file may be at most {MAX_APPLICATION_BYTES} bytes", text.len()),
            )
            .vi(format!("tệp có {} byte; tệp thiết bị tối đa {MAX_APPLICATION_BYTES} byte", text.len())),
        ));
    }
    let raw: DevicesFile = src.read().map_err(Error::input)?;
    if raw.device.is_empty() {
        return Err(Error::input(
            src.error_here(Some("device"), "the file lists no device")
                .vi("tệp chưa kê khai thiết bị nào")
                .with_hints("add one or more [[device]] tables", "thêm một hoặc nhiều bảng [[device]]"),
        ));
    }
    if raw.device.len() > MAX_DEVICES {
        return Err(Error::input(
            src.error(
                &raw.device[MAX_DEVICES],
                "device",
                format!("a file may list at most {MAX_DEVICES} [[device]] entries"),
            )
            .vi(format!("một tệp có tối đa {MAX_DEVICES} bảng [[device]]")),
        ));
    }
    raw.device.iter().map(|d| convert_device(&src, d)).collect()
}

impl Application {
    /// Reads an application file. `file` is the name used in messages.
    ///
    /// # Errors
    /// An input error with its place (`file:line:column`, key) and a hint: TOML syntax, an
    /// unknown key, a wrong type, a number against the number rule, an unknown procedure,
    /// channel, class or modality, an impossible value, a limit passed (docs/application.md).
    ///
    /// ```
    /// let text = "province = \"Huế\"\nprocedure = \"renew\"\nreceived = 2026-03-01\n";
    /// let err = radfee::Application::from_toml("a.toml", text).unwrap_err();
    /// assert!(err.to_string().starts_with("a.toml:2:13: unknown procedure `renew`"), "{err}");
    /// ```
    pub fn from_toml(file: &str, text: &str) -> Result<Application, Error> {
        let src = Src::new(file, text);
        if text.len() > MAX_APPLICATION_BYTES {
            return Err(Error::input(
                src.error_here(
                    None,
                    format!(
                        "the file is {} bytes; an application may be at most {MAX_APPLICATION_BYTES} bytes",
                        text.len()
                    ),
                )
                .vi(format!("tệp có {} byte; tệp hồ sơ tối đa {MAX_APPLICATION_BYTES} byte", text.len())),
            ));
        }
        let raw: ApplicationFile = src.read().map_err(Error::input)?;

        let procedure = Procedure::written(raw.procedure.get_ref())
            .map_err(|m| Error::input(src.error(&raw.procedure, "procedure", m.en).vi(m.vi)))?;
        let channel = match &raw.channel {
            None => Channel::InPerson,
            Some(c) => {
                Channel::written(c.get_ref()).map_err(|m| Error::input(src.error(c, "channel", m.en).vi(m.vi)))?
            }
        };
        if raw.province.get_ref().trim().is_empty() {
            return Err(Error::input(
                src.error(&raw.province, "province", "the province is empty").vi("chưa ghi tỉnh, thành phố"),
            ));
        }
        check_len(&src, &raw.province, "province")?;
        if let Some(a) = &raw.applicant {
            check_len(&src, a, "applicant")?;
        }
        if raw.conditions.len() > MAX_CONDITIONS {
            return Err(Error::input(
                src.error(
                    &raw.conditions[MAX_CONDITIONS],
                    "conditions",
                    format!("an application may state at most {MAX_CONDITIONS} conditions"),
                )
                .vi(format!("một hồ sơ ghi tối đa {MAX_CONDITIONS} điều kiện")),
            ));
        }
        if raw.device.is_empty() {
            return Err(Error::input(
                src.error_here(Some("device"), "the application lists no device")
                    .vi("hồ sơ chưa kê khai thiết bị nào")
                    .with_hints(
                        "add at least one [[device]] table with a class or a description",
                        "thêm ít nhất một bảng [[device]] có loại thiết bị (class) hoặc mô tả",
                    ),
            ));
        }
        if raw.device.len() > MAX_DEVICES {
            return Err(Error::input(
                src.error(
                    &raw.device[MAX_DEVICES],
                    "device",
                    format!("an application may list at most {MAX_DEVICES} [[device]] entries"),
                )
                .vi(format!("một hồ sơ có tối đa {MAX_DEVICES} bảng [[device]]")),
            ));
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
                        .vi(format!(
                            "nguồn {}: hoạt độ được xác định ngày {}, sau ngày tiếp nhận hồ sơ ({}); không thể tính phân rã ngược từ một phép đo chưa có",
                            crate::text::excerpt(&source.nuclide),
                            d.get_ref().day_first(),
                            received.day_first()
                        ))
                        .with_hints(super::model::REFERENCE_DATE_HINT, super::model::REFERENCE_DATE_HINT_VI),
                    ));
                }
            }
            devices.push(convert_device(&src, entry)?);
        }
        let sites = match &raw.sites {
            None => 1,
            Some(n) => crate::number::count_in(n.get_ref().0, SITES)
                .map_err(|e| Error::input(src.error(n, "sites", e.message).vi(e.message_vi)))?,
        };
        let mut conditions = Vec::new();
        for c in &raw.conditions {
            let condition = Condition::new(c.get_ref()).map_err(|e| {
                let first = e.findings().first();
                let message = first.map(|f| f.message.clone()).unwrap_or_default();
                let vi = first.and_then(|f| f.message_vi()).map(str::to_owned);
                Error::input(src.error(c, "conditions", message).vi_opt(vi))
            })?;
            conditions.push(condition);
        }
        super::model::check_class_totals(&devices)?;
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
        Some(c) => Some(DeviceClass::from_key(c.get_ref()).ok_or_else(|| {
            Error::input(
                src.error(c, "class", unknown_class_message(c.get_ref()))
                    .vi(crate::vocab::unknown_class_message_vi(c.get_ref())),
            )
        })?),
    };
    let count = match &d.count {
        None => 1,
        Some(c) => crate::number::count_in(c.get_ref().0, COUNT)
            .map_err(|e| Error::input(src.error(c, "count", e.message).vi(e.message_vi)))?,
    };
    if let Some(label) = &d.label {
        check_len(src, label, "label")?;
    }
    if let Some(name) = &d.name {
        check_len(src, name, "name")?;
    }
    if d.source.len() > MAX_SOURCES {
        return Err(Error::input(
            Finding::error(location, Some("source"), format!("a device may list at most {MAX_SOURCES} sources"))
                .vi(format!("một thiết bị có tối đa {MAX_SOURCES} nguồn")),
        ));
    }
    let modality = match &d.modality {
        Some(m) => Some(crate::vocab::parse_modality(m.get_ref()).map_err(|message| {
            Error::input(src.error(m, "modality", message).vi(crate::vocab::modality::unknown_modality_vi(m.get_ref())))
        })?),
        None => None,
    };
    for (key, value) in
        [("max_kv", &d.max_kv), ("max_energy_mev", &d.max_energy_mev), ("dose_rate_usv_h", &d.dose_rate_usv_h)]
    {
        if let Some(v) = value
            && let Some(m) = crate::vocab::device::impossible(key, v.get_ref().0)
        {
            return Err(Error::input(src.error(v, key, m.en).vi(m.vi)));
        }
    }
    let mut sources = Vec::with_capacity(d.source.len());
    for s in &d.source {
        let spec = SourceSpec::new(&s.nuclide, s.activity.get_ref(), s.reference_date.as_ref().map(|d| *d.get_ref()))
            .map_err(|e| {
            let f = e.findings().first();
            let message = f.map(|f| f.message.clone()).unwrap_or_default();
            let vi = f.and_then(|f| f.message_vi()).map(str::to_owned);
            if f.and_then(|f| f.key.as_deref()) == Some("source.activity") {
                Error::input(src.error(&s.activity, "source.activity", message).vi_opt(vi))
            } else {
                Error::input(Finding::error(location.clone(), f.and_then(|f| f.key.as_deref()), message).vi_opt(vi))
            }
        })?;
        sources.push(spec);
    }
    let description = Description::from_parts(
        d.name.as_ref().map(|n| crate::text::nfc(n.get_ref())),
        d.radiation,
        d.use_,
        modality,
        d.mobile.map(|c| c.0),
        [
            d.max_kv.as_ref().map(|x| x.get_ref().0),
            d.max_energy_mev.as_ref().map(|x| x.get_ref().0),
            d.dose_rate_usv_h.as_ref().map(|x| x.get_ref().0),
        ],
        d.type_approved.map(|c| c.0),
        sources,
    );
    let description = (!description.is_empty()).then_some(description);
    if class.is_none() && description.is_none() {
        return Err(Error::input(
            Finding::error(location, Some("device"), "this [[device]] has neither a class nor a description")
                .vi("bảng [[device]] này không có loại thiết bị (class) cũng không có mô tả")
                .with_hints(
                    "give class = \"<key>\" (docs/device-classes.md), or describe it with name, radiation, use, modality…",
                    "ghi class = \"<mã loại>\" (docs/device-classes.md), hoặc mô tả thiết bị bằng name, radiation, use, modality…",
                ),
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
