//! The timeline of a schedule's versions: two versions in force on the same day, and the
//! windows of adjustments, charges and warnings that lie outside their own version.

use std::collections::BTreeMap;

use super::model::VersionFile;
use super::version::Version;
use crate::date::Date;
use crate::error::Finding;
use crate::source::{SourceFile, Src};

/// Overlaps between versions, and windows of adjustments, charges and warnings that lie
/// outside their version.
pub(super) fn check_timeline(
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
            findings.push(
                src.error(
                    &vf.effective_from,
                    "effective_from",
                    format!(
                        "versions `{}` and `{}` both start on {}: only one can be in force",
                        a.id, b.id, b.effective_from
                    ),
                )
                .vi(format!(
                    "phiên bản `{}` và `{}` cùng có hiệu lực từ ngày {}: chỉ một phiên bản có thể có hiệu lực",
                    a.id,
                    b.id,
                    b.effective_from.day_first()
                )),
            );
        } else if let Some(until) = a.effective_until
            && until >= b.effective_from
        {
            let message = format!(
                "version `{}` runs until {until}, overlapping version `{}`, which starts on {}",
                a.id, b.id, b.effective_from
            );
            let message_vi = format!(
                "phiên bản `{}` có hiệu lực đến ngày {}, chồng lên phiên bản `{}` có hiệu lực từ ngày {}",
                a.id,
                until.day_first(),
                b.id,
                b.effective_from.day_first()
            );
            let finding = match file_of(a) {
                Some((afile, avf)) => {
                    let asrc = Src::new(&afile.display_name, &afile.text);
                    match &avf.effective_until {
                        Some(u) => asrc.error(u, "effective_until", message).vi(message_vi),
                        None => asrc.error_here(Some("effective_until"), message).vi(message_vi),
                    }
                }
                None => src.error(&vf.effective_from, "effective_from", message).vi(message_vi),
            };
            findings.push(finding);
        } else if let Some(until) = a.effective_until
            && let Some(first) = until.succ().filter(|day| *day < b.effective_from)
            && let Some((afile, avf)) = file_of(a)
            && let Some(u) = &avf.effective_until
        {
            // Days no version is in force, `first` to `last`: an application received then
            // cannot be priced.
            let asrc = Src::new(&afile.display_name, &afile.text);
            let last = b.effective_from.pred().unwrap_or(b.effective_from);
            findings.push(
                Finding::warning(
                    Some(asrc.at(u.span())),
                    Some("effective_until"),
                    format!(
                        "version `{}` ends on {until} and version `{}` starts on {}: no version is in force from {first} to {last}, so no application received then can be priced",
                        a.id, b.id, b.effective_from
                    ),
                )
                .vi(format!(
                    "phiên bản `{}` hết hiệu lực ngày {} và phiên bản `{}` có hiệu lực từ ngày {}: từ ngày {} đến ngày {} không có phiên bản nào có hiệu lực, nên không tính được phí cho hồ sơ tiếp nhận trong thời gian này",
                    a.id,
                    until.day_first(),
                    b.id,
                    b.effective_from.day_first(),
                    first.day_first(),
                    last.day_first()
                )),
            );
        }
    }
    // After the last version's end, nothing is in force.
    if let Some(v) = versions.last()
        && let Some(until) = v.effective_until
        && let Some((file, vf)) = file_of(v)
        && let Some(u) = &vf.effective_until
    {
        let src = Src::new(&file.display_name, &file.text);
        findings.push(
            Finding::warning(
                Some(src.at(u.span())),
                Some("effective_until"),
                format!(
                    "version `{}`, the last, ends on {until}: no version is in force after it, so no application received later can be priced; add the version that follows it",
                    v.id
                ),
            )
            .vi(format!(
                "phiên bản `{}` là phiên bản cuối cùng và hết hiệu lực ngày {}: sau ngày này không có phiên bản nào có hiệu lực, nên không tính được phí cho hồ sơ tiếp nhận sau đó; hãy thêm phiên bản tiếp theo",
                v.id,
                until.day_first()
            )),
        );
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
            .map(|a| {
                let what =
                    (format!("adjustment `{}`", a.id.get_ref()), format!("quy tắc điều chỉnh `{}`", a.id.get_ref()));
                (what, &a.from, &a.until, &a.id)
            })
            .chain(vf.charges.iter().map(|c| {
                let what = (format!("charge `{}`", c.id.get_ref()), format!("khoản lệ phí `{}`", c.id.get_ref()));
                (what, &c.from, &c.until, &c.id)
            }));
        for ((what, what_vi), from, until, id) in windows {
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
                let period_vi = match end {
                    Some(e) => format!("từ ngày {} đến ngày {}", v.effective_from.day_first(), e.day_first()),
                    None => format!("từ ngày {}", v.effective_from.day_first()),
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
                    .vi(format!(
                        "thời gian áp dụng {what_vi} nằm ngoài thời gian có hiệu lực của phiên bản `{}` ({period_vi})",
                        v.id
                    ))
                    .with_hints(
                        "put the window inside the version's period, or move it to the version in force then",
                        "đặt thời gian áp dụng trong thời gian có hiệu lực của phiên bản, hoặc chuyển sang phiên bản có hiệu lực vào thời gian đó",
                    ),
                );
            }
        }
        // A warning whose window lies wholly outside the version's own period (its start and
        // its stated end) is shown on no quote. (A later version taking over early only cuts a
        // warning short: that is how a warning about a coming circular ends.)
        for w in &vf.warnings {
            let ends_before = w.until.as_ref().is_some_and(|u| *u.get_ref() < v.effective_from);
            let starts_after = match (&w.from, v.effective_until) {
                (Some(f), Some(e)) => *f.get_ref() > e,
                _ => false,
            };
            if ends_before || starts_after {
                let period = match v.effective_until {
                    Some(e) => format!("{} to {e}", v.effective_from),
                    None => format!("from {}", v.effective_from),
                };
                let period_vi = match v.effective_until {
                    Some(e) => format!("từ ngày {} đến ngày {}", v.effective_from.day_first(), e.day_first()),
                    None => format!("từ ngày {}", v.effective_from.day_first()),
                };
                let (key, at) = match (&w.from, &w.until) {
                    (Some(f), _) if starts_after => ("from", f.span()),
                    (_, Some(u)) => ("until", u.span()),
                    _ => ("id", w.id.span()),
                };
                findings.push(
                    Finding::error(
                        Some(src.at(at)),
                        Some(key),
                        format!(
                            "warning `{}` would show on no quote: its window lies wholly outside its version `{}`, which is in force {period}",
                            w.id.get_ref(),
                            v.id
                        ),
                    )
                    .vi(format!(
                        "cảnh báo `{}` sẽ không hiện trên phiếu tính phí nào: thời gian áp dụng của cảnh báo nằm hoàn toàn ngoài thời gian có hiệu lực của phiên bản `{}` ({period_vi})",
                        w.id.get_ref(),
                        v.id
                    ))
                    .with_hints(
                        "put the warning's window inside the version's period, or declare it in the version in force then",
                        "đặt thời gian áp dụng của cảnh báo trong thời gian có hiệu lực của phiên bản, hoặc khai báo cảnh báo ở phiên bản có hiệu lực vào thời gian đó",
                    ),
                );
            }
        }
    }
}
