//! Who licenses a device class on a date: the province, VARANS or the Ministry. Kept as data
//! (`fee-schedules/authority.toml`), each line cited, assumptions marked.
//!
//! ```
//! use radfee::{Authority, Date, DeviceClass, Law};
//!
//! let table = Law::builtin()?.authority();
//! let (rule, _) = table.rule(DeviceClass::XrayCt, Date::new(2026, 3, 1).unwrap()).unwrap();
//! assert_eq!(rule.authority, Authority::Province);
//! let (rule, _) = table.rule(DeviceClass::NuclearGauge, Date::new(2026, 3, 1).unwrap()).unwrap();
//! assert_eq!(rule.authority, Authority::Varans);
//! # Ok::<(), radfee::Error>(())
//! ```

use serde::Serialize;

use crate::date::Date;
use crate::error::Finding;
use crate::schedule::files::AuthorityFile;
use crate::source::Src;
use crate::vocab::{ClassMap, DeviceClass, Family};
use crate::vocab::{LegalRef, Text};

pub use crate::vocab::{Authority, Body};

/// One rule: these classes fall to this authority during the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AuthorityRule {
    /// Who licenses and collects.
    pub authority: Authority,
    /// The legal basis.
    pub basis: LegalRef,
    /// Set when the rule (or its period) is an assumption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumption: Option<Text>,
    /// In a contested period, who licenses these classes under the other reading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternative: Option<AlternativeAuthority>,
    /// `basis` as text, formatted once when the table is loaded.
    #[serde(skip)]
    pub(crate) basis_text: String,
}

/// The authority a rule of a contested period gives under the other reading.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AlternativeAuthority {
    /// Who licenses under that reading.
    pub authority: Authority,
    /// Its legal basis.
    pub basis: LegalRef,
}

/// A contested question of a period (e.g. the date licensing moved to the provinces): the
/// two readings, and why the default one is applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Contest {
    /// What is contested.
    pub question: Text,
    /// The reading the rules' authorities follow (applied unless it would split an
    /// application that the other reading keeps whole).
    pub default: Text,
    /// The other reading.
    pub alternative: Text,
    /// Why the default reading was chosen.
    pub why: Text,
}

#[derive(Clone, Debug)]
pub(crate) struct Period {
    from: Date,
    until: Option<Date>,
    assumption: Option<Text>,
    contest: Option<Contest>,
    rules: Vec<AuthorityRule>,
    by_class: ClassMap<usize>,
}

impl Period {
    /// The assumption the period rests on, if any.
    pub(crate) fn assumption(&self) -> Option<&Text> {
        self.assumption.as_ref()
    }

    /// The contested question of the period, if any.
    pub(crate) fn contest(&self) -> Option<&Contest> {
        self.contest.as_ref()
    }

    /// The rule for a class in this period.
    pub(crate) fn rule(&self, class: DeviceClass) -> Option<&AuthorityRule> {
        self.rules.get(*self.by_class.get(class)?)
    }
}

/// The authority table: dated periods, each mapping every regulated class to one authority.
#[derive(Clone, Debug)]
pub struct AuthorityTable {
    periods: Vec<Period>,
    varans: Body,
    ministry: Body,
}

impl AuthorityTable {
    pub(crate) fn load(src: &Src<'_>, findings: &mut Vec<Finding>) -> Option<AuthorityTable> {
        let raw: AuthorityFile = src.parse(findings)?;
        let body =
            |b: &crate::schedule::files::BodyFile| Body { vi: b.vi.clone(), en: b.en.clone(), basis: b.basis.clone() };
        let mut periods: Vec<Period> = Vec::new();
        for p in &raw.periods {
            let from = *p.from.get_ref();
            let until = p.until.as_ref().map(|u| *u.get_ref());
            if let (Some(u), Some(us)) = (until, &p.until)
                && u < from
            {
                findings.push(
                    src.error(us, "period.until", format!("the period ends on {u} before it starts on {from}")).vi(
                        format!("giai đoạn kết thúc ngày {}, trước ngày bắt đầu {}", u.day_first(), from.day_first()),
                    ),
                );
            }
            let mut by_class = ClassMap::default();
            let mut rules = Vec::new();
            for (r, rule) in p.rules.iter().enumerate() {
                let mut classes: Vec<(DeviceClass, &toml::Spanned<String>)> = Vec::new();
                for f in &rule.families {
                    match Family::from_key(f.get_ref()) {
                        Some(fam) => {
                            classes.extend(DeviceClass::ALL.iter().filter(|c| c.family() == fam).map(|c| (*c, f)))
                        }
                        None => findings.push(
                            src.error(f, "rule.families", format!("unknown family `{}`", f.get_ref()))
                                .vi(format!("không có nhóm thiết bị nào mang mã `{}`", f.get_ref())),
                        ),
                    }
                }
                for c in &rule.classes {
                    match DeviceClass::from_key(c.get_ref()) {
                        Some(class) => classes.push((class, c)),
                        None => findings.push(
                            src.error(c, "rule.classes", crate::vocab::unknown_class_message(c.get_ref()))
                                .vi(crate::vocab::unknown_class_message_vi(c.get_ref())),
                        ),
                    }
                }
                if rule.families.is_empty() && rule.classes.is_empty() {
                    findings.push(
                        src.error(&p.from, "rule", "a rule names no family and no class")
                            .vi("quy tắc không ghi nhóm thiết bị nào, cũng không ghi loại thiết bị nào"),
                    );
                }
                for (class, at) in classes {
                    if !class.needs_fee_row() {
                        findings.push(
                            src.error(at, "rule", format!("`{class}` is not regulated and has no licensing authority"))
                                .vi(format!("`{class}` không thuộc diện quản lý nên không có cơ quan cấp phép")),
                        );
                    } else if by_class.insert(class, r).is_some() {
                        findings.push(src.error(
                            at,
                            "rule",
                            format!("class `{class}` is given two authorities in the period from {from}: two rules for the same case conflict"),
                        )
                        .vi(format!(
                            "loại thiết bị `{class}` được giao cho hai cơ quan cấp phép trong giai đoạn từ ngày {}: hai quy tắc cho cùng một trường hợp mâu thuẫn nhau",
                            from.day_first()
                        )));
                    }
                }
                if let Some(alt) = rule.alternative.as_ref().filter(|a| *a.authority.get_ref() == rule.authority) {
                    findings.push(
                        src.error(
                            &alt.authority,
                            "rule.alternative.authority",
                            format!(
                                "the alternative authority is the rule's own (`{}`): the two readings would not differ",
                                rule.authority.key()
                            ),
                        )
                        .vi(format!(
                            "cơ quan cấp phép theo cách hiểu khác trùng với cơ quan của chính quy tắc này (`{}`): hai cách hiểu sẽ không khác nhau",
                            rule.authority.key()
                        ))
                        .with_hints(
                            "name the authority the other reading gives, or remove `alternative`",
                            "ghi cơ quan cấp phép theo cách hiểu còn lại, hoặc bỏ khóa `alternative`",
                        ),
                    );
                }
                if rule.alternative.is_some() && p.contest.is_none() {
                    findings.push(
                        src.error(
                            &p.from,
                            "rule.alternative",
                            "a rule gives an alternative authority, but its period has no [period.contest]",
                        )
                        .vi("quy tắc có ghi cơ quan cấp phép theo cách hiểu khác, nhưng giai đoạn của quy tắc không có bảng [period.contest]")
                        .with_hints(
                            "add [period.contest] with question, default, alternative and why",
                            "thêm bảng [period.contest] có các khóa `question`, `default`, `alternative` và `why`",
                        ),
                    );
                }
                rules.push(AuthorityRule {
                    authority: rule.authority,
                    basis: rule.basis.clone(),
                    assumption: rule.assumption.clone(),
                    alternative: rule
                        .alternative
                        .as_ref()
                        .map(|a| AlternativeAuthority { authority: *a.authority.get_ref(), basis: a.basis.clone() }),
                    basis_text: rule.basis.to_string(),
                });
            }
            let missing: Vec<&str> = DeviceClass::ALL
                .iter()
                .filter(|c| c.needs_fee_row() && !by_class.contains_key(**c))
                .map(|c| c.key())
                .collect();
            if !missing.is_empty() {
                findings.push(
                    src.error(
                        &p.from,
                        "period",
                        format!("the period from {from} gives no authority for: {}", missing.join(", ")),
                    )
                    .vi(format!(
                        "giai đoạn từ ngày {} chưa xác định cơ quan cấp phép cho: {}",
                        from.day_first(),
                        missing.join(", ")
                    )),
                );
            }
            if p.contest.is_some() && !rules.iter().any(|r| r.alternative.is_some()) {
                findings.push(src.error(
                    &p.from,
                    "period.contest",
                    "the period is contested but no rule gives an alternative authority",
                )
                .vi("giai đoạn có cách hiểu khác nhau nhưng không quy tắc nào ghi cơ quan cấp phép theo cách hiểu khác"));
            }
            let contest = p.contest.as_ref().map(|c| Contest {
                question: c.question.clone(),
                default: c.default.clone(),
                alternative: c.alternative.clone(),
                why: c.why.clone(),
            });
            periods.push(Period { from, until, assumption: p.assumption.clone(), contest, rules, by_class });
        }
        periods.sort_by_key(|p| p.from);
        for (i, pair) in periods.windows(2).enumerate() {
            let overlap = pair[0].until.is_none_or(|u| u >= pair[1].from);
            if overlap {
                let at = &raw.periods.iter().filter(|p| *p.from.get_ref() == pair[1].from).map(|p| &p.from).next();
                if let Some(at) = at {
                    findings.push(
                        src.error(
                            at,
                            "period.from",
                            format!(
                                "the period from {} overlaps the period from {} (period {})",
                                pair[1].from,
                                pair[0].from,
                                i + 1
                            ),
                        )
                        .vi(format!(
                            "giai đoạn từ ngày {} chồng lên giai đoạn từ ngày {} (giai đoạn thứ {})",
                            pair[1].from.day_first(),
                            pair[0].from.day_first(),
                            i + 1
                        ))
                        .with_hints(
                            "end the earlier period the day before with until = …",
                            "cho giai đoạn trước kết thúc vào ngày liền trước bằng until = …",
                        ),
                    );
                }
            }
        }
        Some(AuthorityTable { periods, varans: body(&raw.bodies.varans), ministry: body(&raw.bodies.ministry) })
    }

    /// The rule that decides who licenses `class` on `date`; `None` for classes that are not
    /// regulated or dates outside every period.
    pub fn rule(&self, class: DeviceClass, date: Date) -> Option<(&AuthorityRule, Option<&Text>)> {
        let period = self.period_on(date)?;
        Some((period.rule(class)?, period.assumption.as_ref()))
    }

    /// The contested question of the period in force on `date`, if there is one.
    pub fn contest_on(&self, date: Date) -> Option<&Contest> {
        self.period_on(date)?.contest.as_ref()
    }

    /// The period in force on `date` (the hot path finds it once per application).
    pub(crate) fn period_on(&self, date: Date) -> Option<&Period> {
        self.periods.iter().rev().find(|p| p.from <= date && p.until.is_none_or(|u| date <= u))
    }

    /// The national body for an authority (`None` for [`Authority::Province`]: that body is in
    /// the province file).
    pub fn national_body(&self, authority: Authority) -> Option<&Body> {
        match authority {
            Authority::Province => None,
            Authority::Varans => Some(&self.varans),
            Authority::Ministry => Some(&self.ministry),
        }
    }
}
