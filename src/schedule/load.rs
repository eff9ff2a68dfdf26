//! Reading schedule folders, merging amendments, and every check a schedule must pass.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use toml::Spanned;

use super::model::{AdjustmentFile, AdjustmentKind, ChargeFile, Exact, PatchRef, RowFile, VersionFile};
use super::{
    Adjustment, Charge, ClassMapping, DeviationInfo, FacilityDefault, Note, ProcedureRule, RoundingRule, Row,
    ScheduleWarning, Schedules, SourceFile, Text, Version,
};
use crate::authority::AuthorityTable;
use crate::classify::ClassificationRules;
use crate::date::Date;
use crate::error::{Error, Finding, Location};
use crate::money::canonical;
use crate::nuclide::Nuclides;
use crate::province::Provinces;
use crate::source::Src;
use crate::vocab::Procedure;
use crate::vocab::{ClassMap, DeviceClass, unknown_class_message};

/// Largest schedule file read, in bytes: far above any real schedule, far below trouble.
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// Largest number of schedule files in one set.
pub const MAX_FILES: usize = 1000;
/// Largest schedule set, all files together, in bytes (the shipped set is under 300 KB).
pub const MAX_TOTAL_BYTES: u64 = 8 << 20;
/// Most findings an error message or a check lists; the rest are counted.
pub const MAX_FINDINGS: usize = 10_000;
/// Most rows in one version.
pub const MAX_ROWS: usize = 10_000;

/// The role a file plays, from its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Version,
    Province,
    Authority,
    Nuclides,
    Classification,
}

fn role(path: &str) -> Role {
    if path == "authority.toml" {
        Role::Authority
    } else if path == "nuclides.toml" {
        Role::Nuclides
    } else if path == "classification.toml" {
        Role::Classification
    } else if path.starts_with("provinces/") {
        Role::Province
    } else {
        Role::Version
    }
}

pub(super) fn read_dir(dir: &Path) -> Result<Vec<SourceFile>, Error> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<SourceFile>) -> Result<(), Error> {
        let io = |e: std::io::Error| {
            Error::input(Finding::error(None, None, format!("cannot read the schedule folder {}: {e}", dir.display())))
        };
        let mut entries: Vec<_> = std::fs::read_dir(dir).map_err(io)?.collect::<Result<_, _>>().map_err(io)?;
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            let path = entry.path();
            let kind = entry.file_type().map_err(io)?;
            if kind.is_dir() {
                walk(root, &path, out)?;
            } else if path.extension().is_some_and(|e| e == "toml") {
                if out.len() >= MAX_FILES {
                    return Err(Error::input(Finding::error(
                        None,
                        None,
                        format!("the schedule folder {} has more than {MAX_FILES} TOML files", root.display()),
                    )));
                }
                let display = path.display().to_string();
                let text = crate::source::read_text_file(&path, MAX_FILE_BYTES, "a schedule")
                    .map_err(|e| Error::schedule(e.findings().to_vec()))?;
                let total = out.iter().map(|f: &SourceFile| f.text.len() as u64).sum::<u64>() + text.len() as u64;
                if total > MAX_TOTAL_BYTES {
                    return Err(Error::input(Finding::error(
                        None,
                        None,
                        format!(
                            "the schedule folder {} holds more than {MAX_TOTAL_BYTES} bytes of TOML; a schedule set may hold at most that",
                            root.display()
                        ),
                    )));
                }
                let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                out.push(SourceFile { path: rel, display_name: display, text });
            }
        }
        Ok(())
    }
    if !dir.is_dir() {
        return Err(Error::input(Finding::error(
            None,
            None,
            format!("{} is not a folder of schedule files", dir.display()),
        )));
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    if !out.iter().any(|f| role(&f.path) == Role::Version) {
        return Err(Error::input(Finding::error(
            None,
            None,
            format!("{} holds no schedule version (no .toml file outside provinces/)", dir.display()),
        )));
    }
    Ok(out)
}

/// Parses and checks `files`; returns the schedules when they could be built at all, and every
/// finding. The caller refuses the result if any finding is an error.
pub(super) fn load(mut files: Vec<SourceFile>) -> (Option<Schedules>, Vec<Finding>) {
    let mut findings = Vec::new();
    if files.len() > MAX_FILES {
        findings.push(Finding::error(
            None,
            None,
            format!("{} files given; a schedule set may have at most {MAX_FILES}", files.len()),
        ));
        return (None, findings);
    }
    let too_big: Vec<Finding> = files
        .iter()
        .filter(|f| f.text.len() as u64 > MAX_FILE_BYTES)
        .map(|f| {
            Finding::error(
                Some(Location { file: f.display_name.clone(), line: 1, column: 1 }),
                None,
                format!("the file is {} bytes; a schedule file may be at most {MAX_FILE_BYTES} bytes", f.text.len()),
            )
        })
        .collect();
    if !too_big.is_empty() {
        return (None, too_big);
    }
    let total: u64 = files.iter().map(|f| f.text.len() as u64).sum();
    if total > MAX_TOTAL_BYTES {
        findings.push(Finding::error(
            None,
            None,
            format!(
                "the schedule files hold {total} bytes together; a schedule set may hold at most {MAX_TOTAL_BYTES}"
            ),
        ));
        return (None, findings);
    }
    // A folder may hold only some parts (e.g. an edited national schedule): the others are
    // the built-in ones.
    let missing: Vec<Role> = [Role::Province, Role::Authority, Role::Nuclides, Role::Classification]
        .into_iter()
        .filter(|r| !files.iter().any(|f| role(&f.path) == *r))
        .collect();
    if !missing.is_empty() {
        files.extend(Schedules::builtin_files().into_iter().filter(|f| missing.contains(&role(&f.path))));
    }

    let mut parsed: Vec<(&SourceFile, VersionFile)> = Vec::new();
    for file in files.iter().filter(|f| role(&f.path) == Role::Version) {
        if let Some(v) = (Src::new(&file.display_name, &file.text)).parse::<VersionFile>(&mut findings) {
            parsed.push((file, v));
        }
    }
    let versions = build_versions(&parsed, &mut findings);

    let province_files: Vec<&SourceFile> = files.iter().filter(|f| role(&f.path) == Role::Province).collect();
    let provinces = Provinces::load(&province_files, &versions, &mut findings);

    let authority = files
        .iter()
        .find(|f| role(&f.path) == Role::Authority)
        .and_then(|f| AuthorityTable::load(&Src::new(&f.display_name, &f.text), &mut findings));

    let single = |r: Role| files.iter().find(|f| role(&f.path) == r).map(|f| Src::new(&f.display_name, &f.text));
    let nuclides = single(Role::Nuclides).and_then(|src| Nuclides::load(&src, &mut findings));
    let rules = single(Role::Classification).and_then(|src| ClassificationRules::load(&src, &mut findings));

    findings.sort_by(|a, b| (a.severity, &a.location).cmp(&(b.severity, &b.location)));
    let schedules = match (provinces, authority, nuclides, rules) {
        (Some(provinces), Some(authority), Some(nuclides), Some(rules)) => {
            Some(Schedules { versions, provinces, authority, nuclides, rules, warnings: Vec::new() })
        }
        _ => None,
    };
    (schedules, findings)
}

/// A version being assembled from its chain of files.
#[derive(Clone, Default)]
pub(crate) struct Draft {
    procedures: BTreeMap<Procedure, ProcedureRule>,
    rows: BTreeMap<String, Row>,
    /// Where each row's class mappings were written, by row id, for conflict messages.
    mapping_at: BTreeMap<String, Vec<(DeviceClass, Location)>>,
    adjustments: Vec<Adjustment>,
    charges: BTreeMap<String, Charge>,
    notes: Vec<Note>,
    warnings: Vec<ScheduleWarning>,
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

fn exact(value: &Spanned<Exact>) -> Decimal {
    canonical(value.get_ref().0)
}

fn check_factor(src: &Src<'_>, value: &Spanned<Exact>, key: &str, findings: &mut Vec<Finding>) -> Decimal {
    let factor = exact(value);
    if factor < Decimal::ZERO || factor > Decimal::TEN {
        findings.push(
            src.error(value, key, format!("factor {factor} is outside the allowed range 0 to 10"))
                .with_hint("a factor multiplies a fee: 0.75 is 75 %, 1 is the full fee, 0 is no fee"),
        );
    }
    factor
}

fn check_amount(src: &Src<'_>, value: &Spanned<Exact>, key: &str, findings: &mut Vec<Finding>) -> Decimal {
    let amount = exact(value);
    if amount < Decimal::ZERO {
        findings.push(
            src.error(value, key, format!("amount {amount} is negative")).with_hint(
                "fees and charges are written as positive amounts; reductions are adjustments with a factor",
            ),
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
        (Some(a), None) => (check_amount(src, a, "row.amount", findings), None),
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
    let tail = row.tail.as_ref().map(|t| check_amount(src, t, "row.tail", findings));
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
    let amount = adj.amount.as_ref().map(|a| check_amount(src, a, "adjustment.amount", findings));
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
    if let Some(w) = &adj.when
        && (w.get_ref().is_empty() || !w.get_ref().chars().all(|c| c.is_ascii_lowercase() || c == '_'))
    {
        findings.push(src.error(w, "when", format!("{what}: `when` names a condition in snake_case, e.g. \"late\"")));
    }
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
        when: adj.when.as_ref().map(|w| w.get_ref().clone()),
        bands,
        basis: adj.basis.clone(),
        assumption: adj.assumption.clone(),
    }
}

fn convert_charge(charge: &ChargeFile, src: &Src<'_>, findings: &mut Vec<Finding>) -> Charge {
    let amount = check_amount(src, &charge.amount, "charge.amount", findings);
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
    v.fingerprint = fingerprint(&v);
    v
}

/// `sha256:<hex>` over the canonical JSON of a version: struct fields in a fixed order, rows and
/// charges sorted by id, every decimal in its shortest form. Key order, comments and
/// whitespace in the TOML cannot change it; any figure, date, class or reference does.
fn fingerprint(v: &Version) -> String {
    let canonical = serde_json::to_vec(v).unwrap_or_default();
    let digest = Sha256::digest(&canonical);
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    for byte in digest.iter() {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// Compares row ids so that `1.4.10` sorts after `1.4.9`.
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |s: &str| -> Vec<(u64, String)> {
        s.split(['.', '-']).map(|p| (p.parse::<u64>().unwrap_or(u64::MAX), p.to_owned())).collect()
    };
    parts(a).cmp(&parts(b))
}

fn build_versions(parsed: &[(&SourceFile, VersionFile)], findings: &mut Vec<Finding>) -> Vec<Version> {
    let mut by_id: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (file, v)) in parsed.iter().enumerate() {
        let src = Src::new(&file.display_name, &file.text);
        let id = v.id.get_ref().as_str();
        if id.trim().is_empty() {
            findings.push(src.error(&v.id, "id", "the version needs an id, e.g. \"vn-287-2016\""));
            continue;
        }
        if let Some(&j) = by_id.get(id) {
            findings.push(src.error(
                &v.id,
                "id",
                format!("version id `{id}` is also used by {}", parsed[j].0.display_name),
            ));
            continue;
        }
        by_id.insert(id, i);
        if let Some(until) = &v.effective_until
            && until.get_ref() < v.effective_from.get_ref()
        {
            findings.push(src.error(
                until,
                "effective_until",
                format!("the version ends on {} before it starts on {}", until.get_ref(), v.effective_from.get_ref()),
            ));
        }
        if v.extends.is_none() {
            let missing: Vec<&str> = [
                ("title", v.title.is_none()),
                ("rounding", v.rounding.is_none()),
                ("procedure", v.procedure.is_none()),
            ]
            .into_iter()
            .filter_map(|(k, m)| m.then_some(k))
            .collect();
            if !missing.is_empty() {
                findings.push(
                    src.error_here(
                        Some(missing[0]),
                        format!("a version that extends nothing must state: {}", missing.join(", ")),
                    )
                    .with_hint("write them out, or add extends = \"<id of the version this one amends>\""),
                );
            }
            if !v.remove_rows.is_empty() {
                findings.push(src.error(
                    &v.remove_rows[0],
                    "remove_rows",
                    "only a version that extends another can remove rows",
                ));
            }
        }
    }

    // Resolve `extends` chains: each version's chain of file indices, base first.
    let mut chains: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &i in by_id.values() {
        let mut chain = vec![i];
        let mut ok = true;
        let mut cur = i;
        while let Some(ext) = &parsed[cur].1.extends {
            let (file, v) = &parsed[cur];
            let src = Src::new(&file.display_name, &file.text);
            match by_id.get(ext.get_ref().as_str()) {
                None => {
                    if cur == i {
                        let known: Vec<&str> = by_id.keys().copied().collect();
                        findings.push(src.error(
                            ext,
                            "extends",
                            format!("`{}` names no version; known versions: {}", ext.get_ref(), known.join(", ")),
                        ));
                    }
                    ok = false;
                    break;
                }
                Some(&next) if chain.contains(&next) => {
                    if cur == i || next == i {
                        let mut names: Vec<&str> = chain.iter().map(|&c| parsed[c].1.id.get_ref().as_str()).collect();
                        names.push(ext.get_ref());
                        findings.push(src.error(ext, "extends", format!("`extends` loops: {}", names.join(" → "))));
                    }
                    ok = false;
                    break;
                }
                Some(&next) => {
                    if parsed[next].1.effective_from.get_ref() > v.effective_from.get_ref() && cur == i {
                        findings.push(src.error(
                            ext,
                            "extends",
                            format!(
                                "version `{}` starts on {} but amends `{}`, which starts later ({})",
                                v.id.get_ref(),
                                v.effective_from.get_ref(),
                                ext.get_ref(),
                                parsed[next].1.effective_from.get_ref()
                            ),
                        ));
                    }
                    chain.push(next);
                    cur = next;
                }
            }
        }
        if ok {
            chain.reverse();
            chains.insert(i, chain);
        }
    }

    let mut versions = Vec::new();
    for (&i, chain) in &chains {
        let mut draft = Draft::default();
        let base = &parsed[chain[0]].1;
        let mut sink = Vec::new();
        for &c in chain {
            let (file, v) = &parsed[c];
            let src = Src::new(&file.display_name, &file.text);
            // Findings inside a file are reported once, by the version that owns the file.
            let target = if c == i { &mut *findings } else { &mut sink };
            apply_patch(&mut draft, v.patch(), v.id.get_ref(), &src, target);
        }
        let (file, own) = &parsed[i];
        let src = Src::new(&file.display_name, &file.text);
        let pick = |f: fn(&VersionFile) -> bool| chain.iter().rev().map(|&c| &parsed[c].1).find(|v| f(v));
        let title = pick(|v| v.title.is_some()).and_then(|v| v.title.clone());
        let issuer = pick(|v| v.issuer.is_some()).and_then(|v| v.issuer.clone());
        let currency = pick(|v| v.currency.is_some())
            .and_then(|v| v.currency.as_ref().map(|c| c.get_ref().clone()))
            .unwrap_or_else(|| "VND".to_owned());
        let rounding = pick(|v| v.rounding.is_some()).and_then(|v| v.rounding.as_ref());
        let (Some(title), Some(rounding)) = (title.or(base.title.clone()), rounding) else {
            continue; // reported above
        };
        let step = exact(&rounding.step);
        if step <= Decimal::ZERO {
            findings.push(src.error(
                &rounding.step,
                "rounding.step",
                "the rounding step must be a positive amount, e.g. 1 or 1000",
            ));
        }
        for procedure in Procedure::ALL {
            if !draft.procedures.contains_key(&procedure) && c_is_base(chain, i) {
                findings.push(
                    src.error_here(Some("procedure"), format!("procedure `{}` has no factor", procedure.key()))
                        .with_hint("the engine never assumes a factor: add [procedure.<name>] with factor and basis"),
                );
            }
        }
        let version = Version {
            id: own.id.get_ref().clone(),
            chain: chain.iter().map(|&c| parsed[c].1.id.get_ref().clone()).collect(),
            title,
            issuer,
            effective_from: *own.effective_from.get_ref(),
            effective_until: own.effective_until.as_ref().map(|d| *d.get_ref()),
            legal_basis: chain.iter().map(|&c| parsed[c].1.legal_basis.clone()).collect(),
            currency,
            rounding: RoundingRule { strategy: rounding.strategy, step, at: rounding.at },
            aggregation: pick(|v| v.aggregation.is_some()).and_then(|v| v.aggregation).unwrap_or_default(),
            default_facility_kind: pick(|v| v.default_facility_kind.is_some())
                .and_then(|v| v.default_facility_kind.as_ref())
                .map(|d| FacilityDefault { kind: d.kind, basis: d.basis.clone() }),
            indexes: merge_indexes(chain.iter().map(|&c| &parsed[c]), findings),
            exempt: merge_exempt(chain.iter().map(|&c| &parsed[c]), findings),
            procedures: BTreeMap::new(),
            rows: Vec::new(),
            adjustments: Vec::new(),
            charges: Vec::new(),
            notes: Vec::new(),
            warnings: Vec::new(),
            deviation: None,
            fingerprint: String::new(),
            file: file.display_name.clone(),
            index: ClassMap::default(),
        };
        let version = finish(version, draft, findings);
        if version.rows.len() > MAX_ROWS {
            findings.push(src.error_here(
                Some("row"),
                format!(
                    "version `{}` has {} rows; a version may have at most {MAX_ROWS}",
                    version.id,
                    version.rows.len()
                ),
            ));
        }
        check_version_references(&version, &src, own, findings);
        let uncovered = version.uncovered_classes();
        if !uncovered.is_empty() {
            let list: Vec<&str> = uncovered.iter().map(|c| c.key()).collect();
            findings.push(
                Finding::warning(
                    Some(src.at(own.id.span())),
                    Some("row.classes"),
                    format!(
                        "{} device class(es) have no fee row in version `{}`: {}",
                        list.len(),
                        version.id,
                        list.join(", ")
                    ),
                )
                .with_hint("an application with such a device cannot be priced (exit code 1); map each class to a row"),
            );
        }
        versions.push(version);
    }

    versions.sort_by_key(|v| v.effective_from);
    check_timeline(parsed, &by_id, &versions, findings);
    versions
}

/// Indexed units along a chain: a later version's index replaces an earlier one of the same id.
fn merge_indexes<'a>(
    chain: impl Iterator<Item = &'a (&'a SourceFile, VersionFile)>,
    findings: &mut Vec<Finding>,
) -> Vec<super::Index> {
    let mut out: BTreeMap<String, super::Index> = BTreeMap::new();
    for (file, v) in chain {
        let src = Src::new(&file.display_name, &file.text);
        for ix in &v.indexes {
            let mut values: Vec<(Date, Decimal)> =
                ix.values.iter().map(|x| (x.from, canonical(x.value.get_ref().0))).collect();
            values.sort_by_key(|x| x.0);
            if values.is_empty() {
                findings.push(src.error(&ix.id, "index.values", format!("index `{}` has no value", ix.id.get_ref())));
            }
            if values.windows(2).any(|w| w[0].0 == w[1].0) {
                findings.push(src.error(
                    &ix.id,
                    "index.values",
                    format!("index `{}` has two values for the same day", ix.id.get_ref()),
                ));
            }
            for x in &ix.values {
                if x.value.get_ref().0 <= Decimal::ZERO {
                    findings.push(src.error(&x.value, "index.values", "an index value must be a positive amount"));
                }
            }
            out.insert(
                ix.id.get_ref().clone(),
                super::Index { id: ix.id.get_ref().clone(), name: ix.name.clone(), values, basis: ix.basis.clone() },
            );
        }
    }
    out.into_values().collect()
}

/// Whole-class exemptions along a chain (a later version's entry for a class replaces it).
fn merge_exempt<'a>(
    chain: impl Iterator<Item = &'a (&'a SourceFile, VersionFile)>,
    findings: &mut Vec<Finding>,
) -> Vec<super::Exemption> {
    let mut out: BTreeMap<DeviceClass, super::Exemption> = BTreeMap::new();
    for (file, v) in chain {
        let src = Src::new(&file.display_name, &file.text);
        for e in &v.exempts {
            match DeviceClass::from_key(e.class.get_ref()) {
                Some(class) => {
                    out.insert(
                        class,
                        super::Exemption {
                            class,
                            note: e.note.clone(),
                            basis: e.basis.clone(),
                            origin: v.id.get_ref().clone(),
                        },
                    );
                }
                None => findings.push(src.error(&e.class, "exempt.class", unknown_class_message(e.class.get_ref()))),
            }
        }
    }
    out.into_values().collect()
}

/// References a version makes to itself: indexed rows need their index; an exempt class must
/// not also be priced by a row.
fn check_version_references(v: &Version, src: &Src<'_>, own: &VersionFile, findings: &mut Vec<Finding>) {
    for row in v.rows() {
        if let Some(ix) = &row.indexed
            && v.index(ix).is_none()
        {
            let at = own.rows.iter().find(|r| r.id.get_ref().trim() == row.id).and_then(|r| r.indexed.as_ref());
            let f = match at {
                Some(span) => src.error(
                    span,
                    "row.indexed",
                    format!("row `{}` is in `{ix}`, but no [[index]] has that id", row.id),
                ),
                None => src.error_here(
                    Some("row.indexed"),
                    format!("row `{}` is in `{ix}`, but no [[index]] has that id", row.id),
                ),
            };
            findings.push(f);
        }
    }
    for e in &v.exempt {
        if let Some((row, _)) = v.row_for(e.class) {
            let at = own.exempts.iter().find(|x| x.class.get_ref() == e.class.key()).map(|x| x.class.span());
            let message = format!(
                "class `{}` is exempt and also priced by row `{}`: two rules for the same case conflict",
                e.class, row.id
            );
            findings.push(match at {
                Some(span) => Finding::error(Some(src.at(span)), Some("exempt.class"), message),
                None => src.error_here(Some("exempt.class"), message),
            });
        }
    }
}

/// A chain of one file is a base version; it must state every procedure.
fn c_is_base(chain: &[usize], i: usize) -> bool {
    chain.len() == 1 && chain[0] == i
}

/// Overlaps between versions, and adjustment windows that lie outside their version.
fn check_timeline(
    parsed: &[(&SourceFile, VersionFile)],
    by_id: &BTreeMap<&str, usize>,
    versions: &[Version],
    findings: &mut Vec<Finding>,
) {
    let file_of = |v: &Version| by_id.get(v.id.as_str()).map(|&i| &parsed[i]);
    for pair in versions.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let Some((file, vf)) = file_of(b) else { continue };
        let src = Src::new(&file.display_name, &file.text);
        if a.effective_from == b.effective_from {
            findings.push(src.error(
                &vf.effective_from,
                "effective_from",
                format!(
                    "versions `{}` and `{}` both start on {}: only one can be in force",
                    a.id, b.id, b.effective_from
                ),
            ));
        } else if let Some(until) = a.effective_until
            && until >= b.effective_from
        {
            let message = format!(
                "version `{}` runs until {until}, overlapping version `{}`, which starts on {}",
                a.id, b.id, b.effective_from
            );
            let finding = match file_of(a) {
                Some((afile, avf)) => {
                    let asrc = Src::new(&afile.display_name, &afile.text);
                    match &avf.effective_until {
                        Some(u) => asrc.error(u, "effective_until", message),
                        None => asrc.error_here(Some("effective_until"), message),
                    }
                }
                None => src.error(&vf.effective_from, "effective_from", message),
            };
            findings.push(finding);
        }
    }
    for (k, v) in versions.iter().enumerate() {
        let Some((file, vf)) = file_of(v) else { continue };
        let src = Src::new(&file.display_name, &file.text);
        let next_start = versions.get(k + 1).map(|n| n.effective_from);
        let end = match (v.effective_until, next_start.and_then(Date::pred)) {
            (Some(u), Some(n)) => Some(u.min(n)),
            (u, n) => u.or(n),
        };
        let windows = vf
            .adjustments
            .iter()
            .map(|a| (format!("adjustment `{}`", a.id.get_ref()), &a.from, &a.until, &a.id))
            .chain(vf.charges.iter().map(|c| (format!("charge `{}`", c.id.get_ref()), &c.from, &c.until, &c.id)));
        for (what, from, until, id) in windows {
            let starts_before = from.as_ref().is_some_and(|f| *f.get_ref() < v.effective_from);
            let ends_after = match (until, end) {
                (Some(u), Some(e)) => *u.get_ref() > e,
                _ => false,
            };
            let starts_after = match (from, end) {
                (Some(f), Some(e)) => *f.get_ref() > e,
                _ => false,
            };
            if starts_before || ends_after || starts_after {
                let period = match end {
                    Some(e) => format!("{} to {e}", v.effective_from),
                    None => format!("from {}", v.effective_from),
                };
                let (key, at) = match (starts_before || starts_after, from, until) {
                    (true, Some(f), _) => ("from", f.span()),
                    (_, _, Some(u)) => ("until", u.span()),
                    _ => ("id", id.span()),
                };
                findings.push(
                    Finding::error(
                        Some(src.at(at)),
                        Some(key),
                        format!("the window of {what} lies outside its version `{}`, which is in force {period}", v.id),
                    )
                    .with_hint("put the window inside the version's period, or move the adjustment to the version in force then"),
                );
            }
        }
    }
}

/// Builds the version a province applies under a deviation: the national version with the
/// deviation's patch on top, its own id, legal basis and fingerprint.
pub(crate) fn apply_deviation(
    base: &Version,
    info: DeviationInfo,
    patch: PatchRef<'_>,
    src: &Src<'_>,
    findings: &mut Vec<Finding>,
) -> Version {
    let mut draft = Draft::from_version(base);
    for row in &base.rows {
        let at = Location::at(&base.file, "", 0);
        draft.mapping_at.insert(row.id.clone(), row.classes.iter().map(|m| (m.class, at.clone())).collect());
    }
    let origin = format!("{}.{}", info.province, info.id);
    apply_patch(&mut draft, patch, &origin, src, findings);
    let mut v = base.clone();
    v.id = format!("{}+{}.{}", base.id, info.province, info.id);
    v.chain.push(format!("{}.{}", info.province, info.id));
    v.legal_basis.push(info.basis.clone());
    v.deviation = Some(info);
    finish(v, draft, findings)
}
