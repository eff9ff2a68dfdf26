//! Calendar dates as the law uses them: a day, no time, no time zone.
//!
//! ```
//! use radfee::Date;
//!
//! let d: Date = "2025-09-15".parse().unwrap();
//! assert_eq!(d, Date::new(2025, 9, 15).unwrap());
//! assert!("15/09/2025".parse::<Date>().is_err()); // refused with a hint to write 2025-09-15
//! assert!(Date::new(2025, 2, 29).is_err());
//! ```

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A calendar day (proleptic Gregorian), e.g. the day an application was received or a schedule
/// took effect.
///
/// In TOML files it is written as a native local date (`received = 2025-09-15`); a quoted ISO
/// string (`"2025-09-15"`) is accepted too. A date-time or an offset is refused: the rules in
/// force are chosen by day, and a time would suggest a precision the law does not have.
/// In JSON it is always the string `"YYYY-MM-DD"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Year, month and day in one integer, in the order days follow each other.
    #[inline]
    fn ordinal_key(self) -> u32 {
        (u32::from(self.year) << 16) | (u32::from(self.month) << 8) | u32::from(self.day)
    }
}

/// Earlier days first: year, then month, then day (one integer comparison; every date is
/// compared at least once per application priced).
impl Ord for Date {
    #[inline]
    fn cmp(&self, other: &Date) -> std::cmp::Ordering {
        self.ordinal_key().cmp(&other.ordinal_key())
    }
}

impl PartialOrd for Date {
    #[inline]
    fn partial_cmp(&self, other: &Date) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Why a text or TOML value is not a valid date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DateError {
    message: String,
    message_vi: String,
}

impl DateError {
    fn new(message: String, message_vi: String) -> DateError {
        DateError { message, message_vi }
    }

    /// The message in Vietnamese.
    pub fn message_vi(&self) -> &str {
        &self.message_vi
    }
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// Whether `date` lies in the window `from..=until` (an open end is unbounded).
    pub(crate) fn within(date: Date, from: Option<Date>, until: Option<Date>) -> bool {
        from.is_none_or(|f| date >= f) && until.is_none_or(|u| date <= u)
    }

    /// The date `year-month-day`, or an error if no such day exists.
    ///
    /// Years 1900 to 9999 are accepted; anything else is almost certainly a typo in a legal
    /// context, and refusing it keeps day arithmetic trivially in range.
    ///
    /// # Errors
    /// [`DateError`] naming the day that does not exist (e.g. 2025-02-29) or the year outside
    /// 1900–9999.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Date, DateError> {
        if let Some(date) = Date::valid(year, month, day) {
            return Ok(date);
        }
        if !(1900..=9999).contains(&year) {
            return Err(DateError::new(
                format!("year {year} is out of range (1900 to 9999)"),
                format!("năm {year} nằm ngoài khoảng 1900 đến 9999"),
            ));
        }
        if !(1..=12).contains(&month) {
            return Err(DateError::new(
                format!("month {month} does not exist (1 to 12)"),
                format!("không có tháng {month} (tháng từ 1 đến 12)"),
            ));
        }
        let last = days_in_month(year, month);
        if day == 0 || day > last {
            return Err(DateError::new(
                format!("day {day} does not exist in {year}-{month:02} (it has {last} days)"),
                format!("tháng {month:02}/{year} không có ngày {day} (tháng có {last} ngày)"),
            ));
        }
        Ok(Date { year, month, day })
    }

    /// The date `year-month-day` if [`Date::new`] accepts it, with no error to build.
    #[inline]
    fn valid(year: u16, month: u8, day: u8) -> Option<Date> {
        let exists = (1900..=9999).contains(&year) && day >= 1 && day <= days_in_month(year, month);
        exists.then_some(Date { year, month, day })
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Today's date in Vietnam (UTC+7, no daylight saving), from the system clock.
    pub fn today_in_vietnam() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
        // A clock outside 1900..9999 is broken; fall back to the epoch rather than fail.
        Date::from_days((secs + 7 * 3600).div_euclid(86_400)).unwrap_or(Date { year: 1970, month: 1, day: 1 })
    }

    /// The date as a date an application was received: today (in Vietnam) or before. An
    /// application cannot have been received in the future, so a later day is a typing mistake
    /// (year, day and month swapped) and is refused, never priced. The calculator, the desk's
    /// form and its API check a received date with this one rule.
    ///
    /// # Errors
    /// [`DateError`] naming the day and today, with the hint to check it.
    pub fn received_by_today(self) -> Result<Date, DateError> {
        let today = Date::today_in_vietnam();
        if self <= today {
            return Ok(self);
        }
        Err(DateError::new(
            format!("the date received {self} is in the future (today is {today}); check the year, day and month"),
            format!(
                "ngày tiếp nhận {} là ngày trong tương lai (hôm nay là {}); kiểm tra lại năm, ngày và tháng",
                self.day_first(),
                today.day_first()
            ),
        ))
    }

    /// Days since 1970-01-01 (negative before it). Exact for every supported date.
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01, if it lies in the supported range.
    pub fn from_days(days: i64) -> Option<Date> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(u16::try_from(year).ok()?, u8::try_from(month).ok()?, u8::try_from(day).ok()?).ok()
    }

    /// The day before, if it exists in the supported range.
    pub fn pred(self) -> Option<Date> {
        Date::from_days(self.to_days() - 1)
    }

    /// The day after, if it exists in the supported range.
    pub fn succ(self) -> Option<Date> {
        Date::from_days(self.to_days() + 1)
    }

    /// The date as Vietnamese documents write it: `15/09/2025`.
    pub fn day_first(self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }

    /// Whole days from `self` to `later` (negative if `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.to_days() - self.to_days()
    }

    fn from_toml(dt: &toml::value::Datetime) -> Result<Date, DateError> {
        match (&dt.date, &dt.time, &dt.offset) {
            (Some(d), None, None) => Date::new(d.year, d.month, d.day),
            _ => Err(DateError::new(
                format!("`{dt}` is not a plain date: write the day only, as YYYY-MM-DD (no time, no offset)"),
                format!("`{dt}` không chỉ là một ngày: chỉ ghi ngày, dạng năm-tháng-ngày (không ghi giờ)"),
            )),
        }
    }
}

impl Date {
    /// A date as it is written on a form or in a spreadsheet cell: `YYYY-MM-DD`, or day first
    /// as Vietnam writes it, `DD/MM/YYYY` (also `D/M/YYYY`, and `-` or `.` between the
    /// numbers). A four-digit year written last makes the order certain: there is no
    /// month-first reading in Vietnamese administrative practice (Decree 30/2020/NĐ-CP,
    /// Appendix I: "ngày … tháng … năm …").
    ///
    /// Files the crate reads as TOML take only `YYYY-MM-DD` ([`FromStr`]); day-first dates
    /// there are refused with a hint.
    ///
    /// # Errors
    /// [`DateError`] when the text is neither form, or names a day that does not exist.
    pub fn from_form(text: &str) -> Result<Date, DateError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(DateError::new(
                "no date is written: write it as DD/MM/YYYY, e.g. 15/09/2025".to_owned(),
                "chưa ghi ngày: ghi dạng ngày/tháng/năm, ví dụ 15/09/2025".to_owned(),
            ));
        }
        if let Some((year, month, day)) = year_month_day(t.as_bytes()) {
            return Date::new(year, month, day);
        }
        match day_month_year(t) {
            // Month first, as some software writes it (`09/15/2025`): never swapped, said.
            Some((day, month, year)) if month > 12 && (1..=12).contains(&day) => {
                Date::new(year, month, day).map_err(|e| {
                    DateError::new(
                        format!(
                            "{}; was the month written before the day? Write day first: {month:02}/{day:02}/{year}",
                            e
                        ),
                        format!(
                            "{}; có phải đã ghi tháng trước ngày? Hãy ghi ngày trước: {month:02}/{day:02}/{year}",
                            e.message_vi()
                        ),
                    )
                })
            }
            Some((day, month, year)) => Date::new(year, month, day),
            None => Err(DateError::new(
                format!(
                    "`{}` is not a date: write it as DD/MM/YYYY (15/09/2025) or YYYY-MM-DD (2025-09-15)",
                    crate::text::excerpt(text)
                ),
                format!(
                    "`{}` không phải là ngày: ghi dạng ngày/tháng/năm (15/09/2025) hoặc năm-tháng-ngày (2025-09-15)",
                    crate::text::excerpt(text)
                ),
            )),
        }
    }
}

/// The numbers of a day-first date (`15/09/2025`, `1-9-2025`, `15.09.2025`): one or two digits,
/// one or two digits, four digits, one separator used twice.
fn day_month_year(t: &str) -> Option<(u8, u8, u16)> {
    let sep = t.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let mut parts = t.split(sep);
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let digits = |p: &str, lens: std::ops::RangeInclusive<usize>| {
        (lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse::<u16>().ok()).flatten()
    };
    Some((u8::try_from(digits(d, 1..=2)?).ok()?, u8::try_from(digits(m, 1..=2)?).ok()?, digits(y, 4..=4)?))
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        let bad = || {
            if let Some((d, m, y)) = day_month_year(s.trim()) {
                let shown = crate::text::excerpt(s);
                // Month first (`09/15/2025`): the day-first reading is impossible, the swap is
                // said.
                if m > 12 && d <= 12 {
                    return DateError::new(
                        format!(
                            "`{shown}` has no month {m}; was the month written before the day? Write it here as {y:04}-{d:02}-{m:02} (YYYY-MM-DD)"
                        ),
                        format!(
                            "`{shown}` không có tháng {m}; có phải đã ghi tháng trước ngày? Ở tệp này hãy ghi {y:04}-{d:02}-{m:02} (năm-tháng-ngày)"
                        ),
                    );
                }
                return DateError::new(
                    format!("`{shown}` is written day first: write it here as {y:04}-{m:02}-{d:02} (YYYY-MM-DD)"),
                    format!(
                        "`{shown}` được ghi theo kiểu ngày/tháng/năm: ở tệp này hãy ghi {y:04}-{m:02}-{d:02} (năm-tháng-ngày)"
                    ),
                );
            }
            DateError::new(
                format!("`{}` is not a date: write it as YYYY-MM-DD, e.g. 2025-09-15", crate::text::excerpt(s)),
                format!("`{}` không phải là ngày: ghi dạng năm-tháng-ngày, ví dụ 2025-09-15", crate::text::excerpt(s)),
            )
        };
        let (year, month, day) = year_month_day(s.as_bytes()).ok_or_else(bad)?;
        Date::new(year, month, day)
    }
}

/// The three numbers of a `YYYY-MM-DD` text, not yet checked as a date.
#[inline]
fn year_month_day(b: &[u8]) -> Option<(u16, u8, u8)> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    // At most four digits, so a u16 holds the value.
    let digits = |r: std::ops::Range<usize>| -> Option<u16> {
        b[r].iter().try_fold(0u16, |n, &c| c.is_ascii_digit().then(|| n * 10 + u16::from(c - b'0')))
    };
    Some((digits(0..4)?, u8::try_from(digits(5..7)?).ok()?, u8::try_from(digits(8..10)?).ok()?))
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A day, written as a TOML local date: 2025-07-01 (no time, no offset).",
            "type": "string",
            "format": "date"
        })
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date such as 2025-09-15")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Date, E> {
                s.parse().map_err(|e: DateError| E::custom(crate::text::join_both(&e.message, &e.message_vi)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
                let dt = toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Date::from_toml(&dt).map_err(|e| de::Error::custom(crate::text::join_both(&e.message, &e.message_vi)))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dates order as days follow each other: by year, then month, then day, whichever part
    /// differs (the comparison packs the three into one integer).
    #[test]
    fn dates_order_as_days_follow() {
        let d = |y, m, dd| Date::new(y, m, dd).unwrap();
        let sorted = [
            d(1999, 12, 31),
            d(2000, 1, 1),
            d(2000, 1, 31),
            d(2000, 2, 1),
            d(2000, 2, 29),
            d(2000, 12, 1),
            d(2001, 1, 1),
        ];
        for (i, a) in sorted.iter().enumerate() {
            for (j, b) in sorted.iter().enumerate() {
                assert_eq!(a.cmp(b), i.cmp(&j), "{a} vs {b}");
                assert_eq!(a.partial_cmp(b), Some(i.cmp(&j)));
            }
        }
        // The order of days is the order of their day numbers, across the whole range.
        for days in (-25_000..40_000).step_by(997) {
            let (a, b) = (Date::from_days(days).unwrap(), Date::from_days(days + 31).unwrap());
            assert_eq!(
                (a.cmp(&b), b.cmp(&a), a.max(b)),
                (std::cmp::Ordering::Less, std::cmp::Ordering::Greater, b),
                "{a} < {b}"
            );
        }
    }

    #[test]
    fn days_round_trip_and_known_values() {
        let d = Date::new(1970, 1, 1).unwrap();
        assert_eq!(d.to_days(), 0);
        let d = Date::new(2025, 12, 31).unwrap();
        assert_eq!(d.succ().unwrap().to_string(), "2026-01-01");
        assert_eq!(Date::new(2024, 3, 1).unwrap().pred().unwrap().to_string(), "2024-02-29");
        for days in (-25_000..40_000).step_by(17) {
            let date = Date::from_days(days).unwrap();
            assert_eq!(date.to_days(), days);
        }
    }

    #[test]
    fn parsing_refuses_impossible_days() {
        assert!("2023-02-29".parse::<Date>().is_err());
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2024-13-01".parse::<Date>().is_err());
        assert!("2024-1-01".parse::<Date>().is_err());
        assert!("+024-01-01".parse::<Date>().is_err());
    }
}
