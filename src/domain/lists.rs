//! List memberships: a project is on a year's list at a level, with a kind, a build type and
//! an annual planned investment. Lists change during the year, so these are records, not flags.

use super::error::{FieldError, Invalid};
use super::money::Yuan;
use crate::code_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum! {
    pub enum ListLevel {
        Attracted = ("attracted", "新招引项目"),
        ProvinceMajor = ("province_major", "省重大项目"),
        ProvinceQuality = ("province_quality", "省绿色低碳高质量发展重点项目"),
        Municipal = ("municipal", "枣庄市级重点项目"),
        County = ("county", "滕州市级重点项目"),
    }
}

impl ListLevel {
    /// On a provincial, municipal or county key-project list (省市县三级重点项目).
    pub fn is_key(self) -> bool {
        !matches!(self, ListLevel::Attracted)
    }

    /// Provincial or municipal: the "40" of the 260/40 key-project target.
    pub fn is_province_or_municipal(self) -> bool {
        matches!(self, ListLevel::ProvinceMajor | ListLevel::ProvinceQuality | ListLevel::Municipal)
    }

    /// Names as they appear in ledgers' 项目类别 column.
    pub fn from_name(name: &str) -> Option<ListLevel> {
        let n = name.trim();
        if let Some(l) = ListLevel::parse(n) {
            return Some(l);
        }
        const NAMES: &[(&str, ListLevel)] = &[
            ("省重大", ListLevel::ProvinceMajor),
            ("省高质量", ListLevel::ProvinceQuality),
            ("省绿色低碳", ListLevel::ProvinceQuality),
            ("省綠色低碳", ListLevel::ProvinceQuality),
            ("省重点", ListLevel::ProvinceQuality),
            ("省重點", ListLevel::ProvinceQuality),
            ("市级", ListLevel::Municipal),
            ("市級", ListLevel::Municipal),
            ("枣庄", ListLevel::Municipal),
            ("棗莊", ListLevel::Municipal),
            ("县级", ListLevel::County),
            ("縣級", ListLevel::County),
            ("滕州市级", ListLevel::County),
            ("招引", ListLevel::Attracted),
            ("招商", ListLevel::Attracted),
        ];
        // Longest match first: 滕州市级 is county, not 市级.
        let mut best: Option<(&str, ListLevel)> = None;
        for (k, l) in NAMES {
            if n.contains(k) && best.is_none_or(|(b, _)| k.len() > b.len()) {
                best = Some((k, *l));
            }
        }
        best.map(|(_, l)| l)
    }
}

code_enum! {
    pub enum ListKind {
        Implementation = ("implementation", "实施类"),
        Preparation = ("preparation", "准备类"),
    }
}

code_enum! {
    pub enum BuildType {
        NewStart = ("new_start", "新开工"),
        Continuing = ("continuing", "续建"),
        PreConstruction = ("pre_construction", "前期推进"),
    }
}

/// One project's place on one year's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    pub year: i32,
    pub list: ListLevel,
    #[serde(default = "default_kind")]
    pub kind: ListKind,
    #[serde(default = "default_build_type")]
    pub build_type: BuildType,
    #[serde(default)]
    pub annual_plan_yuan: Yuan,
    /// When the project joined the list (增补 during the year); `None` = from the list's start.
    #[serde(default)]
    pub effective_from: Option<NaiveDate>,
    /// When it left the list (退出); `None` = still on it.
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
}

fn default_kind() -> ListKind {
    ListKind::Implementation
}

fn default_build_type() -> BuildType {
    BuildType::NewStart
}

impl Membership {
    /// On the list on `date`.
    pub fn is_effective_on(&self, date: NaiveDate) -> bool {
        self.effective_from.is_none_or(|f| f <= date) && self.effective_to.is_none_or(|t| date <= t)
    }
}

/// Check a project's memberships as a whole (`field` is the request path, e.g. `lists`).
pub fn check_memberships(lists: &[Membership], total: Yuan) -> Result<(), Invalid> {
    let mut errors = Invalid::default();
    for (i, m) in lists.iter().enumerate() {
        let at = |f: &str| format!("lists[{i}].{f}");
        if !(2000..=2100).contains(&m.year) {
            errors.push(FieldError::new(
                at("year"),
                format!("年份{}不在2000至2100之间", m.year),
                format!("year {} is not between 2000 and 2100", m.year),
            ));
        }
        if m.annual_plan_yuan.0 < 0 {
            errors.push(FieldError::new(
                at("annual_plan_yuan"),
                "年度计划投资不能为负数",
                "the annual plan must not be negative",
            ));
        } else if m.annual_plan_yuan > total && total.0 > 0 {
            errors.push(FieldError::new(
                at("annual_plan_yuan"),
                format!("年度计划投资{}超过总投资{}", m.annual_plan_yuan.format_yi(), total.format_yi()),
                format!("the annual plan {} exceeds the total investment {}", m.annual_plan_yuan.0, total.0),
            ));
        }
        if let (Some(f), Some(t)) = (m.effective_from, m.effective_to)
            && t < f
        {
            errors.push(FieldError::new(
                at("effective_to"),
                "退出日期早于纳入日期",
                "effective_to is before effective_from",
            ));
        }
        if lists[..i].iter().any(|o| o.year == m.year && o.list == m.list) {
            errors.push(FieldError::new(
                at("list"),
                format!("{}年{}重复", m.year, m.list.label_zh()),
                format!("the project is already on the {} {} list", m.year, m.list),
            ));
        }
    }
    errors.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::YI;

    fn m(year: i32, list: ListLevel, plan: i64) -> Membership {
        Membership {
            year,
            list,
            kind: ListKind::Implementation,
            build_type: BuildType::NewStart,
            annual_plan_yuan: Yuan(plan),
            effective_from: None,
            effective_to: None,
        }
    }

    #[test]
    fn level_names_from_ledgers() {
        assert_eq!(ListLevel::from_name("省重大项目"), Some(ListLevel::ProvinceMajor));
        assert_eq!(ListLevel::from_name("省重点"), Some(ListLevel::ProvinceQuality));
        assert_eq!(ListLevel::from_name("市级"), Some(ListLevel::Municipal));
        assert_eq!(ListLevel::from_name("滕州市级重点项目"), Some(ListLevel::County));
        assert_eq!(ListLevel::from_name("县级"), Some(ListLevel::County));
        assert_eq!(ListLevel::from_name("国家级"), None);
        assert!(ListLevel::Municipal.is_province_or_municipal());
        assert!(!ListLevel::County.is_province_or_municipal());
        assert!(!ListLevel::Attracted.is_key());
    }

    #[test]
    fn membership_checks() {
        assert!(check_memberships(&[m(2026, ListLevel::County, YI)], Yuan(2 * YI)).is_ok());
        let e = check_memberships(&[m(2026, ListLevel::County, 3 * YI)], Yuan(2 * YI)).expect_err("plan > total");
        assert_eq!(e.0[0].field, "lists[0].annual_plan_yuan");
        let e = check_memberships(&[m(2026, ListLevel::County, 0), m(2026, ListLevel::County, 0)], Yuan(YI))
            .expect_err("dup");
        assert_eq!(e.0[0].field, "lists[1].list");
        assert!(check_memberships(&[m(1900, ListLevel::County, 0)], Yuan(YI)).is_err());
        assert!(check_memberships(&[m(2026, ListLevel::County, -1)], Yuan(YI)).is_err());
    }

    #[test]
    fn effective_dates() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        let mut x = m(2026, ListLevel::County, 0);
        assert!(x.is_effective_on(d("2026-01-01")));
        x.effective_from = Some(d("2026-06-01"));
        x.effective_to = Some(d("2026-09-30"));
        assert!(!x.is_effective_on(d("2026-05-31")));
        assert!(x.is_effective_on(d("2026-09-30")));
        assert!(!x.is_effective_on(d("2026-10-01")));
    }
}
