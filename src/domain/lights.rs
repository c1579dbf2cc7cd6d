//! Lights (红黄绿灯): a versioned, configurable rule set evaluated for any as-of date. Every
//! light says which rule fired, on which data, as of when. A project's light is its worst rule.

use super::calendar::{TimeShareMode, reporting_month, time_share_permille};
use super::lists::ListKind;
use super::milestone::MilestoneKind;
use super::project::Project;
use super::status::{State, Status};
use crate::code_enum;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

code_enum! {
    pub enum Light {
        Green = ("green", "绿灯"),
        Blue = ("blue", "蓝灯"),
        Yellow = ("yellow", "黄灯"),
        Red = ("red", "红灯"),
        /// Suspended or withdrawn: reported separately, never green.
        Grey = ("grey", "暂停或退出"),
    }
}

impl Light {
    /// Worse lights rank higher; grey is outside the scale.
    pub fn severity(self) -> u8 {
        match self {
            Light::Green => 0,
            Light::Blue => 1,
            Light::Yellow => 2,
            Light::Red => 3,
            Light::Grey => 0,
        }
    }

    /// A laggard (滞后项目) has a yellow or red light.
    pub fn is_laggard(self) -> bool {
        matches!(self, Light::Yellow | Light::Red)
    }
}

/// Overdue milestones: yellow up to this many days late, red beyond.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverdueRule {
    pub start_yellow_max_days: i64,
    pub completion_yellow_max_days: i64,
    pub production_yellow_max_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DueSoonRule {
    pub within_days: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GapMode {
    /// Percentage points below the time share (93.2 % against 75 % is 18.2 points ahead).
    Points,
    /// Share of the time share not reached (50 % against 75 % is 33 % behind).
    Relative,
}

/// Year-to-date completion behind the time share: yellow from `yellow_from` (inclusive),
/// red above `red_above`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvestmentRule {
    pub mode: GapMode,
    pub yellow_from: f64,
    pub red_above: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaleRule {
    /// More than this many days without a monthly report on a project under construction.
    pub after_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    pub name: String,
    pub version: String,
    pub time_share: TimeShareMode,
    pub overdue: OverdueRule,
    pub due_soon: DueSoonRule,
    pub investment_behind: InvestmentRule,
    pub stale: StaleRule,
}

pub const DEFAULT_RULES: &str = include_str!("rules/default.toml");
pub const PRESETS: &[(&str, &str)] = &[
    ("default", DEFAULT_RULES),
    ("yinchuan", include_str!("rules/yinchuan.toml")),
    ("sanya", include_str!("rules/sanya.toml")),
];

impl RuleSet {
    pub fn from_toml(text: &str) -> Result<RuleSet, String> {
        let r: RuleSet = toml::from_str(text).map_err(|e| e.to_string())?;
        let o = &r.overdue;
        let ok = o.start_yellow_max_days >= 0
            && o.completion_yellow_max_days >= 0
            && o.production_yellow_max_days >= 0
            && r.due_soon.within_days >= 0
            && r.stale.after_days > 0
            && r.investment_behind.yellow_from >= 0.0
            && r.investment_behind.red_above >= r.investment_behind.yellow_from;
        if ok { Ok(r) } else { Err("rule thresholds must be non-negative and red_above ≥ yellow_from".into()) }
    }

    pub fn preset(name: &str) -> Option<RuleSet> {
        PRESETS.iter().find(|(n, _)| *n == name).and_then(|(_, t)| RuleSet::from_toml(t).ok())
    }

    pub fn default_rules() -> RuleSet {
        RuleSet::from_toml(DEFAULT_RULES).expect("the compiled-in default rules are valid")
    }
}

code_enum! {
    /// The rules a light can come from, with the names the reports print in 滞后类型.
    pub enum RuleId {
        StartOverdue = ("start_overdue", "开工滞后"),
        CompletionOverdue = ("completion_overdue", "竣工滞后"),
        ProductionOverdue = ("production_overdue", "投产滞后"),
        DueSoon = ("due_soon", "临近节点"),
        InvestmentBehind = ("investment_behind", "投资慢于序时"),
        Stale = ("stale", "未按时报送"),
        Suspended = ("suspended", "暂停"),
        Withdrawn = ("withdrawn", "退出"),
    }
}

/// One rule that fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Reason {
    pub rule: RuleId,
    pub light: Light,
    /// The late milestone (milestone rules only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub milestone: Option<MilestoneKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub due: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub days_late: Option<i64>,
    /// Percentage points behind the time share (investment rule only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub gap_points: Option<f64>,
    pub message: String,
    pub message_en: String,
}

impl Reason {
    fn new(rule: RuleId, light: Light, message: String, message_en: String) -> Reason {
        Reason { rule, light, milestone: None, due: None, days_late: None, gap_points: None, message, message_en }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Evaluation {
    pub light: Light,
    pub reasons: Vec<Reason>,
}

impl Evaluation {
    /// The reason that decided the light (the first of the worst).
    pub fn worst(&self) -> Option<&Reason> {
        self.reasons.iter().filter(|r| r.light == self.light).max_by_key(|r| r.days_late.unwrap_or(0))
    }
}

/// Year-to-date completed investment of `year` counted as of `as_of` (reports for months up to
/// the reporting month, or up to as_of's month in day mode).
pub fn ytd_completed(project: &Project, year: i32, as_of: NaiveDate, mode: TimeShareMode) -> i64 {
    let last = match mode {
        TimeShareMode::Months => reporting_month(as_of),
        TimeShareMode::Day => (as_of.year(), as_of.month()),
    };
    project
        .reports
        .iter()
        .flatten()
        .filter(|r| r.report.period.year == year && (r.report.period.year, r.report.period.month) <= last)
        .map(|r| r.report.completed_yuan.0)
        .sum()
}

/// The project's annual planned investment for `year`: the largest plan among its
/// implementation memberships of that year in force on `as_of`.
pub fn annual_plan(project: &Project, year: i32, as_of: NaiveDate) -> i64 {
    project
        .lists
        .iter()
        .filter(|m| m.year == year && m.kind == ListKind::Implementation && m.is_effective_on(as_of))
        .map(|m| m.annual_plan_yuan.0)
        .max()
        .unwrap_or(0)
}

/// `num / den` in basis points (0.01 %), rounded half up; exact integer arithmetic.
pub fn basis_points(num: i64, den: i64) -> Option<i64> {
    if den <= 0 {
        return None;
    }
    let (n, d) = (i128::from(num), i128::from(den));
    i64::try_from((n * 20_000 + d) / (d * 2)).ok()
}

/// Evaluate every rule for one project as of a date. A suspended or withdrawn project is grey
/// and no other rule applies; otherwise each rule below may add a reason, in this order (a
/// milestone is either overdue or due soon, never both).
pub fn evaluate(project: &Project, as_of: NaiveDate, rules: &RuleSet) -> Evaluation {
    if let Some(reason) = suspended(project).or_else(|| withdrawn(project)) {
        return Evaluation { light: Light::Grey, reasons: vec![reason] };
    }
    let reasons: Vec<Reason> = [
        start_overdue(project, as_of, rules),
        due_soon(project, MilestoneKind::Start, as_of, rules),
        completion_overdue(project, as_of, rules),
        due_soon(project, MilestoneKind::Completion, as_of, rules),
        production_overdue(project, as_of, rules),
        due_soon(project, MilestoneKind::Production, as_of, rules),
        investment_behind(project, as_of, rules),
        stale(project, as_of, rules),
    ]
    .into_iter()
    .flatten()
    .collect();
    let light = reasons.iter().map(|r| r.light).max_by_key(|l| l.severity()).unwrap_or(Light::Green);
    Evaluation { light, reasons }
}

/// `suspended`: the project is on hold (grey), with the reason given.
fn suspended(project: &Project) -> Option<Reason> {
    (project.state == State::Suspended).then(|| inactive(project, RuleId::Suspended, "暂停", "suspended"))
}

/// `withdrawn`: the project has left the lists (grey), with the reason given.
fn withdrawn(project: &Project) -> Option<Reason> {
    (project.state == State::Withdrawn).then(|| inactive(project, RuleId::Withdrawn, "退出", "withdrawn"))
}

fn inactive(project: &Project, rule: RuleId, zh: &str, en: &str) -> Reason {
    let why = project.state_reason.clone().unwrap_or_default();
    Reason::new(rule, Light::Grey, format!("项目已{zh}:{why}"), format!("the project is {en}: {why}"))
}

/// `start_overdue`: the planned start (as planned on the as-of date) has passed without a start.
fn start_overdue(project: &Project, as_of: NaiveDate, rules: &RuleSet) -> Option<Reason> {
    overdue(project, MilestoneKind::Start, RuleId::StartOverdue, as_of, rules.overdue.start_yellow_max_days)
}

/// `completion_overdue`: the same for the planned completion.
fn completion_overdue(project: &Project, as_of: NaiveDate, rules: &RuleSet) -> Option<Reason> {
    let yellow_max = rules.overdue.completion_yellow_max_days;
    overdue(project, MilestoneKind::Completion, RuleId::CompletionOverdue, as_of, yellow_max)
}

/// `production_overdue`: the same for the planned start of production.
fn production_overdue(project: &Project, as_of: NaiveDate, rules: &RuleSet) -> Option<Reason> {
    let yellow_max = rules.overdue.production_yellow_max_days;
    overdue(project, MilestoneKind::Production, RuleId::ProductionOverdue, as_of, yellow_max)
}

/// A milestone not done by `as_of` whose plan in force then has passed: yellow up to
/// `yellow_max_days` late, red beyond; the message tells how often the plan was changed.
fn overdue(
    project: &Project,
    kind: MilestoneKind,
    rule: RuleId,
    as_of: NaiveDate,
    yellow_max_days: i64,
) -> Option<Reason> {
    let m = project.milestones.get(kind);
    if m.is_done_by(as_of) {
        return None;
    }
    let plan = m.planned_as_of(as_of)?;
    let days = (as_of - plan).num_days();
    if days <= 0 {
        return None;
    }
    let light = if days <= yellow_max_days { Light::Yellow } else { Light::Red };
    let slipped = m.replans.iter().filter(|r| r.effective <= as_of).count();
    let history = match (slipped, m.baseline) {
        (0, _) | (_, None) => String::new(),
        (n, Some(b)) => format!("(已调整{n}次,原计划{b})"),
    };
    let label = kind.label_zh();
    Some(Reason {
        milestone: Some(kind),
        due: Some(plan),
        days_late: Some(days),
        ..Reason::new(
            rule,
            light,
            format!("计划{label}日期{plan}已过{days}天,尚未{label}{history}"),
            format!("planned {kind} {plan} passed {days} days ago; not done"),
        )
    })
}

/// `due_soon`: a milestone not done whose plan falls within the next `within_days` (or today).
fn due_soon(project: &Project, kind: MilestoneKind, as_of: NaiveDate, rules: &RuleSet) -> Option<Reason> {
    let m = project.milestones.get(kind);
    if m.is_done_by(as_of) {
        return None;
    }
    let plan = m.planned_as_of(as_of)?;
    let left = (plan - as_of).num_days();
    if !(0..=rules.due_soon.within_days).contains(&left) {
        return None;
    }
    let label = kind.label_zh();
    Some(Reason {
        milestone: Some(kind),
        due: Some(plan),
        ..Reason::new(
            RuleId::DueSoon,
            Light::Blue,
            format!("计划{left}天后({plan}){label}"),
            format!("{kind} due in {left} days ({plan})"),
        )
    })
}

/// `investment_behind`: year-to-date completion of the annual plan behind the time share, by
/// points or relative to the time share as the rule set says: yellow from `yellow_from`
/// (inclusive), red above `red_above`. Projects without an annual plan are not judged.
fn investment_behind(project: &Project, as_of: NaiveDate, rules: &RuleSet) -> Option<Reason> {
    let year = as_of.year();
    let plan = annual_plan(project, year, as_of);
    let share_bp = time_share_permille(year, as_of, rules.time_share) * 10;
    if plan <= 0 || share_bp <= 0 {
        return None;
    }
    let done = ytd_completed(project, year, as_of, rules.time_share);
    let done_bp = basis_points(done, plan).unwrap_or(0);
    let gap_bp = share_bp - done_bp;
    let r = &rules.investment_behind;
    let gap = match r.mode {
        GapMode::Points => gap_bp as f64 / 100.0,
        GapMode::Relative => gap_bp as f64 * 100.0 / share_bp as f64,
    };
    if gap_bp <= 0 || gap < r.yellow_from {
        return None;
    }
    let light = if gap > r.red_above { Light::Red } else { Light::Yellow };
    let (done_pct, share_pct, gap_pts) = (done_bp as f64 / 100.0, share_bp as f64 / 100.0, gap_bp as f64 / 100.0);
    Some(Reason {
        gap_points: Some(gap_pts),
        ..Reason::new(
            RuleId::InvestmentBehind,
            light,
            format!("投资完成率{done_pct:.1}%,慢于序时进度{share_pct:.1}%共{gap_pts:.1}个百分点"),
            format!("investment {done_pct:.1}% of plan, {gap_pts:.1} points behind the time share {share_pct:.1}%"),
        )
    })
}

/// `stale`: a project under construction without a monthly report (or, before its first one,
/// since its start) for more than `after_days`: missing data is not good news.
fn stale(project: &Project, as_of: NaiveDate, rules: &RuleSet) -> Option<Reason> {
    if Status::derive(&project.milestones, project.state, as_of) != Status::UnderConstruction {
        return None;
    }
    let last_report =
        project.reports.iter().flatten().map(|r| r.report.period.last_day()).filter(|d| *d <= as_of).max();
    let since = last_report.or(project.milestones.start.actual)?;
    let days = (as_of - since).num_days();
    if days <= rules.stale.after_days {
        return None;
    }
    Some(Reason {
        days_late: Some(days),
        ..Reason::new(
            RuleId::Stale,
            Light::Yellow,
            format!("已{days}天未报送月度进度(缺报不等于正常)"),
            format!("no monthly report for {days} days"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lists::{BuildType, ListLevel, Membership};
    use crate::domain::milestone::{MilestoneUpdate, Replan};
    use crate::domain::money::Yuan;
    use crate::domain::project::{StoredReport, test_project};
    use crate::domain::report::{MonthlyReport, Period};
    use chrono::{DateTime, Utc};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn rules() -> RuleSet {
        RuleSet::default_rules()
    }

    fn with_start_planned(date: &str) -> Project {
        let mut p = test_project();
        p.milestones.start.planned = Some(d(date));
        p.milestones.start.baseline = Some(d(date));
        p
    }

    fn rule_light(p: &Project, as_of: &str, rule: RuleId) -> Option<Light> {
        evaluate(p, d(as_of), &rules()).reasons.iter().find(|r| r.rule == rule).map(|r| r.light)
    }

    #[test]
    fn overdue_is_yellow_up_to_30_days_then_red() {
        let p = with_start_planned("2026-05-01");
        assert_eq!(rule_light(&p, "2026-05-01", RuleId::StartOverdue), None, "due today is not late");
        assert_eq!(rule_light(&p, "2026-05-02", RuleId::StartOverdue), Some(Light::Yellow));
        assert_eq!(rule_light(&p, "2026-05-31", RuleId::StartOverdue), Some(Light::Yellow), "day 30");
        assert_eq!(rule_light(&p, "2026-06-01", RuleId::StartOverdue), Some(Light::Red), "day 31");
        let e = evaluate(&p, d("2026-06-01"), &rules());
        assert_eq!(e.light, Light::Red);
        assert_eq!(e.worst().and_then(|r| r.days_late), Some(31));
        let mut done = p.clone();
        done.milestones.start.actual = Some(d("2026-05-20"));
        assert_eq!(rule_light(&done, "2026-06-01", RuleId::StartOverdue), None);
        assert_eq!(
            rule_light(&done, "2026-05-19", RuleId::StartOverdue),
            Some(Light::Yellow),
            "actual after as_of does not count yet"
        );
    }

    #[test]
    fn completion_and_production_overdue_have_the_same_shape() {
        let mut p = test_project();
        p.milestones.start.actual = Some(d("2025-03-01"));
        p.milestones.completion.planned = Some(d("2026-06-30"));
        p.milestones.production.planned = Some(d("2026-06-30"));
        assert_eq!(rule_light(&p, "2026-07-30", RuleId::CompletionOverdue), Some(Light::Yellow));
        assert_eq!(rule_light(&p, "2026-07-31", RuleId::ProductionOverdue), Some(Light::Red));
    }

    #[test]
    fn due_within_30_days_is_blue() {
        let p = with_start_planned("2026-06-30");
        assert_eq!(rule_light(&p, "2026-05-31", RuleId::DueSoon), Some(Light::Blue), "30 days ahead");
        assert_eq!(rule_light(&p, "2026-05-30", RuleId::DueSoon), None, "31 days ahead");
        assert_eq!(rule_light(&p, "2026-06-30", RuleId::DueSoon), Some(Light::Blue), "due today");
        assert_eq!(evaluate(&p, d("2026-06-15"), &rules()).light, Light::Blue);
        assert_eq!(evaluate(&p, d("2026-01-15"), &rules()).light, Light::Green);
    }

    fn with_plan_and_ytd(plan: i64, months: &[(u32, i64)]) -> Project {
        let mut p = test_project();
        p.milestones.start.actual = Some(d("2025-03-01"));
        p.lists = vec![Membership {
            year: 2026,
            list: ListLevel::County,
            kind: ListKind::Implementation,
            build_type: BuildType::Continuing,
            annual_plan_yuan: Yuan(plan),
            effective_from: None,
            effective_to: None,
        }];
        p.reports = Some(
            months
                .iter()
                .map(|(m, v)| StoredReport {
                    report: MonthlyReport {
                        period: Period { year: 2026, month: *m },
                        completed_yuan: Yuan(*v),
                        funds_arrived_yuan: Yuan(0),
                        note: None,
                        problems: vec![],
                    },
                    reported_at: DateTime::<Utc>::MIN_UTC,
                    reported_by: "t".into(),
                })
                .collect(),
        );
        p
    }

    #[test]
    fn investment_behind_bands_at_exactly_10_and_30_points() {
        // As of 2026-09-30 the time share is 75 %. Plan 100 万 … in yuan: 1,000,000.
        let at = |ytd: i64| {
            let p = with_plan_and_ytd(1_000_000, &[(9, ytd)]);
            rule_light(&p, "2026-09-30", RuleId::InvestmentBehind)
        };
        assert_eq!(at(660_000), None, "66 % is 9 points behind");
        assert_eq!(at(650_000), Some(Light::Yellow), "exactly 10 points");
        assert_eq!(at(450_000), Some(Light::Yellow), "exactly 30 points");
        assert_eq!(at(449_900), Some(Light::Red), "30.01 points");
        assert_eq!(at(800_000), None, "ahead");
        let p = with_plan_and_ytd(1_000_000, &[(9, 650_000)]);
        let e = evaluate(&p, d("2026-09-30"), &rules());
        assert_eq!(e.reasons.iter().find_map(|r| r.gap_points), Some(10.0));
        // Only the months reported by the as-of date count: October is not in yet on 10-15.
        let p = with_plan_and_ytd(1_000_000, &[(9, 750_000), (10, 100_000)]);
        assert_eq!(rule_light(&p, "2026-10-15", RuleId::InvestmentBehind), None);
        // No annual plan that year: the rule does not apply.
        let p = with_plan_and_ytd(0, &[]);
        assert_eq!(rule_light(&p, "2026-09-30", RuleId::InvestmentBehind), None);
    }

    #[test]
    fn investment_behind_uses_the_rounded_time_share() {
        // End of August: 8/12 = 66.67 % → 66.7 %. 567,000 of 1,000,000 is 56.7 %, so the gap is
        // 66.7 − 56.7 = 10.0 points: yellow (with the time share truncated to 66.6 it was 9.9).
        let p = with_plan_and_ytd(1_000_000, &[(8, 567_000)]);
        assert_eq!(rule_light(&p, "2026-08-31", RuleId::InvestmentBehind), Some(Light::Yellow));
        let e = evaluate(&p, d("2026-08-31"), &rules());
        assert_eq!(e.reasons.iter().find_map(|r| r.gap_points), Some(10.0));
        // 568,000 is 56.8 %: 9.9 points, not behind.
        let p = with_plan_and_ytd(1_000_000, &[(8, 568_000)]);
        assert_eq!(rule_light(&p, "2026-08-31", RuleId::InvestmentBehind), None);
    }

    #[test]
    fn rule_ids_are_sent_as_their_codes() {
        let p = with_start_planned("2026-05-01");
        let e = evaluate(&p, d("2026-05-02"), &rules());
        let json = serde_json::to_value(&e).unwrap_or_default();
        assert_eq!(json["reasons"][0]["rule"], "start_overdue");
        let codes: Vec<&str> = RuleId::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(
            codes,
            [
                "start_overdue",
                "completion_overdue",
                "production_overdue",
                "due_soon",
                "investment_behind",
                "stale",
                "suspended",
                "withdrawn"
            ]
        );
        for r in RuleId::ALL {
            assert_eq!(RuleId::parse(r.code()), Some(*r));
        }
        let mut gone = p.clone();
        gone.state = State::Withdrawn;
        assert_eq!(evaluate(&gone, d("2026-05-02"), &rules()).reasons[0].rule, RuleId::Withdrawn);
    }

    #[test]
    fn stale_after_45_days_without_a_report() {
        let p = with_plan_and_ytd(0, &[(8, 1)]); // last report covers August: 2026-08-31
        assert_eq!(rule_light(&p, "2026-10-15", RuleId::Stale), None, "45 days");
        assert_eq!(rule_light(&p, "2026-10-16", RuleId::Stale), Some(Light::Yellow), "46 days");
        let mut not_started = p.clone();
        not_started.milestones.start.actual = None;
        assert_eq!(rule_light(&not_started, "2026-12-16", RuleId::Stale), None, "only projects under construction");
    }

    #[test]
    fn suspended_and_withdrawn_are_grey_never_green() {
        let mut p = with_start_planned("2026-01-01");
        p.state = State::Suspended;
        p.state_reason = Some("资金".into());
        let e = evaluate(&p, d("2026-11-01"), &rules());
        assert_eq!(e.light, Light::Grey);
        assert_eq!(e.reasons.len(), 1);
        p.state = State::Withdrawn;
        assert_eq!(evaluate(&p, d("2026-11-01"), &rules()).light, Light::Grey);
    }

    #[test]
    fn the_plan_in_force_decides_not_a_later_replan() {
        let mut p = with_start_planned("2026-05-01");
        let u = MilestoneUpdate { planned: Some(d("2026-09-01")), actual: None, reason: Some("审批".into()) };
        p.milestones.start =
            p.milestones.start.apply(&u, "a", DateTime::<Utc>::MIN_UTC, d("2026-06-10")).expect("valid");
        assert_eq!(
            rule_light(&p, "2026-06-07", RuleId::StartOverdue),
            Some(Light::Red),
            "before the re-plan: 37 days late"
        );
        assert_eq!(rule_light(&p, "2026-06-14", RuleId::StartOverdue), None, "after it: not due yet");
        assert_eq!(
            p.milestones.start.replans,
            vec![Replan {
                from: Some(d("2026-05-01")),
                to: Some(d("2026-09-01")),
                reason: "审批".into(),
                actor: "a".into(),
                at: DateTime::<Utc>::MIN_UTC,
                effective: d("2026-06-10"),
            }]
        );
    }

    #[test]
    fn presets() {
        let y = RuleSet::preset("yinchuan").expect("preset");
        let p = with_start_planned("2026-05-01");
        let light = |r: &RuleSet, as_of: &str| evaluate(&p, d(as_of), r).light;
        assert_eq!(light(&y, "2026-07-30"), Light::Yellow, "90 days: still yellow in Yinchuan");
        assert_eq!(light(&y, "2026-07-31"), Light::Red, "91 days");
        assert_eq!(light(&rules(), "2026-07-30"), Light::Red);
        let s = RuleSet::preset("sanya").expect("preset");
        let at = |ytd: i64| {
            let p = with_plan_and_ytd(1_000_000, &[(9, ytd)]);
            evaluate(&p, d("2026-09-30"), &s)
                .reasons
                .iter()
                .find(|r| r.rule == RuleId::InvestmentBehind)
                .map(|r| r.light)
        };
        assert_eq!(at(750_000), None, "on time");
        assert_eq!(at(740_000), Some(Light::Yellow), "slightly behind");
        assert_eq!(at(375_000), Some(Light::Yellow), "exactly 50 % behind");
        assert_eq!(at(374_000), Some(Light::Red), "more than 50 % behind");
        assert!(RuleSet::preset("nowhere").is_none());
        assert!(RuleSet::from_toml("name = 1").is_err());
    }
}
