//! Reports built on the one calculation engine (`domain::lights`, `domain::indicators`):
//! the weekly laggard report and the monthly bulletin, and their renderings.

pub mod bulletin;
pub mod oc4ids;
pub mod produce;
pub mod render;
pub mod weekly;

/// `93.2` → `93.2`, `100.0` → `100`: percentages as bulletins print them.
pub fn pct(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// Yuan as 亿元 with one decimal, as bulletins print totals: `451.5`.
pub fn yi_1(yuan: i64) -> String {
    crate::domain::money::format_scaled(yuan, crate::domain::money::YI, 1)
}
