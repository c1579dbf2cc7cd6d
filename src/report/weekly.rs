//! The weekly laggard report (滞后项目周报) for an ISO week, as of its Sunday.

use crate::domain::calendar::IsoWeek;
use crate::domain::lights::{Evaluation, Light, Reason, RuleId, RuleSet, evaluate};
use crate::domain::milestone::MilestoneKind;
use crate::domain::project::Project;
use crate::domain::report::Factor;
use crate::domain::status::State;
use crate::domain::{Chain, Tier};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// How far back consecutive laggard weeks are counted.
const MAX_STREAK: u32 = 52;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BlockingProblem {
    pub factor: Factor,
    pub factor_label: String,
    pub text: String,
    pub period: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LaggardRow {
    pub project_id: i64,
    pub code: String,
    pub name: String,
    pub town_code: String,
    pub town: String,
    pub responsible_unit: String,
    pub chain: Chain,
    pub tier: Tier,
    pub total_investment_yuan: i64,
    pub light: Light,
    /// The rule that decided the light.
    pub rule: RuleId,
    pub milestone: Option<MilestoneKind>,
    pub due: Option<NaiveDate>,
    pub days_late: Option<i64>,
    pub gap_points: Option<f64>,
    pub message: String,
    pub reasons: Vec<Reason>,
    pub problem: Option<BlockingProblem>,
    /// Consecutive weeks (this one included) the project has been a laggard.
    pub weeks_in_a_row: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    New,
    Worsened,
    Improved,
    Cleared,
}

impl Change {
    pub fn label_zh(self) -> &'static str {
        match self {
            Change::New => "新增",
            Change::Worsened => "加重",
            Change::Improved => "好转",
            Change::Cleared => "销号",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DiffRow {
    pub project_id: i64,
    pub code: String,
    pub name: String,
    pub town: String,
    pub change: Change,
    pub before: Option<Light>,
    pub after: Option<Light>,
    pub rule_before: Option<RuleId>,
    pub rule_after: Option<RuleId>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Summary {
    pub projects: i64,
    pub laggards: i64,
    pub red: i64,
    pub yellow: i64,
    pub blue: i64,
    pub green: i64,
    pub suspended_or_withdrawn: i64,
    pub new: i64,
    pub worsened: i64,
    pub improved: i64,
    pub cleared: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LaggardGroup {
    pub key: String,
    pub label: String,
    pub red: i64,
    pub yellow: i64,
    pub project_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InactiveRow {
    pub project_id: i64,
    pub code: String,
    pub name: String,
    pub town: String,
    pub state: State,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PreviousWeek {
    pub week: String,
    /// The diff compares against the report as it was published.
    pub published: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WeeklyReport {
    /// The county's name, from the town layer (reports published before it was stored have none).
    #[serde(default)]
    pub county: String,
    pub week: String,
    pub as_of: NaiveDate,
    pub year: i32,
    pub rules: String,
    pub generated_at: DateTime<Utc>,
    pub summary: Summary,
    pub laggards: Vec<LaggardRow>,
    pub by_town: Vec<LaggardGroup>,
    pub by_unit: Vec<LaggardGroup>,
    pub diff: Vec<DiffRow>,
    pub inactive: Vec<InactiveRow>,
    pub previous: PreviousWeek,
}

fn in_scope(p: &Project, year: i32, as_of: NaiveDate) -> bool {
    p.lists.iter().any(|m| m.year == year && m.is_effective_on(as_of))
}

/// The latest reported problem by the as-of date.
fn blocking_problem(p: &Project, as_of: NaiveDate) -> Option<BlockingProblem> {
    p.reports
        .iter()
        .flatten()
        .filter(|r| r.report.period.first_day() <= as_of && !r.report.problems.is_empty())
        .max_by_key(|r| r.report.period)
        .and_then(|r| {
            r.report.problems.first().map(|pr| BlockingProblem {
                factor: pr.factor,
                factor_label: pr.factor.label_zh().to_string(),
                text: pr.text.clone(),
                period: r.report.period.to_string(),
            })
        })
}

fn streak(p: &Project, week: IsoWeek, rules: &RuleSet) -> u32 {
    let mut n = 0;
    let mut w = week;
    while n < MAX_STREAK && evaluate(p, w.sunday(), rules).light.is_laggard() {
        n += 1;
        w = w.previous();
    }
    n
}

/// The lights of the previous week: from the published report when there is one (what was
/// actually sent), else computed from the data's own dates.
fn previous_lights(
    projects: &[Project],
    week: IsoWeek,
    rules: &RuleSet,
    published: Option<&WeeklyReport>,
) -> HashMap<i64, (Light, RuleId)> {
    match published {
        Some(report) => report.laggards.iter().map(|l| (l.project_id, (l.light, l.rule))).collect(),
        None => {
            let as_of = week.sunday();
            projects
                .iter()
                .filter(|p| in_scope(p, as_of.year(), as_of))
                .filter_map(|p| {
                    let e = evaluate(p, as_of, rules);
                    let rule = e.worst()?.rule;
                    e.light.is_laggard().then_some((p.id, (e.light, rule)))
                })
                .collect()
        }
    }
}

fn group(rows: &[LaggardRow], key: impl Fn(&LaggardRow) -> (String, String)) -> Vec<LaggardGroup> {
    let mut groups: BTreeMap<String, LaggardGroup> = BTreeMap::new();
    for r in rows {
        let (k, label) = key(r);
        let g = groups.entry(k.clone()).or_insert_with(|| LaggardGroup {
            key: k,
            label,
            red: 0,
            yellow: 0,
            project_ids: vec![],
        });
        if r.light == Light::Red {
            g.red += 1;
        } else {
            g.yellow += 1;
        }
        g.project_ids.push(r.project_id);
    }
    let mut v: Vec<LaggardGroup> = groups.into_values().collect();
    v.sort_by(|a, b| (b.red + b.yellow).cmp(&(a.red + a.yellow)).then(b.red.cmp(&a.red)).then(a.key.cmp(&b.key)));
    v
}

impl WeeklyReport {
    /// `滕州市重点项目滞后情况周报（2026-W48）`: the county's name, then the week.
    pub fn title(&self) -> String {
        format!("{}重点项目滞后情况周报（{}）", self.county, self.week)
    }
}

/// Build the report for `week` in `county`. `previous_published` is last week's report as
/// issued, if it was.
pub fn weekly_report(
    projects: &[Project],
    week: IsoWeek,
    rules: &RuleSet,
    previous_published: Option<&WeeklyReport>,
    generated_at: DateTime<Utc>,
    county: &str,
) -> WeeklyReport {
    let as_of = week.sunday();
    let year = as_of.year();
    let Week { mut summary, mut laggards, inactive, current } = this_week(projects, week, rules);
    laggards.sort_by(|a, b| {
        b.light
            .severity()
            .cmp(&a.light.severity())
            .then(b.days_late.unwrap_or(0).cmp(&a.days_late.unwrap_or(0)))
            .then(a.project_id.cmp(&b.project_id))
    });
    let previous_week = week.previous();
    let before = previous_lights(projects, previous_week, rules, previous_published);
    let diff = diff(projects, &before, &current, previous_published);
    for d in &diff {
        match d.change {
            Change::New => summary.new += 1,
            Change::Worsened => summary.worsened += 1,
            Change::Improved => summary.improved += 1,
            Change::Cleared => summary.cleared += 1,
        }
    }
    WeeklyReport {
        county: county.to_string(),
        week: week.to_string(),
        as_of,
        year,
        rules: format!("{} {}", rules.name, rules.version),
        generated_at,
        by_town: group(&laggards, |r| (r.town_code.clone(), r.town.clone())),
        by_unit: group(&laggards, |r| (r.responsible_unit.clone(), r.responsible_unit.clone())),
        summary,
        laggards,
        diff,
        inactive,
        previous: PreviousWeek { week: previous_week.to_string(), published: previous_published.is_some() },
    }
}

/// This week's lights: the counts, the laggards (unsorted), the suspended or withdrawn projects,
/// and each laggard's light and deciding rule for the diff.
struct Week {
    summary: Summary,
    laggards: Vec<LaggardRow>,
    inactive: Vec<InactiveRow>,
    current: HashMap<i64, (Light, RuleId)>,
}

fn this_week(projects: &[Project], week: IsoWeek, rules: &RuleSet) -> Week {
    let as_of = week.sunday();
    let year = as_of.year();
    let mut w = Week { summary: Summary::default(), laggards: vec![], inactive: vec![], current: HashMap::new() };
    for p in projects.iter().filter(|p| in_scope(p, year, as_of)) {
        let e = evaluate(p, as_of, rules);
        w.summary.projects += 1;
        match e.light {
            Light::Red => w.summary.red += 1,
            Light::Yellow => w.summary.yellow += 1,
            Light::Blue => w.summary.blue += 1,
            Light::Green => w.summary.green += 1,
            Light::Grey => {
                w.summary.suspended_or_withdrawn += 1;
                w.inactive.push(InactiveRow {
                    project_id: p.id,
                    code: p.code.clone(),
                    name: p.name.clone(),
                    town: p.town.name.clone(),
                    state: p.state,
                    reason: p.state_reason.clone().unwrap_or_default(),
                });
            }
        }
        if let Some(row) = laggard_row(p, &e, week, rules) {
            w.current.insert(p.id, (row.light, row.rule));
            w.laggards.push(row);
        }
    }
    w.summary.laggards = w.laggards.len() as i64;
    w
}

/// The row of a project whose light makes it a laggard, described by the rule that decided it.
fn laggard_row(p: &Project, e: &Evaluation, week: IsoWeek, rules: &RuleSet) -> Option<LaggardRow> {
    if !e.light.is_laggard() {
        return None;
    }
    let worst = e.worst()?;
    Some(LaggardRow {
        project_id: p.id,
        code: p.code.clone(),
        name: p.name.clone(),
        town_code: p.town.code.clone(),
        town: p.town.name.clone(),
        responsible_unit: p.responsible_unit.clone().unwrap_or_else(|| "未填写责任单位".into()),
        chain: p.chain,
        tier: p.tier,
        total_investment_yuan: p.total_investment_yuan.0,
        light: e.light,
        rule: worst.rule,
        milestone: worst.milestone,
        due: worst.due,
        days_late: worst.days_late,
        gap_points: e.reasons.iter().find_map(|r| r.gap_points),
        message: worst.message.clone(),
        reasons: e.reasons.clone(),
        problem: blocking_problem(p, week.sunday()),
        weeks_in_a_row: streak(p, week, rules),
    })
}

/// What changed since last week: new and cleared laggards, and lights that worsened or
/// improved, in that order, then by project.
fn diff(
    projects: &[Project],
    before: &HashMap<i64, (Light, RuleId)>,
    current: &HashMap<i64, (Light, RuleId)>,
    previous_published: Option<&WeeklyReport>,
) -> Vec<DiffRow> {
    let by_id: HashMap<i64, &Project> = projects.iter().map(|p| (p.id, p)).collect();
    let mut ids: Vec<i64> = before.keys().chain(current.keys()).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut diff = Vec::new();
    for id in ids {
        let (b, a) = (before.get(&id), current.get(&id));
        let change = match (b, a) {
            (None, Some(_)) => Change::New,
            (Some(_), None) => Change::Cleared,
            (Some((lb, _)), Some((la, _))) if la.severity() > lb.severity() => Change::Worsened,
            (Some((lb, _)), Some((la, _))) if la.severity() < lb.severity() => Change::Improved,
            _ => continue,
        };
        let (code, name, town) =
            match (by_id.get(&id), previous_published.and_then(|r| r.laggards.iter().find(|l| l.project_id == id))) {
                (Some(p), _) => (p.code.clone(), p.name.clone(), p.town.name.clone()),
                (None, Some(l)) => (l.code.clone(), l.name.clone(), l.town.clone()),
                (None, None) => (String::new(), String::new(), String::new()),
            };
        diff.push(DiffRow {
            project_id: id,
            code,
            name,
            town,
            change,
            before: b.map(|x| x.0),
            after: a.map(|x| x.0),
            rule_before: b.map(|x| x.1),
            rule_after: a.map(|x| x.1),
        });
    }
    diff.sort_by(|a, b| a.change.cmp(&b.change).then(a.project_id.cmp(&b.project_id)));
    diff
}
