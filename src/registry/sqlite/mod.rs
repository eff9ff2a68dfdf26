//! The registry kept in a SQLite file (feature `sqlite`): the history of events is the source
//! of truth, the current state is kept beside it in tables derived from it, and both change in
//! one transaction or not at all.
//!
//! - `events`: append-only (triggers refuse any `UPDATE` or `DELETE`), one row per accepted
//!   [`Event`]: `id` (the event id, increasing), `date` (the day it happened), `change` (its
//!   kind: `register_equipment`, `renew_licence`…), `payload` (the event as JSON, as
//!   [`Registry::to_json`] writes it), `recorded_by`, `recorded_at` (UTC, by SQLite's clock).
//! - `facilities`, `equipment`, `licences`: the state after the last event, one row per entity
//!   with its searchable columns (`province`, `class`, `status`, `expires`, the device's
//!   `serial_key`) and its JSON (`json`, as in a registry file's `[state]`).
//! - `versions`: every version of every row: `kind` (`facility`, `equipment`, `licence`), `id`,
//!   the `event` that wrote it and its `date`, the `facility` it belonged to then, its `json`.
//!   The state on any past day is the newest version of each row up to that day
//!   ([`SqliteStore::state_on`]).
//! - `licence_devices`: each device a licence names (`device`, `number`).
//!
//! All but `events` are derived: [`SqliteStore::rebuild`] writes them again from `events`, and
//! [`SqliteStore::check`] compares them with what the history builds.
//!
//! Every append runs the in-memory registry's own rules ([`Registry::apply`]) on the rows the
//! changes name (read from the state tables, so a change to a registry of a million devices
//! reads a few rows, not the history), then writes the events and the rows they touched in one
//! `IMMEDIATE` transaction: a refusal, a crash or a full disk leaves the file as it was. The file is in WAL
//! mode with a busy timeout, so a second writer waits, then gets a clear "busy" error rather
//! than a corrupt file. The schema is versioned (`PRAGMA user_version`) and migrated on open.
//!
//! The store sits behind [`EventLog`], so a PostgreSQL backend (what a national shared registry
//! would run on) can be added without touching the rules.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior, params};

use super::model::Event;
use super::store::Registry;
use crate::error::{Error, Finding};
use crate::law::Law;

mod read;
mod schema;

/// The schema version this crate writes and reads (1: events and state; 2: versions, licence
/// devices, serial keys).
pub const SCHEMA_VERSION: i64 = 2;

/// How long a writer waits for another to finish before giving up with "busy".
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// An event as the store recorded it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Recorded {
    /// The event id (increasing, never reused).
    pub id: i64,
    /// Who recorded it (an officer's name or account, as the tool was told).
    pub recorded_by: String,
    /// When, in UTC (`2026-11-30T14:06:15Z`).
    pub recorded_at: String,
    /// The event.
    pub event: Event,
}

/// A durable registry: events appended under the registry's rules, the history read back, the
/// registry rebuilt from it. Implemented by [`SqliteStore`]; a server database can implement
/// it too.
pub trait EventLog {
    /// Appends `events`, all or none, after [`Registry::apply`] accepted each on the state the
    /// history gives; returns their ids.
    ///
    /// # Errors
    /// The refusal of the first event the rules refuse (the store is unchanged), or a storage
    /// error (busy, read-only, disk full: the store is unchanged).
    fn append(&mut self, law: &Law, events: &[Event], recorded_by: &str) -> Result<Vec<i64>, Error>;

    /// Every event recorded, in order.
    ///
    /// # Errors
    /// A storage error, or a stored event that cannot be read back.
    fn history(&self) -> Result<Vec<Recorded>, Error>;

    /// The registry the history builds (every event replayed under the rules).
    ///
    /// # Errors
    /// As [`EventLog::history`], or a stored history the rules refuse.
    fn registry(&self, law: &Law) -> Result<Registry, Error>;
}

/// A registry in a SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
}

/// A storage error said in both languages, with what was being done: the cases an officer
/// can act on (busy, disk full, read-only, unreadable file) in words, any other with SQLite's.
fn storage(doing: &str, doing_vi: &str, e: &rusqlite::Error) -> Error {
    use rusqlite::ErrorCode as C;
    let code = match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    };
    let (en, vi) = match code {
        Some(C::DatabaseBusy | C::DatabaseLocked) => (
            "the registry is busy (another officer is writing to it); try again".to_owned(),
            "sổ đăng ký đang bận (một cán bộ khác đang ghi); hãy thử lại".to_owned(),
        ),
        Some(C::DiskFull) => (
            "the disk is full; free some space and try again".to_owned(),
            "ổ đĩa đã đầy; hãy giải phóng dung lượng rồi thử lại".to_owned(),
        ),
        Some(C::ReadOnly) => (
            "the registry file or its folder can only be read, not written".to_owned(),
            "tệp sổ đăng ký hoặc thư mục chứa nó chỉ cho phép đọc, không ghi được".to_owned(),
        ),
        Some(C::CannotOpen) => (
            "the file cannot be opened for writing (a wrong path, a read-only folder or disk, or no right to write there)".to_owned(),
            "không mở được tệp để ghi (đường dẫn sai, thư mục hoặc ổ đĩa chỉ cho phép đọc, hoặc không có quyền ghi)".to_owned(),
        ),
        Some(C::SystemIoFailure) => (
            format!("the disk refused to read or write ({e}): it may be full, read-only or failing"),
            format!("ổ đĩa không đọc hoặc ghi được ({e}): có thể ổ đĩa đã đầy, chỉ cho phép đọc hoặc bị lỗi"),
        ),
        Some(C::DatabaseCorrupt | C::NotADatabase) => (
            format!("the file is damaged or is not a SQLite file ({e})"),
            format!("tệp bị hỏng hoặc không phải là tệp SQLite ({e})"),
        ),
        _ => (e.to_string(), format!("lỗi cơ sở dữ liệu ({e})")),
    };
    Error::input(Finding::error(None, None, format!("{doing}: {en}")).vi(format!("{doing_vi}: {vi}")))
}

/// A storage error while recording changes: the transaction is dropped, nothing is recorded.
fn record_failed(e: &rusqlite::Error) -> Error {
    storage(
        "cannot record the changes (nothing was recorded)",
        "không ghi được các thay đổi (không có thay đổi nào được ghi)",
        e,
    )
}

impl SqliteStore {
    /// Opens (or creates) the registry file at `path`: WAL mode, the busy timeout, the schema
    /// migrated to [`SCHEMA_VERSION`].
    ///
    /// # Errors
    /// The file cannot be opened or written, or its schema is newer than this crate's.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, Error> {
        let open = |e: rusqlite::Error| storage("cannot open the registry", "không mở được sổ đăng ký", &e);
        let conn = Connection::open(path.as_ref()).map_err(open)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open)?;
        // Another program's database is never taken over (no table added, no journal mode
        // changed): a file of schema version 0 must be empty.
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(open)?;
        let tables: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                [],
                |r| r.get(0),
            )
            .map_err(open)?;
        let has_events: bool = conn
            .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'events'", [], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(open)?
            > 0;
        if (version == 0 && tables > 0) || (version > 0 && !has_events) {
            return Err(Error::input(
                Finding::error(None, None, "this SQLite file is another program's database, not a registry; nothing was changed")
                    .vi("tệp SQLite này là cơ sở dữ liệu của chương trình khác, không phải sổ đăng ký; không có gì bị thay đổi"),
            ));
        }
        conn.pragma_update(None, "journal_mode", "WAL").map_err(open)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(open)?;
        // Reads through a memory map rather than a system call per page (writes still go
        // through the journal); 64 MiB of page cache for the rows a session reads again.
        conn.pragma_update(None, "mmap_size", 1_i64 << 34).map_err(open)?;
        conn.pragma_update(None, "cache_size", -65_536).map_err(open)?;
        let mut store = SqliteStore { conn };
        schema::migrate(&mut store.conn)?;
        Ok(store)
    }

    /// Opens an existing registry (as [`SqliteStore::open`]), refusing a file that holds no
    /// registry yet — an empty SQLite database included — rather than making one: only a
    /// deliberate [`SqliteStore::open`] creates a registry.
    ///
    /// # Errors
    /// As [`SqliteStore::open`], and a file with no registry in it.
    pub fn open_existing(path: impl AsRef<Path>) -> Result<SqliteStore, Error> {
        let path = path.as_ref();
        let not_one = || {
            Error::input(
                Finding::error(None, None, format!("{} holds no registry; create one with `init`", path.display()))
                    .vi(format!("{} không chứa sổ đăng ký nào; hãy tạo sổ đăng ký bằng `init`", path.display())),
            )
        };
        if !std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > 0) {
            return Err(not_one());
        }
        {
            let probe = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|e| storage("cannot open the registry", "không mở được sổ đăng ký", &e))?;
            let version: i64 = probe
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(|e| storage("cannot open the registry", "không mở được sổ đăng ký", &e))?;
            let tables: i64 = probe
                .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))
                .map_err(|e| storage("cannot open the registry", "không mở được sổ đăng ký", &e))?;
            if version == 0 && tables == 0 {
                return Err(not_one());
            }
        }
        SqliteStore::open(path)
    }

    /// Opens a registry file for reading only, as an archived copy on a read-only disk is
    /// read: nothing is written (no journal, no migration), and no other program may change
    /// the file while it is open (SQLite's `immutable`). Appending to it fails.
    ///
    /// # Errors
    /// The file cannot be opened, is not a registry, or its schema is not this crate's.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<SqliteStore, Error> {
        use rusqlite::OpenFlags;
        let open = |e: rusqlite::Error| storage("cannot open the registry", "không mở được sổ đăng ký", &e);
        let path = path.as_ref().canonicalize().unwrap_or_else(|_| path.as_ref().to_owned());
        // A URI path: `%`, `?` and `#` written as escapes.
        let escaped: String = path
            .to_string_lossy()
            .chars()
            .map(|c| match c {
                '%' => "%25".to_owned(),
                '?' => "%3f".to_owned(),
                '#' => "%23".to_owned(),
                c => c.to_string(),
            })
            .collect();
        // Immutable mode does not read a journal: a copy taken with its `-wal` would be read
        // without the changes the journal holds.
        let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            return Err(Error::input(
                Finding::error(None, None, format!("{} has a journal with recent changes that cannot be read from a read-only disk; copy the registry while no one has it open, or open it where it can be written", wal.display()))
                    .vi(format!("{} là nhật ký còn các thay đổi gần đây, không đọc được từ ổ đĩa chỉ cho phép đọc; hãy sao chép sổ đăng ký khi không ai đang mở, hoặc mở ở nơi ghi được", wal.display())),
            ));
        }
        let conn = Connection::open_with_flags(
            format!("file:{escaped}?immutable=1"),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open)?;
        let store = SqliteStore { conn };
        if store.schema_version()? != SCHEMA_VERSION {
            return Err(Error::input(
                Finding::error(None, None, format!("the file is not a registry of schema version {SCHEMA_VERSION}; open it once where it can be written to migrate it"))
                    .vi(format!("tệp không phải là sổ đăng ký cấu trúc phiên bản {SCHEMA_VERSION}; hãy mở tệp một lần ở nơi ghi được để cập nhật cấu trúc")),
            ));
        }
        Ok(store)
    }

    /// Sets how long a writer waits for another before "busy" (default [`BUSY_TIMEOUT`]).
    ///
    /// # Errors
    /// A storage error.
    pub fn set_busy_timeout(&self, wait: Duration) -> Result<(), Error> {
        self.conn
            .busy_timeout(wait)
            .map_err(|e| storage("cannot set the busy timeout", "không đặt được thời gian chờ", &e))
    }

    /// The schema version of the file.
    ///
    /// # Errors
    /// A storage error.
    pub fn schema_version(&self) -> Result<i64, Error> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| storage("cannot read the schema version", "không đọc được phiên bản cấu trúc", &e))
    }

    /// Writes the derived tables (state, versions, licence devices) again from the history,
    /// in one transaction: what to do when [`SqliteStore::check`] finds them wrong.
    ///
    /// # Errors
    /// A storage error (the file is unchanged), or an event that cannot be read back.
    pub fn rebuild(&mut self) -> Result<(), Error> {
        let fail = |e: rusqlite::Error| storage("cannot rebuild the state", "không dựng lại được trạng thái", &e);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(fail)?;
        schema::rebuild(&tx)?;
        tx.commit().map_err(fail)
    }

    /// Checks the file: SQLite's own `integrity_check`, then the state tables against the
    /// state the history builds under the rules, then every version row against the history. Returns every difference found, each naming its table and
    /// row, in both languages (none: the store is sound).
    ///
    /// # Errors
    /// A storage error, or a history the rules refuse.
    pub fn check(&self, law: &Law) -> Result<Vec<Finding>, Error> {
        let fail = |e: rusqlite::Error| storage("cannot check the registry", "không kiểm tra được sổ đăng ký", &e);
        let mut problems = Vec::new();
        let integrity: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(fail)?;
        if integrity != "ok" {
            problems.push(
                Finding::error(None, None, format!("SQLite integrity_check: {integrity}"))
                    .vi(format!("SQLite báo tệp bị hỏng (integrity_check): {integrity}")),
            );
        }
        let guards: i64 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ('events_no_update', 'events_no_delete')",
                [],
                |r| r.get(0),
            )
            .map_err(fail)?;
        if guards != 2 {
            problems.push(
                Finding::error(
                    None,
                    None,
                    "events: a trigger that keeps the history append-only was removed; run `rebuild`",
                )
                .vi("bảng events: một trigger giữ cho lịch sử chỉ được ghi thêm đã bị xóa; hãy chạy `rebuild`"),
            );
        }
        let state = self.registry(law)?.state().clone();
        let rows = |sql: &str| -> Result<Vec<(String, String)>, Error> {
            let mut stmt = self.conn.prepare(sql).map_err(fail)?;
            let mapped = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(fail)?;
            mapped.collect::<Result<Vec<_>, _>>().map_err(fail)
        };
        // Each row that differs, named: stored but not built, built but not stored, or stored
        // with other content.
        let compare =
            |table: &str, stored: Vec<(String, String)>, built: Vec<(String, String)>, problems: &mut Vec<Finding>| {
                let stored: std::collections::BTreeMap<String, String> = stored.into_iter().collect();
                let built: std::collections::BTreeMap<String, String> = built.into_iter().collect();
                let ids: std::collections::BTreeSet<&String> = stored.keys().chain(built.keys()).collect();
                for id in ids {
                    let (en, vi) = match (stored.get(id), built.get(id)) {
                        (Some(a), Some(b)) if a == b => continue,
                        (Some(_), Some(_)) => (
                            format!("{table} `{id}`: the stored row differs from the one the history builds"),
                            format!("{table} `{id}`: dòng đang lưu khác với dòng dựng lại từ lịch sử"),
                        ),
                        (Some(_), None) => (
                            format!("{table} `{id}`: stored, but the history has no such row"),
                            format!("{table} `{id}`: có trong bảng nhưng lịch sử không có"),
                        ),
                        _ => (
                            format!("{table} `{id}`: the history has it, the table does not"),
                            format!("{table} `{id}`: lịch sử có nhưng bảng không có"),
                        ),
                    };
                    problems.push(Finding::error(None, None, en).vi(vi));
                }
            };
        // Every column, not only the JSON: the searchable ones are what lists, renewals and
        // the duplicate rules read.
        let json = |v: &dyn schema::erased::Json| v.json();
        let sep = '\u{1f}';
        compare(
            "facilities",
            rows(&format!("SELECT id, province || '{sep}' || json FROM facilities ORDER BY id"))?,
            state.facilities.iter().map(|(k, v)| (k.clone(), format!("{}{sep}{}", v.province, json(v)))).collect(),
            &mut problems,
        );
        compare(
            "equipment",
            rows(&format!(
                "SELECT id, facility || '{sep}' || COALESCE(class, '') || '{sep}' || status || '{sep}' || province \
                 || '{sep}' || COALESCE(serial_key, '') || '{sep}' || json FROM equipment ORDER BY id"
            ))?,
            state
                .equipment
                .iter()
                .map(|(k, e)| {
                    let serial = schema::serial_column(e).unwrap_or_default();
                    let class = e.class.map_or("", |c| c.key());
                    let row = [e.facility.as_str(), class, e.status.key(), e.province.as_str(), serial.as_str()];
                    (k.clone(), format!("{}{sep}{}", row.join(&sep.to_string()), json(e)))
                })
                .collect(),
            &mut problems,
        );
        compare(
            "licences",
            rows(&format!(
                "SELECT number, facility || '{sep}' || expires || '{sep}' || json FROM licences ORDER BY number"
            ))?,
            state
                .licences
                .iter()
                .map(|(k, l)| (k.clone(), format!("{}{sep}{}{sep}{}", l.facility, l.expires, json(l))))
                .collect(),
            &mut problems,
        );
        compare(
            "licence_devices",
            rows("SELECT number || ' / ' || device, '' FROM licence_devices ORDER BY 1")?,
            state
                .licences
                .values()
                .flat_map(|l| l.devices.iter().map(move |d| (format!("{} / {d}", l.number), String::new())))
                .collect(),
            &mut problems,
        );
        read::check_versions(&self.conn, &mut problems)?;
        Ok(problems)
    }
}

impl SqliteStore {
    /// Registers the devices of a device list (CSV, or a sheet of a workbook: the first, or
    /// `sheet`) on `date`, as [`Registry::import_csv`] reads it: each row checked under the
    /// registry's rules against the rows it names, the accepted ones recorded together in one
    /// transaction with their event ids, the refused ones in the report with their line or cell.
    /// The registry is never loaded whole: an import of fifty devices into a national registry
    /// reads the rows they name.
    ///
    /// # Errors
    /// The list cannot be read (its header, a row that never ends), a sheet is named for CSV
    /// text, or a storage error: then nothing is recorded.
    pub fn import(
        &mut self,
        law: &Law,
        list: &[u8],
        sheet: Option<&str>,
        date: crate::date::Date,
        recorded_by: &str,
    ) -> Result<(super::ImportReport, Vec<i64>), Error> {
        let recorded_by = &crate::text::nfc(recorded_by);
        let read = |register: &mut dyn FnMut(Event) -> Result<(), Error>| {
            #[cfg(feature = "xlsx")]
            if crate::batch::looks_like_workbook(list) {
                return super::import::read_device_workbook(list, sheet, date, register);
            }
            // A sheet named for CSV text would be left out without a word.
            if let Some(sheet) = sheet {
                return Err(Error::input(
                    Finding::error(
                        None,
                        Some("sheet"),
                        format!("a sheet (`{sheet}`) is named, but the list is CSV text, which has no sheets"),
                    )
                    .vi(format!("có ghi trang tính (`{sheet}`) nhưng danh sách là tệp CSV, không có trang tính"))
                    .with_hints(
                        "leave the sheet out, or give the workbook (.xlsx, .xls, .ods)",
                        "bỏ tên trang tính, hoặc dùng tệp bảng tính (.xlsx, .xls, .ods)",
                    ),
                ));
            }
            super::import::read_device_list(list, date, register)
        };
        // The registrations first, to read the rows they name…
        let mut events = Vec::new();
        read(&mut |e| {
            events.push(e);
            Ok(())
        })?;
        let fail = |e: rusqlite::Error| record_failed(&e);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(fail)?;
        let mut registry = read::registry_for(&tx, &events)?;
        drop(events);
        // …then each row under the rules, recorded if accepted. A storage error stops it all.
        let (mut ids, mut stopped) = (Vec::new(), None);
        let report = read(&mut |event| {
            if let Some(e) = &stopped {
                return Err(Clone::clone(e));
            }
            registry.apply(law, event)?;
            let Some(recorded) = registry.history().last() else { return Ok(()) };
            match record(&tx, recorded, recorded_by, registry.state()) {
                Ok(id) => {
                    ids.push(id);
                    Ok(())
                }
                Err(e) => {
                    stopped = Some(e.clone());
                    Err(e)
                }
            }
        })?;
        if let Some(e) = stopped {
            return Err(e);
        }
        tx.commit().map_err(fail)?;
        Ok((report, ids))
    }
}

/// Writes one accepted event and the rows it changed; returns its id.
fn record(
    tx: &rusqlite::Transaction<'_>,
    recorded: &Event,
    recorded_by: &str,
    state: &super::State,
) -> Result<i64, Error> {
    let fail = |e: rusqlite::Error| record_failed(&e);
    let payload = serde_json::to_string(recorded).map_err(|e| {
        Error::input(Finding::error(None, None, format!("cannot write an event: {e}")).vi("không ghi được sự kiện"))
    })?;
    tx.prepare_cached("INSERT INTO events (date, change, payload, recorded_by) VALUES (?1, ?2, ?3, ?4)")
        .and_then(|mut s| s.execute(params![recorded.date.to_string(), recorded.change.key(), payload, recorded_by]))
        .map_err(fail)?;
    let id = tx.last_insert_rowid();
    schema::write_rows(tx, id, recorded, state)?;
    Ok(id)
}

impl EventLog for SqliteStore {
    fn append(&mut self, law: &Law, events: &[Event], recorded_by: &str) -> Result<Vec<i64>, Error> {
        let recorded_by = &crate::text::nfc(recorded_by);
        let fail = |e: rusqlite::Error| record_failed(&e);
        // IMMEDIATE: the write lock is taken now, so the rows read below are the ones the
        // events are appended to.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(fail)?;
        let mut registry = read::registry_for(&tx, events)?;
        let mut ids = Vec::with_capacity(events.len());
        for event in events {
            registry.apply(law, event.clone())?;
            // The event as the rules recorded it (provinces as slugs, classes resolved, texts
            // in NFC), so the history reads back as it was accepted.
            let Some(recorded) = registry.history().last() else { continue };
            ids.push(record(&tx, recorded, recorded_by, registry.state())?);
        }
        tx.commit().map_err(fail)?;
        Ok(ids)
    }

    fn history(&self) -> Result<Vec<Recorded>, Error> {
        read_history(&self.conn)
    }

    fn registry(&self, law: &Law) -> Result<Registry, Error> {
        let mut registry = Registry::new();
        for r in read_history(&self.conn)? {
            registry.apply(law, r.event)?;
        }
        Ok(registry)
    }
}

/// An event read back from its JSON.
fn read_event(id: i64, payload: &str) -> Result<Event, Error> {
    serde_json::from_str(payload).map_err(|e| {
        Error::input(
            Finding::error(None, None, format!("event {id} cannot be read back: {e}"))
                .vi(format!("không đọc lại được sự kiện {id}")),
        )
    })
}

/// Every event of the file, in order.
fn read_history(conn: &Connection) -> Result<Vec<Recorded>, Error> {
    let fail = |e: rusqlite::Error| storage("cannot read the history", "không đọc được lịch sử", &e);
    let mut stmt =
        conn.prepare_cached("SELECT id, recorded_by, recorded_at, payload FROM events ORDER BY id").map_err(fail)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })
        .map_err(fail)?;
    let mut out = Vec::new();
    for row in rows {
        let (id, recorded_by, recorded_at, payload) = row.map_err(fail)?;
        out.push(Recorded { id, recorded_by, recorded_at, event: read_event(id, &payload)? });
    }
    Ok(out)
}
