//! An application in code: its devices, the builder that checks what the file reader checks,
//! and the limits every path enforces.

use crate::date::Date;
use crate::error::{Error, Finding, Location};
use crate::vocab::{Channel, Condition, Description, DeviceClass, FacilityKind, Procedure};

/// One `[[device]]` entry of an application: a class, a description, or both, and a count.
///
/// Built with [`DeviceEntry::of_class`] or [`DeviceEntry::described`]; every constructor checks
/// what an application file's reader checks.
#[derive(Clone, Debug)]
pub struct DeviceEntry {
    pub(crate) class: Option<DeviceClass>,
    pub(crate) description: Option<Description>,
    pub(crate) count: u32,
    pub(crate) label: Option<String>,
    /// Where the entry was written, for messages.
    pub(crate) location: Option<Location>,
}

impl DeviceEntry {
    /// `count` devices of a known class (1 to [`MAX_COUNT`]).
    ///
    /// # Errors
    /// An input error (key `count`) when `count` is 0 or over [`MAX_COUNT`].
    pub fn of_class(class: DeviceClass, count: u32) -> Result<DeviceEntry, Error> {
        check_count(count)?;
        Ok(DeviceEntry { class: Some(class), description: None, count, label: None, location: None })
    }

    /// `count` devices known by their description (the classifier settles the class when the
    /// application is priced); with [`DeviceEntry::with_class`] both are given and compared.
    ///
    /// # Errors
    /// As [`DeviceEntry::of_class`]; an empty description is refused (key `device`).
    pub fn described(description: Description, count: u32) -> Result<DeviceEntry, Error> {
        check_count(count)?;
        if description.is_empty() {
            return Err(Error::input(
                Finding::error(None, Some("device"), "the description is empty").vi("chưa có mô tả thiết bị"),
            ));
        }
        Ok(DeviceEntry { class: None, description: Some(description), count, label: None, location: None })
    }

    /// The same entry with a class given as well.
    #[must_use]
    pub fn with_class(mut self, class: DeviceClass) -> DeviceEntry {
        self.class = Some(class);
        self
    }

    /// The same entry with a label echoed on its quote line.
    ///
    /// # Errors
    /// An input error (key `label`) over [`MAX_TEXT`] characters.
    pub fn with_label(mut self, label: &str) -> Result<DeviceEntry, Error> {
        crate::vocab::check_text("label", label)?;
        self.label = Some(crate::text::nfc(label));
        Ok(self)
    }

    /// The class given, if any.
    pub fn class(&self) -> Option<DeviceClass> {
        self.class
    }

    /// The description given, if any.
    pub fn description(&self) -> Option<&Description> {
        self.description.as_ref()
    }

    /// How many identical devices (1 to [`MAX_COUNT`]).
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The label, if any.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// Where the entry was written, when it was read from a file (for messages).
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }
}

/// Two entries are equal when they say the same (where they were written does not count).
impl PartialEq for DeviceEntry {
    fn eq(&self, other: &DeviceEntry) -> bool {
        (self.class, &self.description, self.count, &self.label)
            == (other.class, &other.description, other.count, &other.label)
    }
}

/// Two applications are equal when they say the same, read from a file or built in code
/// (where their fields were written does not count).
impl PartialEq for Application {
    fn eq(&self, o: &Application) -> bool {
        (&self.province, self.procedure, self.received, self.channel, &self.applicant)
            == (&o.province, o.procedure, o.received, o.channel, &o.applicant)
            && (&self.devices, self.facility_kind, self.sites, &self.conditions)
                == (&o.devices, o.facility_kind, o.sites, &o.conditions)
    }
}

fn check_count(count: u32) -> Result<(), Error> {
    crate::number::count_in(rust_decimal::Decimal::from(count), COUNT)
        .map(|_| ())
        .map_err(|e| Error::input(Finding::error(None, Some("count"), e.message).vi(e.message_vi)))
}

/// A licensing application: the province as written, the procedure, the day received, the
/// channel, the devices, and what some schedules also price on (kind of facility, sites,
/// conditions).
///
/// Read from a file with [`Application::from_toml`] or built in code with
/// [`Application::builder`]; both refuse what docs/application.md refuses, so an
/// `Application` value is always one the engine can try to price.
///
/// ```
/// use radfee::{Application, Date, DeviceClass, Law, Procedure, application::DeviceEntry};
///
/// let app = Application::builder("Hà Nội", Procedure::New, Date::new(2024, 3, 15).unwrap())
///     .device(DeviceEntry::of_class(DeviceClass::XrayDentalIntraoral, 1)?)
///     .build()?;
/// assert_eq!(Law::builtin()?.quote(&app)?.total.to_string(), "2.000.000 ₫");
///
/// // What a file would refuse, code cannot build:
/// let empty = Application::builder("Hà Nội", Procedure::New, Date::new(2024, 3, 15).unwrap()).build();
/// assert!(empty.unwrap_err().to_string().contains("lists no device"));
/// assert!(DeviceEntry::of_class(DeviceClass::XrayCt, 0).is_err());
/// # Ok::<(), radfee::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Application {
    pub(crate) province: String,
    pub(crate) procedure: Procedure,
    pub(crate) received: Date,
    pub(crate) channel: Channel,
    pub(crate) applicant: Option<String>,
    pub(crate) devices: Vec<DeviceEntry>,
    pub(crate) facility_kind: Option<FacilityKind>,
    pub(crate) sites: u32,
    pub(crate) conditions: Vec<Condition>,
    /// Where the fields were written, when the application came from a file.
    pub(crate) places: Places,
}

/// Builds an [`Application`] in code; [`ApplicationBuilder::build`] checks it as the file
/// reader does.
#[derive(Clone, Debug)]
#[must_use]
pub struct ApplicationBuilder {
    app: Application,
    conditions: Vec<String>,
}

impl ApplicationBuilder {
    /// The province, any spelling of a current or former province.
    pub fn province(mut self, province: impl Into<String>) -> Self {
        self.app.province = province.into();
        self.app.places.province = None;
        self
    }

    /// The procedure.
    pub fn procedure(mut self, procedure: Procedure) -> Self {
        self.app.procedure = procedure;
        self
    }

    /// Removes every device given so far (to give the devices again, e.g. in another order).
    pub fn clear_devices(mut self) -> Self {
        self.app.devices.clear();
        self
    }

    /// Removes every condition given so far.
    pub fn clear_conditions(mut self) -> Self {
        self.conditions.clear();
        self.app.places.conditions.clear();
        self
    }

    /// The day the application was received.
    pub fn received(mut self, received: Date) -> Self {
        self.app.received = received;
        self
    }

    /// How it was filed (default in person).
    pub fn channel(mut self, channel: Channel) -> Self {
        self.app.channel = channel;
        self
    }

    /// The applicant, echoed on the quote (at most [`MAX_TEXT`] characters).
    pub fn applicant(mut self, applicant: impl Into<String>) -> Self {
        self.app.applicant = Some(applicant.into());
        self
    }

    /// The kind of facility applying, for schedules that charge by it.
    pub fn facility_kind(mut self, kind: FacilityKind) -> Self {
        self.app.facility_kind = Some(kind);
        self
    }

    /// Number of sites covered (1 to [`MAX_SITES`]; default 1).
    pub fn sites(mut self, sites: u32) -> Self {
        self.app.sites = sites;
        self
    }

    /// A condition the schedule in force tests (e.g. `late`), at most [`MAX_CONDITIONS`].
    pub fn condition(mut self, condition: &str) -> Self {
        self.conditions.push(condition.to_owned());
        self
    }

    /// Adds a device entry (at most [`MAX_DEVICES`]).
    pub fn device(mut self, device: DeviceEntry) -> Self {
        self.app.devices.push(device);
        self
    }

    /// The application, checked.
    ///
    /// # Errors
    /// An input error naming the key and, for a device, its position: an empty or over-long
    /// province or applicant, no device or more than [`MAX_DEVICES`], `sites` outside 1 to
    /// [`MAX_SITES`], more than [`MAX_CONDITIONS`] conditions or one not in snake_case, a
    /// source measured after the day received.
    pub fn build(self) -> Result<Application, Error> {
        let ApplicationBuilder { mut app, conditions } = self;
        let input =
            |key: &str, message: String, vi: String| Error::input(Finding::error(None, Some(key), message).vi(vi));
        if app.province.trim().is_empty() {
            return Err(input("province", "the province is empty".to_owned(), "chưa ghi tỉnh, thành phố".to_owned()));
        }
        crate::vocab::check_text("province", &app.province)?;
        app.province = crate::text::nfc(&app.province);
        if let Some(a) = &mut app.applicant {
            crate::vocab::check_text("applicant", a)?;
            *a = crate::text::nfc(a);
        }
        if app.devices.is_empty() {
            return Err(Error::input(
                Finding::error(None, Some("device"), "the application lists no device")
                    .vi("hồ sơ chưa kê khai thiết bị nào")
                    .with_hints(
                        "add at least one device with a class or a description",
                        "thêm ít nhất một thiết bị có loại thiết bị (`class`) hoặc mô tả",
                    ),
            ));
        }
        if app.devices.len() > MAX_DEVICES {
            return Err(input(
                "device",
                format!("an application may list at most {MAX_DEVICES} devices"),
                format!("một hồ sơ có tối đa {MAX_DEVICES} thiết bị"),
            ));
        }
        crate::number::count_in(rust_decimal::Decimal::from(app.sites), SITES)
            .map_err(|e| input("sites", e.message, e.message_vi))?;
        if conditions.len() > MAX_CONDITIONS {
            return Err(input(
                "conditions",
                format!("an application may state at most {MAX_CONDITIONS} conditions"),
                format!("một hồ sơ ghi tối đa {MAX_CONDITIONS} điều kiện"),
            ));
        }
        app.conditions = conditions.iter().map(|c| Condition::new(c)).collect::<Result<_, _>>()?;
        for (i, d) in app.devices.iter().enumerate() {
            check_sources_dated(d, app.received).map_err(|m| {
                Error::input(
                    Finding::error(
                        d.location.clone(),
                        Some("source.reference_date"),
                        format!("device {}: {}", i + 1, m.en),
                    )
                    .vi(format!("thiết bị {}: {}", i + 1, m.vi))
                    .with_hints(REFERENCE_DATE_HINT, REFERENCE_DATE_HINT_VI),
                )
            })?;
        }
        check_class_totals(&app.devices)?;
        Ok(app)
    }
}

/// Refuses an application whose entries of one class add up to more than [`MAX_COUNT`]
/// devices: the limit of one entry holds for the class in all, as in a batch (where the rows
/// of an application are added up), so the same application gets the same answer however it
/// is written.
pub(crate) fn check_class_totals(devices: &[DeviceEntry]) -> Result<(), Error> {
    let mut totals = crate::vocab::ClassMap::<u64>::default();
    for (i, d) in devices.iter().enumerate() {
        let Some(class) = d.class else { continue };
        let sum = totals.get(class).copied().unwrap_or(0) + u64::from(d.count);
        if sum > u64::from(MAX_COUNT) {
            return Err(Error::input(
                Finding::error(
                    d.location.clone(),
                    Some("count"),
                    format!("device {}: the application lists more than {MAX_COUNT} `{class}` devices in all", i + 1),
                )
                .vi(format!(
                    "thiết bị {}: hồ sơ kê khai tổng cộng hơn {MAX_COUNT} thiết bị loại {}",
                    i + 1,
                    class.name_vi()
                ))
                .with_hints(
                    "an application may hold at most 1000000 devices of one class; check the counts",
                    "một hồ sơ có tối đa 1000000 thiết bị cùng một loại; hãy kiểm tra lại số lượng",
                ),
            ));
        }
        totals.insert(class, sum);
    }
    Ok(())
}

/// What to do about a source measured after the day received.
pub(crate) const REFERENCE_DATE_HINT: &str =
    "give the date the activity was measured (on the source certificate), on or before the date received";

/// [`REFERENCE_DATE_HINT`] in Vietnamese.
pub(crate) const REFERENCE_DATE_HINT_VI: &str =
    "ghi ngày xác định hoạt độ (trên chứng chỉ nguồn), vào hoặc trước ngày tiếp nhận hồ sơ";

/// Refuses a source measured after the day received (decay cannot be worked backwards).
fn check_sources_dated(d: &DeviceEntry, received: Date) -> Result<(), crate::text::Msg> {
    for s in d.description.iter().flat_map(|x| x.sources()) {
        if let Some(r) = s.reference_date().filter(|r| *r > received) {
            let nuclide = crate::text::excerpt(s.nuclide());
            return Err(crate::text::Msg::new(
                format!(
                    "source {nuclide}: its activity is dated {r}, after the day the application was received ({received}); decay cannot be worked backwards from a measurement not yet made"
                ),
                format!(
                    "nguồn {nuclide}: hoạt độ được xác định ngày {}, sau ngày tiếp nhận hồ sơ ({}); không thể tính phân rã ngược từ một phép đo chưa có",
                    r.day_first(),
                    received.day_first()
                ),
            ));
        }
    }
    Ok(())
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
    pub(crate) conditions: &'a [Condition],
}

/// Largest application file read, in bytes.
pub const MAX_APPLICATION_BYTES: usize = 1 << 20;
/// Most `[[device]]` entries in one application.
pub const MAX_DEVICES: usize = 10_000;
pub(crate) use crate::vocab::{MAX_SOURCES, MAX_TEXT};
/// Most conditions one application may state.
pub const MAX_CONDITIONS: usize = 32;

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
    crate::number::parse_count(text, COUNT)
        .map_err(|e| Error::input(Finding::error(None, Some("count"), e.message).vi(e.message_vi)))
}

/// The `count` of a device entry, as every reader checks it.
pub(crate) const COUNT: crate::number::Counted =
    crate::number::Counted { key: "count", noun: "devices", range: (1, MAX_COUNT) };
/// The `sites` of an application.
pub(crate) const SITES: crate::number::Counted =
    crate::number::Counted { key: "sites", noun: "sites", range: (1, MAX_SITES) };

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

    /// A builder for an application in `province` (any spelling of a current or former
    /// province), for `procedure`, received on `received`.
    pub fn builder(province: impl Into<String>, procedure: Procedure, received: Date) -> ApplicationBuilder {
        ApplicationBuilder {
            app: Application {
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
            },
            conditions: Vec::new(),
        }
    }

    /// A builder holding this application, to change it (e.g. price it on another date, or as
    /// filed in another province); its `build` checks the result again.
    pub fn to_builder(&self) -> ApplicationBuilder {
        let conditions = self.conditions.iter().map(|c| c.as_str().to_owned()).collect();
        ApplicationBuilder { app: self.clone(), conditions }
    }

    /// The province as written (NFC).
    pub fn province(&self) -> &str {
        &self.province
    }

    /// The procedure.
    pub fn procedure(&self) -> Procedure {
        self.procedure
    }

    /// The day the application was received: selects the rules in force.
    pub fn received(&self) -> Date {
        self.received
    }

    /// How it was filed.
    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// The applicant, as written.
    pub fn applicant(&self) -> Option<&str> {
        self.applicant.as_deref()
    }

    /// The devices, in the order written.
    pub fn devices(&self) -> &[DeviceEntry] {
        &self.devices
    }

    /// The kind of facility applying, if stated.
    pub fn facility_kind(&self) -> Option<FacilityKind> {
        self.facility_kind
    }

    /// Number of sites covered.
    pub fn sites(&self) -> u32 {
        self.sites
    }

    /// The conditions stated.
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }
}
