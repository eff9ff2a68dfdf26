//! One version assembled from its chain of files: each file's rows, factors, adjustments,
//! charges, notes and warnings checked and applied over the version it amends, then the
//! version's canonical fingerprint.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use toml::Spanned;

use super::model::{AdjustmentFile, AdjustmentKind, ChargeFile, Number, PatchRef, RowFile};
use super::version::{Adjustment, Charge, ClassMapping, Note, ProcedureRule, Row, ScheduleWarning, Version};
use crate::date::Date;
use crate::error::{Finding, Location};
use crate::money::canonical;
use crate::source::Src;
use crate::vocab::Procedure;
use crate::vocab::{ClassMap, Condition, DeviceClass, Text, unknown_class_message};

/// Most rows in one version.
pub const MAX_ROWS: usize = 10_000;

/// A version being assembled from its chain of files.
#[derive(Clone, Default)]
pub(crate) struct Draft {
    pub(crate) procedures: BTreeMap<Procedure, ProcedureRule>,
    pub(crate) rows: BTreeMap<String, Row>,
    /// Where each row's class mappings were written, by row id, for conflict messages.
    pub(crate) mapping_at: BTreeMap<String, Vec<(DeviceClass, Location)>>,
    pub(crate) adjustments: Vec<Adjustment>,
    pub(crate) charges: BTreeMap<String, Charge>,
    pub(crate) notes: Vec<Note>,
    pub(crate) warnings: Vec<ScheduleWarning>,
}

impl Draft {
    pub(crate) fn from_version(v: &Version) -> Draft {
        Draft {
            procedures: v.procedures.clone(),
            rows: v.rows.iter().map(|r| (r.id.clone(), r.clone())).collect(),
            mapping_at: BTreeMap::new(),
            adjustments: v.adjustments.clone(),
            charges: v.charges.iter().map(|c| (c.id.clone(), c.clone())).collect(),
            notes: v.notes.clone(),
            warnings: v.warnings.clone(),
        }
    }
}

pub(crate) fn exact(value: &Spanned<Number>) -> Decimal {
    canonical(value.get_ref().0)
}

fn check_factor(src: &Src<'_>, value: &Spanned<Number>, key: &str, findings: &mut Vec<Finding>) -> Decimal {
    let factor = exact(value);
    if factor < Decimal::ZERO || factor > Decimal::TEN {
        findings.push(
            src.error(value, key, format!("factor {factor} is outside the allowed range 0 to 10"))
                .with_hint("a factor multiplies a fee: 0.75 is 75 %, 1 is the full fee, 0 is no fee"),
        );
    }
    factor
}

/// An amount of a file: never negative; in đồng (`money`), a whole number of đồng, as every
/// figure of the schedules is (an amount in an indexed unit may have a fraction).
fn check_amount(
    src: &Src<'_>,
    value: &Spanned<Number>,
    key: &str,
    money: bool,
    findings: &mut Vec<Finding>,
) -> Decimal {
    let amount = exact(value);
    if amount < Decimal::ZERO {
        findings.push(
            src.error(value, key, format!("amount {amount} is negative")).with_hint(
                "fees and charges are written as positive amounts; reductions are adjustments with a factor",
            ),
        );
    } else if money && !amount.fract().is_zero() {
        findings.push(
            src.error(value, key, format!("amount {amount} has a fraction of a đồng"))
                .with_hint("fees and charges are set in whole đồng; write the amount of the circular"),
        );
    }
    amount
}

fn check_window(
    src: &Src<'_>,
    from: &Option<Spanned<Date>>,
    until: &Option<Spanned<Date>>,
    what: &str,
    findings: &mut Vec<Finding>,
) {
    if let (Some(f), Some(u)) = (from, until)
        && u.get_ref() < f.get_ref()
    {
        findings.push(src.error(
            u,
            "until",
            format!("{what} ends on {} before it starts on {}", u.get_ref(), f.get_ref()),
        ));
    }
}

/// Applies the patchable part of a version file or deviation to a draft.
pub(crate) fn apply_patch(
    draft: &mut Draft,
    patch: PatchRef<'_>,
    origin: &str,
    src: &Src<'_>,
    findings: &mut Vec<Finding>,
) {
    if let Some(procs) = patch.procedure {
        for (procedure, rule) in procs.entries() {
            let Some(rule) = rule else { continue };
            let key = format!("procedure.{}.factor", procedure.key());
            let factor = check_factor(src, &rule.factor, &key, findings);
            draft.procedures.insert(
                procedure,
                ProcedureRule {
                    factor,
                    basis: rule.basis.clone(),
                    assumption: rule.assumption.clone(),
                    origin: origin.to_owned(),
                },
            );
        }
    }
    for id in patch.remove_rows {
        if draft.rows.remove(id.get_ref()).is_none() {
            findings.push(src.error(
                id,
                "remove_rows",
                format!("removes row `{}`, which the version it amends does not have", id.get_ref()),
            ));
        }
        draft.mapping_at.remove(id.get_ref());
    }
    let mut seen = BTreeSet::new();
    for row in patch.rows {
        if let Some(mut r) = convert_row(row, src, &mut seen, findings) {
            r.origin = origin.to_owned();
            let places = row.classes.get_ref().iter().zip(&r.classes).map(|(m, c)| (c.class, src.at(m.span())));
            draft.mapping_at.insert(r.id.clone(), places.collect());
            draft.rows.insert(r.id.clone(), r);
        }
    }
    let mut seen = BTreeSet::new();
    for adj in patch.adjustments {
        if !first_use(&mut seen, &adj.id, "adjustment", src, findings) {
            continue;
        }
        let mut a = convert_adjustment(adj, src, findings);
        a.origin = origin.to_owned();
        match draft.adjustments.iter_mut().find(|x| x.id == a.id) {
            Some(slot) => *slot = a,
            None => draft.adjustments.push(a),
        }
    }
    let mut seen = BTreeSet::new();
    for charge in patch.charges {
        if !first_use(&mut seen, &charge.id, "charge", src, findings) {
            continue;
        }
        let mut c = convert_charge(charge, src, findings);
        c.origin = origin.to_owned();
        draft.charges.insert(c.id.clone(), c);
    }
    // Withdrawn notes, adjustments and charges: each must exist in what is amended.
    for id in patch.remove_notes {
        let before = draft.notes.len();
        draft.notes.retain(|n| n.id.as_deref() != Some(id.get_ref().as_str()));
        if draft.notes.len() == before {
            findings.push(src.error(
                id,
                "remove_notes",
                format!("withdraws note `{}`, which the version it amends does not have", id.get_ref()),
            ));
        }
    }
    for id in patch.remove_adjustments {
        let before = draft.adjustments.len();
        draft.adjustments.retain(|a| a.id != *id.get_ref());
        if draft.adjustments.len() == before {
            findings.push(src.error(
                id,
                "remove_adjustments",
                format!("removes adjustment `{}`, which the version it amends does not have", id.get_ref()),
            ));
        }
    }
    for id in patch.remove_charges {
        if draft.charges.remove(id.get_ref()).is_none() {
            findings.push(src.error(
                id,
                "remove_charges",
                format!("removes charge `{}`, which the version it amends does not have", id.get_ref()),
            ));
        }
    }
    for id in patch.remove_warnings {
        let before = draft.warnings.len();
        draft.warnings.retain(|w| w.id != *id.get_ref());
        if draft.warnings.len() == before {
            findings.push(src.error(
                id,
                "remove_warnings",
                format!("withdraws warning `{}`, which the version it amends does not have", id.get_ref()),
            ));
        }
    }
    let mut seen = BTreeSet::new();
    for w in patch.warnings {
        if !first_use(&mut seen, &w.id, "warning", src, findings) {
            continue;
        }
        if let (Some(f), Some(u)) = (&w.from, &w.until)
            && u.get_ref() < f.get_ref()
        {
            findings.push(src.error(
                u,
                "warning.until",
                format!("the warning ends ({}) before it starts ({})", u.get_ref(), f.get_ref()),
            ));
        }
        let warning = ScheduleWarning {
            id: w.id.get_ref().clone(),
            level: w.level,
            text: Text { vi: w.vi.clone(), en: w.en.clone() },
            from: w.from.as_ref().map(|d| *d.get_ref()),
            until: w.until.as_ref().map(|d| *d.get_ref()),
            basis: w.basis.clone(),
            origin: origin.to_owned(),
        };
        match draft.warnings.iter_mut().find(|x| x.id == warning.id) {
            Some(slot) => *slot = warning,
            None => draft.warnings.push(warning),
        }
    }
    for note in patch.notes {
        if let Some(id) = &note.id
            && draft.notes.iter().any(|n| n.id.as_deref() == Some(id.get_ref().as_str()))
        {
            findings.push(src.error(
                id,
                "note.id",
                format!("note `{}` is already there; withdraw it first with remove_notes", id.get_ref()),
            ));
            continue;
        }
        draft.notes.push(Note {
            id: note.id.as_ref().map(|i| i.get_ref().clone()),
            vi: note.vi.clone(),
            en: note.en.clone(),
            assumption: note.assumption,
            basis: note.basis.clone(),
            from: note.from,
            until: note.until,
        });
    }
}

/// Records the id of a row, adjustment or charge as used in this file; when it already was,
/// reports it and returns false.
fn first_use(
    seen: &mut BTreeSet<String>,
    id: &Spanned<String>,
    what: &str,
    src: &Src<'_>,
    findings: &mut Vec<Finding>,
) -> bool {
    let trimmed = id.get_ref().trim();
    if seen.insert(trimmed.to_owned()) {
        return true;
    }
    findings.push(src.error(id, &format!("{what}.id"), format!("{what} id `{trimmed}` is used twice in this file")));
    false
}

fn convert_row(row: &RowFile, src: &Src<'_>, seen: &mut BTreeSet<String>, findings: &mut Vec<Finding>) -> Option<Row> {
    let id = row.id.get_ref().trim().to_owned();
    if id.is_empty() {
        findings.push(src.error(&row.id, "row.id", "a row needs an id (the circular's own numbering, e.g. \"1.4.4\")"));
        return None;
    }
    if !first_use(seen, &row.id, "row", src, findings) {
        return None;
    }
    let (amount, tiers) = match (&row.amount, &row.tiers) {
        (Some(a), None) => (check_amount(src, a, "row.amount", row.indexed.is_none(), findings), None),
        (None, Some(t)) if !t.get_ref().is_empty() => {
            let tiers: Vec<Decimal> = t.get_ref().iter().map(|x| canonical(x.0)).collect();
            if tiers.iter().any(|x| *x < Decimal::ZERO) {
                findings.push(src.error(t, "row.tiers", format!("row `{id}`: a tier amount is negative")));
            }
            if tiers.windows(2).any(|w| w[1] < w[0]) {
                findings.push(src.error(
                    t,
                    "row.tiers",
                    format!("row `{id}`: tier totals must not fall as the count rises"),
                ));
            }
            (tiers[0], Some(tiers))
        }
        (Some(_), Some(t)) => {
            findings.push(src.error(t, "row.tiers", format!("row `{id}` gives both `amount` and `tiers`: keep one")));
            (Decimal::ZERO, None)
        }
        (None, _) => {
            findings.push(
                src.error(&row.id, "row.amount", format!("row `{id}` has no `amount`"))
                    .with_hint("write amount = 2000000, or tiers = [a, b, c] with tail = d for a tier table"),
            );
            (Decimal::ZERO, None)
        }
    };
    if let Some(tail) = &row.tail
        && tiers.is_none()
    {
        findings.push(src.error(tail, "row.tail", format!("row `{id}`: `tail` only goes with `tiers`")));
    }
    let tail = row.tail.as_ref().map(|t| check_amount(src, t, "row.tail", row.indexed.is_none(), findings));
    if row.classes.get_ref().is_empty() {
        findings.push(
            src.error(&row.classes, "row.classes", format!("row `{id}` prices no device class"))
                .with_hint("list the classes it applies to, e.g. classes = [\"xray_general\"]"),
        );
    }
    let mut classes: Vec<ClassMapping> = Vec::new();
    for m in row.classes.get_ref() {
        let mf = m.get_ref();
        let Some(class) = DeviceClass::from_key(&mf.class) else {
            findings.push(src.error(m, "row.classes", unknown_class_message(&mf.class)));
            continue;
        };
        if classes.iter().any(|c| c.class == class) {
            findings.push(src.error(m, "row.classes", format!("class `{class}` is listed twice in row `{id}`")));
            continue;
        }
        if !class.needs_fee_row() {
            findings.push(src.error(
                m,
                "row.classes",
                format!(
                    "`{class}` emits no ionising radiation: it needs no licence and no fee row, so no row may price it"
                ),
            ));
            continue;
        }
        if mf.by_analogy && mf.note.is_none() {
            findings.push(
                src.error(m, "row.classes", format!("class `{class}` is priced by analogy but has no note saying why"))
                    .with_hint("add note = { vi = \"…\", en = \"…\" }: the quote prints it"),
            );
        }
        classes.push(ClassMapping { class, by_analogy: mf.by_analogy, note: mf.note.clone() });
    }
    classes.sort_by_key(|c| c.class);
    Some(Row {
        origin: String::new(),
        id,
        name: row.name.clone(),
        unit: row.unit,
        amount,
        tiers,
        tail,
        indexed: row.indexed.as_ref().map(|i| i.get_ref().clone()),
        basis: row.basis.clone(),
        classes,
        assumption: row.assumption.clone(),
    })
}

fn convert_adjustment(adj: &AdjustmentFile, src: &Src<'_>, findings: &mut Vec<Finding>) -> Adjustment {
    let id = adj.id.get_ref();
    let what = format!("adjustment `{id}`");
    let needs = |key: &str, present: bool, wanted: bool, findings: &mut Vec<Finding>| {
        if wanted && !present {
            findings.push(src.error(&adj.id, key, format!("{what} of kind {} needs `{key}`", adj.kind.key())));
        } else if !wanted && present {
            findings.push(src.error(
                &adj.id,
                key,
                format!("{what}: `{key}` does not apply to an adjustment of this kind"),
            ));
        }
    };
    let (wants_factor, wants_amount, wants_bands) = match adj.kind {
        AdjustmentKind::Factor | AdjustmentKind::SiteSurcharge => (true, false, false),
        AdjustmentKind::Cap | AdjustmentKind::Floor | AdjustmentKind::Surcharge => (false, true, false),
        AdjustmentKind::VolumeDiscount => (false, false, true),
    };
    needs("factor", adj.factor.is_some(), wants_factor, findings);
    needs("amount", adj.amount.is_some(), wants_amount, findings);
    needs("bands", adj.bands.is_some(), wants_bands, findings);
    let factor = adj.factor.as_ref().map(|f| check_factor(src, f, "adjustment.factor", findings));
    let amount = adj.amount.as_ref().map(|a| check_amount(src, a, "adjustment.amount", true, findings));
    let bands = adj.bands.as_ref().map(|bands| {
        let mut out: Vec<(u32, Option<u32>, Decimal)> = Vec::new();
        for b in bands {
            let band = b.get_ref();
            let factor = canonical(band.factor.0);
            if band.from == 0 || band.to.is_some_and(|t| t < band.from) {
                findings.push(src.error(
                    b,
                    "bands",
                    format!("{what}: a band must run from 1 or more to a count not below its start"),
                ));
            }
            if factor < Decimal::ZERO || factor > Decimal::TEN {
                findings.push(src.error(
                    b,
                    "bands",
                    format!("{what}: factor {factor} is outside the allowed range 0 to 10"),
                ));
            }
            if let Some(prev) = out.last()
                && prev.1.is_none_or(|to| to >= band.from)
            {
                findings.push(src.error(
                    b,
                    "bands",
                    format!(
                        "{what}: the band from {} overlaps the one before it; two rules for the same count conflict",
                        band.from
                    ),
                ));
            }
            out.push((band.from, band.to, factor));
        }
        out
    });
    let when = adj.when.as_ref().and_then(|w| match Condition::new(w.get_ref()) {
        Ok(c) => Some(c),
        Err(_) => {
            findings.push(src.error(
                w,
                "when",
                format!("{what}: `when` names a condition in snake_case, e.g. \"late\""),
            ));
            None
        }
    });
    check_window(src, &adj.from, &adj.until, &what, findings);
    Adjustment {
        origin: String::new(),
        id: id.clone(),
        name: adj.name.clone(),
        kind: adj.kind,
        factor,
        amount,
        channel: adj.channel,
        procedures: adj.procedures.clone(),
        from: adj.from.as_ref().map(|d| *d.get_ref()),
        until: adj.until.as_ref().map(|d| *d.get_ref()),
        facility_kinds: adj.facility_kinds.clone(),
        when,
        bands,
        basis: adj.basis.clone(),
        assumption: adj.assumption.clone(),
    }
}

fn convert_charge(charge: &ChargeFile, src: &Src<'_>, findings: &mut Vec<Finding>) -> Charge {
    let amount = check_amount(src, &charge.amount, "charge.amount", true, findings);
    check_window(src, &charge.from, &charge.until, &format!("charge `{}`", charge.id.get_ref()), findings);
    Charge {
        origin: String::new(),
        id: charge.id.get_ref().clone(),
        name: charge.name.clone(),
        amount,
        procedures: charge.procedures.clone(),
        from: charge.from.as_ref().map(|d| *d.get_ref()),
        until: charge.until.as_ref().map(|d| *d.get_ref()),
        basis: charge.basis.clone(),
    }
}

/// Turns a draft into a version: class index, conflicts, fingerprint.
pub(crate) fn finish(mut v: Version, draft: Draft, findings: &mut Vec<Finding>) -> Version {
    let mut rows: Vec<Row> = draft.rows.into_values().collect();
    rows.sort_by(|a, b| natural_cmp(&a.id, &b.id));
    let mut index: ClassMap<(usize, usize)> = ClassMap::default();
    for (r, row) in rows.iter().enumerate() {
        for (m, mapping) in row.classes.iter().enumerate() {
            if let Some(&(first, _)) = index.get(mapping.class) {
                let first_id = &rows[first].id;
                let at = draft
                    .mapping_at
                    .get(&row.id)
                    .and_then(|m| m.iter().find(|(c, _)| *c == mapping.class))
                    .map(|(_, at)| at.clone());
                findings.push(
                    Finding::error(
                        at,
                        Some("row.classes"),
                        format!(
                            "class `{}` is priced by two rows of version `{}`: `{first_id}` and `{}`",
                            mapping.class, v.id, row.id
                        ),
                    )
                    .with_hint("a class maps to exactly one row; remove it from one of them"),
                );
            } else {
                index.insert(mapping.class, (r, m));
            }
        }
    }
    v.rows = rows;
    v.index = index;
    v.procedures = draft.procedures;
    v.adjustments = draft.adjustments;
    v.charges = draft.charges.into_values().collect();
    v.notes = draft.notes;
    v.warnings = draft.warnings;
    match fingerprint(&v) {
        Ok(f) => v.fingerprint = f,
        Err(e) => findings.push(Finding::error(
            None,
            None,
            format!("version `{}`: its fingerprint cannot be computed: {e}", v.id),
        )),
    }
    v
}

/// `sha256:<hex>` over the canonical JSON of a version: struct fields in a fixed order, rows and
/// charges sorted by id, every decimal in its shortest form. Key order, comments and
/// whitespace in the TOML cannot change it; any figure, date, class or reference does.
fn fingerprint(v: &Version) -> Result<String, serde_json::Error> {
    let canonical = serde_json::to_vec(v)?;
    let digest = Sha256::digest(&canonical);
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    for byte in digest.iter() {
        out.push_str(&format!("{byte:02x}"));
    }
    Ok(out)
}

/// Compares row ids so that `1.4.10` sorts after `1.4.9`.
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |s: &str| -> Vec<(u64, String)> {
        s.split(['.', '-']).map(|p| (p.parse::<u64>().unwrap_or(u64::MAX), p.to_owned())).collect()
    };
    parts(a).cmp(&parts(b))
}
