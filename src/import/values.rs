//! Value parsers for ledger cells: money, dates with their precision, towns, chains, list
//! categories and project names. Pure functions, no I/O.

use crate::domain::lists::{BuildType, ListKind, ListLevel};
use crate::domain::money::{MoneyError, MoneyUnit, ParsedMoney, normalize_width, parse_money};
use crate::geo::towns::{Town, TownLayer};
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// How precisely a date was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    Day,
    Month,
    HalfYear,
    Year,
}

/// A date as written in a ledger: `date` is the last day of the period (a plan is met by
/// then), `precision` says how much of it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedDate {
    pub date: NaiveDate,
    pub precision: DatePrecision,
}

impl PlannedDate {
    pub fn day(date: NaiveDate) -> PlannedDate {
        PlannedDate { date, precision: DatePrecision::Day }
    }

    /// `2024年3月29日`, `2024年3月`, `2025年下半年`, `2024年`.
    pub fn display(&self) -> String {
        let (y, m, d) = (self.date.year(), self.date.month(), self.date.day());
        match self.precision {
            DatePrecision::Day => format!("{y}年{m}月{d}日"),
            DatePrecision::Month => format!("{y}年{m}月"),
            DatePrecision::HalfYear if m <= 6 => format!("{y}年上半年"),
            DatePrecision::HalfYear => format!("{y}年下半年"),
            DatePrecision::Year => format!("{y}年"),
        }
    }

    /// `计划2025年下半年`.
    pub fn display_planned(&self) -> String {
        format!("计划{}", self.display())
    }
}

/// A date cell: one date or a range (`2024-2026`, `2024.3-2025.6`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    Single(PlannedDate),
    Range(PlannedDate, PlannedDate),
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("日期为空 / the date is empty")]
    Empty,
    #[error("无法识别的日期“{0}” / not a date: \"{0}\"")]
    NotADate(String),
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (ny, nm) = if month == 12 { (year.checked_add(1)?, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

fn month_end(year: i32, month: u32, precision: DatePrecision) -> Option<PlannedDate> {
    if !(1..=12).contains(&month) || !(1900..=2200).contains(&year) {
        return None;
    }
    Some(PlannedDate { date: last_day_of_month(year, month)?, precision })
}

/// An Excel serial day number (1900 date system) as a date.
pub fn excel_serial_to_date(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(days))
}

/// Remove pinyin annotations such as `(xiàng)` / `（xiàng）` that copy-pasting from
/// annotated documents leaves behind: a parenthesis holding only Latin letters and spaces.
pub fn strip_pinyin_noise(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '(' || c == '（' {
            let close = chars[i + 1..].iter().position(|&x| x == ')' || x == '）').map(|p| i + 1 + p);
            if let Some(j) = close {
                let inner = &chars[i + 1..j];
                // Pinyin annotations are lower-case; `(China)` in a company name is not noise.
                let is_pinyin = !inner.is_empty()
                    && inner.iter().any(|c| c.is_alphabetic())
                    && !inner.iter().any(|c| c.is_uppercase())
                    && inner.iter().all(|c| (c.is_alphabetic() && !is_cjk(*c)) || *c == ' ');
                if is_pinyin {
                    i = j + 1;
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Full-width ASCII (letters, digits, punctuation) and the ideographic space to half-width.
pub fn to_half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        })
        .collect()
}

/// A cell's text cleaned for parsing: half-width, pinyin noise removed, trimmed.
/// Free text (names, companies, units) as written, less pinyin noise: full-width punctuation
/// such as （） is kept, so a re-imported ledger matches what it was exported from.
pub fn clean_text(s: &str) -> String {
    strip_pinyin_noise(s).trim().to_string()
}

pub fn clean_cell(s: &str) -> String {
    strip_pinyin_noise(&to_half_width(s)).trim().to_string()
}

/// Parse money with the column's (or sheet's) unit; pinyin noise and full-width forms are
/// cleaned first.
pub fn parse_amount(input: &str, unit: Option<MoneyUnit>) -> Result<ParsedMoney, MoneyError> {
    let cleaned = normalize_width(&clean_cell(input));
    parse_money(&cleaned, unit)
}

/// Parse a date cell. `year` completes dates written without one (`3月29日`).
pub fn parse_date(input: &str, year: i32) -> Result<DateValue, DateError> {
    let raw = input.trim();
    let mut cleaned = normalize_width(&clean_cell(raw));
    // Date-times: `2024-02-25 13:45:00` keeps its date.
    if let Some((date, time)) = cleaned.split_once(' ')
        && time.contains(':')
        && !date.is_empty()
    {
        cleaned = date.to_string();
    }
    let mut s: String = cleaned.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return Err(DateError::Empty);
    }
    let bad = || DateError::NotADate(raw.to_string());
    for p in ["计划于", "計劃於", "计划", "計劃", "预计", "預計", "约", "約", "力争", "力爭"] {
        if let Some(r) = s.strip_prefix(p) {
            s = r.to_string();
        }
    }
    for suf in ["以前", "之前", "左右", "前", "。", "."] {
        if let Some(r) = s.strip_suffix(suf) {
            s = r.to_string();
        }
    }
    // ISO date-times from spreadsheets: 2024-02-25T00:00:00 / 2024-02-25 00:00:00 (spaces are gone).
    if let Some(pos) = s.find('T')
        && pos >= 8
    {
        s.truncate(pos);
    }
    for sep in ["至", "到", "~", "～", "—", "–", "--"] {
        if let Some((a, b)) = s.split_once(sep) {
            let a = parse_single(a, year).ok_or_else(bad)?;
            let b = parse_single(b, year).ok_or_else(bad)?;
            return Ok(DateValue::Range(a, b));
        }
    }
    if let Some((a, b)) = s.split_once('-') {
        // 2024-2026 and 2024.3-2025.6 are ranges; 2024-2-25 and 2024-03 are dates.
        let b_starts_with_year = b.chars().take_while(|c| c.is_ascii_digit()).count() == 4;
        if b_starts_with_year
            && !b.contains('-')
            && let (Some(a), Some(b)) = (parse_single(a, year), parse_single(b, year))
        {
            return Ok(DateValue::Range(a, b));
        }
    }
    parse_single(&s, year).map(DateValue::Single).ok_or_else(bad)
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_single(s: &str, year: i32) -> Option<PlannedDate> {
    use DatePrecision::*;
    if s.is_empty() {
        return None;
    }
    // Excel serial numbers (45292 = 2024-01-01), possibly with a fraction.
    if s.chars().all(|c| c.is_ascii_digit() || c == '.') && s.chars().filter(|c| *c == '.').count() <= 1 {
        let int_part = s.split('.').next().unwrap_or("");
        if int_part.len() == 5 {
            let v: f64 = s.parse().ok()?;
            if (20_000.0..=80_000.0).contains(&v) {
                return excel_serial_to_date(v).map(PlannedDate::day);
            }
            return None;
        }
        if int_part.len() == 8 && !s.contains('.') {
            let y = num(&s[0..4])? as i32;
            let m = num(&s[4..6])?;
            let d = num(&s[6..8])?;
            return NaiveDate::from_ymd_opt(y, m, d).map(PlannedDate::day);
        }
    }
    if s.contains('年') || s.contains('月') {
        return parse_chinese(s, year);
    }
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    match parts.as_slice() {
        [y] if y.len() == 4 => month_end(num(y)? as i32, 12, Year),
        [y, m] if y.len() == 4 => month_end(num(y)? as i32, num(m)?, Month),
        [y, m, d] if y.len() == 4 => NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, num(d)?).map(PlannedDate::day),
        // 3/29 (month/day) in the sheet's year.
        [m, d] if m.len() <= 2 && d.len() <= 2 => NaiveDate::from_ymd_opt(year, num(m)?, num(d)?).map(PlannedDate::day),
        _ => None,
    }
}

fn parse_chinese(s: &str, default_year: i32) -> Option<PlannedDate> {
    use DatePrecision::*;
    let (year, rest) = match s.split_once('年') {
        Some((y, r)) => {
            let y = y.strip_suffix("度").unwrap_or(y);
            (num(y)? as i32, r)
        }
        None => (default_year, s),
    };
    if !(1900..=2200).contains(&year) {
        return None;
    }
    let rest = rest.strip_prefix("度").unwrap_or(rest);
    match rest {
        "" => return month_end(year, 12, Year),
        "底" | "末" | "年底" | "年末" | "内" | "內" | "12月底" => return month_end(year, 12, Month),
        "初" | "年初" => return month_end(year, 1, Month),
        "上半年" => return month_end(year, 6, HalfYear),
        "下半年" => return month_end(year, 12, HalfYear),
        "一季度" | "第一季度" | "1季度" => return month_end(year, 3, Month),
        "二季度" | "第二季度" | "2季度" => return month_end(year, 6, Month),
        "三季度" | "第三季度" | "3季度" => return month_end(year, 9, Month),
        "四季度" | "第四季度" | "4季度" => return month_end(year, 12, Month),
        _ => {}
    }
    let (m, rest) = rest.split_once('月')?;
    let month = num(m)?;
    let day_part = rest.trim_end_matches(['日', '号', '號']);
    match day_part {
        "" | "底" | "末" | "份" | "中旬" | "下旬" | "上旬" | "中" | "初" => month_end(year, month, Month),
        d => NaiveDate::from_ymd_opt(year, month, num(d)?).map(PlannedDate::day),
    }
}

/// Words that mark a development zone or park rather than a town.
const ZONE_WORDS: &[&str] =
    &["开发区", "開發區", "园区", "園區", "高新区", "高新區", "产业园", "產業園", "工业园", "工業園", "新区", "新區"];

pub fn looks_like_zone(s: &str) -> bool {
    ZONE_WORDS.iter().any(|w| s.contains(w))
}

/// The zone named in a location cell, without a bracketed town or address after it:
/// `鲁南高科技化工园区(木石镇)` → `鲁南高科技化工园区`.
pub fn zone_name(s: &str) -> String {
    let c = clean_cell(s);
    let cut = c.find(['(', '（']).filter(|&i| i > 0 && looks_like_zone(&c[..i]));
    match cut {
        Some(i) => c[..i].trim().to_string(),
        None => c,
    }
}

/// The town named in a cell: exact name, code, traditional or short name or alias, after
/// removing spaces, pinyin noise, a county prefix and government suffixes; failing that, a
/// town name contained in the text (`滕州经济开发区(荆河街道)`, `荆河街道杏坛路`).
pub fn resolve_town<'a>(layer: &'a TownLayer, input: &str) -> Option<&'a Town> {
    let mut s: String = clean_cell(input).chars().filter(|c| !c.is_whitespace()).collect();
    for p in ["山东省", "山東省", "枣庄市", "棗莊市", "滕州市", "滕州"] {
        if let Some(r) = s.strip_prefix(p) {
            s = r.to_string();
        }
    }
    for suf in ["人民政府", "办事处", "辦事處", "政府"] {
        if let Some(r) = s.strip_suffix(suf) {
            s = r.to_string();
        }
    }
    if s.is_empty() {
        return None;
    }
    if let Some(t) = layer.resolve(&s) {
        return Some(t);
    }
    // A town named inside the text: the longest name found wins.
    let mut best: Option<(usize, &Town)> = None;
    for t in &layer.towns {
        let mut names: Vec<&str> = vec![t.name.as_str()];
        if let Some(h) = &t.name_hant {
            names.push(h);
        }
        names.extend(t.aliases.iter().map(String::as_str));
        let shorts: Vec<&str> = names
            .iter()
            .filter_map(|n| {
                ["街道", "镇", "鎮"].iter().find_map(|suf| n.strip_suffix(suf)).filter(|x| x.chars().count() >= 2)
            })
            .collect();
        names.extend(shorts);
        for n in names {
            if !n.is_empty() && s.contains(n) && best.is_none_or(|(l, _)| n.len() > l) {
                best = Some((n.len(), t));
            }
        }
    }
    best.map(|(_, t)| t)
}

/// A 项目类别 cell: `省重大 实施类 续建`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    pub level: Option<ListLevel>,
    pub kind: ListKind,
    pub build_type: Option<BuildType>,
}

pub fn parse_category(input: &str) -> Category {
    let s = clean_cell(input);
    let kind = if ["准备", "準備", "储备", "儲備"].iter().any(|w| s.contains(w)) {
        ListKind::Preparation
    } else {
        ListKind::Implementation
    };
    let build_type = if s.contains("续建") || s.contains("續建") {
        Some(BuildType::Continuing)
    } else if s.contains("新开工") || s.contains("新開工") {
        Some(BuildType::NewStart)
    } else if s.contains("前期") {
        Some(BuildType::PreConstruction)
    } else {
        None
    };
    Category { level: ListLevel::from_name(&s), kind, build_type }
}

/// A project name normalised for matching: half-width, lower-case, pinyin noise, spaces and
/// punctuation removed, a trailing `项目` removed, and the company's name removed when the
/// name starts with it.
pub fn normalize_name(name: &str, company: Option<&str>) -> String {
    fn base(s: &str) -> String {
        strip_pinyin_noise(&to_half_width(s))
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    }
    let mut n = base(name);
    if let Some(c) = company {
        let c = base(c);
        if !c.is_empty()
            && n.len() > c.len()
            && let Some(r) = n.strip_prefix(c.as_str())
        {
            n = r.to_string();
        }
    }
    for suf in ["项目", "項目"] {
        if let Some(r) = n.strip_suffix(suf)
            && !r.is_empty()
        {
            n = r.to_string();
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Qualifier;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn single(s: &str) -> PlannedDate {
        match parse_date(s, 2026) {
            Ok(DateValue::Single(p)) => p,
            other => panic!("{s}: {other:?}"),
        }
    }

    fn range(s: &str) -> (PlannedDate, PlannedDate) {
        match parse_date(s, 2026) {
            Ok(DateValue::Range(a, b)) => (a, b),
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn day_dates() {
        for s in [
            "2024-2-25",
            "2024/2/25",
            "2024.2.25",
            "2024年2月25日",
            "2024年2月25号",
            "20240225",
            "2024-02-25 00:00:00",
            "2024-02-25T00:00:00",
            "２０２４年２月２５日",
            "计划2024年2月25日前",
        ] {
            assert_eq!(single(s), PlannedDate::day(d(2024, 2, 25)), "{s}");
        }
        assert_eq!(single("3月29日"), PlannedDate::day(d(2026, 3, 29)));
        assert_eq!(single("3/29"), PlannedDate::day(d(2026, 3, 29)));
    }

    #[test]
    fn month_dates_end_on_the_last_day() {
        let m = |y, mo, day| PlannedDate { date: d(y, mo, day), precision: DatePrecision::Month };
        assert_eq!(single("2024.3"), m(2024, 3, 31));
        assert_eq!(single("2024-02"), m(2024, 2, 29));
        assert_eq!(single("2024年3月"), m(2024, 3, 31));
        assert_eq!(single("2024年3月底"), m(2024, 3, 31));
        assert_eq!(single("2024年11月份"), m(2024, 11, 30));
        assert_eq!(single("2024年底"), m(2024, 12, 31));
        assert_eq!(single("2024年年底"), m(2024, 12, 31));
        assert_eq!(single("2024年末"), m(2024, 12, 31));
        assert_eq!(single("2025年三季度"), m(2025, 9, 30));
        assert_eq!(single("6月"), m(2026, 6, 30));
    }

    #[test]
    fn half_years_and_years() {
        assert_eq!(single("2025年下半年"), PlannedDate { date: d(2025, 12, 31), precision: DatePrecision::HalfYear });
        assert_eq!(single("2025年上半年"), PlannedDate { date: d(2025, 6, 30), precision: DatePrecision::HalfYear });
        assert_eq!(single("2025年"), PlannedDate { date: d(2025, 12, 31), precision: DatePrecision::Year });
        assert_eq!(single("2025"), PlannedDate { date: d(2025, 12, 31), precision: DatePrecision::Year });
    }

    #[test]
    fn excel_serials() {
        assert_eq!(single("45292"), PlannedDate::day(d(2024, 1, 1)));
        assert_eq!(single("45292.5"), PlannedDate::day(d(2024, 1, 1)));
        assert_eq!(excel_serial_to_date(61.0), Some(d(1900, 3, 1)));
        assert_eq!(excel_serial_to_date(f64::NAN), None);
    }

    #[test]
    fn ranges() {
        let (a, b) = range("2024-2026");
        assert_eq!((a.date, a.precision, b.date), (d(2024, 12, 31), DatePrecision::Year, d(2026, 12, 31)));
        let (a, b) = range("2024.3-2025.6");
        assert_eq!((a.date, b.date, b.precision), (d(2024, 3, 31), d(2025, 6, 30), DatePrecision::Month));
        let (a, b) = range("2024年3月至2025年6月");
        assert_eq!((a.date, b.date), (d(2024, 3, 31), d(2025, 6, 30)));
        let (a, b) = range("2024.3—2025.12");
        assert_eq!((a.date, b.date), (d(2024, 3, 31), d(2025, 12, 31)));
    }

    #[test]
    fn junk_dates_are_errors() {
        for s in ["待定", "abc", "2024年13月", "2024-2-30", "13/45", "99999999", "12345", "1", "2024年3月32日", "-"]
        {
            assert!(parse_date(s, 2026).is_err(), "{s}");
        }
        assert_eq!(parse_date("  ", 2026), Err(DateError::Empty));
    }

    #[test]
    fn display_forms() {
        assert_eq!(single("2025年下半年").display_planned(), "计划2025年下半年");
        assert_eq!(single("2025年上半年").display(), "2025年上半年");
        assert_eq!(single("2024.3").display(), "2024年3月");
        assert_eq!(single("2024-2-25").display(), "2024年2月25日");
        assert_eq!(single("2024").display(), "2024年");
    }

    #[test]
    fn money_cells() {
        let y = |s: &str, u| parse_amount(s, u).map(|p| p.yuan.0);
        assert_eq!(y("12.5亿元", None), Ok(1_250_000_000));
        assert_eq!(y("12.5億元", None), Ok(1_250_000_000));
        assert_eq!(y("3000", Some(MoneyUnit::Wan)), Ok(30_000_000));
        assert_eq!(y("１２．５", Some(MoneyUnit::Yi)), Ok(1_250_000_000));
        assert_eq!(y(" 1 200 ", Some(MoneyUnit::Wan)), Ok(12_000_000));
        assert_eq!(y("1,200", Some(MoneyUnit::Wan)), Ok(12_000_000));
        assert_eq!(y("5(yì)亿元", None), Ok(500_000_000));
        assert!(matches!(parse_amount("3000", None), Err(MoneyError::NoUnit(_))));
        assert!(matches!(parse_amount("待定", Some(MoneyUnit::Yi)), Err(MoneyError::NotANumber(_))));
        let p = parse_amount("约5亿元", None).expect("amount");
        assert_eq!((p.yuan.0, p.qualifier), (500_000_000, Some(Qualifier::About)));
        let p = parse_amount("预计3亿余元", None).expect("amount");
        assert_eq!(p.yuan.0, 300_000_000);
        assert_eq!(parse_amount("超10亿", None).map(|p| p.qualifier), Ok(Some(Qualifier::Over)));
    }

    #[test]
    fn pinyin_noise() {
        assert_eq!(strip_pinyin_noise("項(xiàng)目"), "項目");
        assert_eq!(strip_pinyin_noise("项（xiàng）目"), "项目");
        assert_eq!(strip_pinyin_noise("年产(一期)项目"), "年产(一期)项目");
        assert_eq!(strip_pinyin_noise("(2024)"), "(2024)");
        assert_eq!(strip_pinyin_noise("未闭合(abc"), "未闭合(abc");
    }

    #[test]
    fn towns() {
        let layer = TownLayer::tengzhou();
        let code = |s: &str| resolve_town(&layer, s).map(|t| t.name.clone());
        assert_eq!(code("荆河街道").as_deref(), Some("荆河街道"));
        assert_eq!(code("荊河街道").as_deref(), Some("荆河街道"));
        assert_eq!(code(" 荆河 ").as_deref(), Some("荆河街道"));
        assert_eq!(code("滕州市荆河街道办事处").as_deref(), Some("荆河街道"));
        assert_eq!(code("东沙河镇").as_deref(), Some("东沙河街道"));
        assert_eq!(code("西港").as_deref(), Some("西岗镇"));
        assert_eq!(code("张旺").as_deref(), Some("张汪镇"));
        assert_eq!(code("西岗镇人民政府").as_deref(), Some("西岗镇"));
        assert_eq!(code("滕州经济开发区(荆河街道)").as_deref(), Some("荆河街道"));
        assert_eq!(code("荆河街道杏坛路东首").as_deref(), Some("荆河街道"));
        assert_eq!(code("滕州经济开发区"), None);
        assert_eq!(code("北京市"), None);
        assert_eq!(code(""), None);
        assert!(looks_like_zone("滕州经济开发区"));
        assert!(looks_like_zone("鲁南高科技化工园区"));
        assert!(!looks_like_zone("荆河街道"));
        assert_eq!(zone_name("鲁南高科技化工园区（木石镇）"), "鲁南高科技化工园区");
        assert_eq!(zone_name(" 滕州经济开发区 "), "滕州经济开发区");
        assert_eq!(zone_name("(一期)产业园"), "(一期)产业园");
    }

    #[test]
    fn categories() {
        let c = parse_category("省重大 实施类 续建");
        assert_eq!(
            (c.level, c.kind, c.build_type),
            (Some(ListLevel::ProvinceMajor), ListKind::Implementation, Some(BuildType::Continuing))
        );
        let c = parse_category("滕州市级/准备类");
        assert_eq!((c.level, c.kind, c.build_type), (Some(ListLevel::County), ListKind::Preparation, None));
        let c = parse_category("省重點 新開工");
        assert_eq!((c.level, c.build_type), (Some(ListLevel::ProvinceQuality), Some(BuildType::NewStart)));
        assert_eq!(parse_category("县级").level, Some(ListLevel::County));
        assert_eq!(parse_category("其它").level, None);
    }

    #[test]
    fn names() {
        assert_eq!(normalize_name("年产10万吨 锂电池材料项目", None), "年产10万吨锂电池材料");
        assert_eq!(normalize_name("年产１０万吨锂电池材料項(xiàng)目", None), "年产10万吨锂电池材料");
        assert_eq!(normalize_name("“智慧港”（一期）项目。", None), "智慧港一期");
        assert_eq!(normalize_name("ABC公司年产5万台机床项目", Some("ABC公司")), "年产5万台机床");
        assert_eq!(normalize_name("ＡＢＣ公司", Some("ABC公司")), "abc公司");
        assert_eq!(normalize_name("项目", None), "项目");
    }
}
