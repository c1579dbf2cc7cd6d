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
        let before =
            DateTime::parse_from_rfc3339("2026-11-26T15:59:59Z").map(|d| d.with_timezone(&Utc));
        let after =
            DateTime::parse_from_rfc3339("2026-11-26T16:00:00Z").map(|d| d.with_timezone(&Utc));
        assert_eq!(
            before.map(civil_date).ok(),
            NaiveDate::from_ymd_opt(2026, 11, 26)
        );
        assert_eq!(
            after.map(civil_date).ok(),
            NaiveDate::from_ymd_opt(2026, 11, 27)
        );
    }
}
