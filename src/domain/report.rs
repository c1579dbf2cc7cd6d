//! Monthly progress reports: one per project and month.

use super::error::{FieldError, Invalid};
use super::money::Yuan;
use crate::code_enum;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

code_enum! {
    /// The kind of blocking problem (要素保障).
    pub enum Factor {
        Land = ("land", "土地"),
        Energy = ("energy", "能耗"),
        Environment = ("environment", "环评"),
        Funds = ("funds", "资金"),
        Permits = ("permits", "手续"),
        Partner = ("partner", "合作方"),
        Other = ("other", "其他"),
    }
}

/// A calendar month, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    pub month: u32,
}

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Period> {
        ((1..=12).contains(&month) && (1900..=2200).contains(&year)).then_some(Period { year, month })
    }

    pub fn of(date: NaiveDate) -> Period {
        Period { year: date.year(), month: date.month() }
    }

    pub fn parse(s: &str) -> Option<Period> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        Period::new(y.parse().ok()?, m.parse().ok()?)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or_default()
    }

    pub fn next(self) -> Period {
        if self.month == 12 {
            Period { year: self.year + 1, month: 1 }
        } else {
            Period { year: self.year, month: self.month + 1 }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl utoipa::PartialSchema for Period {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^\d{4}-(0[1-9]|1[0-2])$"))
            .description(Some("月份 / a calendar month, YYYY-MM"))
            .examples([serde_json::json!("2026-10")])
            .into()
    }
}

impl utoipa::ToSchema for Period {}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Period::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("月份“{s}”应为YYYY-MM格式 / period \"{s}\" must be YYYY-MM"))
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    pub factor: Factor,
    pub text: String,
    #[serde(default)]
    pub responsible_unit: Option<String>,
}

/// A report as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonthlyReport {
    pub period: Period,
    pub completed_yuan: Yuan,
    #[serde(default)]
    pub funds_arrived_yuan: Yuan,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub problems: Vec<Problem>,
}

/// The largest amount reported for one month of one project (a unit slip guard): 1000亿元.
const MAX_MONTHLY: Yuan = Yuan(100_000_000_000);

impl MonthlyReport {
    pub fn check(&self, today: NaiveDate) -> Result<(), Invalid> {
        let mut errors = Invalid::default();
        if self.period > Period::of(today) {
            errors.push(FieldError::new(
                "period",
                format!("不能填报未来月份{}", self.period),
                format!("{} is a future month", self.period),
            ));
        }
        for (field, v) in [("completed_yuan", self.completed_yuan), ("funds_arrived_yuan", self.funds_arrived_yuan)] {
            if v.0 < 0 {
                errors.push(FieldError::new(field, "金额不能为负数", "the amount must not be negative"));
            } else if v > MAX_MONTHLY {
                errors.push(FieldError::new(
                    field,
                    "单月金额超过1000亿元,请检查单位",
                    "a month's amount above 100 billion yuan: check the unit",
                ));
            }
        }
        if self.note.as_deref().is_some_and(|n| n.chars().count() > 2000) {
            errors.push(FieldError::new("note", "备注不能超过2000字", "the note must be at most 2000 characters"));
        }
        if self.problems.len() > 20 {
            errors.push(FieldError::new("problems", "问题不能超过20条", "at most 20 problems per report"));
        }
        for (i, p) in self.problems.iter().enumerate() {
            let len = p.text.trim().chars().count();
            if len == 0 || len > 2000 {
                errors.push(FieldError::new(
                    format!("problems[{i}].text"),
                    "问题描述应为1至2000字",
                    "the problem text must be 1 to 2000 characters",
                ));
            }
        }
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn periods() {
        let p = Period::parse("2026-02").expect("valid");
        assert_eq!(p.last_day(), d("2026-02-28"));
        assert_eq!(Period::parse("2026-12").map(|p| p.next().to_string()), Some("2027-01".into()));
        for bad in ["2026-13", "2026-1", "26-01", "2026/01", "", "2026-00"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        assert_eq!(serde_json::to_string(&p).ok(), Some("\"2026-02\"".into()));
    }

    #[test]
    fn report_checks() {
        let r = MonthlyReport {
            period: Period { year: 2026, month: 11 },
            completed_yuan: Yuan(5_000_000),
            funds_arrived_yuan: Yuan(0),
            note: None,
            problems: vec![Problem { factor: Factor::Land, text: "用地指标".into(), responsible_unit: None }],
        };
        assert!(r.check(d("2026-11-01")).is_ok());
        assert!(r.check(d("2026-10-31")).is_err(), "future month");
        let neg = MonthlyReport { completed_yuan: Yuan(-1), ..r.clone() };
        assert!(neg.check(d("2026-11-30")).is_err());
        let empty_problem = MonthlyReport {
            problems: vec![Problem { factor: Factor::Other, text: " ".into(), responsible_unit: None }],
            ..r
        };
        assert!(empty_problem.check(d("2026-11-30")).is_err());
    }
}
