//! The versions of a schedule from their files: ids, amendment chains (`extends`), the
//! timeline of effective dates, references between parts, and provincial deviations.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::entries::exact;
use super::model::{PatchRef, VersionFile};
use super::patch::{Draft, MAX_ROWS, apply_patch, finish};
use super::timeline::check_timeline;
use super::version::{DeviationInfo, FacilityDefault, RoundingRule, Version};
use crate::date::Date;
use crate::error::{Finding, Location};
use crate::money::{Currency, canonical};
use crate::source::{SourceFile, Src};
use crate::vocab::{ClassMap, unknown_class_message, unknown_class_message_vi};
use crate::vocab::{DeviceClass, Procedure};

/// Parses and builds every version file of a set; problems go to `findings`.
pub(crate) fn load_versions(files: &[&SourceFile], findings: &mut Vec<Finding>) -> Vec<Version> {
    let mut parsed: Vec<(&SourceFile, VersionFile)> = Vec::new();
    for file in files {
        if let Some(v) = Src::new(&file.display_name, &file.text).parse::<VersionFile>(findings) {
            parsed.push((file, v));
        }
    }
    let unread = files.len() - parsed.len();
    build_versions(&parsed, unread, findings)
}

/// Builds the versions of the files read (`unread`: how many version files could not be read,
/// whose ids are unknown).
fn build_versions(parsed: &[(&SourceFile, VersionFile)], unread: usize, findings: &mut Vec<Finding>) -> Vec<Version> {
    let mut by_id: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (file, v)) in parsed.iter().enumerate() {
        let src = Src::new(&file.display_name, &file.text);
        let id = v.id.get_ref().as_str();
        if id.trim().is_empty() {
            findings.push(
                src.error(&v.id, "id", "the version needs an id, e.g. \"vn-287-2016\"")
                    .vi("phiên bản cần có mã (khóa `id`), ví dụ \"vn-287-2016\""),
            );
            continue;
        }
        if let Some(&j) = by_id.get(id) {
            findings.push(
                src.error(&v.id, "id", format!("version id `{id}` is also used by {}", parsed[j].0.display_name))
                    .vi(format!("mã phiên bản `{id}` đã được dùng trong tệp {}", parsed[j].0.display_name)),
            );
            continue;
        }
        by_id.insert(id, i);
        if let Some(until) = &v.effective_until
            && until.get_ref() < v.effective_from.get_ref()
        {
            findings.push(
                src.error(
                    until,
                    "effective_until",
                    format!(
                        "the version ends on {} before it starts on {}",
                        until.get_ref(),
                        v.effective_from.get_ref()
                    ),
                )
                .vi(format!(
                    "phiên bản hết hiệu lực ngày {}, trước ngày bắt đầu có hiệu lực {}",
                    until.get_ref().day_first(),
                    v.effective_from.get_ref().day_first()
                )),
            );
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
                    .vi(format!(
                        "phiên bản không sửa đổi phiên bản nào khác (không có khóa `extends`) phải ghi đủ: {}",
                        missing.join(", ")
                    ))
                    .with_hints(
                        "write them out, or add extends = \"<id of the version this one amends>\"",
                        "ghi đủ các khóa này, hoặc thêm extends = \"<mã của phiên bản được sửa đổi>\"",
                    ),
                );
            }
            if !v.remove_rows.is_empty() {
                findings.push(
                    src.error(&v.remove_rows[0], "remove_rows", "only a version that extends another can remove rows")
                        .vi("chỉ phiên bản sửa đổi một phiên bản khác (có khóa `extends`) mới được bỏ mục"),
                );
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
                        // A version file that could not be read may be the one named: its own
                        // error is the one to fix first.
                        let (unread_en, unread_vi) = if unread > 0 {
                            (
                                format!(
                                    "; {unread} version file(s) could not be read (their errors are listed): if one of them is `{}`, fix it first",
                                    ext.get_ref()
                                ),
                                format!(
                                    "; có {unread} tệp phiên bản không đọc được (lỗi của tệp đó có trong danh sách): nếu đó là `{}`, hãy sửa tệp đó trước",
                                    ext.get_ref()
                                ),
                            )
                        } else {
                            (String::new(), String::new())
                        };
                        findings.push(
                            src.error(
                                ext,
                                "extends",
                                format!(
                                    "`{}` names no version; known versions: {}{unread_en}",
                                    ext.get_ref(),
                                    known.join(", ")
                                ),
                            )
                            .vi(format!(
                                "`{}` không phải là mã của phiên bản nào; các phiên bản hiện có: {}{unread_vi}",
                                ext.get_ref(),
                                known.join(", ")
                            )),
                        );
                    }
                    ok = false;
                    break;
                }
                Some(&next) if chain.contains(&next) => {
                    if cur == i || next == i {
                        let mut names: Vec<&str> = chain.iter().map(|&c| parsed[c].1.id.get_ref().as_str()).collect();
                        names.push(ext.get_ref());
                        findings.push(
                            src.error(ext, "extends", format!("`extends` loops: {}", names.join(" → ")))
                                .vi(format!("khóa `extends` tạo thành vòng lặp: {}", names.join(" → "))),
                        );
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
                        )
                        .vi(format!(
                            "phiên bản `{}` có hiệu lực từ ngày {} nhưng sửa đổi phiên bản `{}`, là phiên bản có hiệu lực muộn hơn (từ ngày {})",
                            v.id.get_ref(),
                            v.effective_from.get_ref().day_first(),
                            ext.get_ref(),
                            parsed[next].1.effective_from.get_ref().day_first()
                        )));
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
        let currency = match pick(|v| v.currency.is_some()).and_then(|v| v.currency.as_ref()) {
            None => Currency::Vnd,
            Some(c) => Currency::from_code(c.get_ref()).unwrap_or_else(|| {
                findings.push(
                    src.error(
                        c,
                        "currency",
                        format!(
                            "currency `{}` is not one the law uses: write \"VND\"",
                            crate::text::excerpt(c.get_ref())
                        ),
                    )
                    .vi(format!(
                        "đơn vị tiền tệ `{}` không phải là đơn vị văn bản pháp luật sử dụng: ghi \"VND\"",
                        crate::text::excerpt(c.get_ref())
                    )),
                );
                Currency::Vnd
            }),
        };
        let rounding = pick(|v| v.rounding.is_some()).and_then(|v| v.rounding.as_ref());
        let (Some(title), Some(rounding)) = (title.or(base.title.clone()), rounding) else {
            continue; // reported above
        };
        let step = exact(&rounding.step);
        if step <= Decimal::ZERO {
            findings.push(
                src.error(
                    &rounding.step,
                    "rounding.step",
                    "the rounding step must be a positive amount, e.g. 1 or 1000",
                )
                .vi("bước làm tròn phải là số dương, ví dụ 1 hoặc 1000"),
            );
        }
        for procedure in Procedure::ALL {
            if !draft.procedures.contains_key(&procedure) && c_is_base(chain, i) {
                findings.push(
                    src.error_here(Some("procedure"), format!("procedure `{}` has no factor", procedure.key()))
                        .vi(format!("thủ tục `{}` chưa có hệ số", procedure.key()))
                        .with_hints(
                            "the engine never assumes a factor: add [procedure.<name>] with factor and basis",
                            "chương trình không tự giả định hệ số: thêm bảng [procedure.<tên thủ tục>] có `factor` và `basis`",
                        ),
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
            hot: super::version::Hot::default(),
        };
        let version = finish(version, draft, findings);
        if version.rows.len() > MAX_ROWS {
            findings.push(
                src.error_here(
                    Some("row"),
                    format!(
                        "version `{}` has {} rows; a version may have at most {MAX_ROWS}",
                        version.id,
                        version.rows.len()
                    ),
                )
                .vi(format!(
                    "phiên bản `{}` có {} mục; một phiên bản có tối đa {MAX_ROWS} mục",
                    version.id,
                    version.rows.len()
                )),
            );
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
                .vi(format!(
                    "{} loại thiết bị chưa có mục phí trong phiên bản `{}`: {}",
                    list.len(),
                    version.id,
                    list.join(", ")
                ))
                .with_hints(
                    "an application with such a device cannot be priced (exit code 1); map each class to a row",
                    "hồ sơ có thiết bị thuộc các loại này sẽ không tính được phí (mã thoát 1); hãy gán mỗi loại vào một mục",
                ),
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
) -> Vec<super::version::Index> {
    let mut out: BTreeMap<String, super::version::Index> = BTreeMap::new();
    for (file, v) in chain {
        let src = Src::new(&file.display_name, &file.text);
        for ix in &v.indexes {
            let mut values: Vec<(Date, Decimal)> =
                ix.values.iter().map(|x| (x.from, canonical(x.value.get_ref().0))).collect();
            values.sort_by_key(|x| x.0);
            if values.is_empty() {
                findings.push(
                    src.error(&ix.id, "index.values", format!("index `{}` has no value", ix.id.get_ref()))
                        .vi(format!("chỉ số `{}` chưa có giá trị nào", ix.id.get_ref())),
                );
            }
            if values.windows(2).any(|w| w[0].0 == w[1].0) {
                findings.push(
                    src.error(
                        &ix.id,
                        "index.values",
                        format!("index `{}` has two values for the same day", ix.id.get_ref()),
                    )
                    .vi(format!("chỉ số `{}` có hai giá trị cho cùng một ngày", ix.id.get_ref())),
                );
            }
            for x in &ix.values {
                if x.value.get_ref().0 <= Decimal::ZERO {
                    findings.push(
                        src.error(&x.value, "index.values", "an index value must be a positive amount")
                            .vi("giá trị của chỉ số phải là số dương"),
                    );
                }
            }
            out.insert(
                ix.id.get_ref().clone(),
                super::version::Index {
                    id: ix.id.get_ref().clone(),
                    name: ix.name.clone(),
                    values,
                    basis: ix.basis.clone(),
                },
            );
        }
    }
    out.into_values().collect()
}

/// Whole-class exemptions along a chain (a later version's entry for a class replaces it).
fn merge_exempt<'a>(
    chain: impl Iterator<Item = &'a (&'a SourceFile, VersionFile)>,
    findings: &mut Vec<Finding>,
) -> Vec<super::version::Exemption> {
    let mut out: BTreeMap<DeviceClass, super::version::Exemption> = BTreeMap::new();
    for (file, v) in chain {
        let src = Src::new(&file.display_name, &file.text);
        for e in &v.exempts {
            match DeviceClass::from_key(e.class.get_ref()) {
                Some(class) => {
                    out.insert(
                        class,
                        super::version::Exemption {
                            class,
                            note: e.note.clone(),
                            basis: e.basis.clone(),
                            origin: v.id.get_ref().clone(),
                        },
                    );
                }
                None => findings.push(
                    src.error(&e.class, "exempt.class", unknown_class_message(e.class.get_ref()))
                        .vi(unknown_class_message_vi(e.class.get_ref())),
                ),
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
            let message = format!("row `{}` is in `{ix}`, but no [[index]] has that id", row.id);
            let message_vi =
                format!("mục `{}` tính theo chỉ số `{ix}`, nhưng không có bảng [[index]] nào mang mã này", row.id);
            let f = match at {
                Some(span) => src.error(span, "row.indexed", message).vi(message_vi),
                None => src.error_here(Some("row.indexed"), message).vi(message_vi),
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
            let message_vi = format!(
                "loại thiết bị `{}` được miễn phí nhưng cũng được tính phí ở mục `{}`: hai quy định cho cùng một trường hợp mâu thuẫn nhau",
                e.class, row.id
            );
            findings.push(match at {
                Some(span) => Finding::error(Some(src.at(span)), Some("exempt.class"), message).vi(message_vi),
                None => src.error_here(Some("exempt.class"), message).vi(message_vi),
            });
        }
    }
}

/// A chain of one file is a base version; it must state every procedure.
fn c_is_base(chain: &[usize], i: usize) -> bool {
    chain.len() == 1 && chain[0] == i
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
