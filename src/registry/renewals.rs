//! Renewals due: licences whose renewal must be filed in a window, each turned into a
//! renewal application for the devices still in service, and priced.

use std::collections::BTreeMap;

use super::model::{Licence, State};
use super::store::Registry;
use crate::application::{Application, DeviceEntry};
use crate::date::Date;
use crate::error::{Error, ErrorKind, Finding};
use crate::law::Law;
use crate::money::Money;
use crate::quote::Quote;
use crate::vocab::{Authority, Procedure};

/// The number of days before expiry by which a renewal must be filed (Decree 142/2020).
pub const RENEWAL_NOTICE_DAYS: i64 = 45;

/// A licence whose renewal falls due in a window, with its ready-made application.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RenewalDue {
    /// The licence.
    pub licence: Licence,
    /// The last day to file the renewal: 45 days before expiry.
    pub file_by: Date,
    /// The renewal application (received on `file_by`), devices still in service; `None` when
    /// none is.
    pub application: Option<Application>,
    /// Its quote, or why it cannot be priced.
    pub quote: Result<Quote, Error>,
}

/// Renewals due in a window and their totals. A renewal whose total cannot be added to the
/// others exactly (a sum past 28 significant digits) is left out of every sum, and its `quote`
/// says so ([`crate::ErrorKind::Overflow`]): the sums are exact, never short without a word.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RenewalReport {
    /// Each renewal, by filing deadline then licence number.
    pub renewals: Vec<RenewalDue>,
    /// Σ totals per province (slug).
    pub per_province: BTreeMap<String, Money>,
    /// Σ totals per authority.
    pub per_authority: BTreeMap<Authority, Money>,
    /// Σ of every priced renewal.
    pub total: Money,
}

impl Registry {
    /// Licences whose renewal must be filed in `from..=to` (45 days before expiry, Decree
    /// 142/2020), each turned into a renewal application received on its filing deadline,
    /// for the devices still active, and priced. See [`State::renewals_due`].
    pub fn renewals_due(&self, law: &Law, from: Date, to: Date) -> RenewalReport {
        self.state.renewals_due(law, from, to)
    }
}

impl State {
    /// Licences of this state whose renewal must be filed in `from..=to` (45 days before
    /// expiry, Decree 142/2020), each turned into a renewal application received on its filing
    /// deadline, for the devices it names that are still active and still held by the
    /// licensee (a device moved to another facility is licensed there), and priced by the
    /// engine ([`Law::quote`]). A store that keeps the state in tables loads the licences of
    /// the window with their facilities and devices, and calls this.
    pub fn renewals_due(&self, law: &Law, from: Date, to: Date) -> RenewalReport {
        // Each licence of the window…
        let mut ready: Vec<(&Licence, Date)> = Vec::new();
        for l in self.licences.values() {
            let Some(file_by) = Date::from_days(l.expires.to_days() - RENEWAL_NOTICE_DAYS) else { continue };
            if file_by < from || file_by > to {
                continue;
            }
            ready.push((l, file_by));
        }
        // …with its application (or why there is none), priced, in two halves at once (a
        // national registry has thousands due in a quarter).
        let price = |part: Vec<(&Licence, Date)>| -> Vec<RenewalDue> {
            part.into_iter()
                .map(|(l, file_by)| {
                    let (application, quote) = match self.renewal_application(l, file_by) {
                        Ok(a) => {
                            let q = law.quote(&a);
                            (Some(a), q)
                        }
                        Err(e) => (None, Err(e)),
                    };
                    RenewalDue { licence: l.clone(), file_by, application, quote }
                })
                .collect()
        };
        let second = ready.split_off(ready.len() / 2);
        let mut renewals = std::thread::scope(|scope| {
            let other = scope.spawn(|| price(second));
            let mut mine = price(ready);
            // Pricing does not panic; were it ever to, the panic goes on as it would have
            // on one thread (never a report missing half its renewals).
            match other.join() {
                Ok(theirs) => mine.extend(theirs),
                Err(panic) => std::panic::resume_unwind(panic),
            }
            mine
        });
        renewals.sort_by(|a, b| (a.file_by, &a.licence.number).cmp(&(b.file_by, &b.licence.number)));
        let mut per_province: BTreeMap<String, Money> = BTreeMap::new();
        let mut per_authority: BTreeMap<Authority, Money> = BTreeMap::new();
        let mut total = Money::ZERO;
        for r in &mut renewals {
            let Ok(q) = &r.quote else { continue };
            // Each sum takes the renewal, or none does: one that cannot be added exactly is
            // left out of all of them and says why, never silently.
            let slug = &q.province_detail.slug;
            let province = per_province.get(slug).copied().unwrap_or_default().checked_add(q.total);
            let authority = match q.authority {
                Some(a) => {
                    per_authority.get(&a).copied().unwrap_or_default().checked_add(q.total).map(|m| Some((a, m)))
                }
                None => Some(None),
            };
            match (province, authority, total.checked_add(q.total)) {
                (Some(p), Some(a), Some(t)) => {
                    per_province.insert(slug.clone(), p);
                    if let Some((a, m)) = a {
                        per_authority.insert(a, m);
                    }
                    total = t;
                }
                _ => r.quote = Err(too_large_to_add()),
            }
        }
        RenewalReport { renewals, per_province, per_authority, total }
    }

    /// The renewal application of licence `l`, received on `file_by`, for the devices it names
    /// that are still active and held by its facility; an error when none is.
    fn renewal_application(&self, l: &Licence, file_by: Date) -> Result<Application, Error> {
        let province = self.facilities.get(&l.facility).map(|f| f.province.clone()).unwrap_or_default();
        let mut builder = Application::builder(province, Procedure::Renewal, file_by);
        if let Some(f) = self.facilities.get(&l.facility) {
            builder = builder.applicant(f.name.clone());
        }
        let mut any = false;
        for id in &l.devices {
            let Some(e) = self.equipment.get(id).filter(|e| e.status.is_active() && e.facility == l.facility) else {
                continue;
            };
            let entry = match (e.class, e.description.is_empty()) {
                (Some(class), _) => DeviceEntry::of_class(class, 1),
                (None, false) => DeviceEntry::described(e.description.clone(), 1),
                (None, true) => continue,
            };
            if let Ok(entry) = entry.and_then(|d| d.with_label(&e.id)) {
                builder = builder.device(entry);
                any = true;
            }
        }
        if !any {
            return Err(Error::unpriceable(
                ErrorKind::EmptyLicence { licence: l.number.clone() },
                format!("licence {} covers no device still in service", l.number),
            )
            .vi(format!("giấy phép {} không còn thiết bị nào đang sử dụng", l.number)));
        }
        builder.build()
    }
}

/// Why a priced renewal is left out of the report's sums: with it, a sum would need more than
/// 28 significant digits.
fn too_large_to_add() -> Error {
    Error::new(
        ErrorKind::Overflow { schedule: false },
        Finding::error(
            None,
            None,
            "the renewals' totals are too large to add up exactly (more than 28 significant digits); this renewal is left out of them",
        )
        .vi("tổng số phí gia hạn quá lớn, không cộng chính xác được (hơn 28 chữ số có nghĩa); hồ sơ gia hạn này không được cộng vào tổng"),
    )
}
