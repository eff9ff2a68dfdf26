//! The JSON API for other systems (provincial systems, portal bridges), described by
//! `openapi.json` (served at `/api/openapi.json`).
//!
//! An application or a device list is the JSON form of the TOML file (the same keys, dates as
//! `"2025-09-15"`), read by the same reader, so the API accepts and refuses exactly what the
//! calculator does. Errors are HTTP 400 with `{"error": {"unpriceable", "findings": [{"severity",
//! "key", "message", "message_vi", "hint", "hint_vi"}]}}` — the findings of the calculator's
//! `--format json`, with the place in the request given as the key (a line of the TOML the
//! request was turned into would mean nothing to the caller).

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::typed;
use crate::application::Application;
use crate::date::Date;
use crate::error::Error;
use crate::law::Law;

/// The API's description (OpenAPI 3.1), written by hand and kept true by the desk's tests.
pub(crate) const OPENAPI: &str = include_str!("openapi.json");

/// The longest province query, in characters.
const MAX_QUERY_CHARS: usize = 200;

fn json_response(status: StatusCode, value: &Value) -> Response {
    typed(status, "application/json", value.to_string())
}

/// A 400 with one finding of the desk's own.
fn refuse(key: Option<&str>, en: &str, vi: &str) -> Response {
    let finding = json!({ "severity": "error", "key": key, "path": key, "message": en, "message_vi": vi });
    json_response(StatusCode::BAD_REQUEST, &json!({ "error": { "unpriceable": false, "findings": [finding] } }))
}

/// A 400 with the findings of the library. A finding's place in the TOML the request was turned
/// into (`text`) would mean nothing to the caller: it is given instead as `path`, the place in
/// the request (`device[1].count`, `province`).
fn refuse_error(e: &Error, text: &str) -> Response {
    let findings: Vec<Value> = e
        .findings()
        .iter()
        .map(|f| {
            let mut v = serde_json::to_value(f).unwrap_or(Value::Null);
            let line = f.location.as_ref().map(|l| l.line as usize);
            if let Some(o) = v.as_object_mut() {
                o.remove("location");
                o.insert("path".to_owned(), path(text, line, f.key.as_deref()).map_or(Value::Null, Value::String));
            }
            v
        })
        .collect();
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({ "error": { "unpriceable": e.is_unpriceable(), "findings": findings } }),
    )
}

/// The place in the request of a finding at `line` of the generated TOML: the device it is in
/// (`device[i]`, from 0, as the JSON array counts), then its key.
fn path(text: &str, line: Option<usize>, key: Option<&str>) -> Option<String> {
    let device = line.and_then(|line| {
        let tables = text.lines().take(line).filter(|l| l.trim() == "[[device]]").count();
        tables.checked_sub(1)
    });
    match (device, key) {
        (Some(i), Some("device") | None) => Some(format!("device[{i}]")),
        (Some(i), Some(k)) => Some(format!("device[{i}].{k}")),
        (None, k) => k.map(str::to_owned),
    }
}

/// The request body as a JSON object turned into TOML text for the file readers, or why not
/// (English, Vietnamese): not JSON, not an object, a `null`, a value TOML cannot hold.
fn as_toml(body: &[u8]) -> Result<String, (String, String)> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        (
            format!("the body is not JSON: {e}"),
            format!("nội dung gửi lên không phải JSON hợp lệ (dòng {}, cột {})", e.line(), e.column()),
        )
    })?;
    if !value.is_object() {
        return Err((
            "the body must be a JSON object".to_owned(),
            "nội dung gửi lên phải là một đối tượng JSON".to_owned(),
        ));
    }
    if let Some(at) = duplicate_key(body) {
        return Err((
            format!("`{at}` is given twice: give each key once"),
            format!("khóa `{at}` được ghi hai lần: mỗi khóa chỉ ghi một lần"),
        ));
    }
    if let Some(at) = first_null(&value, "") {
        return Err((
            format!("`{at}` is null: leave the key out instead"),
            format!("`{at}` là null: hãy bỏ khóa đó đi thay vì gửi null"),
        ));
    }
    let table: toml::Value = serde_json::from_value(value).map_err(|e| {
        (
            format!("a value cannot be read ({e}); leave out a key instead of sending null"),
            format!("có giá trị không đọc được ({e}); bỏ khóa đó đi thay vì gửi null"),
        )
    })?;
    toml::to_string(&table)
        .map_err(|e| (format!("a value cannot be read: {e}"), format!("có giá trị không đọc được: {e}")))
}

/// The first key given twice in one JSON object, as a path in the request (`device[0].class`):
/// JSON readers keep the last and drop the first without a word, so a repeated key is refused
/// as the TOML reader refuses it.
fn duplicate_key(body: &[u8]) -> Option<String> {
    use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    /// A JSON value read only for its first repeated key.
    struct Checked(Option<String>);
    struct Walk;
    fn join(parent: &str, child: Option<String>) -> Option<String> {
        child.map(|c| if c.starts_with('[') || c.is_empty() { format!("{parent}{c}") } else { format!("{parent}.{c}") })
    }
    impl<'de> Visitor<'de> for Walk {
        type Value = Checked;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
            Ok(Checked(None))
        }
        fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
            Ok(Checked(None))
        }
        fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
            Ok(Checked(None))
        }
        fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
            Ok(Checked(None))
        }
        fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
            Ok(Checked(None))
        }
        fn visit_unit<E>(self) -> Result<Checked, E> {
            Ok(Checked(None))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
            let (mut first, mut i) = (None, 0usize);
            while let Some(Checked(child)) = seq.next_element::<Checked>()? {
                if first.is_none() {
                    first = child.map(|c| if c.starts_with('[') { format!("[{i}]{c}") } else { format!("[{i}].{c}") });
                }
                i += 1;
            }
            Ok(Checked(first))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
            let (mut seen, mut first) = (std::collections::HashSet::new(), None);
            while let Some(key) = map.next_key::<String>()? {
                let Checked(child) = map.next_value::<Checked>()?;
                if first.is_none() {
                    first = if seen.contains(&key) { Some(key.clone()) } else { join(&key, child) };
                }
                seen.insert(key);
            }
            Ok(Checked(first))
        }
    }
    impl<'de> Deserialize<'de> for Checked {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Checked, D::Error> {
            d.deserialize_any(Walk)
        }
    }
    serde_json::from_slice::<Checked>(body).ok().and_then(|c| c.0)
}

/// The first `null` in a JSON value, as a path in the request (`device[1].count`).
fn first_null(value: &Value, at: &str) -> Option<String> {
    match value {
        Value::Null => Some(at.to_owned()),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| first_null(v, &format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let path = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
            first_null(v, &path)
        }),
        _ => None,
    }
}

/// A JSON body is said to be JSON (`application/json`, or a `+json` type): a form or plain text
/// posted from another site's page is refused (415) before it is read.
fn json_content(headers: &HeaderMap) -> Result<(), Box<Response>> {
    let kind = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let essence = kind.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        return Ok(());
    }
    let finding = json!({ "severity": "error", "key": null, "path": null,
        "message": format!("send the body as JSON with Content-Type: application/json (got `{kind}`)"),
        "message_vi": format!("hãy gửi nội dung JSON với Content-Type: application/json (đang là `{kind}`)") });
    Err(Box::new(json_response(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        &json!({ "error": { "unpriceable": false, "findings": [finding] } }),
    )))
}

/// A result written as the calculator writes it: struct order, byte for byte.
fn json_of<T: serde::Serialize>(value: &T) -> Response {
    match serde_json::to_string(value) {
        Ok(text) => typed(StatusCode::OK, "application/json", text),
        Err(e) => refuse(None, &format!("the result cannot be written: {e}"), "không viết được kết quả"),
    }
}

/// [`as_toml`], its refusal answered as a 400.
fn toml_of(body: &[u8]) -> Result<String, Box<Response>> {
    as_toml(body).map_err(|(en, vi)| Box::new(refuse(None, &en, &vi)))
}

/// `POST /api/quote`: an application → the quote JSON (as `calculator --format json`).
pub(crate) async fn quote(State(law): State<&'static Law>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = json_content(&headers) {
        return *r;
    }
    let text = match toml_of(&body) {
        Ok(t) => t,
        Err(r) => return *r,
    };
    let app = match Application::from_toml("request", &text) {
        Ok(a) => a,
        Err(e) => return refuse_error(&e, &text),
    };
    if let Err(e) = app.received().received_by_today() {
        return refuse(Some("received"), &e.to_string(), e.message_vi());
    }
    match law.quote(&app) {
        Ok(q) => json_of(&q),
        Err(e) => refuse_error(&e, &text),
    }
}

/// `POST /api/classify`: `{"date"?: "YYYY-MM-DD", "device": [{"name": …}, …]}` → one
/// classification per device (as `classify --format json`).
pub(crate) async fn classify(State(law): State<&'static Law>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = json_content(&headers) {
        return *r;
    }
    if let Some(at) = duplicate_key(&body) {
        return refuse(
            Some(&at),
            &format!("`{at}` is given twice: give each key once"),
            &format!("khóa `{at}` được ghi hai lần: mỗi khóa chỉ ghi một lần"),
        );
    }
    // A body that is not a JSON object is refused as /api/quote refuses it.
    let mut value: Value = match serde_json::from_slice(&body) {
        Ok(v @ Value::Object(_)) => v,
        _ => {
            let (en, vi) = as_toml(&body).err().unwrap_or_else(|| {
                ("the body must be a JSON object".to_owned(), "nội dung gửi lên phải là một đối tượng JSON".to_owned())
            });
            return refuse(None, &en, &vi);
        }
    };
    let date = match value.as_object_mut().and_then(|o| o.remove("date")) {
        None => Date::today_in_vietnam(),
        Some(Value::String(s)) => match s.parse::<Date>() {
            Ok(d) => d,
            Err(e) => return refuse(Some("date"), &e.to_string(), e.message_vi()),
        },
        Some(_) => {
            return refuse(
                Some("date"),
                "date must be a string such as \"2026-03-01\"",
                "`date` phải là chuỗi dạng \"2026-03-01\"",
            );
        }
    };
    let text = match toml_of(value.to_string().as_bytes()) {
        Ok(t) => t,
        Err(r) => return *r,
    };
    let devices = match crate::application::devices_from_toml("request", &text) {
        Ok(d) => d,
        Err(e) => return refuse_error(&e, &text),
    };
    let mut out = Vec::with_capacity(devices.len());
    for (i, d) in devices.iter().enumerate() {
        let key = format!("device[{i}]");
        let Some(description) = d.description() else {
            return refuse(
                Some(&key),
                "this device has only a class; classification reads descriptions (name, radiation, use, modality…)",
                "thiết bị này chỉ ghi loại; phân loại đọc phần mô tả (tên, loại bức xạ, mục đích sử dụng, phương thức…)",
            );
        };
        match law.classify(description, date) {
            Ok(c) => out.push(c),
            Err(e) => return refuse_error(&e, &text),
        }
    }
    json_of(&out)
}

/// The query of `/api/provinces`.
#[derive(serde::Deserialize)]
pub(crate) struct ProvinceQuery {
    q: Option<String>,
    date: Option<String>,
}

/// `GET /api/provinces?q=&date=`: every province (no `q`), or the province a name as written
/// means on `date` (default today), with close spellings when it means none.
pub(crate) async fn provinces(State(law): State<&'static Law>, Query(p): Query<ProvinceQuery>) -> Response {
    let date = match p.date.as_deref().map(Date::from_form) {
        None => Date::today_in_vietnam(),
        Some(Ok(d)) => d,
        Some(Err(e)) => return refuse(Some("date"), &e.to_string(), e.message_vi()),
    };
    let q = p.q.unwrap_or_default();
    if q.chars().count() > MAX_QUERY_CHARS {
        return refuse(
            Some("q"),
            &format!("the query may have at most {MAX_QUERY_CHARS} characters"),
            &format!("chuỗi tìm kiếm tối đa {MAX_QUERY_CHARS} ký tự"),
        );
    }
    let province = |p: &crate::province::Province| {
        json!({
            "slug": p.slug(),
            "name_vi": p.name().vi,
            "name_en": p.name().en,
            "former": p.former().iter().map(|f| f.name.vi.clone()).collect::<Vec<_>>(),
        })
    };
    if q.trim().is_empty() {
        let all: Vec<Value> = law.provinces().all().iter().map(province).collect();
        return json_response(StatusCode::OK, &json!({ "matches": all, "suggestions": [] }));
    }
    match law.provinces().resolve(&q, date) {
        Ok((resolved, p)) => {
            let mut m = province(p);
            if let Some(o) = m.as_object_mut() {
                o.insert("resolved".to_owned(), serde_json::to_value(&resolved).unwrap_or(Value::Null));
            }
            json_response(StatusCode::OK, &json!({ "matches": [m], "suggestions": [] }))
        }
        Err(e) => json_response(StatusCode::OK, &json!({ "matches": [], "suggestions": e.suggestions })),
    }
}

/// `GET /api/version`: the crate's version and each schedule version with its fingerprint.
pub(crate) async fn version(State(law): State<&'static Law>) -> Response {
    // A version stays in force until its own end or the next version's first day.
    let all = law.versions();
    let versions: Vec<Value> = all
        .iter()
        .enumerate()
        .map(|(i, v)| {
            json!({
                "id": v.id(),
                "fingerprint": v.fingerprint(),
                "effective_from": v.effective_from().to_string(),
                "effective_until": v.effective_until().map(|d| d.to_string()),
                "superseded_on": all.get(i + 1).map(|n| n.effective_from().to_string()),
            })
        })
        .collect();
    json_response(StatusCode::OK, &json!({ "crate": env!("CARGO_PKG_VERSION"), "schedules": versions }))
}

/// `GET /api/openapi.json`.
pub(crate) async fn openapi() -> Response {
    typed(StatusCode::OK, "application/json", OPENAPI.to_owned())
}
