//! The store's tables, their migrations, and the derived tables written from the history.

use rusqlite::{Connection, Transaction, TransactionBehavior, params};

use super::{SCHEMA_VERSION, storage};
use crate::error::{Error, Finding};
use crate::registry::apply::apply_recorded;
use crate::registry::model::Equipment;
use crate::registry::model::{Change, Event, State};
use crate::registry::store::serial_key;

/// Migration 1: the events and the current state.
const V1: &str = r#"
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    date TEXT NOT NULL,
    change TEXT NOT NULL,
    payload TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TABLE facilities (
    id TEXT PRIMARY KEY,
    province TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE TABLE equipment (
    id TEXT PRIMARY KEY,
    facility TEXT NOT NULL,
    class TEXT,
    status TEXT NOT NULL,
    province TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX equipment_facility ON equipment(facility);
CREATE INDEX equipment_class ON equipment(class);
CREATE TABLE licences (
    number TEXT PRIMARY KEY,
    facility TEXT NOT NULL,
    expires TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX licences_expires ON licences(expires);
"#;

/// The triggers that keep `events` append-only (also written again by a rebuild).
pub(super) const PROTECT: &str = "
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
";

/// Migration 2: every version of every row (the state on any past day), the devices each
/// licence names, and each device's serial key (so a change loads only what it names).
const V2: &str = r#"
CREATE TABLE versions (
    kind TEXT NOT NULL CHECK (kind IN ('facility', 'equipment', 'licence')),
    id TEXT NOT NULL,
    event INTEGER NOT NULL REFERENCES events(id),
    date TEXT NOT NULL,
    facility TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (kind, id, event)
) WITHOUT ROWID;
CREATE INDEX versions_facility ON versions(facility, date);
CREATE INDEX versions_event ON versions(event, kind, id);
CREATE TABLE licence_devices (
    device TEXT NOT NULL,
    number TEXT NOT NULL,
    PRIMARY KEY (device, number)
) WITHOUT ROWID;
CREATE INDEX licence_devices_number ON licence_devices(number, device);
ALTER TABLE equipment ADD COLUMN serial_key TEXT;
CREATE INDEX equipment_serial ON equipment(serial_key);
"#;

/// The migrations, in order: migration `i` takes the schema from version `i` to `i + 1`; a
/// migration that adds a derived table fills it from the history.
const MIGRATIONS: &[(&str, bool)] = &[(V1, false), (V2, true)];

/// Brings the file to [`SCHEMA_VERSION`], one migration per transaction.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), Error> {
    let fail = |e: rusqlite::Error| {
        storage("cannot update the registry's structure", "không cập nhật được cấu trúc sổ đăng ký", &e)
    };
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(fail)?;
    if version > SCHEMA_VERSION {
        return Err(Error::input(
            Finding::error(
                None,
                None,
                format!("the registry file has schema version {version}, newer than this program's {SCHEMA_VERSION}: use a newer program"),
            )
            .vi(format!("tệp sổ đăng ký có cấu trúc phiên bản {version}, mới hơn phiên bản {SCHEMA_VERSION} của chương trình: hãy dùng chương trình mới hơn")),
        ));
    }
    let from = usize::try_from(version).unwrap_or(0);
    for (i, (sql, derived)) in MIGRATIONS.iter().enumerate().skip(from) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(fail)?;
        tx.execute_batch(sql).map_err(fail)?;
        if *derived {
            rebuild(&tx)?;
        }
        tx.pragma_update(None, "user_version", i64::try_from(i + 1).unwrap_or(i64::MAX)).map_err(fail)?;
        tx.commit().map_err(fail)?;
    }
    Ok(())
}

/// The entities an event changes: (facility id, equipment id, licence number).
fn touched(event: &Event) -> (Option<&str>, Option<&str>, Option<&str>) {
    match &event.change {
        Change::RegisterFacility { facility } => (Some(facility.id.as_str()), None, None),
        Change::RegisterEquipment { equipment } => (None, Some(equipment.id.as_str()), None),
        Change::UpdateEquipment { id, .. }
        | Change::MoveEquipment { id, .. }
        | Change::Decommission { id }
        | Change::Dispose { id } => (None, Some(id.as_str()), None),
        Change::IssueLicence { licence } => (None, None, Some(licence.number.as_str())),
        Change::RenewLicence { number, .. } => (None, None, Some(number.as_str())),
    }
}

/// A row an event wrote: (kind, id, facility, JSON of the row after the event).
pub(super) type Row = (&'static str, String, String, String);

/// The rows `event` changed, as they stand in `state` after it, sorted by kind then id.
pub(super) fn rows_after(state: &State, event: &Event) -> Vec<Row> {
    let json = |v: &dyn erased::Json| v.json();
    let (f, e, l) = touched(event);
    let mut rows = Vec::new();
    if let Some(x) = e.and_then(|id| state.equipment.get(id)) {
        rows.push(("equipment", x.id.clone(), x.facility.clone(), json(x)));
    }
    if let Some(x) = f.and_then(|id| state.facilities.get(id)) {
        rows.push(("facility", x.id.clone(), x.id.clone(), json(x)));
    }
    if let Some(x) = l.and_then(|n| state.licences.get(n)) {
        rows.push(("licence", x.number.clone(), x.facility.clone(), json(x)));
    }
    rows
}

/// JSON of a state row, as the `json` columns keep it.
pub(super) mod erased {
    /// A row that can be written as JSON.
    pub(in crate::registry::sqlite) trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

/// A serial key as the `equipment.serial_key` column holds it (its three parts joined by the
/// unit separator), as [`key_column`] writes any key.
pub(super) fn serial_column(e: &Equipment) -> Option<String> {
    serial_key(e).as_ref().map(key_column)
}

/// A (manufacturer, model, serial) key as the `serial_key` column holds it.
pub(super) fn key_column((m, model, s): &(String, String, String)) -> String {
    format!("{m}\u{1f}{model}\u{1f}{s}")
}

/// Writes what event `id` changed: the current rows, their versions, a licence's devices.
pub(super) fn write_rows(tx: &Transaction<'_>, id: i64, event: &Event, state: &State) -> Result<(), Error> {
    let fail = |e: rusqlite::Error| super::record_failed(&e);
    let date = event.date.to_string();
    for (kind, key, facility, json) in rows_after(state, event) {
        tx.prepare_cached(
            "INSERT INTO versions (kind, id, event, date, facility, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .and_then(|mut s| s.execute(params![kind, key, id, date, facility, json]))
        .map_err(fail)?;
        match kind {
            "facility" => {
                let province = state.facilities.get(&key).map(|f| f.province.as_str()).unwrap_or_default();
                tx.prepare_cached("INSERT OR REPLACE INTO facilities (id, province, json) VALUES (?1, ?2, ?3)")
                    .and_then(|mut s| s.execute(params![key, province, json]))
                    .map_err(fail)?;
            }
            "equipment" => {
                let Some(e) = state.equipment.get(&key) else { continue };
                let serial = serial_column(e);
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO equipment (id, facility, class, status, province, serial_key, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .and_then(|mut s| {
                    s.execute(params![key, e.facility, e.class.map(|c| c.key()), e.status.key(), e.province, serial, json])
                })
                .map_err(fail)?;
            }
            _ => {
                let Some(l) = state.licences.get(&key) else { continue };
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO licences (number, facility, expires, json) VALUES (?1, ?2, ?3, ?4)",
                )
                .and_then(|mut s| s.execute(params![key, l.facility, l.expires.to_string(), json]))
                .map_err(fail)?;
                if matches!(event.change, Change::IssueLicence { .. }) {
                    for d in &l.devices {
                        tx.prepare_cached("INSERT OR IGNORE INTO licence_devices (device, number) VALUES (?1, ?2)")
                            .and_then(|mut s| s.execute(params![d, key]))
                            .map_err(fail)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Empties the derived tables and writes them again from the history (each recorded event
/// replayed as recorded: the rules were applied when it was accepted).
pub(super) fn rebuild(tx: &Transaction<'_>) -> Result<(), Error> {
    let fail = |e: rusqlite::Error| storage("cannot rebuild the state", "không dựng lại được trạng thái", &e);
    // The history's protection too, if someone dropped it.
    tx.execute_batch(PROTECT).map_err(fail)?;
    tx.execute_batch(
        "DELETE FROM versions; DELETE FROM licence_devices; DELETE FROM facilities; DELETE FROM equipment; DELETE FROM licences;",
    )
    .map_err(fail)?;
    let mut state = State::default();
    let mut stmt = tx.prepare("SELECT id, payload FROM events ORDER BY id").map_err(fail)?;
    let mut rows = stmt.query([]).map_err(fail)?;
    while let Some(row) = rows.next().map_err(fail)? {
        let (id, payload): (i64, String) = (row.get(0).map_err(fail)?, row.get(1).map_err(fail)?);
        let event = super::read_event(id, &payload)?;
        apply_recorded(&mut state, &event);
        write_rows(tx, id, &event, &state)?;
    }
    Ok(())
}
