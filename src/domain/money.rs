//! Money is integer yuan. Ledgers write amounts as `12亿元`, `10500 万元`, `约3億元`, `１２亿`;
//! the parser turns every such spelling into exact yuan (decimal arithmetic, never floats).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in whole yuan.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct Yuan(pub i64);

/// 1 万元 and 1 亿元 in yuan.
pub const WAN: i64 = 10_000;
pub const YI: i64 = 100_000_000;

/// The largest total investment we accept: 1 万亿元. Anything above is a typo (a unit slip).
pub const MAX_PLAUSIBLE: Yuan = Yuan(1_000_000_000_000);

impl Yuan {
    /// In 亿元 (for display and rates only; never stored).
    pub fn yi(self) -> f64 {
        self.0 as f64 / YI as f64
    }

    /// `12.35亿元`: two decimals, as the office writes it.
    pub fn format_yi(self) -> String {
        format!("{}亿元", format_scaled(self.0, YI, 2))
    }

    /// `10500万元` with up to two decimals and no trailing zeros.
    pub fn format_wan(self) -> String {
        let s = format_scaled(self.0, WAN, 2);
        let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
        format!("{s}万元")
    }
}

/// `value / scale` rounded half away from zero to `decimals` places, without floats.
pub fn format_scaled(value: i64, scale: i64, decimals: u32) -> String {
    let neg = value < 0;
    let v = i128::from(value).abs();
    let unit = i128::from(scale);
    let pow = 10i128.pow(decimals);
    let scaled = (v * pow * 2 + unit) / (unit * 2); // round half up
    let int = scaled / pow;
    let frac = scaled % pow;
    let sign = if neg && scaled != 0 { "-" } else { "" };
    if decimals == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac:0width$}", width = decimals as usize)
    }
}

impl fmt::Display for Yuan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}元", self.0)
    }
}

/// The unit an amount is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoneyUnit {
    Yuan,
    Wan,
    Yi,
}

impl MoneyUnit {
    pub fn factor(self) -> i64 {
        match self {
            MoneyUnit::Yuan => 1,
            MoneyUnit::Wan => WAN,
            MoneyUnit::Yi => YI,
        }
    }

    /// Find the unit named in a column header such as `总投资(亿元)` or `单位:万元`.
    pub fn from_header(header: &str) -> Option<MoneyUnit> {
        let h = normalize_width(header);
        if h.contains('亿') || h.contains('億') {
            Some(MoneyUnit::Yi)
        } else if h.contains('万') || h.contains('萬') {
            Some(MoneyUnit::Wan)
        } else if h.contains('元') {
            Some(MoneyUnit::Yuan)
        } else {
            None
        }
    }
}

/// Words around a number that make it approximate: 约 (about), 超/逾 (over), 余/多 (more than),
/// 预计 (expected), 近 (nearly). They are stripped and reported, never silently lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    About,
    Over,
    MoreThan,
    Expected,
    Nearly,
}

const QUALIFIERS: &[(&str, Qualifier)] = &[
    ("预计", Qualifier::Expected),
    ("預計", Qualifier::Expected),
    ("约", Qualifier::About),
    ("約", Qualifier::About),
    ("超过", Qualifier::Over),
    ("超過", Qualifier::Over),
    ("超", Qualifier::Over),
    ("逾", Qualifier::Over),
    ("近", Qualifier::Nearly),
    ("余", Qualifier::MoreThan),
    ("餘", Qualifier::MoreThan),
    ("多", Qualifier::MoreThan),
];

/// A parsed amount and the qualifier that was written with it, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedMoney {
    pub yuan: Yuan,
    pub qualifier: Option<Qualifier>,
}

/// Why a text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("金额为空 / the amount is empty")]
    Empty,
    #[error("无法识别的金额“{0}” / not an amount of money: \"{0}\"")]
    NotANumber(String),
    #[error("金额“{0}”缺少单位(元、万元或亿元) / the amount \"{0}\" has no unit (元, 万元 or 亿元)")]
    NoUnit(String),
    #[error("金额“{0}”超出范围 / the amount \"{0}\" is out of range")]
    OutOfRange(String),
    #[error("金额不能为负数:“{0}” / the amount must not be negative: \"{0}\"")]
    Negative(String),
}

/// Full-width digits, dot, comma, minus and spaces to their ASCII forms.
pub fn normalize_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' | '。' => '.',
            '，' => ',',
            '－' => '-',
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Parse an amount written as in a ledger. `default_unit` applies when the text carries no unit
/// (the unit is then usually in the column header); without it a bare number is an error,
/// because guessing between 元, 万元 and 亿元 is how billion-yuan mistakes happen.
pub fn parse_money(input: &str, default_unit: Option<MoneyUnit>) -> Result<ParsedMoney, MoneyError> {
    let raw = input.trim();
    let s: String = normalize_width(raw).chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
    if s.is_empty() {
        return Err(MoneyError::Empty);
    }
    let mut rest = s.as_str();
    let mut qualifier = None;
    // Qualifiers may stand before the number (约3亿) or after the unit word (3亿余元, 3亿元多).
    for (word, q) in QUALIFIERS {
        if let Some(r) = rest.strip_prefix(word) {
            qualifier = Some(*q);
            rest = r;
            break;
        }
    }
    let number_end = rest
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == '-' || *c == '+'))
        .map_or(rest.len(), |(i, _)| i);
    let (number, mut tail) = rest.split_at(number_end);
    if number.is_empty() {
        return Err(MoneyError::NotANumber(raw.to_string()));
    }
    let mut unit = None;
    loop {
        let before = tail;
        for (word, q) in QUALIFIERS {
            if let Some(r) = tail.strip_prefix(word) {
                qualifier = qualifier.or(Some(*q));
                tail = r;
            }
        }
        for (word, u) in [
            ("亿元", MoneyUnit::Yi),
            ("億元", MoneyUnit::Yi),
            ("亿", MoneyUnit::Yi),
            ("億", MoneyUnit::Yi),
            ("万元", MoneyUnit::Wan),
            ("萬元", MoneyUnit::Wan),
            ("万", MoneyUnit::Wan),
            ("萬", MoneyUnit::Wan),
            ("元", MoneyUnit::Yuan),
        ] {
            if unit.is_none()
                && let Some(r) = tail.strip_prefix(word)
            {
                unit = Some(u);
                tail = r;
            }
        }
        // 3亿余元: the qualifier sits between 亿 and 元.
        if unit == Some(MoneyUnit::Yi) || unit == Some(MoneyUnit::Wan) {
            tail = tail.strip_prefix('元').unwrap_or(tail);
        }
        if tail == before {
            break;
        }
    }
    if !tail.is_empty() {
        return Err(MoneyError::NotANumber(raw.to_string()));
    }
    let unit = unit.or(default_unit).ok_or_else(|| MoneyError::NoUnit(raw.to_string()))?;
    let yuan = scale_decimal(number, unit.factor()).ok_or_else(|| {
        if number.starts_with('-') {
            MoneyError::Negative(raw.to_string())
        } else {
            MoneyError::NotANumber(raw.to_string())
        }
    })?;
    if yuan > MAX_PLAUSIBLE.0 * 1000 {
        return Err(MoneyError::OutOfRange(raw.to_string()));
    }
    Ok(ParsedMoney { yuan: Yuan(yuan), qualifier })
}

/// `digits × factor` for a non-negative decimal such as `1.25`, rounded half up to whole yuan.
fn scale_decimal(number: &str, factor: i64) -> Option<i64> {
    let number = number.strip_prefix('+').unwrap_or(number);
    let (int, frac) = match number.split_once('.') {
        Some((i, f)) => (i, f),
        None => (number, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if int.len() > 15 || frac.len() > 12 {
        return None;
    }
    let int_v: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac_v: i128 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    let pow = 10i128.pow(frac.len() as u32);
    let f = i128::from(factor);
    let total_scaled = int_v * pow * f + frac_v * f; // yuan × pow
    let yuan = (total_scaled * 2 + pow) / (pow * 2);
    i64::try_from(yuan).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(s: &str) -> i64 {
        parse_money(s, None).map(|p| p.yuan.0).unwrap_or(-1)
    }

    #[test]
    fn parses_the_spellings_seen_in_ledgers() {
        assert_eq!(yuan("12亿元"), 12 * YI);
        assert_eq!(yuan("1.2 亿元"), 120_000_000);
        assert_eq!(yuan("10500 万元"), 105_000_000);
        assert_eq!(yuan("１２亿"), 12 * YI);
        assert_eq!(yuan("１２．５亿元"), 1_250_000_000);
        assert_eq!(yuan("125億元"), 125 * YI);
        assert_eq!(yuan("3000萬元"), 30_000_000);
        assert_eq!(yuan("10,500万元"), 105_000_000);
        assert_eq!(yuan("800元"), 800);
        assert_eq!(yuan(" 5 亿 "), 5 * YI);
        assert_eq!(yuan("0.0001万元"), 1);
    }

    #[test]
    fn qualifiers_are_stripped_and_reported() {
        let p = parse_money("约3亿元", None).expect("parses");
        assert_eq!(p.yuan, Yuan(3 * YI));
        assert_eq!(p.qualifier, Some(Qualifier::About));
        let p = parse_money("超50亿元", None).expect("parses");
        assert_eq!((p.yuan, p.qualifier), (Yuan(50 * YI), Some(Qualifier::Over)));
        let p = parse_money("3亿余元", None).expect("parses");
        assert_eq!((p.yuan, p.qualifier), (Yuan(3 * YI), Some(Qualifier::MoreThan)));
        let p = parse_money("预计 2.5 亿元", None).expect("parses");
        assert_eq!((p.yuan, p.qualifier), (Yuan(250_000_000), Some(Qualifier::Expected)));
        let p = parse_money("12亿", None).expect("parses");
        assert_eq!(p.qualifier, None);
    }

    #[test]
    fn header_unit_applies_to_bare_numbers() {
        let p = parse_money("10500", Some(MoneyUnit::Wan)).expect("parses");
        assert_eq!(p.yuan, Yuan(105_000_000));
        // A unit in the cell wins over the header's.
        let p = parse_money("2亿元", Some(MoneyUnit::Wan)).expect("parses");
        assert_eq!(p.yuan, Yuan(2 * YI));
        assert_eq!(parse_money("10500", None), Err(MoneyError::NoUnit("10500".into())));
    }

    #[test]
    fn junk_is_an_error() {
        for junk in ["", "  ", "abc", "亿元", "12亿元abc", "1.2.3亿", "十二亿", "12美元", "--3亿"] {
            assert!(parse_money(junk, Some(MoneyUnit::Yi)).is_err(), "{junk:?} should fail");
        }
        assert!(matches!(parse_money("-3亿元", None), Err(MoneyError::Negative(_))));
        assert!(parse_money("99999999999999亿元", None).is_err());
    }

    #[test]
    fn rounds_to_whole_yuan_without_float_error() {
        // 0.1 + 0.2 style traps: 1.15亿 is exactly 115,000,000 yuan.
        assert_eq!(yuan("1.15亿元"), 115_000_000);
        assert_eq!(yuan("0.000000015亿元"), 2);
    }

    #[test]
    fn formats_in_yi_and_wan() {
        assert_eq!(Yuan(45_150_000_000).format_yi(), "451.50亿元");
        assert_eq!(Yuan(123_456_789).format_yi(), "1.23亿元");
        assert_eq!(Yuan(105_000_000).format_wan(), "10500万元");
        assert_eq!(Yuan(105_055_000).format_wan(), "10505.5万元");
        assert_eq!(format_scaled(-15_000, 10_000, 1), "-1.5");
        assert_eq!(format_scaled(4, 10, 0), "0");
    }

    #[test]
    fn unit_from_header() {
        assert_eq!(MoneyUnit::from_header("总投资(亿元)"), Some(MoneyUnit::Yi));
        assert_eq!(MoneyUnit::from_header("单位:万元"), Some(MoneyUnit::Wan));
        assert_eq!(MoneyUnit::from_header("總投資（億元）"), Some(MoneyUnit::Yi));
        assert_eq!(MoneyUnit::from_header("总投资"), None);
    }
}
