//! Reading the store without replaying its history: the entities a change names, the state on
//! a day (from the versions table), the renewals of a window, and the check of the derived
//! tables against the history.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};

use super::schema::{self, Row, rows_after};
use super::{SqliteStore, read_event, storage};
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::law::Law;
use crate::registry::apply::apply_recorded;
use crate::registry::model::{Change, Event, State};
use crate::registry::renewals::{RENEWAL_NOTICE_DAYS, RenewalReport};
use crate::registry::store::Registry;

fn fail(e: rusqlite::Error) -> Error {
    storage("cannot read the registry", "không đọc được sổ đăng ký", &e)
}

/// A JSON row of a state table read back.
fn parse<T: serde::de::DeserializeOwned>(table: &str, key: &str, json: &str) -> Result<T, Error> {
    serde_json::from_str(json).map_err(|e| {
        Error::input(
            Finding::error(None, None, format!("{table} `{key}` cannot be read back: {e}; run `check`"))
                .vi(format!("không đọc lại được {table} `{key}`; hãy chạy `check`")),
        )
    })
}

/// Adds to `state` the rows of `table` whose key column `by` equals `key`.
fn load(conn: &Connection, state: &mut State, table: &str, by: &str, key: &str) -> Result<(), Error> {
    let sql = match table {
        "facilities" => format!("SELECT id, json FROM facilities WHERE {by} = ?1"),
        "equipment" => format!("SELECT id, json FROM equipment WHERE {by} = ?1"),
        _ => format!("SELECT number, json FROM licences WHERE {by} = ?1"),
    };
    let mut stmt = conn.prepare_cached(&sql).map_err(fail)?;
    let mut rows = stmt.query(params![key]).map_err(fail)?;
    while let Some(row) = rows.next().map_err(fail)? {
        let (id, json): (String, String) = (row.get(0).map_err(fail)?, row.get(1).map_err(fail)?);
        put(state, table, id, &json)?;
    }
    Ok(())
}

/// Puts a row read back into `state`: a facility, a device or a licence by the table or the
/// versions kind it comes from (`facilities`/`facility`, `equipment`, `licences`/`licence`).
fn put(state: &mut State, kind: &str, id: String, json: &str) -> Result<(), Error> {
    match kind {
        "facilities" | "facility" => drop(state.facilities.insert(id.clone(), parse(kind, &id, json)?)),
        "equipment" => drop(state.equipment.insert(id.clone(), parse(kind, &id, json)?)),
        _ => drop(state.licences.insert(id.clone(), parse(kind, &id, json)?)),
    }
    Ok(())
}

/// How many events the file holds and the date of the last.
pub(super) fn tail(conn: &Connection) -> Result<(usize, Option<Date>), Error> {
    // Events are never deleted and ids never reused, so the newest id counts them (an id a
    // rolled-back append took is given back by SQLite). `MAX(id)` is read from the end of the
    // table, where `COUNT(*)` or `ORDER BY id DESC LIMIT 1` walked every page: a third of a
    // second per change on a million events.
    let newest: Option<(i64, String)> = conn
        .query_row("SELECT id, date FROM events WHERE id = (SELECT MAX(id) FROM events)", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()
        .map_err(fail)?;
    let (count, last) = newest.map_or((0, None), |(id, date)| (id, Some(date)));
    let last = match last {
        Some(d) => Some(d.parse::<Date>().map_err(|_| {
            Error::input(
                Finding::error(None, None, format!("the last event's date `{d}` cannot be read; run `check`"))
                    .vi(format!("không đọc được ngày `{d}` của sự kiện cuối; hãy chạy `check`")),
            )
        })?),
        None => None,
    };
    Ok((usize::try_from(count).unwrap_or(usize::MAX), last))
}

/// The registry resumed from the state tables with every entity `events` name: the
/// facilities, devices and licences they refer to, the device already registered under a
/// new device's serial, and the licences that name their devices.
pub(super) fn registry_for(conn: &Connection, events: &[Event]) -> Result<Registry, Error> {
    let mut state = State::default();
    let (mut facilities, mut devices, mut licences) =
        (BTreeSet::<String>::new(), BTreeSet::<String>::new(), BTreeSet::<String>::new());
    // Updates that correct a serial, read once the devices they name are.
    let mut corrections = Vec::new();
    for event in events {
        // The ids as the rules keep them (NFC, trimmed), as the tables hold them: one event
        // at a time, so an import of a million is not held twice.
        let mut event = event.clone();
        event.normalise();
        if let Change::UpdateEquipment { manufacturer, model, serial, .. } = &event.change
            && (manufacturer.is_some() || model.is_some() || serial.is_some())
        {
            corrections.push(event.change.clone());
        }
        match &event.change {
            Change::RegisterFacility { facility } => {
                facilities.insert(facility.id.clone());
            }
            Change::RegisterEquipment { equipment } => {
                devices.insert(equipment.id.clone());
                facilities.insert(equipment.facility.clone());
                if let Some(key) = schema::serial_column(equipment) {
                    load(conn, &mut state, "equipment", "serial_key", &key)?;
                }
            }
            Change::UpdateEquipment { id, .. } | Change::Decommission { id } | Change::Dispose { id } => {
                devices.insert(id.clone());
            }
            Change::MoveEquipment { id, to_facility, .. } => {
                devices.insert(id.clone());
                facilities.extend(to_facility.iter().cloned());
            }
            Change::IssueLicence { licence } => {
                licences.insert(licence.number.clone());
                facilities.insert(licence.facility.clone());
                devices.extend(licence.devices.iter().cloned());
            }
            Change::RenewLicence { number, .. } => {
                licences.insert(number.clone());
            }
        }
    }
    for id in &devices {
        load(conn, &mut state, "equipment", "id", id)?;
        let mut stmt = conn.prepare_cached("SELECT number FROM licence_devices WHERE device = ?1").map_err(fail)?;
        let numbers = stmt.query_map(params![id], |r| r.get::<_, String>(0)).map_err(fail)?;
        for n in numbers {
            licences.insert(n.map_err(fail)?);
        }
    }
    // A device another's corrected serial would twin.
    for change in &corrections {
        if let Some((_, key)) = crate::registry::store::corrected_serial(&state, change) {
            load(conn, &mut state, "equipment", "serial_key", &schema::key_column(&key))?;
        }
    }
    // Each device's facility too (a move's source, a licence's check of its holder).
    facilities.extend(state.equipment.values().map(|e| e.facility.clone()));
    for f in &facilities {
        load(conn, &mut state, "facilities", "id", f)?;
    }
    for n in &licences {
        load(conn, &mut state, "licences", "number", n)?;
    }
    let (count, last) = tail(conn)?;
    Ok(Registry::resume(state, count, last))
}

/// The whole current state, from the state tables.
pub(super) fn current(conn: &Connection) -> Result<State, Error> {
    let mut state = State::default();
    for (table, sql) in [
        ("facilities", "SELECT id, json FROM facilities"),
        ("equipment", "SELECT id, json FROM equipment"),
        ("licences", "SELECT number, json FROM licences"),
    ] {
        let mut stmt = conn.prepare(sql).map_err(fail)?;
        let mut rows = stmt.query([]).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            let (id, json): (String, String) = (row.get(0).map_err(fail)?, row.get(1).map_err(fail)?);
            put(&mut state, table, id, &json)?;
        }
    }
    Ok(state)
}

impl SqliteStore {
    /// The registry as it stands, resumed from the state tables (no replay): apply changes to
    /// it to check them, then [`EventLog::append`](super::EventLog::append) them. Its
    /// [`Registry::history`] holds only the changes applied to it.
    ///
    /// # Errors
    /// A storage error, or a row that cannot be read back (run [`SqliteStore::check`]).
    pub fn current(&self) -> Result<Registry, Error> {
        let state = current(&self.conn)?;
        let (count, last) = tail(&self.conn)?;
        Ok(Registry::resume(state, count, last))
    }

    /// A registry holding only what `events` name (facilities, devices, licences, a device with
    /// the same serial), resumed from the state tables: applying `events` to it gives the same
    /// answers as applying them to the whole registry, at the cost of a few row reads.
    ///
    /// # Errors
    /// As [`SqliteStore::current`].
    pub fn registry_for(&self, events: &[Event]) -> Result<Registry, Error> {
        registry_for(&self.conn, events)
    }

    /// One device as it stands now, from the state table.
    ///
    /// # Errors
    /// A storage error, or a row that cannot be read back.
    pub fn equipment(&self, id: &str) -> Result<Option<crate::registry::Equipment>, Error> {
        let id = &crate::text::nfc(id.trim());
        let mut state = State::default();
        load(&self.conn, &mut state, "equipment", "id", id)?;
        Ok(state.equipment.remove(id))
    }

    /// One facility as it stands now, from the state table.
    ///
    /// # Errors
    /// A storage error, or a row that cannot be read back.
    pub fn facility(&self, id: &str) -> Result<Option<crate::registry::Facility>, Error> {
        let id = &crate::text::nfc(id.trim());
        let mut state = State::default();
        load(&self.conn, &mut state, "facilities", "id", id)?;
        Ok(state.facilities.remove(id))
    }

    /// The devices as they stand now whose `province` (a slug, as the registry keeps it),
    /// `class` and `status` are those given (`None`: any), read through the columns of the
    /// state table, in id order.
    ///
    /// # Errors
    /// A storage error, or a row that cannot be read back.
    pub fn equipment_where(
        &self,
        province: Option<&str>,
        class: Option<crate::vocab::DeviceClass>,
        status: Option<crate::registry::EquipmentStatus>,
    ) -> Result<Vec<crate::registry::Equipment>, Error> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, json FROM equipment WHERE (?1 IS NULL OR province = ?1) AND (?2 IS NULL OR class = ?2) \
                 AND (?3 IS NULL OR status = ?3) ORDER BY id",
            )
            .map_err(fail)?;
        let mut rows = stmt.query(params![province, class.map(|c| c.key()), status.map(|s| s.key())]).map_err(fail)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            let (id, json): (String, String) = (row.get(0).map_err(fail)?, row.get(1).map_err(fail)?);
            out.push(parse("equipment", &id, &json)?);
        }
        Ok(out)
    }

    /// The state at the end of `on`, from the versions table: of one facility (its row, the
    /// devices it held and the licences it had that day) or, with `None`, of the whole
    /// registry.
    ///
    /// # Errors
    /// A storage error, or a row that cannot be read back.
    pub fn state_on(&self, facility: Option<&str>, on: Date) -> Result<State, Error> {
        let facility = facility.map(|f| crate::text::nfc(f.trim()));
        let facility = facility.as_deref();
        let newest =
            "v.event = (SELECT MAX(w.event) FROM versions w WHERE w.kind = v.kind AND w.id = v.id AND w.date <= ?1)";
        let sql = match facility {
            Some(_) => {
                format!("SELECT kind, id, json FROM versions v WHERE v.facility = ?2 AND v.date <= ?1 AND {newest}")
            }
            None => format!("SELECT kind, id, json FROM versions v WHERE v.date <= ?1 AND {newest}"),
        };
        let mut stmt = self.conn.prepare_cached(&sql).map_err(fail)?;
        let mut rows = match facility {
            Some(f) => stmt.query(params![on.to_string(), f]),
            None => stmt.query(params![on.to_string()]),
        }
        .map_err(fail)?;
        let mut state = State::default();
        while let Some(row) = rows.next().map_err(fail)? {
            let (kind, id, json): (String, String, String) =
                (row.get(0).map_err(fail)?, row.get(1).map_err(fail)?, row.get(2).map_err(fail)?);
            put(&mut state, &kind, id, &json)?;
        }
        Ok(state)
    }

    /// The renewals whose filing deadline falls in `from..=to`, priced: the licences expiring
    /// 45 days after the window (read through the expiry index), their facilities and
    /// devices, given to [`State::renewals_due`] (the same code as the in-memory registry's).
    ///
    /// # Errors
    /// A storage error, or a row that cannot be read back.
    pub fn renewals_due(&self, law: &Law, from: Date, to: Date) -> Result<RenewalReport, Error> {
        let shift = |d: Date| Date::from_days(d.to_days() + RENEWAL_NOTICE_DAYS).map(|d| d.to_string());
        let (Some(lo), Some(hi)) = (shift(from), shift(to)) else {
            return Ok(State::default().renewals_due(law, from, to));
        };
        let mut state = State::default();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT number, facility, json FROM licences WHERE expires BETWEEN ?1 AND ?2")
            .map_err(fail)?;
        let mut rows = stmt.query(params![lo, hi]).map_err(fail)?;
        let mut facilities = BTreeSet::new();
        while let Some(row) = rows.next().map_err(fail)? {
            let (number, facility, json): (String, String, String) =
                (row.get(0).map_err(fail)?, row.get(1).map_err(fail)?, row.get(2).map_err(fail)?);
            facilities.insert(facility);
            state.licences.insert(number.clone(), parse("licence", &number, &json)?);
        }
        for f in &facilities {
            load(&self.conn, &mut state, "facilities", "id", f)?;
        }
        // The devices of those licences in one pass over the indexes: a renewal reads a
        // device's id, holder, class and status from their columns; its JSON only when it has
        // no class (its description is priced).
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT e.id, e.facility, e.class, e.status, e.province, CASE WHEN e.class IS NULL THEN e.json END \
                 FROM licences l JOIN licence_devices d ON d.number = l.number JOIN equipment e ON e.id = d.device \
                 WHERE l.expires BETWEEN ?1 AND ?2",
            )
            .map_err(fail)?;
        let mut rows = stmt.query(params![lo, hi]).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            let id: String = row.get(0).map_err(fail)?;
            if let Some(json) = row.get::<_, Option<String>>(5).map_err(fail)? {
                state.equipment.insert(id.clone(), parse("equipment", &id, &json)?);
                continue;
            }
            let (class, status): (Option<String>, String) = (row.get(2).map_err(fail)?, row.get(3).map_err(fail)?);
            let unreadable = || {
                Error::input(
                    Finding::error(
                        None,
                        None,
                        format!("equipment `{id}`: its class or status cannot be read; run `check`"),
                    )
                    .vi(format!("thiết bị `{id}`: không đọc được loại hoặc tình trạng; hãy chạy `check`")),
                )
            };
            let class = class.as_deref().and_then(crate::vocab::DeviceClass::from_key).ok_or_else(unreadable)?;
            let status = crate::registry::EquipmentStatus::from_key(&status).ok_or_else(unreadable)?;
            let device = crate::registry::Equipment {
                id: id.clone(),
                facility: row.get(1).map_err(fail)?,
                description: crate::vocab::Description::default(),
                class: Some(class),
                manufacturer: None,
                model: None,
                serial: None,
                year: None,
                location: None,
                mobile: false,
                province: row.get(4).map_err(fail)?,
                status,
            };
            state.equipment.insert(id, device);
        }
        Ok(state.renewals_due(law, from, to))
    }

    /// The events that changed a facility (its row, a device while it held it and the move
    /// that took it away, its licences) or one device (its row, the licences that name it), in order, read through the versions
    /// table; with neither, every event.
    ///
    /// # Errors
    /// A storage error, or an event that cannot be read back.
    pub fn history_of(&self, facility: Option<&str>, device: Option<&str>) -> Result<Vec<super::Recorded>, Error> {
        // Ids as the registry keeps them (NFC, Đ look-alikes as Đ, no spaces around).
        let (facility, device) =
            (facility.map(|f| crate::text::nfc(f.trim())), device.map(|d| crate::text::nfc(d.trim())));
        let (facility, device) = (facility.as_deref(), device.as_deref());
        let (sql, key) = match (facility, device) {
            // Its own rows' events, and each move that took a device away from it.
            (Some(f), _) => (
                "SELECT event FROM versions WHERE facility = ?1 \
                 UNION SELECT MIN(v.event) FROM versions w JOIN versions v \
                 ON v.kind = 'equipment' AND v.id = w.id AND v.event > w.event AND v.facility <> ?1 \
                 WHERE w.kind = 'equipment' AND w.facility = ?1 GROUP BY w.id, w.event ORDER BY 1",
                f,
            ),
            (None, Some(d)) => (
                "SELECT event FROM versions WHERE kind = 'equipment' AND id = ?1 \
                 UNION SELECT event FROM versions WHERE kind = 'licence' \
                 AND id IN (SELECT number FROM licence_devices WHERE device = ?1) ORDER BY 1",
                d,
            ),
            (None, None) => return super::read_history(&self.conn),
        };
        let mut stmt = self.conn.prepare_cached(sql).map_err(fail)?;
        let ids = stmt.query_map(params![key], |r| r.get::<_, i64>(0)).map_err(fail)?.collect::<Result<Vec<_>, _>>();
        let mut out = Vec::new();
        for id in ids.map_err(fail)? {
            let mut one = self
                .conn
                .prepare_cached("SELECT id, recorded_by, recorded_at, payload FROM events WHERE id = ?1")
                .map_err(fail)?;
            let (id, recorded_by, recorded_at, payload): (i64, String, String, String) =
                one.query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).map_err(fail)?;
            out.push(super::Recorded { id, recorded_by, recorded_at, event: read_event(id, &payload)? });
        }
        Ok(out)
    }
}

/// Each versions row that differs from what replaying the history writes, named.
pub(super) fn check_versions(conn: &Connection, problems: &mut Vec<Finding>) -> Result<(), Error> {
    let mut stored = conn
        .prepare("SELECT event, kind, id, facility, date || char(31) || json FROM versions ORDER BY event, kind, id")
        .map_err(fail)?;
    let mut stored = stored
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?))
        })
        .map_err(fail)?
        .peekable();
    let mut events = conn.prepare("SELECT id, payload, date, change FROM events ORDER BY id").map_err(fail)?;
    let mut events = events.query([]).map_err(fail)?;
    let mut state = State::default();
    let mut columns = Vec::new();
    let mut say = |id: i64, kind: &str, key: &str, en: &str, vi: &str| {
        problems.push(
            Finding::error(None, None, format!("versions: event {id}, {kind} `{key}`: {en}"))
                .vi(format!("bảng versions: sự kiện {id}, {kind} `{key}`: {vi}")),
        );
    };
    let mut last = 0;
    while let Some(row) = events.next().map_err(fail)? {
        let (id, payload): (i64, String) = (row.get(0).map_err(fail)?, row.get(1).map_err(fail)?);
        last = id;
        let event = read_event(id, &payload)?;
        // The event's own columns say what its payload says.
        let (date, change): (String, String) = (row.get(2).map_err(fail)?, row.get(3).map_err(fail)?);
        if date != event.date.to_string() || change != event.change.key() {
            columns.push(
                Finding::error(
                    None,
                    None,
                    format!("events: event {id}: its date or change column differs from its payload"),
                )
                .vi(format!("bảng events: sự kiện {id}: cột ngày hoặc loại thay đổi khác với nội dung sự kiện")),
            );
        }
        apply_recorded(&mut state, &event);
        let built: Vec<Row> = rows_after(&state, &event);
        let mut kept: Vec<(String, String, String, String)> = Vec::new();
        while let Some(Ok((e, ..))) = stored.peek() {
            if *e > id {
                break;
            }
            if let Some(Ok((e, kind, key, facility, json))) = stored.next() {
                if e < id {
                    say(e, &kind, &key, "no such event, or out of order", "không có sự kiện này, hoặc sai thứ tự");
                } else {
                    kept.push((kind, key, facility, json));
                }
            }
        }
        if let Some(Err(_)) = stored.peek()
            && let Some(Err(e)) = stored.next()
        {
            return Err(fail(e));
        }
        for (kind, key, facility, json) in &built {
            match kept.iter().position(|(k, i, ..)| k == kind && i == key) {
                Some(p) => {
                    let (_, _, f, j) = kept.remove(p);
                    if (&f, &j) != (facility, &format!("{}\u{1f}{json}", event.date)) {
                        say(
                            id,
                            kind,
                            key,
                            "differs from what the history builds",
                            "khác với kết quả dựng lại từ lịch sử",
                        );
                    }
                }
                None => say(id, kind, key, "missing", "bị thiếu"),
            }
        }
        for (kind, key, ..) in kept {
            say(
                id,
                &kind,
                &key,
                "stored, but the event did not change it",
                "có trong bảng nhưng sự kiện không thay đổi nó",
            );
        }
    }
    for rest in stored {
        let (e, kind, key, ..) = rest.map_err(fail)?;
        if e > last {
            say(e, &kind, &key, "no such event", "không có sự kiện này");
        }
    }
    problems.extend(columns);
    Ok(())
}
