//! The one place keyproj reads the system clock. Every write takes its time from a [`Clock`]
//! passed in (the server's state, the CLI's command, the store's bootstrap), so a test can fix
//! it and no record is stamped by a clock the test does not control.

use crate::domain::calendar::civil_date;
use chrono::{DateTime, NaiveDate, Utc};

/// "Now" and "today" for handlers, commands and the store's own writes; tests fix it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// The operating system's clock.
    System,
    /// A fixed instant (tests; reproducing a report as of a moment).
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => t,
        }
    }

    /// Today's civil date in Asia/Shanghai.
    pub fn today(self) -> NaiveDate {
        civil_date(self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_reads_its_own_time_and_shanghai_date() {
        // 2026-11-27 18:30 UTC is already the 28th in Shanghai (UTC+8).
        let t = DateTime::parse_from_rfc3339("2026-11-27T18:30:00Z").map(|d| d.with_timezone(&Utc)).expect("time");
        let clock = Clock::Fixed(t);
        assert_eq!(clock.now(), t);
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"));
    }
}
