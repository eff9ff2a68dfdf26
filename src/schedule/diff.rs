//! A semantic diff between two schedule versions: what a change to the files does to the law.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;

use super::version::{Adjustment, Charge, Version};
use crate::money::Money;
use crate::vocab::DeviceClass;
use crate::vocab::Procedure;

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
        /// A description of the change.
        what: String,
    },
    /// A licence charge added, removed or changed.
    ChargeChanged {
        /// Charge id.
        id: String,
        /// A description of the change.
        what: String,
    },
    /// A row's tier table, tail, indexed unit, assumption, name, unit or legal reference
    /// changed (`what` says which, old → new).
    RowChanged {
        /// Row id.
        id: String,
        /// What changed.
        what: String,
    },
    /// Something else that reaches the quote changed: a note, a warning, a whole-class
    /// exemption, an indexed unit's values, the aggregation or the default kind of facility.
    OtherChanged {
        /// What it is (e.g. `warning reported-74-2026`, `note`, `exemption electron_microscope`).
        item: String,
        /// What changed.
        what: String,
    },
    /// The rounding rule changed.
    RoundingChanged {
        /// Old rule, in words.
        old: String,
        /// New rule, in words.
        new: String,
    },
}

fn money(d: Decimal) -> String {
    Money::new(d).to_string()
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let factor =
            |x: &Option<Decimal>| x.map_or_else(|| "none".to_owned(), |d| crate::money::canonical(d).to_string());
        match self {
            Difference::RowAdded { id, amount } => write!(f, "row {id} added: {}", money(*amount)),
            Difference::RowRemoved { id } => write!(f, "row {id} removed"),
            Difference::RowRepriced { id, old, new } => {
                write!(f, "row {id} re-priced: {} → {}", money(*old), money(*new))
            }
            Difference::ClassRemapped { class, old, new } => match (old, new) {
                (Some(o), Some(n)) => write!(f, "class {class} moved from row {o} to row {n}"),
                (None, Some(n)) => write!(f, "class {class} now priced by row {n}"),
                (Some(o), None) => write!(f, "class {class} no longer priced (was row {o})"),
                (None, None) => write!(f, "class {class} unchanged"),
            },
            Difference::AnalogyChanged { class, by_analogy } => {
                write!(f, "class {class} {} priced by analogy", if *by_analogy { "is now" } else { "is no longer" })
            }
            Difference::FactorChanged { procedure, old, new } => {
                write!(f, "procedure {} factor: {} → {}", procedure.key(), factor(old), factor(new))
            }
            Difference::AdjustmentChanged { id, what } => write!(f, "adjustment {id}: {what}"),
            Difference::ChargeChanged { id, what } => write!(f, "charge {id}: {what}"),
            Difference::RowChanged { id, what } => write!(f, "row {id}: {what}"),
            Difference::OtherChanged { item, what } => write!(f, "{item}: {what}"),
            Difference::RoundingChanged { old, new } => write!(f, "rounding: {old} → {new}"),
        }
    }
}

fn describe_adjustment(a: &Adjustment) -> String {
    let mut parts = vec![a.kind.key().to_owned()];
    if let Some(x) = a.factor {
        parts.push(format!("factor {}", crate::money::canonical(x)));
    }
    if let Some(x) = a.amount {
        parts.push(format!("amount {}", money(x)));
    }
    if let Some(c) = a.channel {
        parts.push(format!("channel {}", c.key()));
    }
    if let Some(p) = &a.procedures {
        parts.push(format!("procedures {}", p.iter().map(|p| p.key()).collect::<Vec<_>>().join("/")));
    }
    match (a.from, a.until) {
        (None, None) => {}
        (f, u) => parts.push(format!(
            "window {} to {}",
            f.map_or_else(|| "…".to_owned(), |d| d.to_string()),
            u.map_or_else(|| "…".to_owned(), |d| d.to_string())
        )),
    }
    if let Some(k) = &a.facility_kinds {
        parts.push(format!("facility kinds {}", k.iter().map(|k| k.key()).collect::<Vec<_>>().join("/")));
    }
    if let Some(w) = &a.when {
        parts.push(format!("when {w}"));
    }
    parts.push(format!("name \"{}\"", a.name.en));
    parts.push(format!("basis {}", a.basis));
    if let Some(x) = &a.assumption {
        parts.push(format!("assumption \"{}\"", x.en));
    }
    if let Some(bands) = &a.bands {
        let b: Vec<String> = bands
            .iter()
            .map(|(from, to, f)| {
                format!(
                    "{from}–{}: {}",
                    to.map_or_else(|| "…".to_owned(), |t| t.to_string()),
                    crate::money::canonical(*f)
                )
            })
            .collect();
        parts.push(format!("bands {}", b.join("; ")));
    }
    parts.join(", ")
}

fn describe_row_shape(r: &super::version::Row) -> String {
    let mut parts = Vec::new();
    if let Some(t) = &r.tiers {
        parts.push(format!("tiers {}", t.iter().map(|x| money(*x)).collect::<Vec<_>>().join(", ")));
    }
    if let Some(t) = r.tail {
        parts.push(format!("tail {}", money(t)));
    }
    if let Some(i) = &r.indexed {
        parts.push(format!("in index {i}"));
    }
    if let Some(a) = &r.assumption {
        parts.push(format!("assumption \"{}\"", a.en));
    }
    if parts.is_empty() { "plain amount".to_owned() } else { parts.join(", ") }
}

fn describe_charge(c: &Charge) -> String {
    let mut s = money(c.amount);
    if let Some(p) = &c.procedures {
        s.push_str(&format!(" for {}", p.iter().map(|p| p.key()).collect::<Vec<_>>().join("/")));
    }
    if c.from.is_some() || c.until.is_some() {
        s.push_str(&format!(", window {}", window(c.from, c.until)));
    }
    s.push_str(&format!(", name \"{}\", basis {}", c.name.en, c.basis));
    s
}

/// A window in words: `2021-05-01 to …`.
fn window(from: Option<crate::date::Date>, until: Option<crate::date::Date>) -> String {
    format!(
        "{} to {}",
        from.map_or_else(|| "…".to_owned(), |d| d.to_string()),
        until.map_or_else(|| "…".to_owned(), |d| d.to_string())
    )
}

/// "added (…)", "removed (was …)" or "old → new", or nothing when unchanged.
fn change_text(old: Option<String>, new: Option<String>) -> Option<String> {
    match (old, new) {
        (None, Some(n)) => Some(format!("added ({n})")),
        (Some(o), None) => Some(format!("removed (was {o})")),
        (Some(o), Some(n)) if o != n => Some(format!("{o} → {n}")),
        _ => None,
    }
}

/// Items of two lists matched by id, each change described: (id, description), by id.
fn by_id<T>(
    old: &[T],
    new: &[T],
    id: impl Fn(&T) -> &String,
    describe: impl Fn(&T) -> String,
) -> Vec<(String, String)> {
    let mut ids: Vec<&String> = old.iter().chain(new).map(&id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .filter_map(|key| {
            let find = |list: &[T]| list.iter().find(|x| id(x) == key).map(&describe);
            change_text(find(old), find(new)).map(|what| (key.clone(), what))
        })
        .collect()
}

/// The differences that reach a quote between `old` and `new`: rows (amounts, tiers, tails,
/// indexed units, assumptions, wording), class mappings, procedure factors, adjustments (with
/// their channel, procedures, window, facility kinds, condition and bands), charges,
/// warnings and notes (their whole texts, both languages), whole-class exemptions, indexed
/// units, aggregation, the default kind of facility, the title, the legal-basis chain and
/// rounding; names, bases and assumptions wherever they are printed on a quote. The version's
/// id and fingerprint are not compared (they always differ).
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
            out.push(Difference::RowChanged {
                id: id.clone(),
                what: format!("{} → {}", describe_row_shape(r), describe_row_shape(n)),
            });
        }
        let mut words = Vec::new();
        if n.name != r.name {
            words.push(format!("name \"{}\" → \"{}\"", r.name.en, n.name.en));
        }
        if n.unit != r.unit {
            words.push(format!("unit {} → {}", r.unit.names().1, n.unit.names().1));
        }
        // The basis as a quote prints it (its link and date are not printed).
        if crate::text::nfc(&n.basis.to_string()) != crate::text::nfc(&r.basis.to_string()) {
            words.push(format!("basis {} → {}", r.basis, n.basis));
        }
        if !words.is_empty() {
            out.push(Difference::RowChanged { id: id.clone(), what: words.join("; ") });
        }
    }
    for (id, r) in &b {
        if !a.contains_key(id) {
            out.push(Difference::RowAdded { id: id.clone(), amount: r.amount });
        }
    }
    for class in DeviceClass::ALL {
        let (o, n) = (old.row_for(*class), new.row_for(*class));
        let (oid, nid) = (o.map(|(r, _)| r.id.clone()), n.map(|(r, _)| r.id.clone()));
        if oid != nid {
            out.push(Difference::ClassRemapped { class: *class, old: oid, new: nid });
        } else if let (Some((_, om)), Some((_, nm))) = (o, n) {
            if om.by_analogy != nm.by_analogy {
                out.push(Difference::AnalogyChanged { class: *class, by_analogy: nm.by_analogy });
            }
            let note = |m: &super::version::ClassMapping| m.note.as_ref().map(|t| format!("\"{}\"", t.en));
            if let Some(what) = change_text(note(om), note(nm)) {
                out.push(Difference::OtherChanged { item: format!("class {class} note"), what });
            }
        }
    }
    for p in Procedure::ALL {
        let (o, n) = (old.procedure(p).map(|r| r.factor), new.procedure(p).map(|r| r.factor));
        if o != n {
            out.push(Difference::FactorChanged { procedure: p, old: o, new: n });
        }
        let rest = |v: &Version| {
            v.procedure(p).map(|r| {
                let assumption =
                    r.assumption.as_ref().map_or_else(String::new, |a| format!(", assumption \"{}\"", a.en));
                format!("basis {}{assumption}", r.basis)
            })
        };
        if let Some(what) = change_text(rest(old), rest(new)) {
            out.push(Difference::OtherChanged { item: format!("procedure {}", p.key()), what });
        }
    }
    for (id, what) in by_id(old.adjustments(), new.adjustments(), |a| &a.id, describe_adjustment) {
        out.push(Difference::AdjustmentChanged { id, what });
    }
    for (id, what) in by_id(old.charges(), new.charges(), |c| &c.id, describe_charge) {
        out.push(Difference::ChargeChanged { id, what });
    }
    let other =
        |out: &mut Vec<Difference>, item: String, what: String| out.push(Difference::OtherChanged { item, what });
    for (id, what) in by_id(
        old.warnings(),
        new.warnings(),
        |w| &w.id,
        |w| {
            // The whole text in both languages: a change at the end of a sentence, or in the
            // Vietnamese alone, is a change.
            format!(
                "{}, {}, basis {}: \"{}\" / \"{}\"",
                w.level.key(),
                window(w.from, w.until),
                w.basis,
                w.text.en,
                w.text.vi
            )
        },
    ) {
        other(&mut out, format!("warning {id}"), what);
    }
    let note = |n: &super::version::Note| {
        let id = n.id.as_ref().map_or_else(String::new, |i| format!("{i}: "));
        let basis = n.basis.as_ref().map_or_else(String::new, |b| format!(", basis {b}"));
        let assumption = if n.assumption { ", an assumption" } else { "" };
        format!("{id}\"{}\" / \"{}\" ({}{basis}{assumption})", n.en, n.vi, window(n.from, n.until))
    };
    let (old_notes, new_notes): (Vec<String>, Vec<String>) =
        (old.notes().iter().map(note).collect(), new.notes().iter().map(note).collect());
    for n in old_notes.iter().filter(|n| !new_notes.contains(n)) {
        other(&mut out, "note".to_owned(), format!("removed (was {n})"));
    }
    for n in new_notes.iter().filter(|n| !old_notes.contains(n)) {
        other(&mut out, "note".to_owned(), format!("added ({n})"));
    }
    for class in DeviceClass::ALL {
        let describe = |v: &Version| v.exemption(*class).map(|e| format!("exempt: \"{}\" ({})", e.note.en, e.basis));
        if let Some(what) = change_text(describe(old), describe(new)) {
            other(&mut out, format!("exemption {class}"), what);
        }
    }
    let index_ids = |v: &Version| -> Vec<String> { v.indexes().iter().map(|i| i.id.clone()).collect() };
    let mut ids = index_ids(old);
    ids.extend(index_ids(new));
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let describe = |v: &Version| {
            v.index(&id)
                .map(|i| i.values.iter().map(|(d, x)| format!("{d}: {}", money(*x))).collect::<Vec<_>>().join(", "))
        };
        if let Some(what) = change_text(describe(old), describe(new)) {
            other(&mut out, format!("index {id}"), what);
        }
    }
    if old.aggregation() != new.aggregation() {
        let name = |a: super::model::Aggregation| match a {
            super::model::Aggregation::Sum => "every device charged",
            super::model::Aggregation::Highest => "only the highest line, once",
        };
        other(&mut out, "aggregation".to_owned(), format!("{} → {}", name(old.aggregation()), name(new.aggregation())));
    }
    let kind = |v: &Version| v.default_facility_kind().map(|d| d.kind.key().to_owned());
    if let Some(what) = change_text(kind(old), kind(new)) {
        other(&mut out, "default facility kind".to_owned(), what);
    }
    let rounding = |v: &Version| {
        let r = v.rounding();
        let at = match r.at {
            super::model::RoundAt::Line => "each line",
            super::model::RoundAt::Total => "the total",
        };
        format!("{} to {} at {at}", r.strategy.key(), crate::money::canonical(r.step))
    };
    if old.title() != new.title() {
        other(&mut out, "title".to_owned(), format!("\"{}\" → \"{}\"", old.title().en, new.title().en));
    }
    let basis = |v: &Version| v.legal_basis().iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
    if basis(old) != basis(new) {
        other(&mut out, "legal basis".to_owned(), format!("{} → {}", basis(old), basis(new)));
    }
    if rounding(old) != rounding(new) {
        out.push(Difference::RoundingChanged { old: rounding(old), new: rounding(new) });
    }
    out
}
