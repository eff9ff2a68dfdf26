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

use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use maud::html;

use crate::application::Application;
use crate::law::Law;

mod api;
mod form;
mod page;
mod sheets;

use form::FormInput;
use page::{FieldError, Lang};

/// The largest form or JSON body, in bytes (1 MiB: an application with a thousand devices).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The largest spreadsheet upload, in bytes (20 MiB), plus room for the form around it.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// The desk's routes over `law`, with their body limits and a 500 page for a panic.
pub fn router(law: &'static Law) -> Router {
    Router::new()
        .route("/", get(form_page))
        .route("/quote", post(quote).get(form_page))
        .route("/batch", get(sheets::upload_page).post(sheets::upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024)))
        .route("/api/quote", post(api::quote))
        .route("/api/classify", post(api::classify))
        .route("/api/provinces", get(api::provinces))
        .route("/api/version", get(api::version))
        .route("/api/openapi.json", get(api::openapi))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            (StatusCode::INTERNAL_SERVER_ERROR, Html("<!DOCTYPE html><title>500</title><p>Lỗi trong chương trình; hồ sơ không bị lưu. Hãy thử lại hoặc báo cho bộ phận công nghệ thông tin. / An internal error; nothing was stored.</p>")).into_response()
        }))
        .with_state(law)
}

/// Serves the desk on `listener` until `shutdown` completes, then lets the requests under way
/// finish.
///
/// # Errors
/// The I/O error of the listener.
pub async fn serve(
    listener: tokio::net::TcpListener,
    law: &'static Law,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(law)).with_graceful_shutdown(shutdown).await
}

/// The query of a page: its language.
#[derive(serde::Deserialize, Default)]
struct PageQuery {
    lang: Option<String>,
}

async fn form_page(State(law): State<&'static Law>, Query(q): Query<PageQuery>) -> Html<String> {
    let lang = Lang::from_param(q.lang.as_deref());
    Html(form::page(law, lang, &FormInput::blank(), &[]).into_string())
}

async fn not_found(Query(q): Query<PageQuery>) -> Response {
    let lang = Lang::from_param(q.lang.as_deref());
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
        Some("add") => return Html(form::page(law, lang, &input.with_row(), &[]).into_string()).into_response(),
        // Back from a quote to change it: the form as it was filled.
        Some("edit") => return Html(form::page(law, lang, &input, &[]).into_string()).into_response(),
        _ => {}
    }
    let again = |input: &FormInput, errors: &[FieldError]| {
        (StatusCode::BAD_REQUEST, Html(form::page(law, lang, input, errors).into_string())).into_response()
    };
    let (app, rows) = match form::build(law, lang, &input) {
        Ok(built) => built,
        Err(errors) => return again(&input, &errors),
    };
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
