//! The itemised quote: the plan and the core's steps written out as lines, adjustments,
//! charges, warnings, notes, the licensing authority and, in a contested period, both readings.

use rust_decimal::Decimal;

use crate::application::Application;
use crate::date::Date;
use crate::error::Error;
use crate::money::Money;
use crate::province::{Province, ResolvedProvince};
use crate::schedule::{Adjustment, Charge, ProcedureRule, Unit, Version, WarningLevel};
use crate::vocab::{Authority, Body, Channel, DeviceClass, LegalRef, Procedure, Text};

use super::book::Book;
use super::core::{self, Recorder};
use super::model::{
    ContestedAuthority, Line, Quote, QuoteAdjustment, QuoteCharge, QuoteWarning, Reading, ReadingOutcome, ScheduleRef,
    StepKind,
};
use super::plan::{DeviceRef, DeviceText, Entry, Licensing, Notes, Plan, Texts, plan};

fn basis_text(b: &LegalRef) -> String {
    b.to_string()
}

fn percent(f: Decimal) -> String {
    crate::money::canonical(f * Decimal::ONE_HUNDRED).to_string()
}

/// Records every step of the core.
struct Itemiser<'n> {
    procedure: Procedure,
    channel: Channel,
    date: Date,
    notes: &'n mut Notes,
    /// Per fee line: (unit fee, amount).
    fees: Vec<(Decimal, Decimal)>,
    /// Under `aggregation = "highest"`: the line charged and its fee.
    highest: Option<(usize, Decimal)>,
    adjustments: Vec<QuoteAdjustment>,
    charges: Vec<QuoteCharge>,
    rounding_basis: String,
}

impl Recorder<Decimal> for Itemiser<'_> {
    fn fee(&mut self, _k: usize, unit_fee: Decimal, amount: Decimal) {
        self.fees.push((unit_fee, amount));
    }

    fn highest(&mut self, top: usize, fee: Decimal) {
        self.highest = Some((top, fee));
    }

    fn procedure(&mut self, rule: &ProcedureRule, delta: Decimal) {
        let (pvi, pen) = self.procedure.names();
        let pct = percent(rule.factor);
        self.adjustments.push(QuoteAdjustment {
            kind: StepKind::Procedure,
            id: self.procedure.key().to_owned(),
            name: Text {
                vi: format!("{pvi}: {pct} % mức phí cấp mới"),
                en: format!("{pen}: {pct} % of the new-licence fee"),
            },
            factor: Some(rule.factor),
            amount: Money::new(delta),
            basis: basis_text(&rule.basis),
            assumption: rule.assumption.is_some(),
        });
    }

    fn adjustment(&mut self, adj: &Adjustment, delta: Decimal) {
        self.adjustments.push(QuoteAdjustment {
            kind: StepKind::of(adj.kind),
            id: adj.id.clone(),
            name: adj.name.clone(),
            factor: adj.factor,
            amount: Money::new(delta),
            basis: basis_text(&adj.basis),
            assumption: adj.assumption.is_some(),
        });
    }

    fn not_applied(&mut self, adj: &Adjustment) {
        // Said only of an adjustment limited to a channel the application was not filed by
        // (the online reduction), when its procedure would qualify.
        let Some(ch) = adj.channel else { return };
        if !adj.procedures.as_ref().is_none_or(|p| p.contains(&self.procedure)) {
            return;
        }
        let window = match (adj.from, adj.until) {
            (Some(f), Some(u)) => format!("from {f} to {u}"),
            (Some(f), None) => format!("from {f}"),
            (None, Some(u)) => format!("until {u}"),
            (None, None) => "at any date".to_owned(),
        };
        let window_vi = match (adj.from, adj.until) {
            (Some(f), Some(u)) => format!("từ ngày {} đến ngày {}", f.day_first(), u.day_first()),
            (Some(f), None) => format!("từ ngày {}", f.day_first()),
            (None, Some(u)) => format!("đến ngày {}", u.day_first()),
            (None, None) => "vào mọi thời điểm".to_owned(),
        };
        let (date, date_vi) = (self.date, self.date.day_first());
        self.notes.push(
            format!(
                "Not applied: {} ({}) is only for applications filed {} and received {window}; this one was filed {} on {date}.",
                adj.name.en,
                adj.basis,
                ch.names().1.to_lowercase(),
                self.channel.names().1.to_lowercase()
            ),
            format!(
                "Không áp dụng: {} ({}) chỉ dành cho hồ sơ nộp {} và tiếp nhận {window_vi}; hồ sơ này nộp {} ngày {date_vi}.",
                adj.name.vi,
                adj.basis,
                ch.names().0.to_lowercase(),
                self.channel.names().0.to_lowercase()
            ),
        );
    }

    fn assumption(&mut self, text: &Text) {
        self.notes.assumption(text);
    }

    fn rounding(&mut self, delta: Decimal) {
        self.adjustments.push(QuoteAdjustment {
            kind: StepKind::Rounding,
            id: "rounding".to_owned(),
            name: Text { vi: "Làm tròn".to_owned(), en: "Rounding".to_owned() },
            factor: None,
            amount: Money::new(delta),
            basis: self.rounding_basis.clone(),
            assumption: false,
        });
    }

    fn charge(&mut self, charge: &Charge) {
        self.charges.push(QuoteCharge {
            id: charge.id.clone(),
            name: charge.name.clone(),
            amount: Money::new(charge.amount),
            basis: basis_text(&charge.basis),
        });
    }
}

/// The notes every quote opens with: a former province as written, a local deviation.
fn opening_notes(resolved: &ResolvedProvince, province: &Province, version: &Version, date: Date) -> Notes {
    let mut notes = Notes::default();
    if let Some(former) = &resolved.former {
        if resolved.historical {
            notes.push(
                format!(
                    "{} was a province in its own right on {date} (it merged into {} on {}); its own Department appraised and collected.",
                    former.name.en,
                    province.name().en,
                    former.merged_on
                ),
                format!(
                    "Ngày {}, {} còn là đơn vị hành chính cấp tỉnh (sáp nhập vào {} từ ngày {}); Sở KH&CN của tỉnh đó thẩm định và thu phí.",
                    date.day_first(),
                    former.name.vi,
                    province.name().vi,
                    former.merged_on.day_first()
                ),
            );
        } else {
            notes.push(
                format!(
                    "{} (as written) merged into {} on {}: the application is handled by {}.",
                    former.name.en,
                    province.name().en,
                    former.merged_on,
                    province.name().en
                ),
                format!(
                    "{} (như ghi trong hồ sơ) đã sáp nhập vào {} từ ngày {}: hồ sơ do {} giải quyết.",
                    former.name.vi,
                    province.name().vi,
                    former.merged_on.day_first(),
                    province.name().vi
                ),
            );
        }
    }
    if let Some(dev) = version.deviation() {
        notes.push(
            format!(
                "LOCAL DEVIATION: {} applies a local rule, {} ({}), on top of the national schedule.",
                province.name().en,
                dev.name.en,
                dev.basis
            ),
            format!(
                "QUY ĐỊNH RIÊNG CỦA ĐỊA PHƯƠNG: {} áp dụng {} ({}) bên cạnh biểu phí quốc gia.",
                province.name().vi,
                dev.name.vi,
                dev.basis
            ),
        );
    }
    notes
}

/// Both readings of a contested period, the one applied and why.
fn contested(l: &Licensing<'_>) -> Option<ContestedAuthority> {
    let c = l.contest?;
    let split = |parts: &[(Authority, DeviceClass)]| {
        parts.iter().map(|(a, c)| format!("`{c}` falls to {}", a.key())).collect::<Vec<_>>().join(", ")
    };
    let split_vi = |parts: &[(Authority, DeviceClass)]| {
        parts.iter().map(|(a, c)| format!("{} thuộc {}", c.name_vi(), a.names().0)).collect::<Vec<_>>().join("; ")
    };
    let outcome = |parts: &[(Authority, DeviceClass)], reading: &Text| ReadingOutcome {
        reading: reading.clone(),
        authority: (parts.len() == 1).then(|| parts[0].0),
        split: (parts.len() > 1).then(|| split(parts)),
    };
    Some(ContestedAuthority {
        question: c.question.clone(),
        applied: if l.applied_alternative { Reading::Alternative } else { Reading::Default },
        why: if l.applied_alternative {
            Text {
                vi: format!(
                    "theo cách hiểu mặc định các thiết bị thuộc thẩm quyền khác nhau ({}), còn theo cách hiểu còn lại thì cùng một cơ quan.",
                    split_vi(&l.default)
                ),
                en: format!(
                    "under the default reading the devices fall to different authorities ({}), while under the other reading they fall to one.",
                    split(&l.default)
                ),
            }
        } else {
            c.why.clone()
        },
        default: outcome(&l.default, &c.default),
        alternative: outcome(&l.alternative, &c.alternative),
    })
}

/// The warning a contested period puts on the quote.
fn contest_warning(c: &ContestedAuthority) -> QuoteWarning {
    let (applied, other, applied_vi, other_vi, applied_en, other_en) = match c.applied {
        Reading::Alternative => (
            &c.alternative,
            &c.default,
            "cách hiểu còn lại",
            "cách hiểu mặc định",
            "the other reading",
            "the default reading",
        ),
        _ => (
            &c.default,
            &c.alternative,
            "cách hiểu mặc định",
            "cách hiểu còn lại",
            "the default reading",
            "the other reading",
        ),
    };
    let (falls_vi, falls_en) = match other.authority {
        Some(a) => (a.names().0.to_owned(), a.names().1.to_owned()),
        None => (
            "nhiều cơ quan khác nhau (phải tách thành nhiều hồ sơ)".to_owned(),
            "different authorities (it would have to be split)".to_owned(),
        ),
    };
    QuoteWarning {
        id: "contested-authority".to_owned(),
        level: WarningLevel::High,
        en: format!(
            "Contested: {} This quote follows {applied_en} ({}), because {} Under {other_en} ({}) the application falls to {falls_en}.",
            c.question.en, applied.reading.en, c.why.en, other.reading.en
        ),
        vi: format!(
            "Có cách hiểu khác nhau: {} Phiếu này tính theo {applied_vi} ({}), vì {} Theo {other_vi} ({}) hồ sơ thuộc thẩm quyền {falls_vi}.",
            c.question.vi, applied.reading.vi, c.why.vi, other.reading.vi
        ),
        basis: "fee-schedules/authority.toml".to_owned(),
    }
}

/// The itemised quote of an application, under the version in force on its date in its
/// province.
pub(crate) fn quote(book: &Book<'_>, app: &Application) -> Result<Quote, Error> {
    let (resolved, province, version) = book.select(app)?;
    quote_under(book, app, resolved, province, version)
}

/// The itemised quote under a version chosen by the caller.
pub(crate) fn quote_with_version(book: &Book<'_>, app: &Application, version: &Version) -> Result<Quote, Error> {
    let (resolved, province) = book.resolve_province(app)?;
    quote_under(book, app, resolved, province, version)
}

/// The itemised quote of `app` under `version`.
fn quote_under(
    book: &Book<'_>,
    app: &Application,
    resolved: ResolvedProvince,
    province: &Province,
    version: &Version,
) -> Result<Quote, Error> {
    let date = app.received;
    let mut notes = opening_notes(&resolved, province, version, date);
    let devices = app.devices.iter().map(|d| DeviceRef {
        class: d.class,
        description: d.description.as_ref(),
        count: d.count,
        location: d.location.as_ref(),
    });
    let mut p = Plan::new(app.terms());
    plan(&mut p, version, book.authority, &book.classifier, &app.places, devices, Some(notes))?;
    let Texts { per_device, notes: planned, mut classified_by } = p.texts.take().map(|t| *t).unwrap_or_default();
    notes = planned;
    let mut rec = Itemiser {
        procedure: app.procedure,
        channel: app.channel,
        date,
        notes: &mut notes,
        fees: Vec::with_capacity(p.lines.len()),
        highest: None,
        adjustments: Vec::new(),
        charges: Vec::new(),
        rounding_basis: version.legal_basis().first().map(basis_text).unwrap_or_default(),
    };
    let total = core::price_decimal(version, &p.terms, &p.lines, &mut rec)?;
    let Itemiser { fees, highest, adjustments, charges, .. } = rec;

    // Lines, in the application's order.
    let mut lines = Vec::with_capacity(app.devices.len());
    for (i, ((device, entry), text)) in app.devices.iter().zip(&p.entries).zip(per_device).enumerate() {
        let description = device.description.as_ref().and_then(|d| d.name()).map(str::to_owned);
        let reasons = classified_by.get_mut(i).map(std::mem::take).unwrap_or_default();
        match (entry, text) {
            (Entry::Fee { line, class, mapping }, text) => {
                let note = match text {
                    DeviceText::Fee(note) => note,
                    DeviceText::Zero(_) => None,
                };
                let row = p.lines[*line].row;
                let (unit_fee, mut amount) = fees.get(*line).copied().unwrap_or_default();
                let (mut note_en, mut note_vi) = note.map_or((None, None), |(e, v)| (Some(e), Some(v)));
                if let Some((top, fee)) = highest {
                    let (en, vi) = if *line == top {
                        amount = fee;
                        ("Only the highest category is charged, once.", "Chỉ thu theo mức cao nhất, một lần.")
                    } else {
                        amount = Decimal::ZERO;
                        ("Not charged: only the highest category is charged.", "Không thu: chỉ thu theo mức cao nhất.")
                    };
                    note_en = Some(note_en.map_or(en.to_owned(), |n| format!("{n} {en}")));
                    note_vi = Some(note_vi.map_or(vi.to_owned(), |n| format!("{n} {vi}")));
                }
                lines.push(Line {
                    class: Some(*class),
                    count: device.count,
                    unit_fee: Money::new(unit_fee),
                    amount: Money::new(amount),
                    basis: basis_text(&row.basis),
                    row: Some(row.id.clone()),
                    name: row.name.clone(),
                    unit: row.unit,
                    label: device.label.clone(),
                    description,
                    classified_by: reasons,
                    by_analogy: mapping.by_analogy,
                    note: note_en,
                    note_vi,
                });
            }
            (Entry::Zero(class), text) => {
                let z = match text {
                    DeviceText::Zero(z) => z,
                    DeviceText::Fee(_) => {
                        super::plan::Zero { class: *class, basis: String::new(), en: String::new(), vi: String::new() }
                    }
                };
                let name = match z.class {
                    Some(c) => Text { vi: c.name_vi().to_owned(), en: c.name_en().to_owned() },
                    None => {
                        Text { vi: "Thiết bị được miễn trừ".to_owned(), en: "Exempt device".to_owned() }
                    }
                };
                lines.push(Line {
                    class: z.class,
                    count: device.count,
                    unit_fee: Money::ZERO,
                    amount: Money::ZERO,
                    basis: z.basis,
                    row: None,
                    name,
                    unit: Unit::Device,
                    label: device.label.clone(),
                    description,
                    classified_by: reasons,
                    by_analogy: false,
                    note: Some(z.en),
                    note_vi: Some(z.vi),
                });
            }
        }
    }
    let subtotal = lines.iter().try_fold(Decimal::ZERO, |s, l| crate::money::exact_add(s, l.amount.amount()));

    for note in version.notes().iter().filter(|n| Date::within(date, n.from, n.until)) {
        let (en, vi) = if note.assumption {
            (format!("Assumption: {}", note.en), format!("Giả định: {}", note.vi))
        } else {
            (note.en.clone(), note.vi.clone())
        };
        match &note.basis {
            Some(b) => notes.push(format!("{en} ({b})"), format!("{vi} ({b})")),
            None => notes.push(en, vi),
        }
    }

    let authority = p.licensing.authority();
    let collector: Option<Body> = match authority {
        None => None,
        Some(Authority::Province) if resolved.historical => Some(Body {
            // "Sở Khoa học và Công nghệ tỉnh Bình Dương": the unit's kind in lower case after
            // the name of the department, as the provinces write it.
            vi: format!(
                "Sở Khoa học và Công nghệ {}",
                resolved
                    .name
                    .vi
                    .strip_prefix("Tỉnh ")
                    .map(|n| format!("tỉnh {n}"))
                    .or_else(|| resolved.name.vi.strip_prefix("Thành phố ").map(|n| format!("thành phố {n}")))
                    .unwrap_or_else(|| resolved.name.vi.clone())
            ),
            en: format!("{} Department of Science and Technology", resolved.name.en),
            basis: province.collector().basis.clone(),
        }),
        Some(Authority::Province) => Some(province.collector().clone()),
        Some(a) => book.authority.national_body(a).cloned(),
    };
    let contested = contested(&p.licensing);
    let mut warnings: Vec<QuoteWarning> = version
        .warnings()
        .iter()
        .filter(|w| w.applies_on(date))
        .map(|w| QuoteWarning {
            id: w.id.clone(),
            level: w.level,
            en: w.text.en.clone(),
            vi: w.text.vi.clone(),
            basis: basis_text(&w.basis),
        })
        .collect();
    if let Some(c) = &contested {
        warnings.push(contest_warning(c));
    }
    warnings.sort_by_key(|w| w.level);
    Ok(Quote {
        total: Money::new(total),
        currency: version.currency(),
        warnings,
        province: resolved.name.vi.clone(),
        province_detail: resolved,
        authority,
        collector,
        contested,
        applicant: app.applicant.clone(),
        procedure: app.procedure,
        channel: app.channel,
        received: date,
        schedule: schedule_ref(version),
        lines,
        subtotal: Money::new(subtotal.ok_or_else(|| core::overflow(false))?),
        adjustments,
        charges,
        notes: notes.en,
        notes_vi: notes.vi,
    })
}

/// The version a quote was priced with, as the quote cites it.
fn schedule_ref(version: &Version) -> ScheduleRef {
    ScheduleRef {
        id: version.id().to_owned(),
        title: version.title().clone(),
        legal_basis: version
            .legal_basis()
            .iter()
            .map(|b| match b.date {
                Some(d) => format!("{b} ({d})"),
                None => b.to_string(),
            })
            .collect(),
        fingerprint: version.fingerprint().to_owned(),
        effective_from: version.effective_from(),
        versions: version.chain().to_vec(),
        deviation: version.deviation().map(|d| format!("{}: {} ({})", d.province, d.name.en, d.basis)),
    }
}
