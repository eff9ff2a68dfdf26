//! The terms an application is priced on under a version: the conditions it states must be
//! ones the version tests, and a kind of facility the version charges by must be stated (or
//! defaulted by the version, which the quote then prints).

use crate::application::{Places, Terms};
use crate::error::{Error, Finding};
use crate::schedule::{FacilityDefault, Version};
use crate::vocab::FacilityKind;

/// The terms an application is priced on under `version`, once the facts the version's rules
/// need are checked: every stated condition must be one the version's adjustments test, and
/// when an adjustment that would apply depends on the kind of facility, the application must
/// state it, unless the version declares a default (then returned, for the quote to print).
#[inline]
pub(crate) fn settle<'a>(
    version: &'a Version,
    terms: Terms<'a>,
    places: &Places,
) -> Result<(Terms<'a>, Option<&'a FacilityDefault>), Error> {
    // The usual case: no condition stated, and nothing that depends on the kind of facility.
    if terms.conditions.is_empty() && (terms.facility_kind.is_some() || !version.hot.by_facility) {
        return Ok((terms, None));
    }
    settle_stated(version, terms, places)
}

/// [`settle`] when the application states conditions or the version charges by kind of
/// facility.
#[inline(never)]
fn settle_stated<'a>(
    version: &'a Version,
    terms: Terms<'a>,
    places: &Places,
) -> Result<(Terms<'a>, Option<&'a FacilityDefault>), Error> {
    if !terms.conditions.is_empty() {
        let known = version.conditions();
        for (i, c) in terms.conditions.iter().enumerate() {
            if known.contains(&c.as_str()) {
                continue;
            }
            let place = places.conditions.get(i).cloned().or_else(|| places.file.clone());
            let list = if known.is_empty() {
                "it tests no conditions: remove `conditions`".to_owned()
            } else {
                format!("it tests only {}", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
            };
            let list_vi = if known.is_empty() {
                "biểu phí này không xét điều kiện nào: bỏ `conditions`".to_owned()
            } else {
                format!(
                    "biểu phí này chỉ xét {}",
                    known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                )
            };
            let close = known.iter().find(|k| crate::text::edit_distance(k, c.as_str()) <= 2);
            let mut finding = Finding::error(
                place,
                Some("conditions"),
                format!(
                    "condition `{c}` is not one schedule version `{}` (in force on {}) knows: {list}",
                    version.id(),
                    terms.received
                ),
            )
            .vi(format!(
                "biểu phí `{}` (có hiệu lực ngày {}) không có điều kiện `{c}`: {list_vi}",
                version.id(),
                terms.received.day_first()
            ));
            if let Some(k) = close {
                finding = finding.with_hints(format!("did you mean `{k}`?"), format!("có phải là `{k}`?"));
            }
            return Err(Error::input(finding));
        }
    }
    if terms.facility_kind.is_some() {
        return Ok((terms, None));
    }
    let needs = version.adjustments().iter().find(|a| a.facility_kinds.is_some() && a.applies_but_for_facility(&terms));
    let Some(adj) = needs else { return Ok((terms, None)) };
    match version.default_facility_kind() {
        Some(d) => Ok((Terms { facility_kind: Some(d.kind), ..terms }, Some(d))),
        None => {
            let kinds: Vec<&str> = FacilityKind::ALL.iter().map(|k| k.key()).collect();
            Err(Error::input(
                Finding::error(
                    places.file.clone(),
                    Some("facility_kind"),
                    format!(
                        "schedule version `{}` charges by kind of facility ({}: {}), but the application does not say what kind of facility applies",
                        version.id(),
                        adj.id,
                        adj.name.en
                    ),
                )
                .vi(format!(
                    "biểu phí `{}` tính phí theo loại cơ sở ({}: {}), nhưng hồ sơ không ghi loại cơ sở",
                    version.id(),
                    adj.id,
                    adj.name.vi
                ))
                .with_hints(
                    format!("state the kind of facility (facility_kind = one of {})", kinds.join(", ")),
                    format!("ghi loại cơ sở (facility_kind = một trong {})", kinds.join(", ")),
                ),
            ))
        }
    }
}
