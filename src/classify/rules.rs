//! The classifier's rules as cited data (fee-schedules/classification.toml): exemption
//! criteria, source categories, inspection intervals, radiation-safety officers.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::error::Finding;
use crate::number::Number;
use crate::source::Src;
use crate::vocab::{DeviceClass, Family, LegalRef, Text};

/// The rules of fee-schedules/classification.toml.
#[derive(Clone, Debug)]
pub struct ClassificationRules {
    pub(super) max_kv: Decimal,
    pub(super) max_energy_kev: Decimal,
    pub(super) dose_rate_usv_h: Decimal,
    pub(super) exemption_basis: String,
    pub(super) exemption_assumption: Option<Text>,
    pub(super) source_basis: String,
    pub(super) category_bounds: Vec<(u8, Decimal)>,
    pub(super) category_basis: String,
    pub(super) inspection: Vec<(u32, BTreeSet<DeviceClass>, String)>,
    pub(super) officer_not_required: BTreeSet<DeviceClass>,
    pub(super) officer_not_required_from_category: u8,
    pub(super) officer_basis: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    exemption: ExemptionFile,
    categories: CategoriesFile,
    inspection: Vec<InspectionFile>,
    safety_officer: OfficerFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExemptionFile {
    max_kv: Number,
    max_energy_kev: Number,
    dose_rate_usv_h: Number,
    basis: LegalRef,
    #[serde(default)]
    assumption: Option<Text>,
    source_basis: LegalRef,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoriesFile {
    basis: LegalRef,
    bounds: Vec<BoundFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BoundFile {
    category: u8,
    a_over_d_at_least: Number,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InspectionFile {
    months: u32,
    #[serde(default)]
    classes: Vec<toml::Spanned<String>>,
    #[serde(default)]
    families: Vec<toml::Spanned<String>>,
    basis: LegalRef,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfficerFile {
    not_required_classes: Vec<toml::Spanned<String>>,
    not_required_from_category: u8,
    basis: LegalRef,
}

fn class_list(src: &Src<'_>, keys: &[toml::Spanned<String>], findings: &mut Vec<Finding>) -> BTreeSet<DeviceClass> {
    keys.iter()
        .filter_map(|k| {
            let c = DeviceClass::from_key(k.get_ref());
            if c.is_none() {
                findings.push(
                    src.error(k, "classes", crate::vocab::unknown_class_message(k.get_ref()))
                        .vi(crate::vocab::unknown_class_message_vi(k.get_ref())),
                );
            }
            c
        })
        .collect()
}

impl ClassificationRules {
    pub(crate) fn load(src: &Src<'_>, findings: &mut Vec<Finding>) -> Option<ClassificationRules> {
        let raw: RulesFile = src.parse(findings)?;
        let mut bounds: Vec<(u8, Decimal)> =
            raw.categories.bounds.iter().map(|b| (b.category, b.a_over_d_at_least.0)).collect();
        bounds.sort_by_key(|b| std::cmp::Reverse(b.1));
        if bounds.windows(2).any(|w| w[0].0 >= w[1].0) {
            findings.push(src.error_here(
                Some("categories.bounds"),
                "category bounds must rise in danger as the category number falls (1 highest)",
            )
            .vi("ngưỡng A/D của các nhóm nguồn phóng xạ phải tăng theo mức nguy hiểm khi số thứ tự nhóm giảm (nhóm 1 nguy hiểm nhất)"));
        }
        let mut inspection = Vec::new();
        for i in &raw.inspection {
            let mut classes = class_list(src, &i.classes, findings);
            for f in &i.families {
                match Family::from_key(f.get_ref()) {
                    Some(fam) => classes.extend(DeviceClass::ALL.iter().filter(|c| c.family() == fam)),
                    None => findings.push(
                        src.error(f, "families", format!("unknown family `{}`", f.get_ref()))
                            .vi(format!("không có nhóm thiết bị nào mang mã `{}`", f.get_ref())),
                    ),
                }
            }
            inspection.push((i.months, classes, i.basis.to_string()));
        }
        Some(ClassificationRules {
            max_kv: raw.exemption.max_kv.0,
            max_energy_kev: raw.exemption.max_energy_kev.0,
            dose_rate_usv_h: raw.exemption.dose_rate_usv_h.0,
            exemption_basis: raw.exemption.basis.to_string(),
            exemption_assumption: raw.exemption.assumption,
            source_basis: raw.exemption.source_basis.to_string(),
            category_bounds: bounds,
            category_basis: raw.categories.basis.to_string(),
            inspection,
            officer_not_required: class_list(src, &raw.safety_officer.not_required_classes, findings),
            officer_not_required_from_category: raw.safety_officer.not_required_from_category,
            officer_basis: raw.safety_officer.basis.to_string(),
        })
    }
}
