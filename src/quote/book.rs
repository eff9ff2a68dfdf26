//! The parts of the law a quote reads, and the entry points: the itemised quote, the total,
//! the total of a batch application.

use rust_decimal::Decimal;

use crate::application::{Application, Places, Terms};
use crate::authority::AuthorityTable;
use crate::classify::Classifier;
use crate::date::Date;
use crate::error::{Error, ErrorKind, Finding};
use crate::money::Money;
use crate::province::{Province, Provinces, ResolvedProvince};
use crate::schedule::{Version, WarningLevel};

use super::core;
use super::model::{Reading, Total, WarningRef};
use super::plan::{DeviceRef, Licensing, Plan, plan};

/// The parts of the law a quote reads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Book<'a> {
    /// The national versions, oldest first.
    pub(crate) versions: &'a [Version],
    /// The provinces.
    pub(crate) provinces: &'a Provinces,
    /// The authority table.
    pub(crate) authority: &'a AuthorityTable,
    /// The classifier, for described devices.
    pub(crate) classifier: Classifier<'a>,
}

impl<'a> Book<'a> {
    /// The province of an application on its date; an unknown name points at `province`.
    pub(crate) fn resolve_province(&self, app: &Application) -> Result<(ResolvedProvince, &'a Province), Error> {
        self.provinces.resolve(&app.province, app.received).map_err(|e| {
            Error::new(
                ErrorKind::UnknownProvince { written: e.written.clone(), suggestions: e.suggestions.clone() },
                Finding::error(app.places.province.clone(), Some("province"), e.to_string()).vi(e.message_vi()),
            )
        })
    }

    /// The national version in force on `date`, or the error saying none is.
    fn national_on(&self, date: Date) -> Result<&'a Version, Error> {
        crate::schedule::version_on(self.versions, date).ok_or_else(|| {
            let earliest = self.versions.first().map(Version::effective_from);
            let first = earliest.map(|d| d.to_string()).unwrap_or_default();
            Error::unpriceable(
                ErrorKind::NothingInForce { date, earliest },
                format!(
                    "no fee schedule is in force on {date} (the earliest version starts on {first}); this application cannot be priced with these schedules"
                ),
            )
            .vi(format!(
                "không có biểu phí nào có hiệu lực vào ngày {} (biểu phí sớm nhất có hiệu lực từ {}); không tính được phí cho hồ sơ này",
                date.day_first(),
                earliest.map(Date::day_first).unwrap_or_default()
            ))
        })
    }

    /// The province (as resolved on the date) and the schedule version an application is
    /// priced under: the national version in force, or the province's deviation of it.
    pub(crate) fn select(&self, app: &Application) -> Result<(ResolvedProvince, &'a Province, &'a Version), Error> {
        let (resolved, province) = self.resolve_province(app)?;
        let national = self.national_on(app.received)?;
        let version = if resolved.historical { national } else { province.version_applied(national, app.received) };
        Ok((resolved, province, version))
    }

    /// The version an application in `province` (written as a former province when `former`)
    /// received on `date` is priced under: the national version in force, or the province's
    /// deviation of it (a former province before its merger applies the national one).
    pub(crate) fn version_for(&self, province: &'a Province, former: bool, date: Date) -> Result<&'a Version, Error> {
        let national = self.national_on(date)?;
        let historical = former && date < province.since();
        Ok(if historical { national } else { province.version_applied(national, date) })
    }

    /// The total of an application: the same plan and core as the quote, recording nothing.
    pub(crate) fn total(&self, app: &Application) -> Result<Total, Error> {
        // The province by index (no text is built); an unknown name goes the quote's way for
        // its message.
        let version = match self.provinces.unit_of(&app.province) {
            Some((p, former)) => match self.provinces.get_index(p) {
                Some(province) => self.version_for(province, former.is_some(), app.received)?,
                None => self.select(app)?.2,
            },
            None => self.select(app)?.2,
        };
        let devices = app.devices.iter().map(|d| DeviceRef {
            class: d.class,
            description: d.description.as_ref(),
            count: d.count,
            location: d.location.as_ref(),
        });
        self.total_under(version, app.terms(), &app.places, devices)
    }

    /// The total of an application given by its terms and devices, in `province` (written as a
    /// former province when `former`): the batch's entry.
    pub(crate) fn total_in<'d>(
        &self,
        province: &'a Province,
        former: bool,
        terms: Terms<'d>,
        devices: impl ExactSizeIterator<Item = DeviceRef<'d>>,
    ) -> Result<Total, Error>
    where
        'a: 'd,
    {
        let version = self.version_for(province, former, terms.received)?;
        self.total_under(version, terms, &Places::default(), devices)
    }

    fn total_under<'d>(
        &self,
        version: &'d Version,
        terms: Terms<'d>,
        places: &Places,
        devices: impl ExactSizeIterator<Item = DeviceRef<'d>>,
    ) -> Result<Total, Error>
    where
        'a: 'd,
    {
        let mut p = Plan::new(terms);
        plan(&mut p, version, self.authority, &self.classifier, places, devices, None)?;
        let amount: Decimal = core::total(version, &p.terms, &p.lines)?;
        Ok(Total {
            amount: Money::new(amount),
            authority: p.licensing.authority(),
            reading: reading(&p.licensing),
            warnings: warning_ids(version, terms.received, &p.licensing),
        })
    }
}

/// The reading applied, when the date falls in a contested period for these devices.
pub(crate) fn reading(l: &Licensing<'_>) -> Option<Reading> {
    l.contest.map(|_| if l.applied_alternative { Reading::Alternative } else { Reading::Default })
}

/// The warnings a quote carries, high first (the order of the quote's `warnings`).
fn warning_ids(version: &Version, date: Date, l: &Licensing<'_>) -> Vec<WarningRef> {
    if l.contest.is_none() && !version.warnings().iter().any(|w| w.applies_on(date)) {
        return Vec::new();
    }
    let mut ids: Vec<WarningRef> = version
        .warnings()
        .iter()
        .filter(|w| w.applies_on(date))
        .map(|w| WarningRef { id: w.id.clone(), level: w.level })
        .collect();
    if l.contest.is_some() {
        // Always high: an application priced in a contested period falls to different
        // authorities under the two readings (the authority table refuses an alternative
        // equal to its rule's own, and an application split under both is refused).
        ids.push(WarningRef { id: "contested-authority".to_owned(), level: WarningLevel::High });
    }
    if ids.len() > 1 {
        ids.sort_by_key(|w| w.level);
    }
    ids
}
