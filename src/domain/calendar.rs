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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
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

/// `num / den` rounded half up (both non-negative, `den` positive).
fn div_round_half_up(num: i64, den: i64) -> i64 {
    (2 * num + den) / (2 * den)
}

/// The time share of `year` elapsed at `as_of`, in per-mille rounded half up, as bulletins
/// print it to one decimal: 750 = 75.0 %, and 8 months are 8/12 = 66.67 % → 667 = 66.7 %.
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
            div_round_half_up(months * 1000, 12)
        }
        TimeShareMode::Day => {
            let days_in_year = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() { 366 } else { 365 };
            div_round_half_up(i64::from(as_of.ordinal()) * 1000, days_in_year)
        }
    }
}

#[cfg(test)]
mod week_tests {
    use super::*;
    use chrono::Datelike;

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
        assert_eq!(time_share_permille(2024, d("2024-09-29"), TimeShareMode::Months), 667, "August: 8/12");
        assert_eq!(time_share_permille(2026, d("2026-11-27"), TimeShareMode::Months), 833);
        assert_eq!(time_share_permille(2026, d("2026-12-31"), TimeShareMode::Months), 1000);
        assert_eq!(time_share_permille(2026, d("2026-01-15"), TimeShareMode::Months), 0);
        assert_eq!(time_share_permille(2026, d("2025-12-31"), TimeShareMode::Months), 0);
        assert_eq!(time_share_permille(2026, d("2027-03-01"), TimeShareMode::Months), 1000);
        assert_eq!(reporting_month(d("2026-01-10")), (2025, 12));
        assert_eq!(reporting_month(d("2026-02-28")), (2026, 2));
    }

    #[test]
    fn time_share_of_every_month_rounds_half_up_to_one_decimal() {
        // m/12 in per-mille, by hand: 1000/12 = 83.33…, so m × 83.33… rounded to a whole
        // per-mille: Jan 83.3 → 83, Feb 166.7 → 167, Mar 250, Apr 333.3 → 333, May 416.7 → 417,
        // Jun 500, Jul 583.3 → 583, Aug 666.7 → 667, Sep 750, Oct 833.3 → 833,
        // Nov 916.7 → 917, Dec 1000. (No month lands on a half: 1000·m/12 = 250·m/3.)
        let expected = [83, 167, 250, 333, 417, 500, 583, 667, 750, 833, 917, 1000];
        for (month, want) in (1..=12u32).zip(expected) {
            let end = crate::domain::report::Period { year: 2026, month }.last_day();
            assert_eq!(time_share_permille(2026, end, TimeShareMode::Months), want, "end of month {month}");
        }
    }

    #[test]
    fn time_share_by_day_counts_leap_years() {
        let day = |s: &str| time_share_permille(d(s).year(), d(s), TimeShareMode::Day);
        // 2024 has 366 days: Dec 31 is day 366 → 1000; Feb 29 is day 31 + 29 = 60 →
        // 60000/366 = 163.93 → 164; Jul 2 is day 184 (182 days to Jun 30, +2) →
        // 184000/366 = 502.73 → 503; Jan 1 is 1000/366 = 2.73 → 3.
        assert_eq!(day("2024-12-31"), 1000);
        assert_eq!(day("2024-02-29"), 164);
        assert_eq!(day("2024-07-02"), 503);
        assert_eq!(day("2024-01-01"), 3);
        // 2026 has 365 days: Jul 2 is day 181 + 2 = 183 → 183000/365 = 501.37 → 501;
        // Dec 31 is day 365 → 1000; Mar 1 is day 60 → 60000/365 = 164.38 → 164.
        assert_eq!(day("2026-07-02"), 501);
        assert_eq!(day("2026-12-31"), 1000);
        assert_eq!(day("2026-03-01"), 164);
    }
}
