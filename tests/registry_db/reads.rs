//! Reading the store without replaying it: the state of a facility on any past day, renewals,
//! a device's history, a version-1 file migrated, the derived tables rebuilt.

use radfee::Date;
use radfee::registry::sqlite::{EventLog, SqliteStore};
use radfee::registry::{Registry, State};

use crate::{law, sample_events};

/// The sample registry with a later life: a device moved to another facility, which licenses
/// it, a licence renewed, a device decommissioned.
fn lived_events() -> Vec<radfee::registry::Event> {
    let later = r#"
[[history]]
date = "2026-02-01"
change = "move_equipment"
id = "DN01-CARM"
to_facility = "NK-HCM-02"
[[history]]
date = "2026-02-02"
change = "issue_licence"
licence = { number = "99/GP-SKHCN", facility = "NK-HCM-02", authority = "province", issued = "2026-02-02", expires = "2027-03-20", devices = ["DN01-CARM"] }
[[history]]
date = "2026-03-01"
change = "decommission"
id = "DN01-CT"
"#;
    let mut events = sample_events();
    events.extend(Registry::events_from_toml("later.toml", later).unwrap().into_iter().map(|(_, e)| e));
    events
}

/// The part of `state` that belongs to facility `f`.
fn of_facility(state: &State, f: &str) -> State {
    let mut part = State::default();
    part.facilities.extend(state.facilities.get(f).map(|x| (f.to_owned(), x.clone())));
    part.equipment.extend(state.equipment.iter().filter(|(_, e)| e.facility == f).map(|(k, v)| (k.clone(), v.clone())));
    part.licences.extend(state.licences.iter().filter(|(_, l)| l.facility == f).map(|(k, v)| (k.clone(), v.clone())));
    part
}

#[test]
fn the_store_answers_as_the_in_memory_registry_on_every_day() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(dir.path().join("r.sqlite")).unwrap();
    let events = lived_events();
    let mut memory = Registry::new();
    for e in &events {
        memory.apply(law(), e.clone()).unwrap();
    }
    // One event per append, as officers record them.
    for e in &events {
        store.append(law(), std::slice::from_ref(e), "A").unwrap();
    }
    assert!(store.check(law()).unwrap().is_empty());
    let mut days: Vec<Date> = events.iter().map(|e| e.date).collect();
    days.push(Date::new(2020, 1, 1).unwrap());
    days.push(Date::new(2030, 1, 1).unwrap());
    for day in days {
        let whole = memory.state_on(day);
        assert_eq!(store.state_on(None, day).unwrap(), whole, "{day}");
        for f in memory.state().facilities.keys() {
            assert_eq!(store.state_on(Some(f), day).unwrap(), of_facility(&whole, f), "{f} on {day}");
        }
    }
    // Written by hand from the events: on 2026-02-01 the C-arm left BV-DN-01 (3 devices,
    // 2 left), and NK-HCM-02 holds it from that day.
    let on = Date::new(2026, 2, 1).unwrap();
    let dn = store.state_on(Some("BV-DN-01"), on).unwrap();
    assert!(!dn.equipment.contains_key("DN01-CARM") && dn.equipment.contains_key("DN01-CT"), "{dn:?}");
    let hn = store.state_on(Some("NK-HCM-02"), on).unwrap();
    assert_eq!(hn.equipment["DN01-CARM"].facility, "NK-HCM-02");
    assert!(
        !store
            .state_on(Some("NK-HCM-02"), Date::new(2026, 1, 31).unwrap())
            .unwrap()
            .equipment
            .contains_key("DN01-CARM")
    );
    // Renewals read through the expiry index give the in-memory registry's report.
    for (from, to) in [((2026, 1, 1), (2026, 12, 31)), ((2027, 1, 1), (2027, 12, 31)), ((2026, 11, 22), (2027, 2, 20))]
    {
        let (from, to) = (Date::new(from.0, from.1, from.2).unwrap(), Date::new(to.0, to.1, to.2).unwrap());
        let (a, b) = (store.renewals_due(law(), from, to).unwrap(), memory.renewals_due(law(), from, to));
        let numbers = |r: &radfee::registry::RenewalReport| {
            r.renewals
                .iter()
                .map(|x| (x.licence.number.clone(), x.quote.as_ref().ok().map(|q| q.total)))
                .collect::<Vec<_>>()
        };
        assert_eq!(numbers(&a), numbers(&b), "{from}..{to}");
        assert_eq!((a.total, a.per_province, a.per_authority), (b.total, b.per_province, b.per_authority));
    }
    // The hospital's history shows the C-arm leaving it.
    let moved: Vec<String> = store
        .history_of(Some("BV-DN-01"), None)
        .unwrap()
        .iter()
        .map(|r| serde_json::to_value(&r.event).unwrap()["change"].as_str().unwrap().to_owned())
        .collect();
    assert!(moved.contains(&"move_equipment".to_owned()), "{moved:?}");
    assert_eq!(
        moved.iter().filter(|k| *k == "issue_licence").count(),
        1,
        "not the other facility's licence: {moved:?}"
    );
    // A device's history: its own events and the licences naming it.
    let kinds: Vec<String> = store
        .history_of(None, Some("DN01-CARM"))
        .unwrap()
        .iter()
        .map(|r| serde_json::to_value(&r.event).unwrap()["change"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds.first().map(String::as_str), Some("register_equipment"));
    assert!(
        kinds.contains(&"move_equipment".to_owned()) && kinds.iter().filter(|k| *k == "issue_licence").count() == 2,
        "{kinds:?}"
    );
}

#[test]
fn a_version_1_file_is_migrated_with_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    // A file as schema version 1 wrote it: the events and the state tables, no versions.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch(
        "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, date TEXT NOT NULL, change TEXT NOT NULL,
            payload TEXT NOT NULL, recorded_by TEXT NOT NULL,
            recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));
         CREATE TABLE facilities (id TEXT PRIMARY KEY, province TEXT NOT NULL, json TEXT NOT NULL);
         CREATE TABLE equipment (id TEXT PRIMARY KEY, facility TEXT NOT NULL, class TEXT, status TEXT NOT NULL,
            province TEXT NOT NULL, json TEXT NOT NULL);
         CREATE TABLE licences (number TEXT PRIMARY KEY, facility TEXT NOT NULL, expires TEXT NOT NULL, json TEXT NOT NULL);
         CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
         CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
         PRAGMA user_version = 1;",
    )
    .unwrap();
    for e in sample_events() {
        raw.execute(
            "INSERT INTO events (date, change, payload, recorded_by) VALUES (?1, ?2, ?3, 'A')",
            rusqlite::params![
                e.date.to_string(),
                serde_json::to_value(&e).unwrap()["change"].as_str().unwrap(),
                serde_json::to_string(&e).unwrap()
            ],
        )
        .unwrap();
    }
    drop(raw);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), 2);
    assert_eq!(store.history().unwrap().len(), 18);
    assert!(store.check(law()).unwrap().is_empty(), "the derived tables were written from the history");
    assert_eq!(store.equipment("DN01-CT").unwrap().unwrap().facility, "BV-DN-01");
}

#[test]
fn rebuild_writes_the_derived_tables_again_from_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.sqlite");
    let mut store = SqliteStore::open(&path).unwrap();
    store.append(law(), &lived_events(), "A").unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute("UPDATE versions SET json = '{}' WHERE kind = 'licence' AND id = '99/GP-SKHCN'", []).unwrap();
    raw.execute("DELETE FROM versions WHERE kind = 'facility' AND id = 'NK-HCM-02'", []).unwrap();
    raw.execute("DELETE FROM equipment WHERE id = 'DN01-CT'", []).unwrap();
    raw.execute("UPDATE versions SET date = '2020-01-01' WHERE kind = 'equipment' AND id = 'DN01-XQ'", []).unwrap();
    raw.execute("DROP TRIGGER events_no_update", []).unwrap();
    drop(raw);
    let problems: Vec<String> = store.check(law()).unwrap().iter().map(|p| p.message.clone()).collect();
    assert!(problems.iter().any(|p| p.starts_with("equipment `DN01-CT`: the history has it")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("licence `99/GP-SKHCN`: differs")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("facility `NK-HCM-02`: missing")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("equipment `DN01-XQ`: differs")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("append-only was removed")), "{problems:?}");
    store.rebuild().unwrap();
    assert!(store.check(law()).unwrap().is_empty());
    assert_eq!(store.history().unwrap().len(), lived_events().len(), "the history is untouched");
}

#[test]
fn an_import_checks_each_row_against_the_rows_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(dir.path().join("i.sqlite")).unwrap();
    store.append(law(), &sample_events(), "A").unwrap();
    let serial = store.equipment("DN01-CT").unwrap().unwrap().serial.unwrap();
    // Row 2: a new device; row 3: the CT's serial again, its maker in capitals; row 4: an
    // unknown facility; row 5: an id already registered.
    let list = format!(
        "facility_id,equipment_id,class,manufacturer,model,serial\n\
         BV-DN-01,NEW-1,xray_general,Acme,M1,SN-1\n\
         BV-DN-01,NEW-2,xray_ct,SIEMENS,Somatom go.Up,{serial}\n\
         NOWHERE,NEW-3,xray_general,,,\n\
         BV-DN-01,DN01-XQ,xray_general,,,\n"
    );
    let day = Date::new(2026, 1, 5).unwrap();
    let (report, ids) = store.import(law(), list.as_bytes(), None, day, "B").unwrap();
    assert_eq!((report.rows, report.imported, report.refused, ids.len()), (4, 1, 3, 1));
    let lines: Vec<u64> = report.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [3, 4, 5]);
    assert!(report.problems[0].message.contains("already registered as device `DN01-CT`"), "{:?}", report.problems);
    assert_eq!(store.equipment("NEW-1").unwrap().unwrap().province, "dong-nai");
    assert!(store.check(law()).unwrap().is_empty());
}

#[test]
fn check_reads_every_column_and_the_licence_devices() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    let mut store = SqliteStore::open(&path).unwrap();
    store.append(law(), &sample_events(), "A").unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch(
        "UPDATE equipment SET province = 'ha-noi' WHERE id = 'DN01-CT';
         UPDATE licences SET expires = '2030-01-01' WHERE number = '15/GP-SKHCN';
         DELETE FROM licence_devices WHERE number = '88/GP-SKHCN';",
    )
    .unwrap();
    drop(raw);
    let problems: Vec<String> = store.check(law()).unwrap().iter().map(|p| p.message.clone()).collect();
    assert!(problems.iter().any(|p| p.starts_with("equipment `DN01-CT`: the stored row differs")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("licences `15/GP-SKHCN`: the stored row differs")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("licence_devices `88/GP-SKHCN / ")), "{problems:?}");
    store.rebuild().unwrap();
    assert!(store.check(law()).unwrap().is_empty());
}
