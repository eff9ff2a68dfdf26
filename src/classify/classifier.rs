//! Classifying a description: the evidence of its fields and name, then the class (or the
//! candidates), exemption, sealed sources on the date, authority, safety officer, inspection.

use rust_decimal::Decimal;

use super::evidence::{Evidence, gather, reason};
use super::lazy::LazyCatalogue;
use super::outcome::{AuthorityReading, Classification, Outcome, Status};
use super::profiles::{PROFILES, classes_of, deciding_field, key_of};
use super::rules::ClassificationRules;
use crate::authority::AuthorityTable;
use crate::date::Date;
use crate::error::{Error, Finding};
use crate::nuclide::{Nuclides, assess, category, sum_a_over_d};
use crate::schedule::Version;
use crate::vocab::{Activity, Description, Family, Radiation};

/// Agreement of a single value across candidates.
fn common<T: PartialEq + Copy>(items: impl IntoIterator<Item = T>) -> Option<T> {
    let mut it = items.into_iter();
    let first = it.next()?;
    it.all(|x| x == first).then_some(first)
}

/// The parts of the law the classifier reads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Classifier<'a> {
    /// The classifier's rules (classification.toml).
    pub(crate) rules: &'a ClassificationRules,
    /// The authority table.
    pub(crate) authority: &'a AuthorityTable,
    /// The nuclide table.
    pub(crate) nuclides: &'a Nuclides,
    /// The national versions, oldest first (exemptions and warnings on a date).
    pub(crate) versions: &'a [Version],
    /// The catalogue of manufacturers and models.
    pub(crate) catalogue: &'a LazyCatalogue,
}

impl Classifier<'_> {
    /// Only the class a description settles, or the candidates and the field that would
    /// decide: what [`Law::classify`](crate::Law::classify) decides, without building its reasons,
    /// exemption, authority or sources. For classifying many descriptions in bulk.
    pub(crate) fn class_of(&self, d: &Description) -> Result<Outcome, Error> {
        let e = gather(d, self.catalogue, false)?;
        if e.no_evidence {
            return Ok(Outcome::Unknown);
        }
        let mask = e.mask;
        Ok(match mask.count_ones() {
            0 => Outcome::Unknown,
            1 => Outcome::Settled(PROFILES[mask.trailing_zeros() as usize].class),
            _ => {
                let classes = classes_of(mask);
                let field = e.field.unwrap_or_else(|| deciding_field(&e.facts, &classes));
                Outcome::Ambiguous { classes, field }
            }
        })
    }

    /// Classifies a described device on `date` (which fixes the authority and the decay of its
    /// sources). An unreadable activity or an unknown nuclide is an input error; an ambiguous
    /// description is not an error: the result has no class and lists the candidates.
    pub(crate) fn classify(&self, d: &Description, date: Date) -> Result<Classification, Error> {
        let Evidence { facts, no_evidence, mask, field, mut reasons, mut warnings } = gather(d, self.catalogue, true)?;
        let rules = self.rules;
        let mut decided_by = Vec::new();
        for (field, given) in [
            ("radiation", d.radiation.is_some()),
            ("use", d.use_.is_some()),
            ("modality", d.modality.is_some()),
            ("mobile", d.mobile.is_some()),
            ("name", d.name.is_some()),
        ] {
            if given {
                decided_by.push(field.to_owned());
            }
        }
        let cands = if no_evidence { Vec::new() } else { classes_of(mask) };
        let class = match cands.as_slice() {
            [one] => Some(*one),
            _ => None,
        };
        let outcome = match cands.len() {
            1 => Outcome::Settled(cands[0]),
            0 if no_evidence => Outcome::Unknown,
            0 => {
                warnings.push((
                    "the description contradicts itself: no class fits every stated fact".to_owned(),
                    "mô tả tự mâu thuẫn: không loại thiết bị nào khớp với mọi thông tin đã khai".to_owned(),
                ));
                Outcome::Unknown
            }
            _ => Outcome::Ambiguous {
                classes: cands.clone(),
                field: field.unwrap_or_else(|| deciding_field(&facts, &cands)),
            },
        };
        if let Some(c) = class {
            reasons.push(reason(
                "class",
                format!("{} ({} / {})", c.key(), c.name_vi(), c.name_en()),
                format!("{} ({})", c.key(), c.name_vi()),
                c.legal_basis(),
            ));
        }

        // Exemption first (radiation generators).
        let generator = cands.iter().all(|c| {
            matches!(
                c.family(),
                Family::MedicalXray
                    | Family::HybridImaging
                    | Family::IndustrialXray
                    | Family::AnalyticalXray
                    | Family::Accelerator
            )
        }) && (!cands.is_empty()
            || matches!(d.radiation, Some(Radiation::XRay | Radiation::Accelerator)));
        let mut exemption = None;
        let mut exemption_vi: Option<String> = None;
        if generator {
            let kev_limit = rules.max_energy_kev / Decimal::from(1000);
            if let Some(kv) = d.max_kv.filter(|kv| *kv <= rules.max_kv) {
                exemption = Some(format!("tube voltage {kv} kV ≤ {} kV", rules.max_kv));
                exemption_vi = Some(format!("điện áp cực đại của ống phát {kv} kV ≤ {} kV", rules.max_kv));
            } else if let Some(mev) = d.max_energy_mev.filter(|e| *e <= kev_limit) {
                exemption = Some(format!("maximum energy {mev} MeV ≤ {} keV", rules.max_energy_kev));
                exemption_vi = Some(format!("năng lượng cực đại {mev} MeV ≤ {} keV", rules.max_energy_kev));
            } else if d.type_approved == Some(true)
                && let Some(rate) = d.dose_rate_usv_h.filter(|r| *r <= rules.dose_rate_usv_h)
            {
                exemption =
                    Some(format!("type-approved, dose rate {rate} µSv/h ≤ {} µSv/h at 0.1 m", rules.dose_rate_usv_h));
                exemption_vi = Some(format!(
                    "đã được phê duyệt mẫu, suất liều {rate} µSv/h ≤ {} µSv/h ở khoảng cách 0,1 m",
                    rules.dose_rate_usv_h
                ));
            }
            if let Some(e) = &exemption {
                reasons.push(reason(
                    "exemption.generator",
                    format!("exempt: {e}"),
                    format!("miễn trừ: {}", exemption_vi.as_deref().unwrap_or(e)),
                    &rules.exemption_basis,
                ));
                if let Some(a) = &rules.exemption_assumption {
                    warnings.push((format!("assumption: {}", a.en), format!("giả định: {}", a.vi)));
                }
            }
        }

        // Sealed sources: Σ A/D on the date, and the exemption sum rule.
        let mut sources = Vec::new();
        let mut exempt_sum = Some(Decimal::ZERO);
        for s in &d.source {
            let n = self.nuclides.get(&s.nuclide).ok_or_else(|| {
                Error::input(
                    Finding::error(
                        None,
                        Some("source.nuclide"),
                        format!(
                            "unknown nuclide `{}`: the nuclide table (fee-schedules/nuclides.toml) has no such entry",
                            s.nuclide
                        ),
                    )
                    .vi(format!(
                        "không có đồng vị phóng xạ `{}`: bảng đồng vị phóng xạ (fee-schedules/nuclides.toml) không có mục này",
                        s.nuclide
                    )),
                )
            })?;
            let activity = Activity::parse(&s.activity).map_err(|e| {
                Error::input(Finding::error(None, Some("source.activity"), e.message()).vi(e.message_vi()))
            })?;
            if let Some(reference) = s.reference_date.filter(|r| *r > date) {
                return Err(Error::input(
                    Finding::error(
                        None,
                        Some("source.reference_date"),
                        format!(
                            "source {}: its activity is dated {reference}, after the day it is classified on ({date}); decay cannot be worked backwards from a measurement not yet made",
                            n.name
                        ),
                    )
                    .vi(format!(
                        "nguồn {}: hoạt độ được xác định ngày {}, sau ngày phân loại ({}); không thể tính phân rã ngược từ một phép đo chưa có",
                        n.name,
                        reference.day_first(),
                        date.day_first()
                    ))
                    .with_hints(
                        "give the date the activity was measured (on the source certificate), on or before the date of the application",
                        "ghi ngày xác định hoạt độ (trên chứng chỉ nguồn), vào hoặc trước ngày của hồ sơ",
                    ),
                ));
            }
            if s.reference_date.is_none() {
                warnings.push((
                    format!(
                        "{}: no reference_date: the activity {} is taken as measured on {date}, with no decay; give the date on the source certificate",
                        n.name,
                        crate::text::excerpt(&s.activity)
                    ),
                    format!(
                        "{}: không có ngày xác định hoạt độ (reference_date): hoạt độ {} được coi là đo vào ngày {}, không tính phân rã; hãy ghi ngày trên chứng chỉ nguồn",
                        n.name,
                        crate::text::excerpt(&s.activity),
                        date.day_first()
                    ),
                ));
            }
            let a = assess(n, activity, s.reference_date, date);
            if !a.verified {
                warnings.push((
                    format!(
                        "{}: uses unverified data (D-value {}, half-life {})",
                        n.name,
                        key_of(n.d_value.confidence),
                        key_of(n.half_life_source.confidence)
                    ),
                    format!(
                        "{}: dùng số liệu chưa kiểm chứng (giá trị D: {}, chu kỳ bán rã: {})",
                        n.name,
                        key_of(n.d_value.confidence),
                        key_of(n.half_life_source.confidence)
                    ),
                ));
            }
            exempt_sum = match (exempt_sum, n.exempt_activity_bq) {
                (Some(sum), Some(ex)) => sum.checked_add(a.activity_tbq * Decimal::from(1_000_000_000_000_i64) / ex),
                _ => None,
            };
            sources.push(a);
        }
        let mut source_category = None;
        let mut a_over_d = None;
        if !sources.is_empty() {
            let total = sum_a_over_d(&sources);
            a_over_d = Some(total);
            if let Some(sum) = exempt_sum.filter(|s| *s <= Decimal::ONE) {
                exemption = Some(format!(
                    "sources at or below the exemption activity (Σ A/A_exempt = {})",
                    crate::money::canonical(sum)
                ));
                reasons.push(reason(
                    "exemption.source",
                    format!("exempt: Σ A/A_exempt = {} ≤ 1 on {date}", crate::money::canonical(sum)),
                    format!(
                        "miễn trừ: Σ A/A_miễn trừ = {} ≤ 1 vào ngày {}",
                        crate::money::canonical(sum),
                        date.day_first()
                    ),
                    &rules.source_basis,
                ));
            } else {
                let cat = category(total, &rules.category_bounds);
                source_category = Some(cat);
                let shown = total.round_sf(6).unwrap_or(total).normalize();
                reasons.push(reason(
                    "source.category",
                    format!("Σ A/D = {shown} on {date}: category {cat}"),
                    format!("Σ A/D = {shown} vào ngày {}: nhóm {cat}", date.day_first()),
                    &rules.category_basis,
                ));
                if exempt_sum.is_none() {
                    warnings.push((
                        "no exemption activity in the data for at least one nuclide: exemption not assessed".to_owned(),
                        "thiếu mức hoạt độ miễn trừ của ít nhất một đồng vị: chưa đánh giá được miễn trừ".to_owned(),
                    ));
                }
            }
        }

        let status = if exemption.is_some() {
            Some(Status::Exempt)
        } else {
            common(
                cands
                    .iter()
                    .map(|c| if c.family() == Family::NotIonizing { Status::NotIonizing } else { Status::Licence }),
            )
        };
        if status == Some(Status::NotIonizing) {
            reasons.push(reason(
                "not_ionizing",
                "emits no ionising radiation: no radiation licence, no appraisal fee",
                "không phát bức xạ ion hóa: không cần giấy phép tiến hành công việc bức xạ, không thu phí thẩm định",
                "Luật Năng lượng nguyên tử (phạm vi: bức xạ ion hóa)",
            ));
        }
        // A fee-bearing device on a date the schedule warns about (e.g. a newer circular
        // reported): the classification carries the warning too.
        if status == Some(Status::Licence)
            && let Some(v) = crate::schedule::version_on(self.versions, date)
        {
            for w in v.warnings().iter().filter(|w| w.applies_on(date)) {
                warnings.push((
                    format!("{} ({}): {}", w.level.key(), w.id, w.text.en),
                    format!(
                        "{} ({}): {}",
                        if w.level == crate::schedule::WarningLevel::High { "cảnh báo" } else { "lưu ý" },
                        w.id,
                        w.text.vi
                    ),
                ));
            }
        }
        let mut authority_alternative = None;
        let authority = if status == Some(Status::Licence) {
            let rules_on: Vec<_> = cands.iter().map(|c| self.authority.rule(*c, date)).collect();
            let auth = common(rules_on.iter().map(|r| r.map(|(rule, _)| rule.authority))).flatten();
            if let (Some(a), Some(Some((rule, period)))) = (auth, rules_on.first()) {
                reasons.push(reason(
                    "authority",
                    format!("licensed by {} on {date}", a.key()),
                    format!("cơ quan cấp phép vào ngày {}: {}", date.day_first(), a.names().0),
                    &rule.basis_text,
                ));
                for t in [rule.assumption.as_ref(), *period].into_iter().flatten() {
                    warnings.push((format!("assumption: {}", t.en), format!("giả định: {}", t.vi)));
                }
                if let (Some(alt), Some(contest)) = (&rule.alternative, self.authority.contest_on(date)) {
                    warnings.push((
                        format!(
                            "contested: {} This classification follows the default reading ({}: {}); under the other reading ({}) it is licensed by {}.",
                            contest.question.en,
                            contest.default.en,
                            a.key(),
                            contest.alternative.en,
                            alt.authority.key()
                        ),
                        format!(
                            "có cách hiểu khác nhau: {} Kết quả này theo cách hiểu mặc định ({}: {}); theo cách hiểu khác ({}) cơ quan cấp phép là {}.",
                            contest.question.vi,
                            contest.default.vi,
                            a.names().0,
                            contest.alternative.vi,
                            alt.authority.names().0
                        ),
                    ));
                    authority_alternative = Some(AuthorityReading {
                        authority: alt.authority,
                        reading: contest.alternative.clone(),
                        basis: alt.basis.to_string(),
                    });
                }
            }
            auth
        } else {
            None
        };
        let (safety_officer_required, inspection_interval_months) = match (class, status) {
            (Some(c), Some(Status::Licence)) => {
                let not_required = rules.officer_not_required.contains(&c)
                    || source_category.is_some_and(|k| k >= rules.officer_not_required_from_category);
                reasons.push(reason(
                    "safety_officer",
                    if not_required {
                        "no radiation-safety officer is required"
                    } else {
                        "a radiation-safety officer is required"
                    },
                    if not_required {
                        "không bắt buộc có người phụ trách an toàn bức xạ"
                    } else {
                        "phải có người phụ trách an toàn bức xạ"
                    },
                    &rules.officer_basis,
                ));
                let interval = rules.inspection.iter().find(|(_, cs, _)| cs.contains(&c));
                if let Some((months, _, basis)) = interval {
                    reasons.push(reason(
                        "inspection",
                        format!("inspection every {months} months"),
                        format!("kiểm định {months} tháng một lần"),
                        basis,
                    ));
                }
                (Some(!not_required), interval.map(|(m, _, _)| *m))
            }
            _ => (None, None),
        };
        Ok(Classification {
            name: d.name.clone(),
            outcome,
            family: common(cands.iter().map(|c| c.family())),
            x_ray_emitting: common(cands.iter().map(|c| c.is_x_ray_emitting())),
            status,
            exemption,
            authority,
            authority_alternative,
            source_category,
            a_over_d,
            sources,
            safety_officer_required,
            inspection_interval_months,
            decided_by,
            warnings_vi: warnings.iter().map(|(_, vi)| vi.clone()).collect(),
            warnings: warnings.into_iter().map(|(en, _)| en).collect(),
            reasons,
        })
    }
}
