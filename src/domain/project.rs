//! The project aggregate and the inputs that create or change it. Input types validate into
//! domain values; everything that needs the town layer is checked by `ledger`.

use super::chain::Chain;
use super::coords::Crs;
use super::error::{FieldError, Invalid};
use super::lists::Membership;
use super::milestone::{Milestone, MilestoneKind, Milestones};
use super::money::{MAX_PLAUSIBLE, Yuan};
use super::report::{MonthlyReport, Period, Problem};
use super::status::{State, Status};
use super::tier::Tier;
use crate::code_enum;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};

code_enum! {
    /// How well a project's point is known: placed on the map, or only at its town's seat.
    pub enum LocationPrecision {
        Exact = ("exact", "精确位置"),
        Town = ("town", "镇街驻地"),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Location {
    pub lon: f64,
    pub lat: f64,
    pub precision: LocationPrecision,
    /// The operator confirmed a point outside the county outline.
    #[serde(default)]
    pub outside_county: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TownRef {
    pub code: String,
    pub name: String,
}

/// A monthly report as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoredReport {
    #[serde(flatten)]
    pub report: MonthlyReport,
    pub reported_at: DateTime<Utc>,
    pub reported_by: String,
}

/// One project with everything that belongs to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Project {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub company: Option<String>,
    pub town: TownRef,
    pub zone: Option<String>,
    pub chain: Chain,
    pub total_investment_yuan: Yuan,
    pub tier: Tier,
    pub status: Status,
    pub state: State,
    pub state_reason: Option<String>,
    pub location: Location,
    pub address: Option<String>,
    pub responsible_unit: Option<String>,
    pub responsible_leader: Option<String>,
    /// Sample data (示例数据): illustrative figures, not the county's own.
    pub sample: bool,
    pub milestones: Milestones,
    pub lists: Vec<Membership>,
    /// The monthly reports (one project only; absent in lists).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(nullable = false)]
    pub reports: Option<Vec<StoredReport>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Project {
    /// Recompute what is derived (tier, status) after a change.
    pub fn rederive(&mut self, today: NaiveDate) {
        self.tier = Tier::of(self.total_investment_yuan);
        self.status = Status::derive(&self.milestones, self.state, today);
    }

    /// The aggregate as recorded in the audit trail (reports are audited on their own).
    pub fn audit_snapshot(&self) -> serde_json::Value {
        let mut p = self.clone();
        p.reports = None;
        serde_json::to_value(&p).unwrap_or(serde_json::Value::Null)
    }
}

/// A point as the user typed or picked it, in the system they copied it from.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    pub lon: f64,
    pub lat: f64,
    #[serde(default = "default_crs")]
    pub crs: Crs,
    /// Accept a point outside the county outline (a project of the county built elsewhere).
    #[serde(default)]
    pub confirm_outside_county: bool,
}

fn default_crs() -> Crs {
    Crs::Wgs84
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneDates {
    #[serde(default)]
    pub planned: Option<NaiveDate>,
    #[serde(default)]
    pub actual: Option<NaiveDate>,
}

/// Initial milestone dates of a new project (`milestones: {start: {planned, actual}, …}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestonesInput {
    pub signed: Option<MilestoneDates>,
    pub land: Option<MilestoneDates>,
    pub permit: Option<MilestoneDates>,
    pub start: Option<MilestoneDates>,
    pub completion: Option<MilestoneDates>,
    pub production: Option<MilestoneDates>,
}

impl MilestonesInput {
    pub fn get(&self, kind: MilestoneKind) -> Option<MilestoneDates> {
        match kind {
            MilestoneKind::Signed => self.signed,
            MilestoneKind::Land => self.land,
            MilestoneKind::Permit => self.permit,
            MilestoneKind::Start => self.start,
            MilestoneKind::Completion => self.completion,
            MilestoneKind::Production => self.production,
        }
    }

    /// New milestones: the first planned date is also the baseline.
    pub fn to_milestones(&self, today: NaiveDate) -> Result<Milestones, Invalid> {
        let mut errors = Invalid::default();
        let mut ms = Milestones::default();
        for kind in MilestoneKind::ALL {
            if let Some(d) = self.get(*kind) {
                if let Some(a) = d.actual
                    && a > today
                {
                    errors.push(FieldError::new(
                        format!("milestones.{kind}.actual"),
                        format!("实际日期{a}不能晚于今天{today}"),
                        format!("the actual date {a} is after today {today}"),
                    ));
                }
                *ms.get_mut(*kind) =
                    Milestone { baseline: d.planned, planned: d.planned, actual: d.actual, replans: vec![] };
            }
        }
        errors.into_result()?;
        ms.check_sequence()?;
        Ok(ms)
    }
}

/// `POST /api/projects`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "年产10万吨锂电池正极材料项目",
    "company": "山东某新能源科技有限公司",
    "town": "西岗镇",
    "chain": "lithium",
    "total_investment_yuan": 1_250_000_000i64,
    "milestones": {"start": {"planned": "2026-03-01"}, "completion": {"planned": "2027-06-30"}},
    "lists": [{"year": 2026, "list": "county", "kind": "implementation", "build_type": "new_start", "annual_plan_yuan": 500_000_000i64}]
}))]
pub struct ProjectInput {
    #[serde(default)]
    pub code: Option<String>,
    pub name: String,
    #[serde(default)]
    pub company: Option<String>,
    /// 9-digit code, name or alias.
    pub town: String,
    #[serde(default)]
    pub zone: Option<String>,
    pub chain: Chain,
    pub total_investment_yuan: i64,
    #[serde(default)]
    pub location: Option<LocationInput>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub responsible_unit: Option<String>,
    #[serde(default)]
    pub responsible_leader: Option<String>,
    #[serde(default)]
    pub milestones: MilestonesInput,
    #[serde(default)]
    pub lists: Vec<Membership>,
    #[serde(default)]
    pub sample: bool,
}

/// `PATCH /api/projects/{id}`: only the fields present change; `null` clears an optional one.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectPatch {
    pub version: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub company: Option<Option<String>>,
    #[serde(default)]
    pub town: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub zone: Option<Option<String>>,
    #[serde(default)]
    pub chain: Option<Chain>,
    #[serde(default)]
    pub total_investment_yuan: Option<i64>,
    /// `null` moves the project back to its town's seat.
    #[serde(default, deserialize_with = "present")]
    pub location: Option<Option<LocationInput>>,
    #[serde(default, deserialize_with = "present")]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub responsible_unit: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub responsible_leader: Option<Option<String>>,
    #[serde(default)]
    pub lists: Option<Vec<Membership>>,
    #[serde(default)]
    pub sample: Option<bool>,
}

/// A field that is present in the body, possibly as `null`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// `POST /api/projects/{id}/suspend|resume|withdraw`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "企业资金链紧张,项目暂缓建设"}))]
pub struct StateChange {
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub version: Option<i64>,
}

/// `POST /api/projects/{id}/reports`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "period": "2026-10",
    "completed_yuan": 35_000_000i64,
    "funds_arrived_yuan": 20_000_000i64,
    "note": "主体结构施工",
    "problems": [{"factor": "land", "text": "二期用地指标未落实", "responsible_unit": "市自然资源局"}]
}))]
pub struct ReportInput {
    pub period: Period,
    pub completed_yuan: i64,
    #[serde(default)]
    pub funds_arrived_yuan: i64,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub problems: Vec<Problem>,
    #[serde(default)]
    pub version: Option<i64>,
}

impl ReportInput {
    pub fn to_report(&self, today: NaiveDate) -> Result<MonthlyReport, Invalid> {
        let r = MonthlyReport {
            period: self.period,
            completed_yuan: Yuan(self.completed_yuan),
            funds_arrived_yuan: Yuan(self.funds_arrived_yuan),
            note: clean_optional(self.note.as_deref()),
            problems: self
                .problems
                .iter()
                .map(|p| Problem {
                    factor: p.factor,
                    text: p.text.trim().to_string(),
                    responsible_unit: clean_optional(p.responsible_unit.as_deref()),
                })
                .collect(),
        };
        r.check(today)?;
        Ok(r)
    }
}

/// Trim a free-text field; blank becomes absent.
pub fn clean_optional(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// A required short text (names): trimmed, 1..=max characters, no control characters.
/// Text is stored verbatim otherwise (`<script>` stays `<script>`: it is data, escaped on output).
pub fn check_text(field: &str, value: &str, max: usize, required: bool) -> Result<Option<String>, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return if required { Err(FieldError::new(field, "不能为空", "must not be empty")) } else { Ok(None) };
    }
    if v.chars().count() > max {
        return Err(FieldError::new(field, format!("不能超过{max}字"), format!("must be at most {max} characters")));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(FieldError::new(field, "包含不可见的控制字符", "contains control characters"));
    }
    Ok(Some(v.to_string()))
}

/// A project code: letters, digits and `-_./`, up to 64 characters.
pub fn check_code(code: &str) -> Result<String, FieldError> {
    let c = code.trim();
    let ok =
        !c.is_empty() && c.chars().count() <= 64 && c.chars().all(|ch| ch.is_alphanumeric() || "-_./".contains(ch));
    if ok {
        Ok(c.to_string())
    } else {
        Err(FieldError::new(
            "code",
            "项目编号应为1至64位字母、数字或-_./",
            "the code must be 1 to 64 letters, digits or -_./",
        ))
    }
}

/// Total investment: positive and plausible (a unit slip of ×10000 is caught here).
pub fn check_investment(yuan: i64) -> Result<Yuan, FieldError> {
    if yuan <= 0 {
        Err(FieldError::new(
            "total_investment_yuan",
            "总投资必须大于0元",
            "the total investment must be more than 0 yuan",
        ))
    } else if Yuan(yuan) > MAX_PLAUSIBLE {
        Err(FieldError::new(
            "total_investment_yuan",
            format!("总投资{yuan}元超过1万亿元,请检查单位(字段单位为元)"),
            format!("the total investment {yuan} yuan exceeds 1 trillion: check the unit (the field is in yuan)"),
        ))
    } else {
        Ok(Yuan(yuan))
    }
}

/// A minimal active project for tests of rules that read projects.
#[cfg(test)]
pub(crate) fn test_project() -> Project {
    Project {
        id: 1,
        code: "T1".into(),
        name: "测试项目".into(),
        company: None,
        town: TownRef { code: "370481106".into(), name: "西岗镇".into() },
        zone: None,
        chain: Chain::Chemical,
        total_investment_yuan: Yuan(1_000_000_000),
        tier: Tier::Over1b,
        status: Status::Pipeline,
        state: State::Active,
        state_reason: None,
        location: Location { lon: 117.0, lat: 35.0, precision: LocationPrecision::Town, outside_county: false },
        address: None,
        responsible_unit: Some("市化工产业专班".into()),
        responsible_leader: None,
        sample: false,
        milestones: Milestones::default(),
        lists: vec![],
        reports: Some(vec![]),
        version: 1,
        created_at: DateTime::<Utc>::MIN_UTC,
        updated_at: DateTime::<Utc>::MIN_UTC,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rules() {
        assert_eq!(check_text("name", "  滕州项目 ", 10, true), Ok(Some("滕州项目".into())));
        assert!(check_text("name", "  ", 10, true).is_err());
        assert_eq!(check_text("company", "", 10, false), Ok(None));
        assert!(check_text("name", "一二三四五六七八九十一", 10, true).is_err());
        assert!(check_text("name", "a\u{0}b", 10, true).is_err());
        assert_eq!(check_text("name", "<script>x</script>", 100, true), Ok(Some("<script>x</script>".into())));
    }

    #[test]
    fn code_rules() {
        assert_eq!(check_code(" 2401-370481-04-01-123456 "), Ok("2401-370481-04-01-123456".into()));
        assert!(check_code("has space").is_err());
        assert!(check_code("").is_err());
        assert!(check_code(&"x".repeat(65)).is_err());
    }

    #[test]
    fn investment_rules() {
        assert!(check_investment(0).is_err());
        assert!(check_investment(-5).is_err());
        assert!(check_investment(1_000_000_000_001).is_err());
        assert_eq!(check_investment(12_500_000_000), Ok(Yuan(12_500_000_000)));
    }

    #[test]
    fn patch_distinguishes_absent_from_null() {
        let p: ProjectPatch = serde_json::from_str(r#"{"version":3,"company":null}"#).expect("valid");
        assert_eq!(p.company, Some(None));
        assert_eq!(p.zone, None);
        assert!(serde_json::from_str::<ProjectPatch>(r#"{"version":3,"milestones":{}}"#).is_err());
    }

    #[test]
    fn new_milestones_take_baselines_and_check_order() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let input: MilestonesInput =
            serde_json::from_str(r#"{"start":{"planned":"2026-03-01"},"completion":{"planned":"2027-06-30"}}"#)
                .expect("valid");
        let ms = input.to_milestones(NaiveDate::MIN).expect("valid");
        assert_eq!(ms.start.baseline, d("2026-03-01"));
        let bad: MilestonesInput =
            serde_json::from_str(r#"{"start":{"planned":"2026-03-01"},"completion":{"planned":"2025-06-30"}}"#)
                .expect("parses");
        assert!(bad.to_milestones(NaiveDate::MIN).is_err());
        assert!(serde_json::from_str::<MilestonesInput>(r#"{"groundbreaking":{}}"#).is_err());
    }
}
