//! The officer's desk: a local web server with the application form, the printable quote,
//! spreadsheet upload and a JSON API for other systems (feature `desk`, not in the default
//! build; started by `cargo run --release --example desk --features desk`).
//!
//! One [`Law`] is loaded once and shared by every request (it is immutable). Nothing a request
//! sends is stored after its response, and no request reaches the file system. Every page is
//! rendered on the server with maud (every value escaped) and works without JavaScript.
//!
//! | Route | What |
//! |---|---|
//! | `GET /` | the form (`?lang=en` for English) |
//! | `POST /quote` | the form posted: the quote page, or the form again with its problems |
//! | `GET /batch`, `POST /batch` | spreadsheet upload (.xlsx, .xls, .ods, .csv): figures, totals, problems |
//! | `POST /api/quote` | an application as JSON (the fields of the TOML file) → the quote JSON |
//! | `POST /api/classify` | `{"date"?, "device": [...]}` → the classifications |
//! | `GET /api/provinces?q=&date=` | provinces matching a name as written |
//! | `GET /api/version` | crate version, schedule ids and fingerprints |
//! | `GET /api/openapi.json` | the API described (OpenAPI 3.1) |
//!
//! Limits: a form or JSON body at most [`MAX_BODY_BYTES`]; an upload at most
//! [`MAX_UPLOAD_BYTES`]; over them the answer is 413. Bad input is a 400 (JSON: the findings
//! with their keys), never a 500; a panic in a handler becomes a plain 500 page.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, FromRef, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use maud::html;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::application::Application;
use crate::law::Law;

mod api;
mod devices;
mod form;
mod form_page;
mod page;
mod sheets;

use form::FormInput;
use page::{FieldError, Lang};

/// The largest form or JSON body, in bytes (1 MiB: an application with a thousand devices).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The largest spreadsheet upload, in bytes (20 MiB), plus room for the form around it.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// The longest a client may take to send a request's headers, in seconds; a connection that
/// has not sent them by then is closed (a client that opens connections and never finishes
/// them cannot hold the desk).
pub const HEADER_TIMEOUT_SECS: u64 = 10;

/// The longest a client may take to send a request's body, in seconds (a 20 MiB upload over a
/// slow office network fits).
pub const BODY_TIMEOUT_SECS: u64 = 120;

/// Connections served at once; more wait to be accepted.
pub const MAX_CONNECTIONS: usize = 512;

/// Spreadsheets priced at once (a workbook may unpack to hundreds of megabytes in memory);
/// more wait their turn.
pub const MAX_UPLOADS_AT_ONCE: usize = 1;

/// What every request shares: the body of law, and the turns of spreadsheet pricing.
#[derive(Clone)]
pub(crate) struct Desk {
    law: &'static Law,
    uploads: Arc<tokio::sync::Semaphore>,
}

impl FromRef<Desk> for &'static Law {
    fn from_ref(desk: &Desk) -> &'static Law {
        desk.law
    }
}

/// The desk's routes over `law`, with their body limits, the safety headers, every refusal of
/// the framework said in the desk's own words, and a 500 page for a panic.
pub fn router(law: &'static Law) -> Router {
    let desk = Desk { law, uploads: Arc::new(tokio::sync::Semaphore::new(MAX_UPLOADS_AT_ONCE)) };
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::overriding(header::HeaderName::from_static(name), HeaderValue::from_static(value))
    };
    Router::new()
        .route("/", get(form_page))
        .route("/quote", post(quote).get(form_page))
        .route(
            "/batch",
            get(sheets::upload_page).post(sheets::upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024)),
        )
        .route("/api/quote", post(api::quote))
        .route("/api/classify", post(api::classify))
        .route("/api/provinces", get(api::provinces))
        .route("/api/version", get(api::version))
        .route("/api/openapi.json", get(api::openapi))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(plain_refusals))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(Duration::from_secs(BODY_TIMEOUT_SECS)))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("x-frame-options", "DENY"))
        .layer(header("referrer-policy", "no-referrer"))
        .layer(header(
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'",
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            (StatusCode::INTERNAL_SERVER_ERROR, Html("<!DOCTYPE html><title>500</title><p>Lỗi trong chương trình; hồ sơ không bị lưu. Hãy thử lại hoặc báo cho bộ phận công nghệ thông tin. / An internal error; nothing was stored.</p>")).into_response()
        }))
        .with_state(desk)
}

/// Serves the desk on `listener` until `shutdown` completes, then lets the requests under way
/// finish (at most 10 seconds more). Each connection must send its headers within
/// [`HEADER_TIMEOUT_SECS`] and its body within [`BODY_TIMEOUT_SECS`]; at most
/// [`MAX_CONNECTIONS`] are served at once.
///
/// # Errors
/// None today: a failed accept (too many open files) is waited out and retried.
pub async fn serve(
    listener: tokio::net::TcpListener,
    law: &'static Law,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(law);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let permits = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let shutdown = std::pin::pin!(shutdown);
    let mut shutdown = shutdown;
    loop {
        let permit = tokio::select! {
            p = Arc::clone(&permits).acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of file descriptors or a connection reset before it was accepted:
                    // wait a little, never spin.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(Duration::from_secs(HEADER_TIMEOUT_SECS));
        let connection = graceful.watch(http.serve_connection(hyper_util::rt::TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(10)) => {}
    }
    Ok(())
}

/// The framework's own refusals (a body over the limit, a wrong content type, a broken query),
/// which come as English plain text, said as the desk says everything: JSON with both languages
/// under `/api/`, a Vietnamese page elsewhere.
async fn plain_refusals(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    // A 405 comes with no body at all.
    let empty_405 = status == StatusCode::METHOD_NOT_ALLOWED;
    if !(status.is_client_error() && (plain || empty_405)) {
        return response;
    }
    let (vi, en) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            format!("nội dung gửi lên lớn hơn giới hạn {} byte", MAX_BODY_BYTES),
            format!("the body is larger than the limit of {MAX_BODY_BYTES} bytes"),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "kiểu nội dung không đúng: biểu mẫu gửi application/x-www-form-urlencoded, API nhận application/json"
                .to_owned(),
            "wrong content type: the form sends application/x-www-form-urlencoded, the API takes application/json"
                .to_owned(),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "đường dẫn này không nhận phương thức đã gửi (xem /api/openapi.json)".to_owned(),
            "this route does not take that method (see /api/openapi.json)".to_owned(),
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "gửi dữ liệu quá chậm; hãy gửi lại".to_owned(),
            "the request was sent too slowly; send it again".to_owned(),
        ),
        _ => ("yêu cầu không đúng dạng".to_owned(), "the request is malformed".to_owned()),
    };
    if api {
        let finding =
            serde_json::json!({ "severity": "error", "key": null, "path": null, "message": en, "message_vi": vi });
        let body = serde_json::json!({ "error": { "unpriceable": false, "findings": [finding] } });
        return typed(status, "application/json", body.to_string());
    }
    let body = html! {
        h1 { "Không xử lý được yêu cầu" }
        p { (vi) }
        p.hint lang="en" { (en) }
        p { a href="/" { "Về trang hồ sơ" } }
    };
    (status, Html(page::frame(Lang::Vi, "Không xử lý được yêu cầu", "/", false, body).into_string())).into_response()
}

/// The query of a page: its language.
#[derive(serde::Deserialize, Default)]
struct PageQuery {
    lang: Option<String>,
}

async fn form_page(State(law): State<&'static Law>, Query(q): Query<PageQuery>) -> Html<String> {
    let lang = Lang::from_param(q.lang.as_deref());
    Html(form_page::page(law, lang, &FormInput::blank(), &[], None).into_string())
}

async fn not_found(
    uri: axum::http::Uri,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if uri.path().starts_with("/api/") {
        let finding = serde_json::json!({ "severity": "error", "key": null, "path": null,
            "message": "no such API route; see /api/openapi.json", "message_vi": "không có đường dẫn API này; xem /api/openapi.json" });
        let body = serde_json::json!({ "error": { "unpriceable": false, "findings": [finding] } });
        return typed(StatusCode::NOT_FOUND, "application/json", body.to_string());
    }
    let lang = Lang::from_param(q.ok().and_then(|Query(q)| q.lang).as_deref());
    let body = html! {
        h1 { (lang.t("Không có trang này", "Page not found")) }
        p { a href={ "/?lang=" (lang.key()) } { (lang.t("Về trang hồ sơ", "Back to the form")) } }
    };
    (
        StatusCode::NOT_FOUND,
        Html(page::frame(lang, lang.t("Không có trang này", "Page not found"), "/", false, body).into_string()),
    )
        .into_response()
}

/// The form posted: with `action=add`, the form back with one more device; otherwise the
/// quote page, or the form with every problem at its field.
async fn quote(State(law): State<&'static Law>, Form(pairs): Form<Vec<(String, String)>>) -> Response {
    let value = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let lang = Lang::from_param(value("lang"));
    let mut input = FormInput::from_pairs(&pairs);
    match value("action") {
        Some("add") => {
            return Html(form_page::page(law, lang, &input.with_row(), &[], None).into_string()).into_response();
        }
        // Back from a quote to change it: the form as it was filled.
        Some("edit") => return Html(form_page::page(law, lang, &input, &[], None).into_string()).into_response(),
        _ => {}
    }
    let again = |input: &FormInput, errors: &[FieldError]| {
        (StatusCode::BAD_REQUEST, Html(form_page::page(law, lang, input, errors, None).into_string())).into_response()
    };
    let (app, rows) = match form::build(law, lang, &mut input) {
        Ok(built) => built,
        Err(errors) => return again(&input, &errors),
    };
    // Every name that does not settle a class is said at once, each on its row.
    let unsettled = form::unsettled(law, lang, app.devices(), &rows, &mut input);
    if !unsettled.is_empty() {
        return again(&input, &unsettled);
    }
    match law.explain(&app) {
        Ok(x) => Html(quote_page(lang, &app, &x, &pairs).into_string()).into_response(),
        Err(e) => {
            let error = form::placed(lang, &e, Some((&rows, &mut input)));
            again(&input, &[error])
        }
    }
}

/// The quote page: a print button and the way back to the form, the printed quote (the same
/// sheet as `calculator --format html`), and how it was computed behind a disclosure.
fn quote_page(
    lang: Lang,
    app: &Application,
    x: &crate::quote::Explanation,
    pairs: &[(String, String)],
) -> maud::Markup {
    let title = format!("{} — {}", lang.t("Phiếu tính phí", "Fee quote"), x.quote.total);
    let body = html! {
        div.noprint {
            p.panel {
                (lang.t("Tổng số phí: ", "Total fee: ")) strong #total { (x.quote.total) }
            }
            button type="button" onclick="window.print()" { (lang.t("In phiếu", "Print")) }
            form method="post" action="/quote" style="display:inline" {
                @for (k, v) in pairs.iter().filter(|(k, _)| k != "action") {
                    input type="hidden" name=(k) value=(v);
                }
                button.secondary type="submit" name="action" value="edit" { (lang.t("Sửa hồ sơ", "Edit the application")) }
            }
            p.hint { (lang.t("Nếu nút In không hoạt động, nhấn Ctrl+P.", "If the Print button does nothing, press Ctrl+P.")) }
        }
        (x.quote.sheet(app))
        details.noprint {
            summary { (lang.t("Cách tính", "How this was computed")) }
            table.trace {
                thead { tr { th { "#" } th { (lang.t("Bước", "Step")) } th { (lang.t("Nguồn", "From")) } th { (lang.t("Căn cứ", "Basis")) } } }
                tbody {
                    @for (i, s) in x.trace.iter().enumerate() {
                        tr {
                            td { (i + 1) }
                            td { (lang.t(&s.vi, &s.en)) br; span.hint { (lang.t(&s.en, &s.vi)) } }
                            td { (s.source) }
                            td { (s.basis) }
                        }
                    }
                }
            }
        }
    };
    page::frame(lang, &title, "/", true, body)
}

/// A plain response with a content type.
fn typed(status: StatusCode, content_type: &'static str, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}
