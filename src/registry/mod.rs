//! The registry: facilities, equipment, licences, and the append-only history of every change,
//! modelled on what national regulators track (IAEA RAIS: facilities, sources and equipment,
//! authorisations).
//!
//! Every change is an [`Event`] with its date. [`Registry::apply`] checks it against the state
//! and appends it; nothing is ever rewritten or removed, so the state on any past date can be
//! rebuilt ([`Registry::state_on`]). The registry persists through serde as its history and
//! state; loading replays the history and refuses a file whose state does not match it.

mod import;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use import::{CSV_COLUMNS, ImportProblem, ImportReport};

use crate::application::{Application, DeviceEntry};
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::money::Money;
use crate::quote::Quote;
use crate::schedule::Schedules;
use crate::vocab::Authority;
use crate::vocab::{Description, FacilityKind, Procedure};
use crate::vocab::{DeviceClass, Family};

/// A licensee's site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    /// Stable id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Tax code (mã số thuế).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_code: Option<String>,
    /// Province: any spelling when registering; stored as the current province's slug.
    pub province: String,
    /// Address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Kind.
    pub kind: FacilityKind,
}

/// Where a device stands in its life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EquipmentStatus {
    /// In use.
    #[default]
    InService,
    /// Kept but not used.
    Stored,
    /// Moved out of the facility's keeping (e.g. transferred away).
    Moved,
    /// Taken out of service for good.
    Decommissioned,
    /// Disposed of (returned, scrapped, sent to waste).
    Disposed,
}

impl EquipmentStatus {
    /// The key used in files: `in_service`, `stored`, `moved`, `decommissioned`, `disposed`.
    pub fn key(self) -> &'static str {
        match self {
            EquipmentStatus::InService => "in_service",
            EquipmentStatus::Stored => "stored",
            EquipmentStatus::Moved => "moved",
            EquipmentStatus::Decommissioned => "decommissioned",
            EquipmentStatus::Disposed => "disposed",
        }
    }

    /// Whether the device can still be moved, updated or licensed.
    pub fn is_active(self) -> bool {
        matches!(self, EquipmentStatus::InService | EquipmentStatus::Stored)
    }
}

/// A device record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Equipment {
    /// Stable id.
    pub id: String,
    /// The facility that holds it.
    pub facility: String,
    /// The description the classifier reads.
    #[serde(default, skip_serializing_if = "Description::is_empty")]
    pub description: Description,
    /// The class (given, or resolved by the classifier when registered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<DeviceClass>,
    /// Manufacturer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<String>,
    /// Model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Serial number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// Year of manufacture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// Room or site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Used at more than one place (licensed by the head office's province).
    #[serde(default)]
    pub mobile: bool,
    /// The province it is licensed in (slug); set by the registry.
    #[serde(default)]
    pub province: String,
    /// Status.
    #[serde(default)]
    pub status: EquipmentStatus,
}

/// A licence to conduct radiation work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    /// Licence number.
    pub number: String,
    /// The licensee facility.
    pub facility: String,
    /// Who issued it.
    pub authority: Authority,
    /// Issue date.
    pub issued: Date,
    /// Last day of validity.
    pub expires: Date,
    /// The devices it covers (equipment ids).
    pub devices: Vec<String>,
}

/// One change to the registry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A new facility.
    RegisterFacility {
        /// The facility.
        facility: Facility,
    },
    /// A new device at a facility.
    RegisterEquipment {
        /// The device.
        equipment: Equipment,
    },
    /// Corrected or completed details of a device (only the fields given change).
    UpdateEquipment {
        /// The device.
        id: String,
        /// New description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<Description>,
        /// New class.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        class: Option<DeviceClass>,
        /// New location.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        location: Option<String>,
        /// New status (in service or stored).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<EquipmentStatus>,
    },
    /// A device moves: to another facility, or (fixed devices) to another province.
    MoveEquipment {
        /// The device.
        id: String,
        /// The facility that holds it from now on (same facility if absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_facility: Option<String>,
        /// The province it now stands in (for a fixed device; any spelling).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_province: Option<String>,
        /// Its new room or site.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        location: Option<String>,
    },
    /// A device leaves service for good.
    Decommission {
        /// The device.
        id: String,
    },
    /// A decommissioned device is disposed of.
    Dispose {
        /// The device.
        id: String,
    },
    /// A licence is issued.
    IssueLicence {
        /// The licence.
        licence: Licence,
    },
    /// A licence is renewed to a new expiry date.
    RenewLicence {
        /// Licence number.
        number: String,
        /// New last day of validity.
        expires: Date,
    },
}

/// A dated change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The day it took effect.
    pub date: Date,
    /// What changed.
    #[serde(flatten)]
    pub change: Change,
}

/// Every free text of an event in the form it is kept: Unicode NFC, Đ look-alikes as Đ.
fn nfc_opt(text: &mut Option<String>) {
    if let Some(t) = text {
        *t = crate::text::nfc(t);
    }
}

impl Event {
    fn normalise(&mut self) {
        let nfc = |t: &mut String| *t = crate::text::nfc(t);
        match &mut self.change {
            Change::RegisterFacility { facility } => {
                nfc(&mut facility.name);
                nfc(&mut facility.province);
                nfc_opt(&mut facility.address);
                nfc_opt(&mut facility.tax_code);
            }
            Change::RegisterEquipment { equipment } => {
                nfc_opt(&mut equipment.description.name);
                nfc_opt(&mut equipment.manufacturer);
                nfc_opt(&mut equipment.model);
                nfc_opt(&mut equipment.serial);
                nfc_opt(&mut equipment.location);
                nfc(&mut equipment.province);
            }
            Change::UpdateEquipment { description, location, .. } => {
                if let Some(d) = description {
                    nfc_opt(&mut d.name);
                }
                nfc_opt(location);
            }
            Change::MoveEquipment { to_province, location, .. } => {
                nfc_opt(to_province);
                nfc_opt(location);
            }
            Change::Decommission { .. }
            | Change::Dispose { .. }
            | Change::IssueLicence { .. }
            | Change::RenewLicence { .. } => {}
        }
    }
}

/// The registry's contents at one moment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Facilities by id.
    #[serde(default)]
    pub facilities: BTreeMap<String, Facility>,
    /// Equipment by id.
    #[serde(default)]
    pub equipment: BTreeMap<String, Equipment>,
    /// Licences by number.
    #[serde(default)]
    pub licences: BTreeMap<String, Licence>,
}

/// Facilities, equipment and licences with their full history.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    history: Vec<Event>,
    state: State,
    /// (manufacturer, model, serial) → device id: derived from the state, so registering a
    /// device does not scan every other one.
    serials: Serials,
}

/// A device's (manufacturer, model, serial), when it has all three, in the form two entries
/// that read the same share: each on its [`reading_key`](crate::text::reading_key) (Đ
/// look-alikes, NFC/NFD and tone placement made one), the manufacturer also without case
/// ("SIEMENS" is "Siemens").
fn serial_key(e: &Equipment) -> Option<(String, String, String)> {
    let key = crate::text::reading_key;
    Some((key(e.manufacturer.as_deref()?).to_lowercase(), key(e.model.as_deref()?), key(e.serial.as_deref()?)))
}

/// The serial index: each device with a full serial key, by the hash of that key. Only the
/// hash and the device id are stored, and a hash match is confirmed against the device's own
/// fields, so equal hashes never merge two devices.
#[derive(Clone, Debug, Default)]
struct Serials {
    table: hashbrown::HashTable<(u64, String)>,
    /// Seeded per registry: no input can be made to collide on purpose.
    hasher: foldhash::fast::RandomState,
}

impl Serials {
    fn hash(&self, key: &(String, String, String)) -> u64 {
        use std::hash::BuildHasher as _;
        self.hasher.hash_one(key)
    }

    /// The device already registered with this key, if any.
    fn find<'a>(&'a self, state: &State, key: &(String, String, String)) -> Option<&'a str> {
        let hash = self.hash(key);
        self.table
            .find(hash, |(h, id)| *h == hash && state.equipment.get(id).and_then(serial_key).is_some_and(|k| &k == key))
            .map(|(_, id)| id.as_str())
    }

    fn insert(&mut self, key: &(String, String, String), id: String) {
        let hash = self.hash(key);
        self.table.insert_unique(hash, (hash, id), |(h, _)| *h);
    }
}

impl PartialEq for Registry {
    fn eq(&self, other: &Registry) -> bool {
        // The serial index is derived from the state.
        self.history == other.history && self.state == other.state
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    #[serde(default)]
    history: Vec<Event>,
    #[serde(default)]
    state: State,
}

fn refuse(date: Date, message: impl Into<String>) -> Error {
    Error::input(Finding::error(None, None, format!("{date}: {}", message.into())))
}

/// Most events one registry's history may hold.
pub const MAX_EVENTS: usize = 10_000_000;

/// The number of days before expiry by which a renewal must be filed (Decree 142/2020).
pub const RENEWAL_NOTICE_DAYS: i64 = 45;

/// A licence whose renewal falls due in a window, with its ready-made application.
#[derive(Clone, Debug)]
pub struct RenewalDue {
    /// The licence.
    pub licence: Licence,
    /// The last day to file the renewal: 45 days before expiry.
    pub file_by: Date,
    /// The renewal application (received on `file_by`), devices still in service.
    pub application: Application,
    /// Its quote, or why it cannot be priced.
    pub quote: Result<Quote, Error>,
}

/// Renewals due in a window and their totals.
#[derive(Clone, Debug)]
pub struct RenewalReport {
    /// Each renewal, by filing deadline then licence number.
    pub renewals: Vec<RenewalDue>,
    /// Σ totals per province (slug).
    pub per_province: BTreeMap<String, Money>,
    /// Σ totals per authority.
    pub per_authority: BTreeMap<Authority, Money>,
    /// Σ of every priced renewal.
    pub total: Money,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Every change, oldest first.
    pub fn history(&self) -> &[Event] {
        &self.history
    }

    /// Checks `event` against the current state and, if it is valid, records it.
    /// Events must come in date order (the same day is fine); a refused event changes nothing.
    pub fn apply(&mut self, schedules: &Schedules, event: Event) -> Result<(), Error> {
        if self.history.len() >= MAX_EVENTS {
            return Err(refuse(event.date, format!("the registry already holds {MAX_EVENTS} events, the limit")));
        }
        if let Some(last) = self.history.last()
            && event.date < last.date
        {
            return Err(refuse(
                event.date,
                format!("the history is append-only: this change is dated before the last one ({})", last.date),
            ));
        }
        let mut event = event;
        event.normalise();
        if let Change::RegisterEquipment { equipment } = &event.change
            && let Some(key) = serial_key(equipment)
            && let Some(other) = self.serials.find(&self.state, &key)
        {
            let (m, model, serial) = (
                equipment.manufacturer.as_deref().unwrap_or_default(),
                equipment.model.as_deref().unwrap_or_default(),
                equipment.serial.as_deref().unwrap_or_default(),
            );
            return Err(refuse(
                event.date,
                format!(
                    "device `{}`: serial `{serial}` of {m} {model} is already registered as device `{other}`",
                    equipment.id
                ),
            ));
        }
        let event = apply_to(&mut self.state, schedules, event)?;
        if let Change::RegisterEquipment { equipment } = &event.change
            && let Some(key) = serial_key(equipment)
        {
            self.serials.insert(&key, equipment.id.clone());
        }
        self.history.push(event);
        Ok(())
    }

    /// The state as it was at the end of `date`, rebuilt from the history.
    pub fn state_on(&self, date: Date) -> State {
        let mut state = State::default();
        for e in self.history.iter().take_while(|e| e.date <= date) {
            apply_recorded(&mut state, e);
        }
        state
    }

    /// The registry as TOML.
    pub fn to_toml(&self) -> Result<String, Error> {
        toml::to_string(&Stored { history: self.history.clone(), state: self.state.clone() })
            .map_err(|e| Error::input(Finding::error(None, None, format!("cannot write the registry as TOML: {e}"))))
    }

    /// The registry as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&Stored { history: self.history.clone(), state: self.state.clone() })
            .unwrap_or_default()
    }

    /// Reads a registry written by [`Registry::to_toml`] (or by hand: a `[[history]]` list is
    /// enough; the state is rebuilt from it and, when given, must match). An event that is
    /// refused is named by its place in the file (`file:line:column`).
    pub fn from_toml(file: &str, text: &str, schedules: &Schedules) -> Result<Registry, Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct StoredToml {
            #[serde(default)]
            history: Vec<toml::Spanned<Event>>,
            #[serde(default)]
            state: State,
        }
        let src = crate::source::Src::new(file, text);
        let stored: StoredToml = src.read().map_err(Error::input)?;
        let events = stored.history.into_iter().map(|e| {
            let place = src.at(e.span());
            (Some(place), e.into_inner())
        });
        Registry::rebuild(file, events.map(Ok), stored.state, schedules)
    }

    /// Reads a registry written by [`Registry::to_json`]. Exact numbers are strings in this
    /// JSON (as the writer makes them): a number with a fraction or an exponent is refused, since
    /// JSON would read it through a binary float.
    pub fn from_json(file: &str, text: &str, schedules: &Schedules) -> Result<Registry, Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct StoredJson<'a> {
            #[serde(default, borrow)]
            history: Vec<&'a serde_json::value::RawValue>,
            #[serde(default)]
            state: State,
        }
        let src = crate::source::Src::new(file, text);
        let place = |line: usize, column: usize| crate::error::Location {
            file: file.to_owned(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        };
        if let Some((offset, number)) = json_fraction(text) {
            return Err(Error::input(
                Finding::error(
                    Some(src.location(offset)),
                    None,
                    format!("`{number}`: JSON would read this number through a binary float"),
                )
                .with_hint(format!("write exact numbers as strings, e.g. \"{number}\"")),
            ));
        }
        let stored: StoredJson<'_> = serde_json::from_str(text).map_err(|e| {
            Error::input(Finding::error(Some(place(e.line(), e.column())), None, plain_json_message(&e)))
        })?;
        let base = text.as_ptr() as usize;
        let events = stored.history.into_iter().map(|raw| {
            let at = src.location((raw.get().as_ptr() as usize).saturating_sub(base));
            serde_json::from_str::<Event>(raw.get())
                .map(|e| (Some(at.clone()), e))
                .map_err(|e| Error::input(Finding::error(Some(at), Some("history"), plain_json_message(&e))))
        });
        Registry::rebuild(file, events, stored.state, schedules)
    }

    fn rebuild(
        file: &str,
        events: impl Iterator<Item = Result<(Option<crate::error::Location>, Event), Error>>,
        given: State,
        schedules: &Schedules,
    ) -> Result<Registry, Error> {
        let mut registry = Registry::new();
        for event in events {
            let (place, event) = event?;
            registry.apply(schedules, event).map_err(|e| e.at(place.as_ref()))?;
        }
        if given != State::default() && given != registry.state {
            return Err(Error::input(Finding::error(
                None,
                Some("state"),
                format!(
                    "{file}: the recorded state does not match what its history gives; the history is authoritative, so correct or remove [state]"
                ),
            )));
        }
        Ok(registry)
    }

    // ── Queries ────────────────────────────────────────────────────────────────────────────

    /// Equipment registered in a province (any spelling, former names resolved on `date`).
    pub fn in_province<'a>(
        &'a self,
        schedules: &Schedules,
        province: &str,
        date: Date,
    ) -> Result<Vec<&'a Equipment>, Error> {
        let (resolved, current) = schedules
            .provinces()
            .resolve(province, date)
            .map_err(|e| Error::input(Finding::error(None, Some("province"), e.message)))?;
        // Registry records use current slugs; a former province before its merger means the
        // part of its successor it became.
        let slug = if resolved.historical { current.slug().to_owned() } else { resolved.slug };
        Ok(self.state.equipment.values().filter(|e| e.province == slug).collect())
    }

    /// Equipment matching a predicate (by facility, class, family, status…).
    pub fn equipment_where(&self, mut pred: impl FnMut(&Equipment) -> bool) -> Vec<&Equipment> {
        self.state.equipment.values().filter(|e| pred(e)).collect()
    }

    /// Equipment of a family.
    pub fn in_family(&self, family: Family) -> Vec<&Equipment> {
        self.equipment_where(|e| e.class.is_some_and(|c| c.family() == family))
    }

    /// Equipment that falls to `authority` on `date`.
    pub fn under_authority(&self, schedules: &Schedules, authority: Authority, date: Date) -> Vec<&Equipment> {
        self.equipment_where(|e| {
            e.class.and_then(|c| schedules.authority().rule(c, date)).is_some_and(|(r, _)| r.authority == authority)
        })
    }

    /// Licences whose expiry falls in `from..=to`.
    pub fn expiring(&self, from: Date, to: Date) -> Vec<&Licence> {
        self.state.licences.values().filter(|l| l.expires >= from && l.expires <= to).collect()
    }

    /// Licences whose renewal must be filed in `from..=to` (45 days before expiry, Decree
    /// 142/2020), each turned into a renewal application received on its filing deadline,
    /// for the devices still active, and priced.
    pub fn renewals_due(&self, schedules: &Schedules, from: Date, to: Date) -> RenewalReport {
        let mut renewals = Vec::new();
        for l in self.state.licences.values() {
            let Some(file_by) = Date::from_days(l.expires.to_days() - RENEWAL_NOTICE_DAYS) else { continue };
            if file_by < from || file_by > to {
                continue;
            }
            let province = self.state.facilities.get(&l.facility).map(|f| f.province.clone()).unwrap_or_default();
            let mut application = Application::new(province, Procedure::Renewal, file_by);
            application.applicant = self.state.facilities.get(&l.facility).map(|f| f.name.clone());
            for id in &l.devices {
                let Some(e) = self.state.equipment.get(id).filter(|e| e.status.is_active()) else { continue };
                application.devices.push(DeviceEntry {
                    class: e.class,
                    description: (!e.description.is_empty() && e.class.is_none()).then(|| e.description.clone()),
                    count: 1,
                    label: Some(e.id.clone()),
                    location: None,
                });
            }
            let quote = if application.devices.is_empty() {
                Err(Error::unpriceable(format!("licence {} covers no device still in service", l.number)))
            } else {
                schedules.quote(&application)
            };
            renewals.push(RenewalDue { licence: l.clone(), file_by, application, quote });
        }
        renewals.sort_by(|a, b| (a.file_by, &a.licence.number).cmp(&(b.file_by, &b.licence.number)));
        let mut per_province: BTreeMap<String, Money> = BTreeMap::new();
        let mut per_authority: BTreeMap<Authority, Money> = BTreeMap::new();
        let mut total = Money::ZERO;
        for r in &renewals {
            if let Ok(q) = &r.quote {
                let add = |m: &mut Money| *m = m.checked_add(q.total).unwrap_or(*m);
                add(per_province.entry(q.province_detail.slug.clone()).or_default());
                if let Some(a) = q.authority {
                    add(per_authority.entry(a).or_default());
                }
                add(&mut total);
            }
        }
        RenewalReport { renewals, per_province, per_authority, total }
    }
}

/// The first number in a JSON text written with a fraction or an exponent, and its offset.
fn json_fraction(text: &str) -> Option<(usize, &str)> {
    let bytes = text.as_bytes();
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while i < bytes.len() && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                i += 1;
            }
            let number = &text[start..i];
            if number.contains(['.', 'e', 'E']) {
                return Some((start, number));
            }
            continue;
        }
        i += 1;
    }
    None
}

/// serde_json's message without its own " at line L column C" (the place is given apart) and
/// without internal type names.
fn plain_json_message(e: &serde_json::Error) -> String {
    let m = e.to_string();
    let m = m.split(" at line ").next().unwrap_or(&m).to_owned();
    m.replace("unknown field", "unknown key")
        .replace("missing field", "missing key")
        .replace("invalid type: ", "wrong kind of value: ")
}

/// Applies an already-validated event (replay).
fn apply_recorded(state: &mut State, e: &Event) {
    // Events in a registry's history were valid when recorded, so replay cannot fail; a
    // schedule-independent replay repeats exactly what `apply_to` did.
    match &e.change {
        Change::RegisterFacility { facility } => {
            state.facilities.insert(facility.id.clone(), facility.clone());
        }
        Change::RegisterEquipment { equipment } => {
            state.equipment.insert(equipment.id.clone(), equipment.clone());
        }
        Change::UpdateEquipment { id, description, class, location, status } => {
            if let Some(eq) = state.equipment.get_mut(id) {
                if let Some(d) = description {
                    eq.description = d.clone();
                }
                if class.is_some() {
                    eq.class = *class;
                }
                if location.is_some() {
                    eq.location.clone_from(location);
                }
                if let Some(s) = status {
                    eq.status = *s;
                }
            }
        }
        Change::MoveEquipment { id, to_facility, to_province, location } => {
            let head = to_facility.as_ref().and_then(|f| state.facilities.get(f)).map(|f| f.province.clone());
            if let Some(eq) = state.equipment.get_mut(id) {
                if let Some(f) = to_facility {
                    eq.facility.clone_from(f);
                }
                if location.is_some() {
                    eq.location.clone_from(location);
                }
                // Recorded events carry the resolved slug.
                eq.province = match (eq.mobile, to_province, head) {
                    (false, Some(p), _) => p.clone(),
                    (_, _, Some(h)) => h,
                    _ => eq.province.clone(),
                };
            }
        }
        Change::Decommission { id } => {
            if let Some(eq) = state.equipment.get_mut(id) {
                eq.status = EquipmentStatus::Decommissioned;
            }
        }
        Change::Dispose { id } => {
            if let Some(eq) = state.equipment.get_mut(id) {
                eq.status = EquipmentStatus::Disposed;
            }
        }
        Change::IssueLicence { licence } => {
            state.licences.insert(licence.number.clone(), licence.clone());
        }
        Change::RenewLicence { number, expires } => {
            if let Some(l) = state.licences.get_mut(number) {
                l.expires = *expires;
            }
        }
    }
}

fn province_slug(schedules: &Schedules, name: &str, date: Date) -> Result<String, Error> {
    let (r, current) = schedules.provinces().resolve(name, date).map_err(|e| refuse(date, e.message))?;
    Ok(if r.historical { current.slug().to_owned() } else { r.slug })
}

/// Validates `event` against `state`, normalises it (province slugs, classes), applies it, and
/// returns the event as recorded.
fn apply_to(state: &mut State, schedules: &Schedules, mut event: Event) -> Result<Event, Error> {
    let date = event.date;
    let active = |state: &State, id: &str| -> Result<(), Error> {
        match state.equipment.get(id) {
            None => Err(refuse(date, format!("no device with id `{id}` is registered"))),
            Some(e) if !e.status.is_active() => {
                Err(refuse(date, format!("device `{id}` is {} and cannot change any more", e.status.key())))
            }
            Some(_) => Ok(()),
        }
    };
    match &mut event.change {
        Change::RegisterFacility { facility } => {
            if facility.id.trim().is_empty() {
                return Err(refuse(date, "a facility needs an id"));
            }
            if state.facilities.contains_key(&facility.id) {
                return Err(refuse(date, format!("a facility with id `{}` is already registered", facility.id)));
            }
            facility.province = province_slug(schedules, &facility.province, date)?;
        }
        Change::RegisterEquipment { equipment } => {
            if equipment.id.trim().is_empty() {
                return Err(refuse(date, "a device needs an id"));
            }
            if let Some(year) = equipment.year.filter(|y| *y < 1900 || *y > date.year()) {
                return Err(refuse(
                    date,
                    format!(
                        "device `{}`: year of manufacture {year} is not from 1900 to the year of this change ({}): check the year",
                        equipment.id,
                        date.year()
                    ),
                ));
            }
            let Some(facility) = state.facilities.get(&equipment.facility) else {
                return Err(refuse(
                    date,
                    format!("device `{}`: no facility with id `{}` is registered", equipment.id, equipment.facility),
                ));
            };
            if equipment.class.is_none() && !equipment.description.is_empty() {
                let c = schedules.classify(&equipment.description, date)?;
                equipment.class = c.class;
            }
            if equipment.class.is_none() {
                return Err(refuse(
                    date,
                    format!("device `{}`: give its class, or a description the classifier can settle", equipment.id),
                ));
            }
            equipment.province = match (equipment.mobile, equipment.province.trim()) {
                (false, p) if !p.is_empty() => province_slug(schedules, p, date)?,
                _ => facility.province.clone(),
            };
            equipment.status = EquipmentStatus::InService;
            // One descent of the device map both refuses a duplicate id and records the device
            // (the insert `apply_recorded` makes on replay): on a national registry, a second
            // descent was a third of the time of a registration.
            match state.equipment.entry(equipment.id.clone()) {
                std::collections::btree_map::Entry::Occupied(_) => {
                    return Err(refuse(date, format!("a device with id `{}` is already registered", equipment.id)));
                }
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(equipment.clone());
                }
            }
            return Ok(event);
        }
        Change::UpdateEquipment { id, status, .. } => {
            active(state, id)?;
            if status.is_some_and(|s| !s.is_active()) {
                return Err(refuse(date, "use decommission or dispose to end a device's service"));
            }
        }
        Change::MoveEquipment { id, to_facility, to_province, .. } => {
            active(state, id)?;
            if let Some(f) = to_facility
                && !state.facilities.contains_key(f)
            {
                return Err(refuse(date, format!("no facility with id `{f}` is registered")));
            }
            let mobile = state.equipment.get(id).is_some_and(|e| e.mobile);
            if let Some(p) = to_province {
                if mobile {
                    return Err(refuse(
                        date,
                        format!(
                            "device `{id}` is mobile: it stays licensed by the province of its head office; move it to another facility instead"
                        ),
                    ));
                }
                *p = province_slug(schedules, p, date)?;
            }
        }
        Change::Decommission { id } => active(state, id)?,
        Change::Dispose { id } => match state.equipment.get(id) {
            None => return Err(refuse(date, format!("no device with id `{id}` is registered"))),
            Some(e) if e.status == EquipmentStatus::Disposed => {
                return Err(refuse(date, format!("device `{id}` is already disposed of")));
            }
            Some(_) => {}
        },
        Change::IssueLicence { licence } => {
            if state.licences.contains_key(&licence.number) {
                return Err(refuse(date, format!("licence `{}` already exists", licence.number)));
            }
            if !state.facilities.contains_key(&licence.facility) {
                return Err(refuse(
                    date,
                    format!("licence `{}`: no facility with id `{}`", licence.number, licence.facility),
                ));
            }
            if licence.expires <= licence.issued {
                return Err(refuse(
                    date,
                    format!(
                        "licence `{}` expires on {} but is issued on {}",
                        licence.number, licence.expires, licence.issued
                    ),
                ));
            }
            if licence.issued > date {
                return Err(refuse(
                    date,
                    format!(
                        "licence `{}` is issued on {}, after the day this change records ({date}); record it on or after its issue date",
                        licence.number, licence.issued
                    ),
                ));
            }
            if licence.devices.is_empty() {
                return Err(refuse(date, format!("licence `{}` names no device", licence.number)));
            }
            let mut seen = std::collections::BTreeSet::new();
            for d in &licence.devices {
                if !seen.insert(d.as_str()) {
                    return Err(refuse(
                        date,
                        format!(
                            "licence `{}` names device `{d}` more than once; a device is licensed once (it would be priced twice at renewal)",
                            licence.number
                        ),
                    ));
                }
                active(state, d)?;
                if let Some(class) = state.equipment.get(d).and_then(|e| e.class) {
                    match schedules.authority().rule(class, licence.issued) {
                        Some((rule, _)) if rule.authority != licence.authority => {
                            return Err(refuse(
                                date,
                                format!(
                                    "licence `{}` is issued by {} but device `{d}` ({class}) falls to {} on {}; the licence must come from the authority that licenses its devices",
                                    licence.number,
                                    licence.authority.key(),
                                    rule.authority.key(),
                                    licence.issued
                                ),
                            ));
                        }
                        _ => {}
                    }
                }
                if state.equipment.get(d).is_some_and(|e| e.facility != licence.facility) {
                    return Err(refuse(
                        date,
                        format!("licence `{}`: device `{d}` belongs to another facility", licence.number),
                    ));
                }
            }
        }
        Change::RenewLicence { number, expires } => match state.licences.get(number.as_str()) {
            None => return Err(refuse(date, format!("no licence numbered `{number}`"))),
            Some(l) if *expires <= l.expires => {
                return Err(refuse(
                    date,
                    format!("licence `{number}` already runs until {}; a renewal must extend it", l.expires),
                ));
            }
            Some(_) => {}
        },
    }
    apply_recorded(state, &event);
    Ok(event)
}
