//! Before the arithmetic: the terms an application is priced on under a version, what each
//! device is (a fee line, or a line of zero with its reason), and who licenses the whole.
//!
//! The itemised quote and the total both go through [`plan`]; only the itemised quote asks it
//! to write the notes and the reasons (`itemise`), so the decisions are the same code.

use crate::application::{Places, Terms};
use crate::authority::{AuthorityTable, Contest};
use crate::classify::{Classification, Classifier, Outcome, Status};
use crate::date::Date;
use crate::error::{Error, ErrorKind, Finding, Location};
use crate::schedule::{ClassMapping, Version};
use crate::vocab::{Authority, Description, DeviceClass, Text};

use smallvec::SmallVec;

use super::core::FeeLine;
use super::settle::settle;

/// The reason printed for a device that emits no ionising radiation.
pub(crate) const NOT_IONIZING: (&str, &str, &str) = (
    "Not ionising-radiation equipment: no radiation licence and no appraisal fee.",
    "Không phải thiết bị bức xạ ion hóa: không cần giấy phép, không thu phí thẩm định.",
    "Luật Năng lượng nguyên tử: không phải thiết bị bức xạ ion hóa",
);

/// The reason printed for a device that emits no ionising radiation: (basis, English, Vietnamese).
fn not_ionizing_text() -> (String, String, String) {
    let (en, vi, basis) = NOT_IONIZING;
    (basis.to_owned(), en.to_owned(), vi.to_owned())
}

/// A device as the planner reads it (from an application, or a batch row).
#[derive(Clone, Copy, Debug)]
pub(crate) struct DeviceRef<'a> {
    pub(crate) class: Option<DeviceClass>,
    pub(crate) description: Option<&'a Description>,
    pub(crate) count: u32,
    pub(crate) location: Option<&'a Location>,
}

/// A line of zero: the device needs no licence or pays no fee, and why.
#[derive(Clone, Debug)]
pub(crate) struct Zero {
    pub(crate) class: Option<DeviceClass>,
    pub(crate) basis: String,
    pub(crate) en: String,
    pub(crate) vi: String,
}

/// What one device is on the quote (small: the texts of an itemised quote are kept beside).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Entry<'v> {
    /// Fee line `line` of [`Plan::lines`].
    Fee { line: usize, class: DeviceClass, mapping: &'v ClassMapping },
    /// A line of zero for a device of this class (if known).
    Zero(Option<DeviceClass>),
}

/// The texts an itemised quote prints, per device (in the order of [`Plan::entries`]).
#[derive(Debug, Default)]
pub(crate) struct Texts {
    /// Per device: a fee line's note (English, Vietnamese), or a line of zero's reason.
    pub(crate) per_device: Vec<DeviceText>,
    /// The quote's notes so far.
    pub(crate) notes: Notes,
    /// Per device (by position), the classifier's reasons when its class was read from its
    /// description; shorter than the devices when the last ones were not classified so.
    pub(crate) classified_by: Vec<Vec<crate::classify::Reason>>,
}

/// What an itemised quote prints for one device.
#[derive(Clone, Debug)]
pub(crate) enum DeviceText {
    /// A fee line's note, if it has one.
    Fee(Option<(String, String)>),
    /// A line of zero: why.
    Zero(Zero),
}

/// Who licenses the application, under the default reading and (in a contested period) the
/// other one.
#[derive(Clone, Debug, Default)]
pub(crate) struct Licensing<'a> {
    /// Each authority with the first class that falls to it, default reading.
    pub(crate) default: SmallVec<[(Authority, DeviceClass); 2]>,
    /// The same under the other reading (equal to `default` outside a contested period).
    pub(crate) alternative: SmallVec<[(Authority, DeviceClass); 2]>,
    /// The contest of the period, when a device's rule has another reading.
    pub(crate) contest: Option<&'a Contest>,
    /// The other reading is applied (the default one would split the application).
    pub(crate) applied_alternative: bool,
}

impl Licensing<'_> {
    /// The authority that licenses the whole application, if anything is regulated.
    pub(crate) fn authority(&self) -> Option<Authority> {
        let parts = if self.applied_alternative { &self.alternative } else { &self.default };
        parts.first().map(|(a, _)| *a)
    }
}

/// The plan of an application: its settled terms, one entry per device, the fee lines, who
/// licenses it, and (when itemising) the notes.
#[derive(Debug)]
pub(crate) struct Plan<'v> {
    pub(crate) terms: Terms<'v>,
    /// What each device is, only when itemising.
    pub(crate) entries: Vec<Entry<'v>>,
    pub(crate) lines: SmallVec<[FeeLine<'v>; 6]>,
    pub(crate) licensing: Licensing<'v>,
    /// The texts, only when itemising.
    pub(crate) texts: Option<Box<Texts>>,
}

impl<'v> Plan<'v> {
    /// An empty plan of an application on `terms`, for [`plan`] to fill.
    pub(crate) fn new(terms: Terms<'v>) -> Plan<'v> {
        Plan { terms, entries: Vec::new(), lines: SmallVec::new(), licensing: Licensing::default(), texts: None }
    }
}

/// The notes of a quote, each once (a set beside the list keeps adding linear).
#[derive(Debug, Default)]
pub(crate) struct Notes {
    pub(crate) en: Vec<String>,
    pub(crate) vi: Vec<String>,
    seen: std::collections::HashSet<String>,
}

impl Notes {
    pub(crate) fn push(&mut self, en: String, vi: String) {
        if self.seen.insert(en.clone()) {
            self.en.push(en);
            self.vi.push(vi);
        }
    }

    pub(crate) fn push_front(&mut self, en: String, vi: String) {
        if self.seen.insert(en.clone()) {
            self.en.insert(0, en);
            self.vi.insert(0, vi);
        }
    }

    pub(crate) fn assumption(&mut self, t: &Text) {
        self.push(format!("Assumption: {}", t.en), format!("Giả định: {}", t.vi));
    }
}

/// What the quote says when a device gives both a class and a description.
fn agreement(n: usize, given: DeviceClass, c: &Classification) -> (String, String) {
    let read = match &c.outcome {
        Outcome::Settled(k) => format!("`{k}`"),
        Outcome::Ambiguous { classes, .. } => classes.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(" or "),
        _ => "no class".to_owned(),
    };
    // In Vietnamese: the class names, not only their keys, joined as Vietnamese joins them.
    let read_vi = match &c.outcome {
        Outcome::Settled(k) => format!("{} (`{k}`)", k.name_vi()),
        Outcome::Ambiguous { classes, .. } if classes.len() > 4 => {
            format!("{} loại thiết bị (chưa xác định được loại nào)", classes.len())
        }
        Outcome::Ambiguous { classes, .. } => {
            classes.iter().map(|x| format!("{} (`{x}`)", x.name_vi())).collect::<Vec<_>>().join(" hoặc ")
        }
        _ => "không loại nào".to_owned(),
    };
    if c.class() == Some(given) {
        (
            format!("Device {n}: the classifier agrees that the description is `{given}`."),
            format!("Thiết bị {n}: bộ phân loại xác nhận mô tả là `{given}`."),
        )
    } else if c.outcome.candidates().contains(&given) {
        (
            format!("Device {n}: the description fits {read}; the class given, `{given}`, is one of them."),
            format!("Thiết bị {n}: mô tả phù hợp với {read_vi}; loại đã khai `{given}` là một trong số đó."),
        )
    } else {
        (
            format!(
                "DISAGREEMENT, device {n}: the class given is `{given}` but the classifier reads the description as {read}; priced as given. Check the declaration."
            ),
            format!(
                "KHÔNG KHỚP, thiết bị {n}: loại đã khai là `{given}` nhưng bộ phân loại đọc mô tả là {read_vi}; tính phí theo loại đã khai. Cần kiểm tra lại hồ sơ."
            ),
        )
    }
}

/// The error for a described device whose class the description does not settle.
fn unsettled(n: usize, device: &DeviceRef<'_>, c: &Classification) -> Error {
    let (message, message_vi, classes, field) = match &c.outcome {
        Outcome::Ambiguous { classes, field } => {
            let en_list = classes.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ");
            let vi_list = classes.iter().map(|x| format!("`{x}` ({})", x.name_vi())).collect::<Vec<_>>().join(", ");
            (
                format!(
                    "device {n}: the description does not settle the class: it could be {en_list}; give `{field}` to decide (or give class = \"<key>\")"
                ),
                format!(
                    "thiết bị {n}: mô tả chưa đủ để xác định loại thiết bị, có thể là {vi_list}; hãy ghi thêm `{field}` (hoặc ghi class = \"<mã loại>\")"
                ),
                classes.clone(),
                Some(*field),
            )
        }
        _ => (
            format!(
                "device {n}: nothing in the description identifies the device{}; give class = \"<key>\" or describe it with radiation, use and modality",
                if c.warnings.is_empty() { String::new() } else { format!(" ({})", c.warnings.join("; ")) }
            ),
            format!(
                "thiết bị {n}: mô tả không cho biết đây là thiết bị gì; hãy ghi class = \"<mã loại>\" hoặc mô tả loại bức xạ (radiation), mục đích sử dụng (use) và kỹ thuật (modality)"
            ),
            Vec::new(),
            None,
        ),
    };
    Error::new(
        ErrorKind::UnsettledDevice { device: n, classes, field },
        Finding::error(device.location.cloned(), Some("device"), message).vi(message_vi),
    )
}

/// Plans an application under `version`: settles its terms, decides what each device is and
/// who licenses the whole. With `notes` (the quote's notes so far), it itemises: writes the
/// notes and the reasons of lines of zero.
///
/// # Errors
/// Input errors (an unknown condition, a missing kind of facility, a description that does not
/// settle a class, a device with neither class nor description); unpriceable ones (a class
/// with no authority or no fee row, devices that fall to different authorities).
#[allow(clippy::too_many_lines)]
#[inline(always)]
pub(crate) fn plan<'v>(
    out: &mut Plan<'v>,
    version: &'v Version,
    authority: &'v AuthorityTable,
    classifier: &Classifier<'_>,
    places: &Places,
    devices: impl ExactSizeIterator<Item = DeviceRef<'v>>,
    notes: Option<Notes>,
) -> Result<(), Error> {
    let date: Date = out.terms.received;
    let defaulted;
    (out.terms, defaulted) = settle(version, out.terms, places)?;
    // The plan is filled where it lies (a total's plan is never moved).
    let Plan { entries, lines, licensing, texts, .. } = out;
    *texts = notes.map(|notes| {
        Box::new(Texts { per_device: Vec::with_capacity(devices.len()), notes, classified_by: Vec::new() })
    });
    if let (Some(d), Some(t)) = (defaulted, &mut *texts) {
        t.notes.push_front(
            format!(
                "The application does not state its kind of facility: the schedule assumes `{}` ({}).",
                d.kind.key(),
                d.basis
            ),
            format!("Hồ sơ không ghi loại cơ sở: biểu phí mặc định là `{}` ({}).", d.kind.key(), d.basis),
        );
    }
    let itemise = texts.is_some();
    if itemise {
        entries.reserve(devices.len());
    }
    // An entry is kept only for an itemised quote (a total needs only the fee lines).
    let mut entry = |e: Entry<'v>| {
        if itemise {
            entries.push(e);
        }
    };
    let mut missing: Vec<DeviceClass> = Vec::new();
    let mut contested = false;
    let (mut seen, mut seen_other) = (0u32, 0u32);
    let bit = |a: Authority| 1u32 << (a as u32);
    let period = authority.period_on(date);
    // A line of zero; its reason is written only when itemising.
    let zero =
        |texts: &mut Option<Box<Texts>>, class: Option<DeviceClass>, why: &dyn Fn() -> (String, String, String)| {
            if let Some(t) = texts {
                let (basis, en, vi) = why();
                t.per_device.push(DeviceText::Zero(Zero { class, basis, en, vi }));
            }
            Entry::Zero(class)
        };
    for (i, device) in devices.enumerate() {
        let n = i + 1;
        let class = match device.description {
            Some(d) => match described(classifier, d, date, n, &device, &mut *texts)? {
                Described::Class(k) => k,
                Described::Zero(class) => {
                    entry(Entry::Zero(class));
                    continue;
                }
            },
            None => match device.class {
                Some(c) => c,
                None => {
                    return Err(Error::input(
                        Finding::error(
                            device.location.cloned(),
                            Some("device"),
                            format!("device {n} has neither a class nor a description"),
                        )
                        .vi(format!("thiết bị {n} không có loại thiết bị (class) cũng không có mô tả")),
                    ));
                }
            },
        };
        if !class.needs_fee_row() {
            entry(zero(&mut *texts, Some(class), &not_ionizing_text));
            continue;
        }
        let Some((rule, period_assumption)) = period.and_then(|p| Some((p.rule(class)?, p.assumption()))) else {
            return Err(Error::unpriceable(
                ErrorKind::NoAuthority { class, date },
                format!("the authority table gives no licensing authority for `{class}` on {date}"),
            )
            .vi(format!(
                "bảng thẩm quyền không xác định cơ quan cấp phép cho `{class}` vào ngày {}",
                date.day_first()
            )));
        };
        // Each authority once, with the first class that falls to it (a bit per authority
        // says which are listed).
        if seen & bit(rule.authority) == 0 {
            seen |= bit(rule.authority);
            licensing.default.push((rule.authority, class));
        }
        let other = rule.alternative.as_ref().map_or(rule.authority, |a| a.authority);
        contested |= rule.alternative.is_some();
        if seen_other & bit(other) == 0 {
            seen_other |= bit(other);
            licensing.alternative.push((other, class));
        }
        if let Some(t) = &mut *texts {
            for a in [rule.assumption.as_ref(), period_assumption].into_iter().flatten() {
                t.notes.assumption(a);
            }
        }
        if let Some(ex) = version.exemption(class) {
            entry(zero(&mut *texts, Some(class), &|| {
                (
                    ex.basis.to_string(),
                    format!("Exempt from the fee: {}", ex.note.en),
                    format!("Miễn phí: {}", ex.note.vi),
                )
            }));
            continue;
        }
        let Some((row, mapping)) = version.row_for(class) else {
            if !missing.contains(&class) {
                missing.push(class);
            }
            continue;
        };
        if let Some(t) = &mut *texts {
            let (mut en, mut vi) = (Vec::new(), Vec::new());
            if mapping.by_analogy {
                en.push(format!(
                    "Applied by analogy with row {} (assumption): the law has no row for this class.",
                    row.id
                ));
                vi.push(format!(
                    "Áp dụng tương tự mục {} (giả định): biểu phí không có mục riêng cho loại thiết bị này.",
                    row.id
                ));
            }
            if let Some(t) = &mapping.note {
                en.push(t.en.clone());
                vi.push(t.vi.clone());
            }
            if let Some(a) = &row.assumption {
                en.push(format!("Assumption: {}", a.en));
                vi.push(format!("Giả định: {}", a.vi));
            }
            for (e, v) in en.iter().zip(&vi) {
                t.notes.push(format!("{class} (line {n}): {e}"), format!("{class} (dòng {n}): {v}"));
            }
            t.per_device.push(DeviceText::Fee((!en.is_empty()).then(|| (en.join(" "), vi.join(" ")))));
        }
        entry(Entry::Fee { line: lines.len(), class, mapping });
        lines.push(FeeLine { row, count: device.count });
    }
    if !missing.is_empty() {
        let list: Vec<&str> = missing.iter().map(|c| c.key()).collect();
        return Err(Error::unpriceable(
            ErrorKind::NoFeeRow { version: version.id().to_owned(), date, classes: missing.clone() },
            format!(
                "schedule version `{}` (in force on {date}) has no fee row for: {}; the application cannot be priced until the schedule maps these classes",
                version.id(),
                list.join(", ")
            ),
        )
        .vi(format!(
            "biểu phí `{}` (có hiệu lực ngày {}) không có mức phí cho: {}; chưa tính được phí cho hồ sơ này",
            version.id(),
            date.day_first(),
            list.join(", ")
        )));
    }
    licensing.contest = if contested { period.and_then(|p| p.contest()) } else { None };
    decide(licensing, date)
}

/// What a described device is: a class to price, or a line of zero (exempt, or not
/// ionising) whose reason is written when itemising.
enum Described {
    Class(DeviceClass),
    Zero(Option<DeviceClass>),
}

/// Classifies a described device and says what it is on the quote, writing (when itemising)
/// what the classifier found: agreement with a class given, its warnings, the class it read.
#[inline(never)]
fn described(
    classifier: &Classifier<'_>,
    d: &Description,
    date: Date,
    n: usize,
    device: &DeviceRef<'_>,
    texts: &mut Option<Box<Texts>>,
) -> Result<Described, Error> {
    let c = classifier.classify(d, date).map_err(|e| e.at(device.location))?;
    if let Some(t) = texts.as_mut() {
        let notes = &mut t.notes;
        if let Some(given) = device.class {
            let (en, vi) = agreement(n, given, &c);
            notes.push(en, vi);
        }
        // What the classifier assumed or could not check (a source without a reference date,
        // unverified nuclide data), on the quote; the schedule's warnings and a contested
        // authority are the quote's own warnings already.
        for (w, vi) in c.warnings.iter().zip(c.warnings_vi.iter().map(Some).chain(std::iter::repeat(None))) {
            let own = w.starts_with("high (") || w.starts_with("notice (") || w.starts_with("contested:");
            if !own {
                notes.push(format!("Device {n}: {w}"), format!("Thiết bị {n}: {}", vi.unwrap_or(w)));
            }
        }
    }
    let zero =
        |texts: &mut Option<Box<Texts>>, class: Option<DeviceClass>, (basis, en, vi): (String, String, String)| {
            if let Some(t) = texts {
                t.per_device.push(DeviceText::Zero(Zero { class, basis, en, vi }));
            }
            Described::Zero(class)
        };
    if c.status == Some(Status::Exempt) {
        let class = device.class.or(c.class());
        let why = c.exemption.as_deref();
        let reason = c.reasons.iter().find(|r| r.rule.starts_with("exemption"));
        let basis = reason.map(|r| r.basis.clone());
        // The classifier's own Vietnamese for why (`điện áp cực đại của ống phát 4,5 kV ≤ 5 kV`).
        let why_vi = reason.map(|r| r.text_vi.as_str()).filter(|t| !t.is_empty()).or(why);
        return Ok(zero(
            texts,
            class,
            (
                basis.unwrap_or_default(),
                format!("Exempt: {}.", why.unwrap_or("below the exemption criteria")),
                format!("Miễn trừ: {}.", why_vi.unwrap_or("dưới ngưỡng miễn trừ")),
            ),
        ));
    }
    if c.status == Some(Status::NotIonizing) && device.class.is_none() {
        return Ok(zero(texts, c.class(), not_ionizing_text()));
    }
    Ok(Described::Class(match (device.class, c.class()) {
        (Some(given), _) => given,
        (None, Some(k)) => {
            if let Some(t) = texts.as_mut() {
                t.notes.push(
                    format!("Device {n}: classified as `{k}` ({}) from its description.", k.name_en()),
                    format!("Thiết bị {n}: được phân loại là `{k}` ({}) theo mô tả.", k.name_vi()),
                );
                if t.classified_by.len() < n {
                    t.classified_by.resize_with(n, Vec::new);
                }
                // What settled the class (the name's terms, the fields, the class and its basis);
                // the authority, officer and inspection reasons belong to the classification.
                t.classified_by[n - 1] = c
                    .reasons
                    .iter()
                    .filter(|r| r.rule.starts_with("name.") || r.rule.starts_with("field.") || r.rule == "class")
                    .cloned()
                    .collect();
            }
            k
        }
        (None, None) => return Err(unsettled(n, device, &c)),
    }))
}

/// Decides which reading applies: the default one, unless it splits the application and the
/// other reading of a contested period keeps it whole. Refuses an application that splits
/// under every reading.
fn decide(licensing: &mut Licensing<'_>, date: Date) -> Result<(), Error> {
    let split = |parts: &[(Authority, DeviceClass)]| {
        parts.iter().map(|(a, c)| format!("`{c}` falls to {}", a.key())).collect::<Vec<_>>().join(", ")
    };
    let split_vi = |parts: &[(Authority, DeviceClass)]| {
        parts.iter().map(|(a, c)| format!("{} thuộc {}", c.name_vi(), a.names().0)).collect::<Vec<_>>().join("; ")
    };
    let refuse = |contested: bool, message: String, message_vi: String| {
        Error::unpriceable(ErrorKind::SplitAuthority { date, parts: licensing.default.to_vec(), contested }, message)
            .vi(message_vi)
    };
    licensing.applied_alternative = match (
        licensing.default.len() > 1,
        licensing.alternative.len() > 1,
        licensing.contest,
    ) {
        (false, _, _) => false,
        (true, false, Some(_)) => true,
        (true, _, Some(c)) => {
            return Err(refuse(
                true,
                format!(
                    "the devices fall to different licensing authorities on {date} under both readings of a contested question ({}): under the default reading ({}) {}; under the other ({}) {}; file one application per authority",
                    c.question.en,
                    c.default.en,
                    split(&licensing.default),
                    c.alternative.en,
                    split(&licensing.alternative)
                ),
                format!(
                    "theo cả hai cách hiểu về thẩm quyền ({}), các thiết bị thuộc các cơ quan cấp phép khác nhau vào ngày {}: theo cách hiểu mặc định ({}) {}; theo cách hiểu khác ({}) {}; hãy lập hồ sơ riêng cho từng cơ quan",
                    c.question.vi,
                    date.day_first(),
                    c.default.vi,
                    split_vi(&licensing.default),
                    c.alternative.vi,
                    split_vi(&licensing.alternative)
                ),
            ));
        }
        (true, _, None) => {
            return Err(refuse(
                false,
                format!(
                    "the devices fall to different licensing authorities on {date} ({}); file one application per authority",
                    split(&licensing.default)
                ),
                format!(
                    "vào ngày {} các thiết bị thuộc các cơ quan cấp phép khác nhau ({}); hãy lập hồ sơ riêng cho từng cơ quan",
                    date.day_first(),
                    split_vi(&licensing.default)
                ),
            ));
        }
    };
    Ok(())
}
