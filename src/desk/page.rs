//! The desk's page frame: the language of a page, the layout every page shares (header with
//! the language switch, the style compiled in), and the GOV.UK Design System pieces the form
//! uses (error summary, field with label, hint and error).

use maud::{DOCTYPE, Markup, PreEscaped, html};

/// The style of the desk's pages, after the printed quote's own style: GOV.UK Design System
/// spacing, focus and error colours, large touch targets; the quote sheet keeps its A4 look.
const DESK_STYLE: &str = r#"
.desk { font-family: "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 16px; line-height: 1.4; color: #0b0c0c; background: #fff; margin: 0; padding: 0; }
.desk header { background: #0b0c0c; color: #fff; padding: 10px 20px; display: flex; justify-content: space-between; align-items: center; }
.desk header a { color: #fff; }
.desk header strong { font-size: 19px; }
.desk .wrap { max-width: 960px; margin: 0 auto; padding: 20px; }
.desk .wrap > h1 { font-size: 32px; margin: 10px 0 20px; text-align: left; }
.desk .wrap > main { font-size: 9.5pt; line-height: normal; border: 1px solid #b1b4b6; padding: 12mm; margin: 20px 0; }
.desk h2 { font-size: 24px; margin: 30px 0 10px; }
.desk label, .desk legend { font-weight: 700; display: block; margin-bottom: 4px; }
.desk .hint { color: #505a5f; margin: 0 0 6px; }
.desk .field { margin-bottom: 24px; }
.desk .field.error { border-left: 5px solid #d4351c; padding-left: 15px; }
.desk .error-message { color: #d4351c; font-weight: 700; margin: 0 0 6px; }
.desk input[type=text], .desk select { font-size: 16px; padding: 5px; border: 2px solid #0b0c0c; min-width: 200px; max-width: 100%; }
.desk input.narrow { min-width: 0; width: 6em; }
.desk input.wide, .desk select.wide { width: 100%; }
.desk .field.error input, .desk .field.error select { border-color: #d4351c; }
.desk input:focus, .desk select:focus, .desk button:focus, .desk a:focus { outline: 3px solid #fd0; outline-offset: 0; }
.desk fieldset { border: 0; padding: 0; margin: 0 0 24px; }
.desk .radios label { display: inline; font-weight: 400; margin-right: 20px; }
.desk .choice label { display: block; font-weight: 400; margin: 4px 0; }
.desk button { font-size: 18px; padding: 8px 14px; background: #00703c; color: #fff; border: 0; box-shadow: 0 2px 0 #002d18; cursor: pointer; margin: 0 10px 10px 0; }
.desk button.secondary { background: #f3f2f1; color: #0b0c0c; box-shadow: 0 2px 0 #929191; }
.desk .error-summary { border: 5px solid #d4351c; padding: 15px 20px; margin-bottom: 30px; }
.desk .error-summary h2 { margin-top: 0; }
.desk .error-summary a { color: #d4351c; font-weight: 700; }
.desk .device { border: 1px solid #b1b4b6; padding: 15px; margin-bottom: 15px; }
.desk .device .row { display: flex; flex-wrap: wrap; gap: 15px; }
.desk .device .row > div { flex: 1 1 260px; }
.desk table.results { border-collapse: collapse; width: 100%; }
.desk table.results th, .desk table.results td { border-bottom: 1px solid #b1b4b6; padding: 6px; text-align: left; }
.desk table.results td.num { text-align: right; white-space: nowrap; }
.desk .figures { font-size: 19px; }
.desk .figures dt { font-weight: 700; }
.desk .figures dd { margin: 0 0 10px; font-family: "DejaVu Sans Mono", monospace; word-break: break-all; }
.desk .panel { background: #f3f2f1; padding: 15px; margin: 20px 0; }
.desk details { margin: 20px 0; }
.desk details summary { cursor: pointer; color: #1d70b8; text-decoration: underline; font-size: 19px; }
.desk table.trace { border-collapse: collapse; width: 100%; font-size: 14px; }
.desk table.trace td, .desk table.trace th { border: 1px solid #b1b4b6; padding: 4px; vertical-align: top; text-align: left; }
.desk .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media print { .desk header, .desk .noprint { display: none; } .desk .wrap { padding: 0; max-width: none; } .desk .wrap > main { border: 0; padding: 0; margin: 0; } }
"#;

/// The language a page is shown in: Vietnamese (the default) or English (`?lang=en`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Lang {
    /// Vietnamese.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// `en` is English; anything else Vietnamese.
    pub(crate) fn from_param(value: Option<&str>) -> Lang {
        if value.is_some_and(|v| v.trim().eq_ignore_ascii_case("en")) { Lang::En } else { Lang::Vi }
    }

    /// The text in this language.
    pub(crate) fn t<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    /// The key of the language, for links and hidden fields.
    pub(crate) fn key(self) -> &'static str {
        self.t("vi", "en")
    }

    /// The library's language for messages of this page.
    pub(crate) fn messages(self) -> crate::error::Lang {
        match self {
            Lang::Vi => crate::error::Lang::Vi,
            Lang::En => crate::error::Lang::En,
        }
    }
}

/// A page of the desk: the header (title, the pages, the language switch to `switch_to`), then
/// `body`. `quote_style` adds the printed quote's style (for a page that shows a quote sheet).
pub(crate) fn frame(lang: Lang, title: &str, switch_to: &str, quote_style: bool, body: Markup) -> Markup {
    let other = match lang {
        Lang::Vi => ("English", "en"),
        Lang::En => ("Tiếng Việt", "vi"),
    };
    let sep = if switch_to.contains('?') { '&' } else { '?' };
    html! {
        (DOCTYPE)
        html lang=(lang.key()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — radfee" }
                @if quote_style { style { (PreEscaped(crate::quote::html::STYLE)) } }
                style { (PreEscaped(DESK_STYLE)) }
            }
            body.desk {
                header.noprint {
                    strong { (lang.t("Tính phí thẩm định an toàn bức xạ", "Radiation-safety appraisal fee")) }
                    nav {
                        a href={ "/?lang=" (lang.key()) } { (lang.t("Hồ sơ", "Application")) }
                        " · "
                        a href={ "/batch?lang=" (lang.key()) } { (lang.t("Bảng tính", "Spreadsheet")) }
                        " · "
                        a href={ (switch_to) (sep) "lang=" (other.1) } lang=(other.1) { (other.0) }
                    }
                }
                div.wrap { (body) }
            }
        }
    }
}

/// One problem on a form: the field's id (the summary links to it) and the message.
#[derive(Clone, Debug)]
pub(crate) struct FieldError {
    /// The id of the input in error (`province`, `device-2-name`…); empty for the form itself.
    pub(crate) field: String,
    /// What is wrong and how to fix it, in the page's language.
    pub(crate) message: String,
}

/// The error summary at the top of a form (GOV.UK pattern): a heading, then each problem as a
/// link to its field. Nothing when there is no problem.
pub(crate) fn error_summary(lang: Lang, errors: &[FieldError]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" tabindex="-1" id="error-summary" autofocus {
                h2 { (lang.t("Có vấn đề cần sửa", "There is a problem")) }
                ul {
                    @for e in errors {
                        li {
                            @if e.field.is_empty() { (e.message) }
                            @else { a href={ "#" (e.field) } { (e.message) } }
                        }
                    }
                }
            }
        }
    }
}

/// The error messages of the field `id`, if any (shown above its input).
pub(crate) fn field_errors<'a>(errors: &'a [FieldError], id: &str) -> Vec<&'a str> {
    errors.iter().filter(|e| e.field == id).map(|e| e.message.as_str()).collect()
}

/// The class of a field's wrapper: `field`, or `field error` when it has an error.
pub(crate) fn field_class(errors: &[FieldError], id: &str) -> &'static str {
    if errors.iter().any(|e| e.field == id) { "field error" } else { "field" }
}

/// A field's error messages, each prefixed as GOV.UK does for screen readers.
pub(crate) fn error_lines(lang: Lang, errors: &[FieldError], id: &str) -> Markup {
    html! {
        @for m in field_errors(errors, id) {
            p.error-message { span.visually-hidden { (lang.t("Lỗi: ", "Error: ")) } (m) }
        }
    }
}
