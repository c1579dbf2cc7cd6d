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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverdueRule {
    pub start_yellow_max_days: i64,
    pub completion_yellow_max_days: i64,
    pub production_yellow_max_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DueSoonRule {
    pub within_days: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapMode {
    /// Percentage points below the time share (93.2 % against 75 % is 18.2 points ahead).
    Points,
    /// Share of the time share not reached (50 % against 75 % is 33 % behind).
    Relative,
}

/// Year-to-date completion behind the time share: yellow from `yellow_from` (inclusive),
/// red above `red_above`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvestmentRule {
    pub mode: GapMode,
    pub yellow_from: f64,
    pub red_above: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaleRule {
    /// More than this many days without a monthly report on a project under construction.
    pub after_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

    fn yellow_max(&self, kind: MilestoneKind) -> i64 {
        match kind {
            MilestoneKind::Start => self.overdue.start_yellow_max_days,
            MilestoneKind::Completion => self.overdue.completion_yellow_max_days,
            _ => self.overdue.production_yellow_max_days,
        }
    }
}

/// One rule that fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub rule: String,
    pub light: Light,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone: Option<MilestoneKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_late: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap_points: Option<f64>,
    pub message: String,
    pub message_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

const TRACKED: [MilestoneKind; 3] = [MilestoneKind::Start, MilestoneKind::Completion, MilestoneKind::Production];

/// Evaluate every rule for one project as of a date.
pub fn evaluate(project: &Project, as_of: NaiveDate, rules: &RuleSet) -> Evaluation {
    match project.state {
        State::Suspended | State::Withdrawn => {
            let what =
                if project.state == State::Suspended { ("暂停", "suspended") } else { ("退出", "withdrawn") };
            let why = project.state_reason.clone().unwrap_or_default();
            return Evaluation {
                light: Light::Grey,
                reasons: vec![Reason {
                    rule: project.state.code().to_string(),
                    light: Light::Grey,
                    milestone: None,
                    due: None,
                    days_late: None,
                    gap_points: None,
                    message: format!("项目已{}:{why}", what.0),
                    message_en: format!("the project is {}: {why}", what.1),
                }],
            };
        }
        State::Active => {}
    }
    let mut reasons = Vec::new();
    for kind in TRACKED {
        let m = project.milestones.get(kind);
        if m.is_done_by(as_of) {
            continue;
        }
        let Some(plan) = m.planned_as_of(as_of) else { continue };
        let days = (as_of - plan).num_days();
        let label = kind.label_zh();
        if days > 0 {
            let light = if days <= rules.yellow_max(kind) { Light::Yellow } else { Light::Red };
            let slipped = m.replans.iter().filter(|r| r.effective <= as_of).count();
            let history = match (slipped, m.baseline) {
                (0, _) | (_, None) => String::new(),
                (n, Some(b)) => format!("(已调整{n}次,原计划{b})"),
            };
            reasons.push(Reason {
                rule: format!("{kind}_overdue"),
                light,
                milestone: Some(kind),
                due: Some(plan),
                days_late: Some(days),
                gap_points: None,
                message: format!("计划{label}日期{plan}已过{days}天,尚未{label}{history}"),
                message_en: format!("planned {kind} {plan} passed {days} days ago; not done"),
            });
        } else if -days <= rules.due_soon.within_days {
            let left = -days;
            reasons.push(Reason {
                rule: "due_soon".into(),
                light: Light::Blue,
                milestone: Some(kind),
                due: Some(plan),
                days_late: None,
                gap_points: None,
                message: format!("计划{left}天后({plan}){label}"),
                message_en: format!("{kind} due in {left} days ({plan})"),
            });
        }
    }
    let year = as_of.year();
    let plan = annual_plan(project, year, as_of);
    let share_bp = time_share_permille(year, as_of, rules.time_share) * 10;
    if plan > 0 && share_bp > 0 {
        let done = ytd_completed(project, year, as_of, rules.time_share);
        let done_bp = basis_points(done, plan).unwrap_or(0);
        let gap_bp = share_bp - done_bp;
        let gap = match rules.investment_behind.mode {
            GapMode::Points => gap_bp as f64 / 100.0,
            GapMode::Relative => gap_bp as f64 * 100.0 / share_bp as f64,
        };
        let r = &rules.investment_behind;
        let light = if gap_bp <= 0 || gap < r.yellow_from {
            None
        } else if gap > r.red_above {
            Some(Light::Red)
        } else {
            Some(Light::Yellow)
        };
        if let Some(light) = light {
            let (done_pct, share_pct, gap_pts) =
                (done_bp as f64 / 100.0, share_bp as f64 / 100.0, gap_bp as f64 / 100.0);
            reasons.push(Reason {
                rule: "investment_behind".into(),
                light,
                milestone: None,
                due: None,
                days_late: None,
                gap_points: Some(gap_pts),
                message: format!("投资完成率{done_pct:.1}%,慢于序时进度{share_pct:.1}%共{gap_pts:.1}个百分点"),
                message_en: format!(
                    "investment {done_pct:.1}% of plan, {gap_pts:.1} points behind the time share {share_pct:.1}%"
                ),
            });
        }
    }
    if Status::derive(&project.milestones, project.state, as_of) == Status::UnderConstruction {
        let last_report =
            project.reports.iter().flatten().map(|r| r.report.period.last_day()).filter(|d| *d <= as_of).max();
        let since = last_report.or(project.milestones.start.actual);
        if let Some(since) = since {
            let days = (as_of - since).num_days();
            if days > rules.stale.after_days {
                reasons.push(Reason {
                    rule: "stale".into(),
                    light: Light::Yellow,
                    milestone: None,
                    due: None,
                    days_late: Some(days),
                    gap_points: None,
                    message: format!("已{days}天未报送月度进度(缺报不等于正常)"),
                    message_en: format!("no monthly report for {days} days"),
                });
            }
        }
    }
    let light = reasons.iter().map(|r| r.light).max_by_key(|l| l.severity()).unwrap_or(Light::Green);
    Evaluation { light, reasons }
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

    fn rule_light(p: &Project, as_of: &str, rule: &str) -> Option<Light> {
        evaluate(p, d(as_of), &rules()).reasons.iter().find(|r| r.rule == rule).map(|r| r.light)
    }

    #[test]
    fn overdue_is_yellow_up_to_30_days_then_red() {
        let p = with_start_planned("2026-05-01");
        assert_eq!(rule_light(&p, "2026-05-01", "start_overdue"), None, "due today is not late");
        assert_eq!(rule_light(&p, "2026-05-02", "start_overdue"), Some(Light::Yellow));
        assert_eq!(rule_light(&p, "2026-05-31", "start_overdue"), Some(Light::Yellow), "day 30");
        assert_eq!(rule_light(&p, "2026-06-01", "start_overdue"), Some(Light::Red), "day 31");
        let e = evaluate(&p, d("2026-06-01"), &rules());
        assert_eq!(e.light, Light::Red);
        assert_eq!(e.worst().and_then(|r| r.days_late), Some(31));
        let mut done = p.clone();
        done.milestones.start.actual = Some(d("2026-05-20"));
        assert_eq!(rule_light(&done, "2026-06-01", "start_overdue"), None);
        assert_eq!(
            rule_light(&done, "2026-05-19", "start_overdue"),
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
        assert_eq!(rule_light(&p, "2026-07-30", "completion_overdue"), Some(Light::Yellow));
        assert_eq!(rule_light(&p, "2026-07-31", "production_overdue"), Some(Light::Red));
    }

    #[test]
    fn due_within_30_days_is_blue() {
        let p = with_start_planned("2026-06-30");
        assert_eq!(rule_light(&p, "2026-05-31", "due_soon"), Some(Light::Blue), "30 days ahead");
        assert_eq!(rule_light(&p, "2026-05-30", "due_soon"), None, "31 days ahead");
        assert_eq!(rule_light(&p, "2026-06-30", "due_soon"), Some(Light::Blue), "due today");
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
            rule_light(&p, "2026-09-30", "investment_behind")
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
        assert_eq!(rule_light(&p, "2026-10-15", "investment_behind"), None);
        // No annual plan that year: the rule does not apply.
        let p = with_plan_and_ytd(0, &[]);
        assert_eq!(rule_light(&p, "2026-09-30", "investment_behind"), None);
    }

    #[test]
    fn stale_after_45_days_without_a_report() {
        let p = with_plan_and_ytd(0, &[(8, 1)]); // last report covers August: 2026-08-31
        assert_eq!(rule_light(&p, "2026-10-15", "stale"), None, "45 days");
        assert_eq!(rule_light(&p, "2026-10-16", "stale"), Some(Light::Yellow), "46 days");
        let mut not_started = p.clone();
        not_started.milestones.start.actual = None;
        assert_eq!(rule_light(&not_started, "2026-12-16", "stale"), None, "only projects under construction");
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
        assert_eq!(rule_light(&p, "2026-06-07", "start_overdue"), Some(Light::Red), "before the re-plan: 37 days late");
        assert_eq!(rule_light(&p, "2026-06-14", "start_overdue"), None, "after it: not due yet");
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
            evaluate(&p, d("2026-09-30"), &s).reasons.iter().find(|r| r.rule == "investment_behind").map(|r| r.light)
        };
        assert_eq!(at(750_000), None, "on time");
        assert_eq!(at(740_000), Some(Light::Yellow), "slightly behind");
        assert_eq!(at(375_000), Some(Light::Yellow), "exactly 50 % behind");
        assert_eq!(at(374_000), Some(Light::Red), "more than 50 % behind");
        assert!(RuleSet::preset("nowhere").is_none());
        assert!(RuleSet::from_toml("name = 1").is_err());
    }
}
