//! The application form as an officer fills it: what a post carries, how it becomes an
//! [`Application`] (every problem tied to its field), and the form page itself.
//!
//! Works without JavaScript: devices are rows of the form, "add a device" posts the form back
//! with one more row, and a description the classifier cannot settle comes back on its row
//! with the candidate classes to choose from and the field that would decide.

use super::page::{FieldError, Lang};
use crate::application::{Application, DeviceEntry};
use crate::classify::Description;
use crate::date::Date;
use crate::error::{Error, ErrorKind};
use crate::law::Law;
use crate::vocab::{Channel, DeviceClass, Procedure};

/// Device rows a form shows at first.
const FIRST_ROWS: usize = 3;

/// Device rows a form may have; a larger application is a spreadsheet's (`/batch`) or a
/// file's. A post naming a row beyond is refused, never cut short.
pub(crate) const MAX_ROWS: usize = 100;

/// One device row as posted: a class chosen from the list or a name as written, a count, a
/// label, and (after an ambiguity) the class the officer chose among the candidates.
#[derive(Clone, Debug, Default)]
pub(crate) struct DeviceRow {
    pub(crate) class: String,
    pub(crate) name: String,
    pub(crate) count: String,
    pub(crate) label: String,
    pub(crate) choice: String,
    /// Candidate classes to offer (set when the name did not settle a class).
    pub(crate) candidates: Vec<DeviceClass>,
}

impl DeviceRow {
    /// Nothing typed in the row (its count left at 1 or empty): not a device. A count or a
    /// label alone is typed, so the row is read and said to lack its device.
    fn is_empty(&self) -> bool {
        let count = self.count.trim();
        self.class.trim().is_empty()
            && self.name.trim().is_empty()
            && self.label.trim().is_empty()
            && self.choice.trim().is_empty()
            && (count.is_empty() || count == "1")
    }
}

/// The form as posted (every value as typed, so the page shows it back unchanged).
#[derive(Clone, Debug, Default)]
pub(crate) struct FormInput {
    pub(crate) province: String,
    pub(crate) procedure: String,
    pub(crate) received: String,
    pub(crate) channel: String,
    pub(crate) applicant: String,
    pub(crate) devices: Vec<DeviceRow>,
    /// A row beyond [`MAX_ROWS`] was posted (refused when priced).
    pub(crate) overflow: bool,
}

impl FormInput {
    /// An empty form: today's date, in person, three device rows; no procedure (it changes the
    /// fee, so the officer chooses it).
    pub(crate) fn blank() -> FormInput {
        FormInput {
            received: Date::today_in_vietnam().day_first(),
            channel: Channel::InPerson.key().to_owned(),
            devices: vec![DeviceRow { count: "1".to_owned(), ..DeviceRow::default() }; FIRST_ROWS],
            ..FormInput::default()
        }
    }

    /// The form from posted pairs (`province`, `device-2-name`…); unknown names are ignored,
    /// rows beyond [`MAX_ROWS`] are dropped.
    pub(crate) fn from_pairs(pairs: &[(String, String)]) -> FormInput {
        let mut f = FormInput::default();
        for (k, v) in pairs {
            match k.as_str() {
                "province" => f.province.clone_from(v),
                "procedure" => f.procedure.clone_from(v),
                "received" => f.received.clone_from(v),
                "channel" => f.channel.clone_from(v),
                "applicant" => f.applicant.clone_from(v),
                _ => {
                    let Some((i, field)) = k.strip_prefix("device-").and_then(|r| r.split_once('-')) else { continue };
                    let Ok(i) = i.parse::<usize>() else {
                        f.overflow = true;
                        continue;
                    };
                    if i >= MAX_ROWS {
                        f.overflow = true;
                        continue;
                    }
                    if f.devices.len() <= i {
                        f.devices.resize(i + 1, DeviceRow::default());
                    }
                    let row = &mut f.devices[i];
                    match field {
                        "class" => row.class.clone_from(v),
                        "name" => row.name.clone_from(v),
                        "count" => row.count.clone_from(v),
                        "label" => row.label.clone_from(v),
                        "choice" => row.choice.clone_from(v),
                        _ => {}
                    }
                }
            }
        }
        if f.devices.is_empty() {
            f.devices.push(DeviceRow { count: "1".to_owned(), ..DeviceRow::default() });
        }
        // A class chosen among candidates stays chosen when the form comes back (it shows in
        // the class list, beside the name as written).
        for row in &mut f.devices {
            if row.class.trim().is_empty() && !row.choice.trim().is_empty() {
                row.class = std::mem::take(&mut row.choice);
            }
        }
        f
    }

    /// The same form with one more empty device row (at most [`MAX_ROWS`]).
    pub(crate) fn with_row(mut self) -> FormInput {
        if self.devices.len() < MAX_ROWS {
            self.devices.push(DeviceRow { count: "1".to_owned(), ..DeviceRow::default() });
        }
        self
    }
}

/// The message of a library error in the page's language (its first finding, without place:
/// the field it belongs to is shown instead).
pub(crate) fn message(lang: Lang, e: &Error) -> String {
    let Some(f) = e.findings().first() else { return e.to_string() };
    match lang {
        Lang::Vi => f.message_vi().unwrap_or(&f.message).to_owned(),
        Lang::En => f.message.clone(),
    }
}

/// The application the form describes, or every problem with its field. `rows` maps each
/// device of the application to its row of the form (for a later ambiguity).
pub(crate) fn build(law: &Law, lang: Lang, form: &mut FormInput) -> Result<(Application, Vec<usize>), Vec<FieldError>> {
    let mut errors = Vec::new();
    if form.overflow {
        errors.push(FieldError {
            field: String::new(),
            message: format!(
                "{} {MAX_ROWS} {}",
                lang.t("Trang này nhận tối đa", "This page takes at most"),
                lang.t(
                    "thiết bị cho một hồ sơ; hồ sơ lớn hơn hãy tính bằng trang Bảng tính",
                    "devices per application; price a larger one on the Spreadsheet page"
                )
            ),
        });
    }
    let mut err = |field: &str, message: String| errors.push(FieldError { field: field.to_owned(), message });
    if form.province.trim().is_empty() {
        err("province", lang.t("Nhập tên tỉnh, thành phố", "Enter the province").to_owned());
    }
    // The procedure changes the fee (a renewal is 75 % of a new licence): never assumed.
    let procedure = if form.procedure.trim().is_empty() {
        err(
            "procedure",
            lang.t(
                "Chọn thủ tục (cấp mới, gia hạn…): thủ tục làm thay đổi mức phí",
                "Choose the procedure (new, renewal…): it changes the fee",
            )
            .to_owned(),
        );
        None
    } else {
        Procedure::from_written(&form.procedure)
            .map_err(|e| err("procedure", lang.t(&e.message_vi, &e.message).to_owned()))
            .ok()
    };
    let channel = Channel::from_written(if form.channel.trim().is_empty() { "in_person" } else { &form.channel })
        .map_err(|e| err("channel-in_person", lang.t(&e.message_vi, &e.message).to_owned()))
        .ok();
    let received = if form.received.trim().is_empty() {
        err(
            "received",
            lang.t("Nhập ngày tiếp nhận hồ sơ, ví dụ 15/09/2025", "Enter the date received, e.g. 15/09/2025")
                .to_owned(),
        );
        None
    } else {
        match Date::from_form(&form.received) {
            Err(e) => {
                err("received", lang.t(e.message_vi(), &e.to_string()).to_owned());
                None
            }
            // Received in the future is a typing mistake, never priced.
            Ok(d) => d
                .received_by_today()
                .map_err(|e| err("received", lang.t(e.message_vi(), &e.to_string()).to_owned()))
                .ok(),
        }
    };
    // The province is looked up now, so every problem of the form is listed at once.
    if !form.province.trim().is_empty() {
        let on = received.unwrap_or_else(Date::today_in_vietnam);
        if let Err(e) = law.provinces().resolve(form.province.trim(), on) {
            errors.push(FieldError {
                field: "province".to_owned(),
                message: lang.t(&e.message_vi(), &e.to_string()).to_owned(),
            });
        }
    }
    let mut devices = Vec::new();
    let mut rows = Vec::new();
    for (i, row) in form.devices.iter().enumerate() {
        if row.is_empty() {
            continue;
        }
        match device(lang, i, row) {
            Ok(d) => {
                devices.push(d);
                rows.push(i);
            }
            Err(e) => errors.push(e),
        }
    }
    if devices.is_empty() && !errors.iter().any(|e| e.field.starts_with("device-")) {
        errors.push(FieldError {
            field: "device-0-class".to_owned(),
            message: lang
                .t(
                    "Thêm ít nhất một thiết bị: chọn loại thiết bị hoặc ghi tên như trên hồ sơ",
                    "Add at least one device: choose its class or write its name as on the form",
                )
                .to_owned(),
        });
    }
    let (Some(procedure), Some(channel), Some(received), true) = (procedure, channel, received, errors.is_empty())
    else {
        // The names that do not settle a class are said now too, with their candidates, so
        // the officer fixes everything in one pass.
        let more = unsettled(law, lang, &devices, &rows, form);
        errors.extend(more);
        errors.sort_by_key(|e| page_order(&e.field));
        return Err(errors);
    };
    let mut b = Application::builder(form.province.trim(), procedure, received).channel(channel);
    if !form.applicant.trim().is_empty() {
        b = b.applicant(form.applicant.trim());
    }
    for d in devices {
        b = b.device(d);
    }
    b.build().map(|app| (app, rows)).map_err(|e| vec![placed(lang, &e, None)])
}

/// One device row as an entry, or its problem.
fn device(lang: Lang, i: usize, row: &DeviceRow) -> Result<DeviceEntry, FieldError> {
    let at = |field: &str, message: String| FieldError { field: format!("device-{i}-{field}"), message };
    let n = i + 1;
    let (class, name) = (row.class.trim(), row.name.trim());
    let count = if row.count.trim().is_empty() {
        1
    } else {
        crate::application::parse_count(row.count.trim())
            .map_err(|e| at("count", format!("{} {n}: {}", lang.t("Thiết bị", "Device"), message(lang, &e))))?
    };
    let entry = match (class.is_empty(), name.is_empty()) {
        (true, true) => {
            return Err(at(
                "class",
                format!(
                    "{} {n}: {}",
                    lang.t("Thiết bị", "Device"),
                    lang.t("chọn loại thiết bị hoặc ghi tên thiết bị", "choose the class or write the name")
                ),
            ));
        }
        // A name as written with the class the officer chose: priced by the class, the name
        // kept on the quote line.
        (false, false) => {
            let class = DeviceClass::from_written(class).map_err(|e| {
                at("class", format!("{} {n}: {}", lang.t("Thiết bị", "Device"), lang.t(&e.message_vi, &e.message)))
            })?;
            Description::named(name).and_then(|d| DeviceEntry::described(d, count)).map(|d| d.with_class(class))
        }
        (false, true) => {
            let class = DeviceClass::from_written(class).map_err(|e| {
                at("class", format!("{} {n}: {}", lang.t("Thiết bị", "Device"), lang.t(&e.message_vi, &e.message)))
            })?;
            DeviceEntry::of_class(class, count)
        }
        (true, false) => {
            let described = Description::named(name).and_then(|d| DeviceEntry::described(d, count));
            match (described, DeviceClass::from_key(row.choice.trim())) {
                (Ok(d), Some(chosen)) => Ok(d.with_class(chosen)),
                (d, _) => d,
            }
        }
    }
    .map_err(|e| {
        at(
            if name.is_empty() { "class" } else { "name" },
            format!("{} {n}: {}", lang.t("Thiết bị", "Device"), message(lang, &e)),
        )
    })?;
    if row.label.trim().is_empty() {
        Ok(entry)
    } else {
        entry
            .with_label(row.label.trim())
            .map_err(|e| at("label", format!("{} {n}: {}", lang.t("Thiết bị", "Device"), message(lang, &e))))
    }
}

/// Where a field stands on the page, so the error summary lists problems in the order the
/// officer meets them: the form's own problems first, then the fields top to bottom.
fn page_order(field: &str) -> (usize, usize, usize) {
    let top = ["", "province", "procedure", "received", "channel-in_person", "applicant"];
    if let Some(i) = top.iter().position(|f| *f == field) {
        return (i, 0, 0);
    }
    let Some((row, part)) = field.strip_prefix("device-").and_then(|r| r.split_once('-')) else {
        return (usize::MAX, 0, 0);
    };
    let part = ["class", "name", "choice", "count", "label"].iter().position(|p| *p == part).unwrap_or(9);
    (top.len(), row.parse().unwrap_or(usize::MAX), part)
}

/// The description field that decides between candidates, in words.
fn field_words(lang: Lang, field: crate::classify::Field) -> String {
    let (vi, en) = match field.key() {
        "radiation" => ("loại bức xạ", "the kind of radiation"),
        "use" => ("mục đích sử dụng", "the use"),
        _ => ("kỹ thuật, loại máy", "what the device does"),
    };
    format!("{} ({} `{}`)", lang.t(vi, en), lang.t("trường", "field"), field.key())
}

/// The problems of the described `devices` (their rows in `rows`): every one whose name
/// does not settle a class, with its candidates offered on its row. Found before pricing, so all
/// are said at once.
pub(crate) fn unsettled(
    law: &Law,
    lang: Lang,
    devices: &[DeviceEntry],
    rows: &[usize],
    form: &mut FormInput,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (i, d) in devices.iter().enumerate() {
        let (None, Some(description)) = (d.class(), d.description()) else { continue };
        let Ok(outcome) = law.class_of(description) else { continue };
        let Some(&row) = rows.get(i) else { continue };
        let n = row + 1;
        match outcome {
            crate::classify::Outcome::Ambiguous { classes, field } => {
                if let Some(r) = form.devices.get_mut(row) {
                    r.candidates.clone_from(&classes);
                }
                errors.push(FieldError {
                    field: format!("device-{row}-choice"),
                    message: format!(
                        "{} {n}: {}; {}: {}",
                        lang.t("Thiết bị", "Device"),
                        lang.t(
                            "tên này có thể là nhiều loại thiết bị, chọn đúng loại bên dưới",
                            "this name fits several classes, choose the right one below"
                        ),
                        lang.t("điều phân biệt", "what tells them apart"),
                        field_words(lang, field)
                    ),
                });
            }
            crate::classify::Outcome::Unknown => errors.push(FieldError {
                field: format!("device-{row}-name"),
                message: format!(
                    "{} {n}: {}",
                    lang.t("Thiết bị", "Device"),
                    lang.t(
                        "tên này chưa cho biết loại thiết bị; hãy chọn loại trong danh sách",
                        "the name does not say what the device is; choose its class from the list"
                    )
                ),
            }),
            _ => {}
        }
    }
    errors
}

/// A library error placed on the form: an unknown province on `province` (with the close
/// spellings), an unsettled description on its row (with its candidates, which the form then
/// offers), anything else at the top.
pub(crate) fn placed(lang: Lang, e: &Error, rows: Option<(&[usize], &mut FormInput)>) -> FieldError {
    let text = message(lang, e);
    match e.kind() {
        ErrorKind::UnknownProvince { .. } => FieldError { field: "province".to_owned(), message: text },
        ErrorKind::UnsettledDevice { device, classes, field } => {
            let Some((rows, form)) = rows else { return FieldError { field: String::new(), message: text } };
            let Some(&row) = device.checked_sub(1).and_then(|d| rows.get(d)) else {
                return FieldError { field: String::new(), message: text };
            };
            let n = row + 1;
            if classes.is_empty() {
                let message = format!(
                    "{} {n}: {}",
                    lang.t("Thiết bị", "Device"),
                    lang.t(
                        "tên này chưa cho biết loại thiết bị; hãy chọn loại trong danh sách",
                        "the name does not say what the device is; choose its class from the list"
                    )
                );
                return FieldError { field: format!("device-{row}-name"), message };
            }
            if let Some(r) = form.devices.get_mut(row) {
                r.candidates.clone_from(classes);
            }
            let decides = field
                .map(|f| format!("; {}: {}", lang.t("điều phân biệt", "what tells them apart"), field_words(lang, f)));
            let message = format!(
                "{} {n}: {}{}",
                lang.t("Thiết bị", "Device"),
                lang.t(
                    "tên này có thể là nhiều loại thiết bị; hãy chọn đúng loại",
                    "this name fits several classes; choose the right one"
                ),
                decides.unwrap_or_default()
            );
            FieldError { field: format!("device-{row}-choice"), message }
        }
        // No schedule on the day received: the date is what to look at.
        ErrorKind::NothingInForce { .. } => FieldError { field: "received".to_owned(), message: text },
        // Any other problem of a field the form has: at that field.
        _ => {
            let field = match e.findings().first().and_then(|f| f.key.as_deref()) {
                Some("applicant") => "applicant",
                Some("received") => "received",
                Some("province") => "province",
                Some("procedure") => "procedure",
                Some("channel") => "channel-in_person",
                _ => "",
            };
            FieldError { field: field.to_owned(), message: text }
        }
    }
}
