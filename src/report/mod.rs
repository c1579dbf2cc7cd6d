//! Reports built on the one calculation engine (`domain::lights`, `domain::indicators`):
//! the weekly laggard report and the monthly bulletin, and their renderings.

pub mod bulletin;
pub mod oc4ids;
pub mod produce;
pub mod render;
pub mod weekly;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod snapshot_tests;

/// Percentages and percentage points as bulletins print them: one decimal always (`4.0`,
/// `39.0`, `93.2`), except a full `100`.
pub fn pct(v: f64) -> String {
    let s = format!("{v:.1}");
    if s == "100.0" { "100".to_string() } else { s }
}

/// A threshold of a rule as the bulletin's wording states it: `10`, or `7.5` when it has a
/// fraction.
pub fn threshold(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// Yuan as 亿元 with one decimal, as bulletins print totals: `451.5`.
pub fn yi_1(yuan: i64) -> String {
    crate::domain::money::format_scaled(yuan, crate::domain::money::YI, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_keep_one_decimal_except_100() {
        assert_eq!(pct(4.0), "4.0");
        assert_eq!(pct(39.0), "39.0");
        assert_eq!(pct(4.7), "4.7");
        assert_eq!(pct(100.0), "100");
        assert_eq!(pct(101.1), "101.1");
        assert_eq!(pct(0.0), "0.0");
        assert_eq!(threshold(10.0), "10");
        assert_eq!(threshold(7.5), "7.5");
    }
}
