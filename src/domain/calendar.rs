//! Civil dates are Asia/Shanghai dates (UTC+8 all year, no daylight saving).

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The civil date in Shanghai at an instant.
pub fn civil_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&shanghai()).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shanghai_midnight_is_utc_16h() {
        let before = DateTime::parse_from_rfc3339("2026-11-26T15:59:59Z").map(|d| d.with_timezone(&Utc));
        let after = DateTime::parse_from_rfc3339("2026-11-26T16:00:00Z").map(|d| d.with_timezone(&Utc));
        assert_eq!(before.map(civil_date).ok(), NaiveDate::from_ymd_opt(2026, 11, 26));
        assert_eq!(after.map(civil_date).ok(), NaiveDate::from_ymd_opt(2026, 11, 27));
    }
}

/// An ISO week (Monday–Sunday), written `2026-W48`. A weekly report is as of its Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    pub year: i32,
    pub week: u32,
}

impl IsoWeek {
    pub fn parse(s: &str) -> Option<IsoWeek> {
        let (y, w) = s.trim().split_once("-W")?;
        let (year, week) = (y.parse().ok()?, w.parse().ok()?);
        if y.len() != 4 || w.len() != 2 {
            return None;
        }
        NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon).map(|_| IsoWeek { year, week })
    }

    pub fn of(date: NaiveDate) -> IsoWeek {
        let w = chrono::Datelike::iso_week(&date);
        IsoWeek { year: w.year(), week: w.week() }
    }

    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, chrono::Weekday::Mon).unwrap_or_default()
    }

    /// The as-of date of the week.
    pub fn sunday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, chrono::Weekday::Sun).unwrap_or_default()
    }

    pub fn previous(self) -> IsoWeek {
        IsoWeek::of(self.monday() - chrono::Duration::days(7))
    }

    /// The last week that has ended by `today` (its Sunday is before today, or is today).
    pub fn last_complete(today: NaiveDate) -> IsoWeek {
        let this = IsoWeek::of(today);
        if this.sunday() <= today { this } else { this.previous() }
    }
}

impl std::fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

impl serde::Serialize for IsoWeek {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// How the time share (序时进度) of a year is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeShareMode {
    /// Whole months, as official bulletins count: end of September is 9/12 = 75 %.
    #[default]
    Months,
    /// Days elapsed in the year.
    Day,
}

/// The last month whose figures count as of a date: the date's own month on its last day,
/// otherwise the month before (a month's report is due at its end).
pub fn reporting_month(as_of: NaiveDate) -> (i32, u32) {
    use chrono::Datelike;
    let next = as_of.succ_opt().unwrap_or(as_of);
    if next.month() != as_of.month() {
        (as_of.year(), as_of.month())
    } else if as_of.month() == 1 {
        (as_of.year() - 1, 12)
    } else {
        (as_of.year(), as_of.month() - 1)
    }
}

/// The time share of `year` elapsed at `as_of`, in per-mille (exact integers: 750 = 75.0 %).
pub fn time_share_permille(year: i32, as_of: NaiveDate, mode: TimeShareMode) -> i64 {
    use chrono::Datelike;
    if as_of.year() < year {
        return 0;
    }
    if as_of.year() > year {
        return 1000;
    }
    match mode {
        TimeShareMode::Months => {
            let (y, m) = reporting_month(as_of);
            let months = if y < year { 0 } else { i64::from(m) };
            months * 1000 / 12
        }
        TimeShareMode::Day => {
            let days_in_year = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() { 366 } else { 365 };
            i64::from(as_of.ordinal()) * 1000 / days_in_year
        }
    }
}

#[cfg(test)]
mod week_tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn iso_weeks() {
        let w = IsoWeek::parse("2026-W48").expect("valid");
        assert_eq!(w.monday(), d("2026-11-23"));
        assert_eq!(w.sunday(), d("2026-11-29"));
        assert_eq!(w.to_string(), "2026-W48");
        assert_eq!(w.previous().to_string(), "2026-W47");
        assert_eq!(IsoWeek::of(d("2027-01-01")).to_string(), "2026-W53");
        assert_eq!(IsoWeek::parse("2026-W01").map(|w| w.previous().to_string()), Some("2025-W52".into()));
        for bad in ["2026-W54", "2025-W53", "2026W48", "2026-W4", "x"] {
            assert_eq!(IsoWeek::parse(bad), None, "{bad}");
        }
        assert_eq!(IsoWeek::last_complete(d("2026-11-27")).to_string(), "2026-W47");
        assert_eq!(IsoWeek::last_complete(d("2026-11-29")).to_string(), "2026-W48");
    }

    #[test]
    fn time_share_counts_whole_months() {
        assert_eq!(time_share_permille(2024, d("2024-09-30"), TimeShareMode::Months), 750);
        assert_eq!(time_share_permille(2024, d("2024-09-29"), TimeShareMode::Months), 666);
        assert_eq!(time_share_permille(2026, d("2026-11-27"), TimeShareMode::Months), 833);
        assert_eq!(time_share_permille(2026, d("2026-12-31"), TimeShareMode::Months), 1000);
        assert_eq!(time_share_permille(2026, d("2026-01-15"), TimeShareMode::Months), 0);
        assert_eq!(time_share_permille(2026, d("2025-12-31"), TimeShareMode::Months), 0);
        assert_eq!(time_share_permille(2026, d("2027-03-01"), TimeShareMode::Months), 1000);
        assert_eq!(time_share_permille(2026, d("2026-07-02"), TimeShareMode::Day), 183 * 1000 / 365);
        assert_eq!(reporting_month(d("2026-01-10")), (2025, 12));
        assert_eq!(reporting_month(d("2026-02-28")), (2026, 2));
    }
}
