//! One entry of a version file or deviation checked and converted: a fee row, an adjustment, a
//! charge, and the checks their figures share (factors, amounts, date windows, ids used twice).

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use toml::Spanned;

use super::model::{AdjustmentFile, AdjustmentKind, ChargeFile, Number, RowFile};
use super::version::{Adjustment, Charge, ClassMapping, Row};
use crate::date::Date;
use crate::error::Finding;
use crate::money::canonical;
use crate::source::Src;
use crate::vocab::{Condition, DeviceClass, unknown_class_message, unknown_class_message_vi};

pub(crate) fn exact(value: &Spanned<Number>) -> Decimal {
    canonical(value.get_ref().0)
}

pub(super) fn check_factor(src: &Src<'_>, value: &Spanned<Number>, key: &str, findings: &mut Vec<Finding>) -> Decimal {
    let factor = exact(value);
    if factor < Decimal::ZERO || factor > Decimal::TEN {
        findings.push(
            src.error(value, key, format!("factor {factor} is outside the allowed range 0 to 10"))
                .vi(format!("hệ số {factor} nằm ngoài khoảng cho phép từ 0 đến 10"))
                .with_hints(
                    "a factor multiplies a fee: 0.75 is 75 %, 1 is the full fee, 0 is no fee",
                    "hệ số được nhân với mức phí: 0.75 là 75 %, 1 là thu đủ mức phí, 0 là không thu phí",
                ),
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
            src.error(value, key, format!("amount {amount} is negative"))
                .vi(format!("mức thu {amount} là số âm"))
                .with_hints(
                    "fees and charges are written as positive amounts; reductions are adjustments with a factor",
                    "phí và lệ phí ghi bằng số dương; khoản giảm thu ghi thành quy tắc điều chỉnh có hệ số",
                ),
        );
    } else if money && !amount.fract().is_zero() {
        findings.push(
            src.error(value, key, format!("amount {amount} has a fraction of a đồng"))
                .vi(format!("mức thu {amount} có phần lẻ dưới một đồng"))
                .with_hints(
                    "fees and charges are set in whole đồng; write the amount of the circular",
                    "phí và lệ phí được quy định bằng số đồng chẵn; ghi đúng mức thu của thông tư",
                ),
        );
    }
    amount
}

fn check_window(
    src: &Src<'_>,
    from: &Option<Spanned<Date>>,
    until: &Option<Spanned<Date>>,
    (what, what_vi): (&str, &str),
    findings: &mut Vec<Finding>,
) {
    if let (Some(f), Some(u)) = (from, until)
        && u.get_ref() < f.get_ref()
    {
        findings.push(
            src.error(u, "until", format!("{what} ends on {} before it starts on {}", u.get_ref(), f.get_ref())).vi(
                format!(
                    "{what_vi} kết thúc ngày {}, trước ngày bắt đầu {}",
                    u.get_ref().day_first(),
                    f.get_ref().day_first()
                ),
            ),
        );
    }
}

/// Records the id of a row, adjustment or charge as used in this file; when it already was,
/// reports it and returns false.
pub(super) fn first_use(
    seen: &mut BTreeSet<String>,
    id: &Spanned<String>,
    (what, what_vi): (&str, &str),
    src: &Src<'_>,
    findings: &mut Vec<Finding>,
) -> bool {
    let trimmed = id.get_ref().trim();
    if seen.insert(trimmed.to_owned()) {
        return true;
    }
    findings.push(
        src.error(id, &format!("{what}.id"), format!("{what} id `{trimmed}` is used twice in this file"))
            .vi(format!("mã {what_vi} `{trimmed}` được dùng hai lần trong tệp này")),
    );
    false
}

pub(super) fn convert_row(
    row: &RowFile,
    src: &Src<'_>,
    seen: &mut BTreeSet<String>,
    findings: &mut Vec<Finding>,
) -> Option<Row> {
    let id = row.id.get_ref().trim().to_owned();
    if id.is_empty() {
        findings.push(
            src.error(&row.id, "row.id", "a row needs an id (the circular's own numbering, e.g. \"1.4.4\")")
                .vi("mỗi mục cần có mã (khóa `id`) theo đúng số thứ tự trong thông tư, ví dụ \"1.4.4\""),
        );
        return None;
    }
    if !first_use(seen, &row.id, ("row", "mục"), src, findings) {
        return None;
    }
    let (amount, tiers) = match (&row.amount, &row.tiers) {
        (Some(a), None) => (check_amount(src, a, "row.amount", row.indexed.is_none(), findings), None),
        (None, Some(t)) if !t.get_ref().is_empty() => {
            let tiers: Vec<Decimal> = t.get_ref().iter().map(|x| canonical(x.0)).collect();
            if tiers.iter().any(|x| *x < Decimal::ZERO) {
                findings.push(
                    src.error(t, "row.tiers", format!("row `{id}`: a tier amount is negative"))
                        .vi(format!("mục `{id}`: có mức thu theo bậc là số âm")),
                );
            }
            if tiers.windows(2).any(|w| w[1] < w[0]) {
                findings.push(
                    src.error(t, "row.tiers", format!("row `{id}`: tier totals must not fall as the count rises"))
                        .vi(format!("mục `{id}`: tổng mức thu theo bậc không được giảm khi số lượng tăng")),
                );
            }
            (tiers[0], Some(tiers))
        }
        (Some(_), Some(t)) => {
            findings.push(
                src.error(t, "row.tiers", format!("row `{id}` gives both `amount` and `tiers`: keep one"))
                    .vi(format!("mục `{id}` ghi cả `amount` và `tiers`: chỉ giữ một trong hai")),
            );
            (Decimal::ZERO, None)
        }
        (None, _) => {
            findings.push(
                src.error(&row.id, "row.amount", format!("row `{id}` has no `amount`"))
                    .vi(format!("mục `{id}` chưa có mức thu (khóa `amount`)"))
                    .with_hints(
                        "write amount = 2000000, or tiers = [a, b, c] with tail = d for a tier table",
                        "ghi amount = 2000000, hoặc với mức thu theo bậc thì ghi tiers = [a, b, c] kèm tail = d",
                    ),
            );
            (Decimal::ZERO, None)
        }
    };
    if let Some(tail) = &row.tail
        && tiers.is_none()
    {
        findings.push(
            src.error(tail, "row.tail", format!("row `{id}`: `tail` only goes with `tiers`"))
                .vi(format!("mục `{id}`: khóa `tail` chỉ dùng cùng với `tiers`")),
        );
    }
    let tail = row.tail.as_ref().map(|t| check_amount(src, t, "row.tail", row.indexed.is_none(), findings));
    if row.classes.get_ref().is_empty() {
        findings.push(
            src.error(&row.classes, "row.classes", format!("row `{id}` prices no device class"))
                .vi(format!("mục `{id}` không áp dụng cho loại thiết bị nào"))
                .with_hints(
                    "list the classes it applies to, e.g. classes = [\"xray_general\"]",
                    "liệt kê các loại thiết bị áp dụng mục này, ví dụ classes = [\"xray_general\"]",
                ),
        );
    }
    let mut classes: Vec<ClassMapping> = Vec::new();
    for m in row.classes.get_ref() {
        let mf = m.get_ref();
        let Some(class) = DeviceClass::from_key(&mf.class) else {
            findings.push(
                src.error(m, "row.classes", unknown_class_message(&mf.class)).vi(unknown_class_message_vi(&mf.class)),
            );
            continue;
        };
        if classes.iter().any(|c| c.class == class) {
            findings.push(
                src.error(m, "row.classes", format!("class `{class}` is listed twice in row `{id}`"))
                    .vi(format!("loại thiết bị `{class}` được ghi hai lần trong mục `{id}`")),
            );
            continue;
        }
        if !class.needs_fee_row() {
            findings.push(src.error(
                m,
                "row.classes",
                format!(
                    "`{class}` emits no ionising radiation: it needs no licence and no fee row, so no row may price it"
                ),
            )
            .vi(format!(
                "`{class}` không phát bức xạ ion hóa: không cần giấy phép và không có mục phí, nên không mục nào được thu phí cho loại này"
            )));
            continue;
        }
        if mf.by_analogy && mf.note.is_none() {
            findings.push(
                src.error(m, "row.classes", format!("class `{class}` is priced by analogy but has no note saying why"))
                    .vi(format!(
                        "loại thiết bị `{class}` được tính phí áp dụng tương tự mục này nhưng không có ghi chú nêu lý do"
                    ))
                    .with_hints(
                        "add note = { vi = \"…\", en = \"…\" }: the quote prints it",
                        "thêm note = { vi = \"…\", en = \"…\" }: phiếu tính phí sẽ in ghi chú này",
                    ),
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

pub(super) fn convert_adjustment(adj: &AdjustmentFile, src: &Src<'_>, findings: &mut Vec<Finding>) -> Adjustment {
    let id = adj.id.get_ref();
    let what = format!("adjustment `{id}`");
    let what_vi = format!("quy tắc điều chỉnh `{id}`");
    let needs = |key: &str, present: bool, wanted: bool, findings: &mut Vec<Finding>| {
        if wanted && !present {
            findings.push(
                src.error(&adj.id, key, format!("{what} of kind {} needs `{key}`", adj.kind.key()))
                    .vi(format!("{what_vi} thuộc loại `{}` cần có khóa `{key}`", adj.kind.key())),
            );
        } else if !wanted && present {
            findings.push(
                src.error(&adj.id, key, format!("{what}: `{key}` does not apply to an adjustment of this kind"))
                    .vi(format!("{what_vi}: khóa `{key}` không dùng cho quy tắc điều chỉnh loại này")),
            );
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
                )
                .vi(format!(
                    "{what_vi}: mỗi khoảng số lượng phải bắt đầu từ 1 trở lên và kết thúc ở số không nhỏ hơn số bắt đầu"
                )));
            }
            if factor < Decimal::ZERO || factor > Decimal::TEN {
                findings.push(src.error(
                    b,
                    "bands",
                    format!("{what}: factor {factor} is outside the allowed range 0 to 10"),
                )
                .vi(format!("{what_vi}: hệ số {factor} nằm ngoài khoảng cho phép từ 0 đến 10")));
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
                )
                .vi(format!(
                    "{what_vi}: khoảng số lượng bắt đầu từ {} chồng lên khoảng trước đó; hai quy tắc cho cùng một số lượng mâu thuẫn nhau",
                    band.from
                )));
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
            )
            .vi(format!(
                "{what_vi}: khóa `when` ghi tên một điều kiện bằng chữ thường không dấu, nối bằng dấu gạch dưới, ví dụ \"late\""
            )));
            None
        }
    });
    check_window(src, &adj.from, &adj.until, (&what, &what_vi), findings);
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

pub(super) fn convert_charge(charge: &ChargeFile, src: &Src<'_>, findings: &mut Vec<Finding>) -> Charge {
    let amount = check_amount(src, &charge.amount, "charge.amount", true, findings);
    let what = (format!("charge `{}`", charge.id.get_ref()), format!("khoản lệ phí `{}`", charge.id.get_ref()));
    check_window(src, &charge.from, &charge.until, (&what.0, &what.1), findings);
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
