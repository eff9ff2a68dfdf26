//! The registry itself: its history and state, the serial index, persistence (TOML, JSON)
//! and queries.

use serde::{Deserialize, Serialize};

use super::apply::{apply_recorded, apply_to, refuse};
use super::model::{Change, Equipment, Event, Licence, State};
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::law::Law;
use crate::vocab::{Authority, Family};

/// Facilities, equipment and licences with their full history.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    history: Vec<Event>,
    pub(super) state: State,
    /// (manufacturer, model, serial) → device id: derived from the state, so registering a
    /// device does not scan every other one.
    serials: Serials,
    /// Device id → the numbers of the licences that name it: derived from the state, so issuing
    /// a licence does not scan every other one.
    licensed: std::collections::HashMap<String, Vec<String>>,
    /// Events recorded before this registry's `history` began (a registry resumed from a
    /// store's state tables): how many, and the date of the last.
    before: (usize, Option<Date>),
}

/// A device's (manufacturer, model, serial), when it has all three, in the form two entries
/// that read the same share: each on its [`reading_key`](crate::text::reading_key) (Đ
/// look-alikes, NFC/NFD and tone placement made one), the manufacturer also without case
/// ("SIEMENS" is "Siemens").
pub(super) fn serial_key(e: &Equipment) -> Option<(String, String, String)> {
    let key = crate::text::reading_key;
    Some((key(e.manufacturer.as_deref()?).to_lowercase(), key(e.model.as_deref()?), key(e.serial.as_deref()?)))
}

/// The serial key a device would have after `change` corrects its manufacturer, model or
/// serial: (device id, key), when the change does and the key is full.
pub(super) fn corrected_serial(state: &State, change: &Change) -> Option<(String, (String, String, String))> {
    let Change::UpdateEquipment { id, manufacturer, model, serial, .. } = change else { return None };
    if manufacturer.is_none() && model.is_none() && serial.is_none() {
        return None;
    }
    let mut device = state.equipment.get(id)?.clone();
    device.correct(manufacturer, model, serial);
    serial_key(&device).map(|key| (id.clone(), key))
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

/// Most events one registry's history may hold.
pub const MAX_EVENTS: usize = 10_000_000;

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

    /// A registry continuing from a state kept elsewhere (a store's state tables, built by
    /// `count` events, the last dated `last`): its indexes are rebuilt from `state`, its
    /// [`Registry::history`] holds only the events applied from now on, and every rule applies
    /// as if the whole history were replayed. `state` must hold every entity the coming
    /// events name (the store loads them).
    #[cfg(feature = "sqlite")]
    pub(super) fn resume(state: State, count: usize, last: Option<Date>) -> Registry {
        let mut registry = Registry { state, before: (count, last), ..Registry::default() };
        let mut serials = Serials::default();
        for e in registry.state.equipment.values() {
            if let Some(key) = serial_key(e) {
                serials.insert(&key, e.id.clone());
            }
        }
        registry.serials = serials;
        for l in registry.state.licences.values() {
            for d in &l.devices {
                registry.licensed.entry(d.clone()).or_default().push(l.number.clone());
            }
        }
        registry
    }

    /// The licences in force on `date` that cover device `id`: naming it, held by the facility
    /// that holds it now (a device moved away is no longer covered by its old facility's
    /// licence), not expired before `date`.
    pub fn licences_covering(&self, id: &str, date: Date) -> Vec<&Licence> {
        let Some(device) = self.state.equipment.get(id) else { return Vec::new() };
        self.licensed
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|n| self.state.licences.get(n))
            .filter(|l| l.facility == device.facility && l.issued <= date && l.expires >= date)
            .collect()
    }

    /// Checks `event` against the current state and, if it is valid, records it.
    /// Events must come in date order (the same day is fine); a refused event changes nothing.
    ///
    /// # Errors
    /// An input error saying why the event is refused (dated before the last one, an unknown
    /// province or facility, a serial already registered, a licence issued by the wrong
    /// authority…); the registry is unchanged.
    pub fn apply(&mut self, law: &Law, event: Event) -> Result<(), Error> {
        if self.history.len() + self.before.0 >= MAX_EVENTS {
            return Err(refuse(
                event.date,
                format!("the registry already holds {MAX_EVENTS} events, the limit"),
                format!("sổ đăng ký đã đạt số sự kiện tối đa ({MAX_EVENTS})"),
            ));
        }
        if let Some(last) = self.history.last().map(|e| e.date).or(self.before.1)
            && event.date < last
        {
            return Err(refuse(
                event.date,
                format!("the history is append-only: this change is dated before the last one ({last})"),
                format!(
                    "lịch sử chỉ được ghi tiếp vào cuối: thay đổi này có ngày trước thay đổi gần nhất ({})",
                    last.day_first()
                ),
            ));
        }
        let mut event = event;
        if let Change::IssueLicence { licence } = &event.change {
            self.one_licence_per_device(licence, event.date)?;
        }
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
                format!(
                    "thiết bị `{}`: số sê-ri `{serial}` của {m} {model} đã được đăng ký là thiết bị `{other}`",
                    equipment.id
                ),
            ));
        }
        // A corrected serial, manufacturer or model must not make the device another's twin.
        let corrected = corrected_serial(&self.state, &event.change);
        if let Some((id, key)) = &corrected
            && let Some(other) = self.serials.find(&self.state, key).filter(|other| other != id)
        {
            return Err(refuse(
                event.date,
                format!(
                    "device `{id}`: serial `{}` of {} {} is already registered as device `{other}`",
                    key.2, key.0, key.1
                ),
                format!(
                    "thiết bị `{id}`: số sê-ri `{}` của {} {} đã được đăng ký là thiết bị `{other}`",
                    key.2, key.0, key.1
                ),
            ));
        }
        let event = apply_to(&mut self.state, law, event)?;
        if let Change::RegisterEquipment { equipment } = &event.change
            && let Some(key) = serial_key(equipment)
        {
            self.serials.insert(&key, equipment.id.clone());
        }
        // (The device's old key stays in the index: a look-up confirms a key against the
        // device's fields, so it no longer matches.)
        if let Some((id, key)) = corrected {
            self.serials.insert(&key, id);
        }
        if let Change::IssueLicence { licence } = &event.change {
            for d in &licence.devices {
                self.licensed.entry(d.clone()).or_default().push(licence.number.clone());
            }
        }
        self.history.push(event);
        Ok(())
    }

    /// Refuses a licence naming a device that a licence in force on its issue day already
    /// covers: the device would be licensed, and priced at renewal, twice.
    fn one_licence_per_device(&self, licence: &Licence, date: Date) -> Result<(), Error> {
        // Only a device the licence may name (active, held by its facility): any other is
        // refused by the rules with its own reason.
        let nameable = |d: &str| {
            self.state.equipment.get(d).is_some_and(|e| e.status.is_active() && e.facility == licence.facility)
        };
        for d in licence.devices.iter().filter(|d| nameable(d)) {
            if let Some(other) =
                self.licences_covering(d, licence.issued).into_iter().find(|l| l.number != licence.number)
            {
                return Err(refuse(
                    date,
                    format!(
                        "licence `{}`: device `{d}` is already covered by licence `{}` (in force until {}); renew that licence instead, or issue this one after it expires",
                        licence.number, other.number, other.expires
                    ),
                    format!(
                        "giấy phép `{}`: thiết bị `{d}` đã thuộc giấy phép `{}` (còn hiệu lực đến ngày {}); hãy gia hạn giấy phép đó, hoặc cấp giấy phép này sau khi giấy phép đó hết hạn",
                        licence.number,
                        other.number,
                        other.expires.day_first()
                    ),
                ));
            }
        }
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
    ///
    /// # Errors
    /// An input error if the TOML writer refuses a value (it cannot for the registry's types).
    pub fn to_toml(&self) -> Result<String, Error> {
        toml::to_string(&Stored { history: self.history.clone(), state: self.state.clone() }).map_err(|e| {
            Error::input(
                Finding::error(None, None, format!("cannot write the registry as TOML: {e}"))
                    .vi(format!("không ghi được sổ đăng ký dạng TOML; chi tiết: `{e}`")),
            )
        })
    }

    /// The registry as JSON.
    ///
    /// # Errors
    /// Only if the JSON writer fails, which the registry's types cannot cause; the error is
    /// returned rather than hidden.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(&Stored { history: self.history.clone(), state: self.state.clone() })
    }

    /// Reads a registry written by [`Registry::to_toml`] (or by hand: a `[[history]]` list is
    /// enough; the state is rebuilt from it and, when given, must match). An event that is
    /// refused is named by its place in the file (`file:line:column`).
    ///
    /// # Errors
    /// An input error at its place: TOML syntax, an unknown key, an event the registry's rules
    /// refuse, a `[state]` that does not match the history.
    pub fn from_toml(file: &str, text: &str, law: &Law) -> Result<Registry, Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct StoredToml {
            #[serde(default)]
            history: Vec<toml::Spanned<toml::Value>>,
            #[serde(default)]
            state: State,
        }
        let src = crate::source::Src::new(file, text);
        let stored: StoredToml = src.read().map_err(Error::input)?;
        let events = stored.history.into_iter().map(|e| read_event(&src, e).map(|(at, e)| (Some(at), e)));
        Registry::rebuild(file, events, stored.state, law)
    }

    /// Reads a file of changes to apply to a registry kept elsewhere (a store): `[[history]]`
    /// entries as in a registry file, each with its place in the file, in file order. The
    /// changes are not checked against any state here; the store's rules do that.
    ///
    /// # Errors
    /// An input error at its place: TOML syntax, an unknown key or change, a value of the wrong
    /// kind.
    pub fn events_from_toml(file: &str, text: &str) -> Result<Vec<(crate::error::Location, Event)>, Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Changes {
            #[serde(default)]
            history: Vec<toml::Spanned<toml::Value>>,
        }
        let src = crate::source::Src::new(file, text);
        let changes: Changes = src.read().map_err(Error::input)?;
        changes.history.into_iter().map(|e| read_event(&src, e)).collect()
    }

    /// Reads a registry written by [`Registry::to_json`]. Exact numbers are strings in this
    /// JSON (as the writer makes them): a number with a fraction or an exponent is refused, since
    /// JSON would read it through a binary float.
    ///
    /// # Errors
    /// As [`Registry::from_toml`], and a number written with a fraction or an exponent.
    pub fn from_json(file: &str, text: &str, law: &Law) -> Result<Registry, Error> {
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
                .vi(format!("`{number}`: JSON sẽ đọc số này qua số thực nhị phân, có thể làm sai lệch giá trị"))
                .with_hints(
                    format!("write exact numbers as strings, e.g. \"{number}\""),
                    format!("ghi số chính xác dưới dạng chuỗi trong dấu ngoặc kép, ví dụ \"{number}\""),
                ),
            ));
        }
        let stored: StoredJson<'_> = serde_json::from_str(text).map_err(|e| {
            let m = plain_json_message(&e);
            Error::input(Finding::error(Some(place(e.line(), e.column())), None, m.en).vi(m.vi))
        })?;
        let base = text.as_ptr() as usize;
        let events = stored.history.into_iter().map(|raw| {
            let at = src.location((raw.get().as_ptr() as usize).saturating_sub(base));
            serde_json::from_str::<Event>(raw.get()).map(|e| (Some(at.clone()), e)).map_err(|e| {
                let m = plain_json_message(&e);
                Error::input(Finding::error(Some(at), Some("history"), m.en).vi(m.vi))
            })
        });
        Registry::rebuild(file, events, stored.state, law)
    }

    fn rebuild(
        file: &str,
        events: impl Iterator<Item = Result<(Option<crate::error::Location>, Event), Error>>,
        given: State,
        law: &Law,
    ) -> Result<Registry, Error> {
        let mut registry = Registry::new();
        for event in events {
            let (place, event) = event?;
            registry.apply(law, event).map_err(|e| e.at(place.as_ref()))?;
        }
        if given != State::default() && given != registry.state {
            return Err(Error::input(
                Finding::error(
                    None,
                    Some("state"),
                    format!(
                        "{file}: the recorded state does not match what its history gives; the history is authoritative, so correct or remove [state]"
                    ),
                )
                .vi(format!(
                    "{file}: trạng thái đã ghi không khớp với kết quả tính từ lịch sử; lịch sử là căn cứ, vì vậy hãy sửa hoặc xóa bảng `[state]`"
                )),
            ));
        }
        Ok(registry)
    }

    // ── Queries ────────────────────────────────────────────────────────────────────────────

    /// Equipment registered in a province (any spelling, former names resolved on `date`).
    ///
    /// # Errors
    /// An input error when the province is unknown.
    pub fn in_province<'a>(&'a self, law: &Law, province: &str, date: Date) -> Result<Vec<&'a Equipment>, Error> {
        let (resolved, current) = law
            .provinces()
            .resolve(province, date)
            .map_err(|e| Error::input(Finding::error(None, Some("province"), e.to_string()).vi(e.message_vi())))?;
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
    pub fn under_authority(&self, law: &Law, authority: Authority, date: Date) -> Vec<&Equipment> {
        self.equipment_where(|e| {
            e.class.and_then(|c| law.authority().rule(c, date)).is_some_and(|(r, _)| r.authority == authority)
        })
    }

    /// Licences whose expiry falls in `from..=to`.
    pub fn expiring(&self, from: Date, to: Date) -> Vec<&Licence> {
        self.state.licences.values().filter(|l| l.expires >= from && l.expires <= to).collect()
    }
}

/// One `[[history]]` entry read as an event, with its place; a mistake inside it (a mistyped
/// key, a value of the wrong kind) is placed at the entry, since an event's keys are read
/// together (its `change` decides which it has).
fn read_event(
    src: &crate::source::Src<'_>,
    entry: toml::Spanned<toml::Value>,
) -> Result<(crate::error::Location, Event), Error> {
    let place = src.at(entry.span());
    Event::deserialize(entry.into_inner())
        .map(|e| (place.clone(), e))
        .map_err(|e| Error::input(src.toml_finding(&e)).at(Some(&place)))
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
/// without internal type names, in both languages (a message of the crate's own keeps its
/// Vietnamese; serde's are put in Vietnamese as in TOML files).
fn plain_json_message(e: &serde_json::Error) -> crate::text::Msg {
    let m = e.to_string();
    let m = m.split(" at line ").next().unwrap_or(&m);
    let (en, own_vi) = crate::text::split_both(m);
    let en = en
        .replace("unknown field", "unknown key")
        .replace("missing field", "missing key")
        .replace("invalid type: ", "wrong kind of value: ");
    let vi = own_vi.map_or_else(|| crate::source::vi_plain_message(&en, "JSON"), str::to_owned);
    crate::text::Msg::new(en, vi)
}
