//! A semantic diff between two schedule versions: what a change to the files does to the law.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;

use super::version::{Adjustment, Charge, Version};
use crate::date::Date;
use crate::error::Lang;
use crate::money::Money;
use crate::vocab::{DeviceClass, Procedure, Text};

/// One difference between two versions, in words a policy officer reads.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Difference {
    /// A row only in the new version.
    RowAdded {
        /// Row id.
        id: String,
        /// Its amount.
        amount: Decimal,
    },
    /// A row only in the old version.
    RowRemoved {
        /// Row id.
        id: String,
    },
    /// A row whose amount changed.
    RowRepriced {
        /// Row id.
        id: String,
        /// Old amount.
        old: Decimal,
        /// New amount.
        new: Decimal,
    },
    /// A class priced by a different row, or no longer / newly priced.
    ClassRemapped {
        /// The class.
        class: DeviceClass,
        /// Old row (None: not priced).
        old: Option<String>,
        /// New row (None: not priced).
        new: Option<String>,
    },
    /// A class's by-analogy flag changed.
    AnalogyChanged {
        /// The class.
        class: DeviceClass,
        /// Whether it is now priced by analogy.
        by_analogy: bool,
    },
    /// A procedure factor changed (None: no factor).
    FactorChanged {
        /// The procedure.
        procedure: Procedure,
        /// Old factor.
        old: Option<Decimal>,
        /// New factor.
        new: Option<Decimal>,
    },
    /// An adjustment added, removed or changed (kind, factor, amount, channel, window…).
    AdjustmentChanged {
        /// Adjustment id.
        id: String,
        /// A description of the change, in both languages.
        what: Text,
    },
    /// A licence charge added, removed or changed.
    ChargeChanged {
        /// Charge id.
        id: String,
        /// A description of the change, in both languages.
        what: Text,
    },
    /// A row's tier table, tail, indexed unit, assumption, name, unit or legal reference
    /// changed (`what` says which, old → new).
    RowChanged {
        /// Row id.
        id: String,
        /// What changed, in both languages.
        what: Text,
    },
    /// Something else that reaches the quote changed: a note, a warning, a whole-class
    /// exemption, an indexed unit's values, the aggregation or the default kind of facility.
    OtherChanged {
        /// What it is (e.g. `warning reported-74-2026`, `note`, `exemption electron_microscope`),
        /// in both languages.
        item: Text,
        /// What changed, in both languages.
        what: Text,
    },
    /// The rounding rule changed.
    RoundingChanged {
        /// Old rule, in words of both languages.
        old: Text,
        /// New rule, in words of both languages.
        new: Text,
    },
}

fn money(d: Decimal) -> String {
    Money::new(d).to_string()
}

impl Difference {
    /// The difference in words of `lang` (Vietnamese, English, or Vietnamese then English on
    /// the next line), as diff-schedules prints it.
    pub fn display_in(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.words(&VI),
            Lang::En => self.words(&EN),
            Lang::Both => format!("{}\n    [en] {}", self.words(&VI), self.words(&EN)),
        }
    }

    fn words(&self, w: &Words) -> String {
        let factor = |x: &Option<Decimal>| {
            x.map_or_else(|| w.t("none", "không có").to_owned(), |d| w.number(crate::money::canonical(d)))
        };
        let class = |c: &DeviceClass| if w.vi { format!("`{c}` ({})", c.name_vi()) } else { c.to_string() };
        let t = |x: &Text| w.text(x).to_owned();
        match self {
            Difference::RowAdded { id, amount } => {
                format!("{} {id} {}: {}", w.t("row", "mục"), w.t("added", "được thêm"), money(*amount))
            }
            Difference::RowRemoved { id } => format!("{} {id} {}", w.t("row", "mục"), w.t("removed", "bị bỏ")),
            Difference::RowRepriced { id, old, new } => {
                let (o, n) = (money(*old), money(*new));
                if w.vi {
                    format!("mục {id} đổi mức thu: {o} → {n}")
                } else {
                    format!("row {id} re-priced: {o} → {n}")
                }
            }
            Difference::ClassRemapped { class: c, old, new } => {
                let c = class(c);
                match (old, new, w.vi) {
                    (Some(o), Some(n), false) => format!("class {c} moved from row {o} to row {n}"),
                    (Some(o), Some(n), true) => format!("loại {c} chuyển từ mục {o} sang mục {n}"),
                    (None, Some(n), false) => format!("class {c} now priced by row {n}"),
                    (None, Some(n), true) => format!("loại {c} nay thu phí theo mục {n}"),
                    (Some(o), None, false) => format!("class {c} no longer priced (was row {o})"),
                    (Some(o), None, true) => format!("loại {c} không còn mục phí (trước là mục {o})"),
                    (None, None, false) => format!("class {c} unchanged"),
                    (None, None, true) => format!("loại {c} không đổi"),
                }
            }
            Difference::AnalogyChanged { class: c, by_analogy } => {
                let c = class(c);
                match (w.vi, by_analogy) {
                    (false, true) => format!("class {c} is now priced by analogy"),
                    (false, false) => format!("class {c} is no longer priced by analogy"),
                    (true, true) => format!("loại {c} nay thu phí theo mức tương tự"),
                    (true, false) => format!("loại {c} không còn thu phí theo mức tương tự"),
                }
            }
            Difference::FactorChanged { procedure, old, new } => {
                let p = w.procedure(*procedure);
                if w.vi {
                    format!("hệ số của thủ tục {p}: {} → {}", factor(old), factor(new))
                } else {
                    format!("procedure {p} factor: {} → {}", factor(old), factor(new))
                }
            }
            Difference::AdjustmentChanged { id, what } => {
                format!("{} {id}: {}", w.t("adjustment", "điều chỉnh"), t(what))
            }
            Difference::ChargeChanged { id, what } => format!("{} {id}: {}", w.t("charge", "khoản thu"), t(what)),
            Difference::RowChanged { id, what } => format!("{} {id}: {}", w.t("row", "mục"), t(what)),
            Difference::OtherChanged { item, what } => format!("{}: {}", t(item), t(what)),
            Difference::RoundingChanged { old, new } => {
                format!("{}: {} → {}", w.t("rounding", "làm tròn"), t(old), t(new))
            }
        }
    }
}

impl fmt::Display for Difference {
    /// The difference in English (see [`Difference::display_in`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.words(&EN))
    }
}

/// The words of a diff in one language: English, or Vietnamese (the law's terms, dates day
/// first, the Vietnamese text of bilingual fields).
struct Words {
    vi: bool,
}

/// English words.
const EN: Words = Words { vi: false };
/// Vietnamese words.
const VI: Words = Words { vi: true };

impl Words {
    /// `en` or `vi`.
    fn t<'a>(&self, en: &'a str, vi: &'a str) -> &'a str {
        if self.vi { vi } else { en }
    }

    /// The text of a bilingual field in this language.
    fn text<'a>(&self, x: &'a Text) -> &'a str {
        if self.vi { &x.vi } else { &x.en }
    }

    fn date(&self, d: Date) -> String {
        if self.vi { d.day_first() } else { d.to_string() }
    }

    /// A factor or a step: `0.75` in English, `0,75` in Vietnamese.
    fn number(&self, d: Decimal) -> String {
        if self.vi { d.to_string().replace('.', ",") } else { d.to_string() }
    }

    fn procedure(&self, p: Procedure) -> String {
        if self.vi { p.names().0.to_lowercase() } else { p.key().to_owned() }
    }

    fn procedures(&self, list: &[Procedure]) -> String {
        list.iter().map(|p| self.procedure(*p)).collect::<Vec<_>>().join("/")
    }

    /// Both languages of a description.
    fn both(describe: impl Fn(&Words) -> String) -> Text {
        Text { en: describe(&EN), vi: describe(&VI) }
    }
}

fn describe_adjustment(a: &Adjustment, w: &Words) -> String {
    let kind_vi = match a.kind.key() {
        "factor" => "nhân hệ số".to_owned(),
        "cap" => "mức trần".to_owned(),
        "floor" => "mức sàn".to_owned(),
        "surcharge" => "thu thêm".to_owned(),
        "volume_discount" => "giảm theo số lượng".to_owned(),
        "site_surcharge" => "thu thêm theo địa điểm".to_owned(),
        other => format!("`{other}`"),
    };
    let mut parts = vec![if w.vi { kind_vi } else { a.kind.key().to_owned() }];
    if let Some(x) = a.factor {
        parts.push(format!("{} {}", w.t("factor", "hệ số"), w.number(crate::money::canonical(x))));
    }
    if let Some(x) = a.amount {
        parts.push(format!("{} {}", w.t("amount", "số tiền"), money(x)));
    }
    if let Some(c) = a.channel {
        let channel = if w.vi { c.names().0.to_lowercase() } else { c.key().to_owned() };
        parts.push(format!("{} {channel}", w.t("channel", "hình thức nộp")));
    }
    if let Some(p) = &a.procedures {
        parts.push(format!("{} {}", w.t("procedures", "thủ tục"), w.procedures(p)));
    }
    if a.from.is_some() || a.until.is_some() {
        parts.push(format!("{} {}", w.t("window", "thời gian áp dụng"), window(a.from, a.until, w)));
    }
    if let Some(k) = &a.facility_kinds {
        let kinds = k.iter().map(|k| k.key()).collect::<Vec<_>>().join("/");
        parts.push(format!("{} {kinds}", w.t("facility kinds", "loại cơ sở")));
    }
    if let Some(c) = &a.when {
        parts.push(format!("{} {c}", w.t("when", "điều kiện")));
    }
    parts.push(format!("{} \"{}\"", w.t("name", "tên"), w.text(&a.name)));
    parts.push(format!("{} {}", w.t("basis", "căn cứ"), a.basis));
    if let Some(x) = &a.assumption {
        parts.push(format!("{} \"{}\"", w.t("assumption", "giả định"), w.text(x)));
    }
    if let Some(bands) = &a.bands {
        let b: Vec<String> = bands
            .iter()
            .map(|(from, to, f)| {
                format!(
                    "{from}–{}: {}",
                    to.map_or_else(|| "…".to_owned(), |t| t.to_string()),
                    w.number(crate::money::canonical(*f))
                )
            })
            .collect();
        parts.push(format!("{} {}", w.t("bands", "bậc"), b.join("; ")));
    }
    parts.join(", ")
}

fn describe_row_shape(r: &super::version::Row, w: &Words) -> String {
    let mut parts = Vec::new();
    if let Some(t) = &r.tiers {
        let tiers = t.iter().map(|x| money(*x)).collect::<Vec<_>>().join(", ");
        parts.push(format!("{} {tiers}", w.t("tiers", "các bậc")));
    }
    if let Some(t) = r.tail {
        parts.push(format!("{} {}", w.t("tail", "mức cho mỗi đơn vị thêm"), money(t)));
    }
    if let Some(i) = &r.indexed {
        parts.push(format!("{} {i}", w.t("in index", "theo chỉ số")));
    }
    if let Some(a) = &r.assumption {
        parts.push(format!("{} \"{}\"", w.t("assumption", "giả định"), w.text(a)));
    }
    if parts.is_empty() {
        w.t("plain amount", "một mức thu cố định (không bậc, không giả định)").to_owned()
    } else {
        parts.join(", ")
    }
}

fn describe_charge(c: &Charge, w: &Words) -> String {
    let mut s = money(c.amount);
    if let Some(p) = &c.procedures {
        s.push_str(&format!(" {} {}", w.t("for", "cho thủ tục"), w.procedures(p)));
    }
    if c.from.is_some() || c.until.is_some() {
        s.push_str(&format!(", {} {}", w.t("window", "thời gian áp dụng"), window(c.from, c.until, w)));
    }
    s.push_str(&format!(", {} \"{}\", {} {}", w.t("name", "tên"), w.text(&c.name), w.t("basis", "căn cứ"), c.basis));
    s
}

/// A window in words: `2021-05-01 to …`, `01/05/2021 đến …`.
fn window(from: Option<Date>, until: Option<Date>, w: &Words) -> String {
    format!(
        "{} {} {}",
        from.map_or_else(|| "…".to_owned(), |d| w.date(d)),
        w.t("to", "đến"),
        until.map_or_else(|| "…".to_owned(), |d| w.date(d))
    )
}

/// "added (…)", "removed (was …)" or "old → new", or nothing when unchanged.
fn change_text(old: Option<String>, new: Option<String>, w: &Words) -> Option<String> {
    match (old, new) {
        (None, Some(n)) => Some(format!("{} ({n})", w.t("added", "được thêm"))),
        (Some(o), None) => {
            Some(if w.vi { format!("bị bỏ (trước là {o})") } else { format!("removed (was {o})") })
        }
        (Some(o), Some(n)) if o != n => Some(format!("{o} → {n}")),
        _ => None,
    }
}

/// A change in both languages, when the English says there is one.
fn change(describe: impl Fn(&Words) -> (Option<String>, Option<String>)) -> Option<Text> {
    let (o, n) = describe(&EN);
    let en = change_text(o, n, &EN)?;
    let (o, n) = describe(&VI);
    let vi = change_text(o, n, &VI).unwrap_or_else(|| en.clone());
    Some(Text { en, vi })
}

/// Items of two lists matched by id, each change described in both languages: (id,
/// description), by id.
fn by_id<T>(
    old: &[T],
    new: &[T],
    id: impl Fn(&T) -> &String,
    describe: impl Fn(&T, &Words) -> String,
) -> Vec<(String, Text)> {
    let mut ids: Vec<&String> = old.iter().chain(new).map(&id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .filter_map(|key| {
            let find = |list: &[T], w: &Words| list.iter().find(|x| id(x) == key).map(|x| describe(x, w));
            change(|w| (find(old, w), find(new, w))).map(|what| (key.clone(), what))
        })
        .collect()
}

/// The differences that reach a quote between `old` and `new`: rows (amounts, tiers, tails,
/// indexed units, assumptions, wording), class mappings, procedure factors, adjustments (with
/// their channel, procedures, window, facility kinds, condition and bands), charges,
/// warnings and notes (their whole texts, both languages), whole-class exemptions, indexed
/// units, aggregation, the default kind of facility, the title, the legal-basis chain,
/// rounding and the dates in force; names, bases and assumptions wherever they are printed on
/// a quote. Then, by their path of TOML keys (`rows "1.4.7" › basis › url`), the values no
/// quote prints (a legal reference's date of issue and link, the issuer, the currency) and,
/// when nothing above differs, every value that does: an empty list means the two versions
/// say the same. The version's id, lineage, fingerprint and provincial deviation are not
/// compared (they always differ).
pub fn diff(old: &Version, new: &Version) -> Vec<Difference> {
    let mut out = Vec::new();
    fn rows(v: &Version) -> BTreeMap<String, &super::version::Row> {
        v.rows().iter().map(|r| (r.id.clone(), r)).collect()
    }
    let (a, b) = (rows(old), rows(new));
    for (id, r) in &a {
        let Some(n) = b.get(id) else {
            out.push(Difference::RowRemoved { id: id.clone() });
            continue;
        };
        // Each kind of change is said, so a re-pricing hides no new wording or assumption.
        if n.amount != r.amount {
            out.push(Difference::RowRepriced { id: id.clone(), old: r.amount, new: n.amount });
        }
        if n.tiers != r.tiers || n.tail != r.tail || n.indexed != r.indexed || n.assumption != r.assumption {
            let what = Words::both(|w| format!("{} → {}", describe_row_shape(r, w), describe_row_shape(n, w)));
            out.push(Difference::RowChanged { id: id.clone(), what });
        }
        let words = |w: &Words| {
            let mut words = Vec::new();
            if n.name != r.name {
                words.push(format!("{} \"{}\" → \"{}\"", w.t("name", "tên"), w.text(&r.name), w.text(&n.name)));
            }
            if n.unit != r.unit {
                let name = |u: super::kinds::Unit| if w.vi { u.names().0 } else { u.names().1 };
                words.push(format!("{} {} → {}", w.t("unit", "đơn vị tính"), name(r.unit), name(n.unit)));
            }
            // The basis as a quote prints it (its link and date are not printed).
            if crate::text::nfc(&n.basis.to_string()) != crate::text::nfc(&r.basis.to_string()) {
                words.push(format!("{} {} → {}", w.t("basis", "căn cứ"), r.basis, n.basis));
            }
            words.join("; ")
        };
        if !words(&EN).is_empty() {
            out.push(Difference::RowChanged { id: id.clone(), what: Words::both(words) });
        }
    }
    for (id, r) in &b {
        if !a.contains_key(id) {
            out.push(Difference::RowAdded { id: id.clone(), amount: r.amount });
        }
    }
    let other = |out: &mut Vec<Difference>, item: Text, what: Text| out.push(Difference::OtherChanged { item, what });
    for class in DeviceClass::ALL {
        let (o, n) = (old.row_for(*class), new.row_for(*class));
        let (oid, nid) = (o.map(|(r, _)| r.id.clone()), n.map(|(r, _)| r.id.clone()));
        if oid != nid {
            out.push(Difference::ClassRemapped { class: *class, old: oid, new: nid });
        }
        // Its analogy flag and note, also when it moved or is newly priced (a class priced by
        // analogy from now on says so).
        let (om, nm) = (o.map(|(_, m)| m), n.map(|(_, m)| m));
        if nm.is_some() && om.is_some_and(|m| m.by_analogy) != nm.is_some_and(|m| m.by_analogy) {
            out.push(Difference::AnalogyChanged { class: *class, by_analogy: nm.is_some_and(|m| m.by_analogy) });
        }
        let note = |m: Option<&super::version::ClassMapping>, w: &Words| {
            m.and_then(|m| m.note.as_ref()).map(|t| format!("\"{}\"", w.text(t)))
        };
        if nm.is_some()
            && let Some(what) = change(|w| (note(om, w), note(nm, w)))
        {
            let item = Words::both(|w| {
                if w.vi { format!("ghi chú của loại `{class}`") } else { format!("class {class} note") }
            });
            other(&mut out, item, what);
        }
    }
    for p in Procedure::ALL {
        let (o, n) = (old.procedure(p).map(|r| r.factor), new.procedure(p).map(|r| r.factor));
        if o != n {
            out.push(Difference::FactorChanged { procedure: p, old: o, new: n });
        }
        let rest = |v: &Version, w: &Words| {
            v.procedure(p).map(|r| {
                let assumption = r
                    .assumption
                    .as_ref()
                    .map_or_else(String::new, |a| format!(", {} \"{}\"", w.t("assumption", "giả định"), w.text(a)));
                format!("{} {}{assumption}", w.t("basis", "căn cứ"), r.basis)
            })
        };
        if let Some(what) = change(|w| (rest(old, w), rest(new, w))) {
            other(&mut out, Words::both(|w| format!("{} {}", w.t("procedure", "thủ tục"), w.procedure(p))), what);
        }
    }
    for (id, what) in by_id(old.adjustments(), new.adjustments(), |a| &a.id, describe_adjustment) {
        out.push(Difference::AdjustmentChanged { id, what });
    }
    for (id, what) in by_id(old.charges(), new.charges(), |c| &c.id, describe_charge) {
        out.push(Difference::ChargeChanged { id, what });
    }
    for (id, what) in by_id(
        old.warnings(),
        new.warnings(),
        |w| &w.id,
        |x, w| {
            // The whole text in both languages: a change at the end of a sentence, or in the
            // Vietnamese alone, is a change.
            let level = match (w.vi, x.level) {
                (true, super::model::WarningLevel::High) => "mức cao",
                (true, _) => "lưu ý",
                (false, level) => level.key(),
            };
            let (first, second) = if w.vi { (&x.text.vi, &x.text.en) } else { (&x.text.en, &x.text.vi) };
            format!(
                "{level}, {}, {} {}: \"{first}\" / \"{second}\"",
                window(x.from, x.until, w),
                w.t("basis", "căn cứ"),
                x.basis
            )
        },
    ) {
        other(&mut out, Words::both(|w| format!("{} {id}", w.t("warning", "cảnh báo"))), what);
    }
    let note = |n: &super::version::Note, w: &Words| {
        let id = n.id.as_ref().map_or_else(String::new, |i| format!("{i}: "));
        let basis = n.basis.as_ref().map_or_else(String::new, |b| format!(", {} {b}", w.t("basis", "căn cứ")));
        let assumption = if n.assumption { w.t(", an assumption", ", là giả định") } else { "" };
        let (first, second) = if w.vi { (&n.vi, &n.en) } else { (&n.en, &n.vi) };
        format!("{id}\"{first}\" / \"{second}\" ({}{basis}{assumption})", window(n.from, n.until, w))
    };
    let notes = |v: &Version, w: &Words| -> Vec<String> { v.notes().iter().map(|n| note(n, w)).collect() };
    let (old_notes, new_notes) = (notes(old, &EN), notes(new, &EN));
    let note_item = || Words::both(|w| w.t("note", "ghi chú").to_owned());
    for (i, n) in old_notes.iter().enumerate().filter(|(_, n)| !new_notes.contains(n)) {
        let what =
            Text { en: format!("removed (was {n})"), vi: format!("bị bỏ (trước là {})", notes(old, &VI)[i]) };
        other(&mut out, note_item(), what);
    }
    for (i, n) in new_notes.iter().enumerate().filter(|(_, n)| !old_notes.contains(n)) {
        let what = Text { en: format!("added ({n})"), vi: format!("được thêm ({})", notes(new, &VI)[i]) };
        other(&mut out, note_item(), what);
    }
    for class in DeviceClass::ALL {
        let describe = |v: &Version, w: &Words| {
            v.exemption(*class).map(|e| format!("{}: \"{}\" ({})", w.t("exempt", "miễn phí"), w.text(&e.note), e.basis))
        };
        if let Some(what) = change(|w| (describe(old, w), describe(new, w))) {
            other(&mut out, Words::both(|w| format!("{} {class}", w.t("exemption", "miễn phí cho loại"))), what);
        }
    }
    let index_ids = |v: &Version| -> Vec<String> { v.indexes().iter().map(|i| i.id.clone()).collect() };
    let mut ids = index_ids(old);
    ids.extend(index_ids(new));
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let describe = |v: &Version, w: &Words| {
            v.index(&id).map(|i| {
                i.values.iter().map(|(d, x)| format!("{}: {}", w.date(*d), money(*x))).collect::<Vec<_>>().join(", ")
            })
        };
        if let Some(what) = change(|w| (describe(old, w), describe(new, w))) {
            other(&mut out, Words::both(|w| format!("{} {id}", w.t("index", "chỉ số"))), what);
        }
    }
    if old.aggregation() != new.aggregation() {
        let name = |a: super::model::Aggregation, w: &Words| match a {
            super::model::Aggregation::Sum => w.t("every device charged", "thu phí mọi thiết bị"),
            super::model::Aggregation::Highest => {
                w.t("only the highest line, once", "chỉ thu một lần theo dòng cao nhất")
            }
        };
        let what = Words::both(|w| format!("{} → {}", name(old.aggregation(), w), name(new.aggregation(), w)));
        other(&mut out, Words::both(|w| w.t("aggregation", "cách cộng phí").to_owned()), what);
    }
    let kind = |v: &Version, _: &Words| v.default_facility_kind().map(|d| d.kind.key().to_owned());
    if let Some(what) = change(|w| (kind(old, w), kind(new, w))) {
        other(&mut out, Words::both(|w| w.t("default facility kind", "loại cơ sở mặc định").to_owned()), what);
    }
    let rounding = |v: &Version, w: &Words| {
        let r = v.rounding();
        let at = match r.at {
            super::model::RoundAt::Line => w.t("each line", "từng dòng"),
            super::model::RoundAt::Total => w.t("the total", "tổng số"),
        };
        let step = w.number(crate::money::canonical(r.step));
        if w.vi {
            format!("{} đến {step} ở {at}", r.strategy.key())
        } else {
            format!("{} to {step} at {at}", r.strategy.key())
        }
    };
    if old.title() != new.title() {
        let what = Words::both(|w| format!("\"{}\" → \"{}\"", w.text(old.title()), w.text(new.title())));
        other(&mut out, Words::both(|w| w.t("title", "tên văn bản").to_owned()), what);
    }
    let basis = |v: &Version| v.legal_basis().iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
    if basis(old) != basis(new) {
        let what = format!("{} → {}", basis(old), basis(new));
        other(
            &mut out,
            Words::both(|w| w.t("legal basis", "căn cứ pháp lý").to_owned()),
            Text { vi: what.clone(), en: what },
        );
    }
    if rounding(old, &EN) != rounding(new, &EN) {
        out.push(Difference::RoundingChanged {
            old: Words::both(|w| rounding(old, w)),
            new: Words::both(|w| rounding(new, w)),
        });
    }
    let in_force = |v: &Version, w: &Words| window(Some(v.effective_from()), v.effective_until(), w);
    if in_force(old, &EN) != in_force(new, &EN) {
        let what = Words::both(|w| format!("{} → {}", in_force(old, w), in_force(new, w)));
        other(&mut out, Words::both(|w| w.t("in force", "thời gian có hiệu lực").to_owned()), what);
    }
    // What the words above do not say: the values no quote prints and, when the words found
    // nothing, every value that differs. Two versions are never said to agree when their
    // files do not.
    let all = out.is_empty();
    for (path, a, b) in super::leaves::changed(old, new, all) {
        let what = Words::both(|w| change_text(a.clone(), b.clone(), w).unwrap_or_default());
        other(&mut out, Words::both(|w| format!("{} {path}", w.t("in the file:", "trong tệp:"))), what);
    }
    out
}
