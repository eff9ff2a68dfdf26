//! One version assembled from its chain of files: each file's rows, factors, adjustments,
//! charges, notes and warnings applied over the version it amends (each entry checked in
//! `entries`), then the version's canonical fingerprint.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use super::entries::{check_factor, convert_adjustment, convert_charge, convert_row, first_use};
use super::model::PatchRef;
use super::version::{Adjustment, Charge, Note, ProcedureRule, Row, ScheduleWarning, Version};
use crate::error::{Finding, Location};
use crate::source::Src;
use crate::vocab::Procedure;
use crate::vocab::{ClassMap, DeviceClass, Text};

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
            findings.push(
                src.error(
                    id,
                    "remove_rows",
                    format!("removes row `{}`, which the version it amends does not have", id.get_ref()),
                )
                .vi(format!("bỏ mục `{}`, nhưng phiên bản được sửa đổi không có mục này", id.get_ref())),
            );
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
        if !first_use(&mut seen, &adj.id, ("adjustment", "quy tắc điều chỉnh"), src, findings) {
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
        if !first_use(&mut seen, &charge.id, ("charge", "khoản lệ phí"), src, findings) {
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
            findings.push(
                src.error(
                    id,
                    "remove_notes",
                    format!("withdraws note `{}`, which the version it amends does not have", id.get_ref()),
                )
                .vi(format!("rút ghi chú `{}`, nhưng phiên bản được sửa đổi không có ghi chú này", id.get_ref())),
            );
        }
    }
    for id in patch.remove_adjustments {
        let before = draft.adjustments.len();
        draft.adjustments.retain(|a| a.id != *id.get_ref());
        if draft.adjustments.len() == before {
            findings.push(
                src.error(
                    id,
                    "remove_adjustments",
                    format!("removes adjustment `{}`, which the version it amends does not have", id.get_ref()),
                )
                .vi(format!(
                    "bỏ quy tắc điều chỉnh `{}`, nhưng phiên bản được sửa đổi không có quy tắc này",
                    id.get_ref()
                )),
            );
        }
    }
    for id in patch.remove_charges {
        if draft.charges.remove(id.get_ref()).is_none() {
            findings.push(
                src.error(
                    id,
                    "remove_charges",
                    format!("removes charge `{}`, which the version it amends does not have", id.get_ref()),
                )
                .vi(format!(
                    "bỏ khoản lệ phí `{}`, nhưng phiên bản được sửa đổi không có khoản lệ phí này",
                    id.get_ref()
                )),
            );
        }
    }
    for id in patch.remove_warnings {
        let before = draft.warnings.len();
        draft.warnings.retain(|w| w.id != *id.get_ref());
        if draft.warnings.len() == before {
            findings.push(
                src.error(
                    id,
                    "remove_warnings",
                    format!("withdraws warning `{}`, which the version it amends does not have", id.get_ref()),
                )
                .vi(format!("rút cảnh báo `{}`, nhưng phiên bản được sửa đổi không có cảnh báo này", id.get_ref())),
            );
        }
    }
    let mut seen = BTreeSet::new();
    for w in patch.warnings {
        if !first_use(&mut seen, &w.id, ("warning", "cảnh báo"), src, findings) {
            continue;
        }
        if let (Some(f), Some(u)) = (&w.from, &w.until)
            && u.get_ref() < f.get_ref()
        {
            findings.push(
                src.error(
                    u,
                    "warning.until",
                    format!("the warning ends ({}) before it starts ({})", u.get_ref(), f.get_ref()),
                )
                .vi(format!(
                    "cảnh báo kết thúc ({}) trước khi bắt đầu ({})",
                    u.get_ref().day_first(),
                    f.get_ref().day_first()
                )),
            );
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
            findings.push(
                src.error(
                    id,
                    "note.id",
                    format!("note `{}` is already there; withdraw it first with remove_notes", id.get_ref()),
                )
                .vi(format!("ghi chú `{}` đã có; hãy rút ghi chú đó trước bằng khóa `remove_notes`", id.get_ref())),
            );
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
                    .vi(format!(
                        "loại thiết bị `{}` được tính phí ở hai mục của phiên bản `{}`: `{first_id}` và `{}`",
                        mapping.class, v.id, row.id
                    ))
                    .with_hints(
                        "a class maps to exactly one row; remove it from one of them",
                        "mỗi loại thiết bị chỉ thuộc đúng một mục; hãy bỏ loại này khỏi một trong hai mục",
                    ),
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
    v.hot = super::version::Hot::of(&v);
    match fingerprint(&v) {
        Ok(f) => v.fingerprint = f,
        Err(e) => findings.push(
            Finding::error(None, None, format!("version `{}`: its fingerprint cannot be computed: {e}", v.id))
                .vi(format!("phiên bản `{}`: không tính được mã kiểm tra (fingerprint): {e}", v.id)),
        ),
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
