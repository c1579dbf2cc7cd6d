//! Indicators for a year and an as-of date (开工率, 投资完成率 against 序时进度, 竣工投产率,
//! tier attainment against targets), overall and by level, town, chain and responsible unit.
//! The same function feeds the dashboard, the bulletin and the reports, so they agree.

use super::Tier;
use super::calendar::time_share_permille;
use super::lights::{Evaluation, Light, RuleSet, annual_plan, evaluate, ytd_completed};
use super::lists::{ListKind, ListLevel};
use super::project::Project;
use super::report::Period;
use super::status::State;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The year's targets. Data, editable per year; these are Tengzhou's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Attracted projects that start construction in the year, cumulative by tier.
    pub attracted_100m: i64,
    pub attracted_1b: i64,
    pub attracted_5b: i64,
    pub attracted_10b: i64,
    /// Provincial, municipal and county key projects carried out.
    pub key_projects: i64,
    /// … of which provincial or municipal.
    pub key_province_municipal: i64,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            attracted_100m: 160,
            attracted_1b: 40,
            attracted_5b: 10,
            attracted_10b: 5,
            key_projects: 260,
            key_province_municipal: 40,
        }
    }
}

impl Targets {
    pub fn check(&self) -> Result<(), super::Invalid> {
        let all = [
            ("attracted_100m", self.attracted_100m),
            ("attracted_1b", self.attracted_1b),
            ("attracted_5b", self.attracted_5b),
            ("attracted_10b", self.attracted_10b),
            ("key_projects", self.key_projects),
            ("key_province_municipal", self.key_province_municipal),
        ];
        let mut errors = super::Invalid::default();
        for (field, v) in all {
            if !(0..=100_000).contains(&v) {
                errors.push(super::FieldError::new(
                    field,
                    "目标应为0至100000之间的整数",
                    "a target must be an integer from 0 to 100000",
                ));
            }
        }
        errors.into_result()
    }
}

/// `count` of `of`, with the percentage to one decimal (exact integer rounding, half up).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Rate {
    pub count: i64,
    pub of: i64,
    pub percent: Option<f64>,
}

/// `num / den` in per-mille, rounded half up.
pub fn permille(num: i64, den: i64) -> Option<i64> {
    if den <= 0 {
        return None;
    }
    let (n, d) = (i128::from(num), i128::from(den));
    i64::try_from((n * 2000 + d) / (d * 2)).ok()
}

impl Rate {
    pub fn new(count: i64, of: i64) -> Rate {
        Rate { count, of, percent: permille(count, of).map(|p| p as f64 / 10.0) }
    }
}

/// Completed investment against the annual plan and the time share.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Investment {
    pub completed_yuan: i64,
    pub plan_yuan: i64,
    pub percent: Option<f64>,
    pub time_share_percent: f64,
    /// Percentage points ahead of (+) or behind (−) the time share, as the bulletin computes
    /// it: the rounded completion percentage minus the time share.
    pub points: Option<f64>,
}

impl Investment {
    fn new(completed: i64, plan: i64, share_permille: i64) -> Investment {
        let p = permille(completed, plan);
        Investment {
            completed_yuan: completed,
            plan_yuan: plan,
            percent: p.map(|p| p as f64 / 10.0),
            time_share_percent: share_permille as f64 / 10.0,
            points: p.map(|p| (p - share_permille) as f64 / 10.0),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LightCounts {
    pub red: i64,
    pub yellow: i64,
    pub blue: i64,
    pub green: i64,
    pub grey: i64,
}

impl LightCounts {
    pub fn add(&mut self, light: Light) {
        match light {
            Light::Red => self.red += 1,
            Light::Yellow => self.yellow += 1,
            Light::Blue => self.blue += 1,
            Light::Green => self.green += 1,
            Light::Grey => self.grey += 1,
        }
    }

    pub fn laggards(&self) -> i64 {
        self.red + self.yellow
    }
}

/// The numbers of one group of projects (a level, a town, a chain, a unit).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Group {
    pub key: String,
    pub label: String,
    pub projects: i64,
    /// 开工率: started by the as-of date.
    pub started: Rate,
    /// 投资完成率 and 序时进度.
    pub investment: Investment,
    /// 竣工投产率: completed (or in production) of those planned to complete in the year.
    pub completed: Rate,
    pub lights: LightCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TierCount {
    pub tier: Tier,
    pub label: String,
    /// Cumulative: a 120亿 project counts toward every lower tier.
    pub count: i64,
    pub target: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MonthPoint {
    pub period: Period,
    pub completed_yuan: i64,
    pub percent: Option<f64>,
    pub time_share_percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Indicators {
    pub year: i32,
    pub as_of: NaiveDate,
    pub rules: String,
    pub time_share_percent: f64,
    /// The rates of the provincial, municipal and county key projects: implementation entries
    /// only (开工率, 投资完成率 and 竣工投产率 count what is being built this year).
    pub key: Group,
    pub by_level: Vec<Group>,
    pub by_town: Vec<Group>,
    pub by_chain: Vec<Group>,
    pub by_unit: Vec<Group>,
    /// Attracted projects that started construction in the year, against the targets.
    pub attracted_started: Vec<TierCount>,
    /// Attracted projects signed in the year (no targets).
    pub attracted_signed: Vec<TierCount>,
    /// Key projects against the year's target (260): the plan counts the projects 谋划实施,
    /// so entries of either kind, implementation or preparation, on a provincial, municipal or
    /// county list count (each project once; withdrawn projects do not).
    pub key_projects: Rate,
    /// … of which provincial or municipal (target 40), counted the same way.
    pub key_province_municipal: Rate,
    /// Lights of every project on any of the year's lists.
    pub lights: LightCounts,
    /// Key projects' cumulative completion month by month, against the time share.
    pub monthly: Vec<MonthPoint>,
    pub targets: Targets,
}

/// What the indicators need to know about one project, computed once.
pub struct Facts<'a> {
    pub project: &'a Project,
    pub evaluation: Evaluation,
    /// Levels of the implementation entries in force on the as-of date.
    pub levels: Vec<ListLevel>,
    /// Levels of all entries in force on the as-of date, implementation or preparation.
    pub listed_levels: Vec<ListLevel>,
    pub on_any_list: bool,
    pub started: bool,
    pub started_in_year: bool,
    pub signed_in_year: bool,
    pub due_to_complete: bool,
    pub completed: bool,
    pub plan: i64,
    pub ytd: i64,
}

impl<'a> Facts<'a> {
    pub fn of(project: &'a Project, year: i32, as_of: NaiveDate, rules: &RuleSet) -> Facts<'a> {
        let in_year = |d: Option<NaiveDate>| d.is_some_and(|d| d.year() == year && d <= as_of);
        let ms = &project.milestones;
        let in_force = || project.lists.iter().filter(|m| m.year == year && m.is_effective_on(as_of));
        let levels: Vec<ListLevel> =
            in_force().filter(|m| m.kind == ListKind::Implementation).map(|m| m.list).collect();
        let listed_levels: Vec<ListLevel> = in_force().map(|m| m.list).collect();
        let completed_at = ms.completion.actual.or(ms.production.actual).filter(|d| *d <= as_of);
        let completion_plan = ms.completion.planned_as_of(as_of);
        Facts {
            project,
            evaluation: evaluate(project, as_of, rules),
            on_any_list: !listed_levels.is_empty(),
            levels,
            listed_levels,
            started: ms.start.is_done_by(as_of),
            started_in_year: in_year(ms.start.actual),
            signed_in_year: in_year(ms.signed.actual),
            due_to_complete: completion_plan.is_some_and(|d| d.year() == year)
                || completed_at.is_some_and(|d| d.year() == year),
            completed: completed_at.is_some(),
            plan: annual_plan(project, year, as_of),
            ytd: ytd_completed(project, year, as_of, rules.time_share),
        }
    }

    pub fn counts(&self) -> bool {
        self.project.state != State::Withdrawn
    }

    /// On a key-project list as an implementation entry: counted in the key projects' rates.
    pub fn is_key(&self) -> bool {
        self.counts() && self.levels.iter().any(|l| l.is_key())
    }

    /// On a key-project list as an entry of either kind: one of the key projects 谋划实施 that
    /// count toward the year's target (260).
    pub fn is_key_project(&self) -> bool {
        self.counts() && self.listed_levels.iter().any(|l| l.is_key())
    }
}

#[derive(Default)]
struct Acc {
    label: String,
    projects: i64,
    started: i64,
    due: i64,
    completed: i64,
    ytd: i64,
    plan: i64,
    lights: LightCounts,
}

impl Acc {
    fn add(&mut self, f: &Facts) {
        self.projects += 1;
        self.started += i64::from(f.started);
        if f.due_to_complete {
            self.due += 1;
            self.completed += i64::from(f.completed);
        }
        self.ytd += f.ytd;
        self.plan += f.plan;
        self.lights.add(f.evaluation.light);
    }

    fn finish(self, key: String, share: i64) -> Group {
        Group {
            key,
            label: self.label,
            projects: self.projects,
            started: Rate::new(self.started, self.projects),
            investment: Investment::new(self.ytd, self.plan, share),
            completed: Rate::new(self.completed, self.due),
            lights: self.lights,
        }
    }
}

const COUNTED_TIERS: [Tier; 4] = [Tier::Over100m, Tier::Over1b, Tier::Over5b, Tier::Over10b];

fn tier_counts(counts: [i64; 4], targets: Option<&Targets>) -> Vec<TierCount> {
    COUNTED_TIERS
        .into_iter()
        .zip(counts)
        .map(|(tier, count)| TierCount {
            tier,
            label: tier.label_zh().to_string(),
            count,
            target: targets.map(|t| match tier {
                Tier::Over100m => t.attracted_100m,
                Tier::Over1b => t.attracted_1b,
                Tier::Over5b => t.attracted_5b,
                _ => t.attracted_10b,
            }),
        })
        .collect()
}

/// Compute every indicator for `year` as of `as_of` over all projects given.
pub fn indicators(projects: &[Project], year: i32, as_of: NaiveDate, rules: &RuleSet, targets: &Targets) -> Indicators {
    let facts = all_facts(projects, year, as_of, rules);
    indicators_from_facts(&facts, year, as_of, rules, targets)
}

/// Facts of every project, computed on all cores (each project is independent).
pub fn all_facts<'a>(projects: &'a [Project], year: i32, as_of: NaiveDate, rules: &RuleSet) -> Vec<Facts<'a>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || projects.len() < 20_000 {
        return projects.iter().map(|p| Facts::of(p, year, as_of, rules)).collect();
    }
    let chunk = projects.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = projects
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|p| Facts::of(p, year, as_of, rules)).collect::<Vec<_>>()))
            .collect();
        let mut all = Vec::with_capacity(projects.len());
        for h in handles {
            all.extend(h.join().unwrap_or_default());
        }
        all
    })
}

/// A level group: key, label, which list levels belong to it.
type LevelGroup = (&'static str, &'static str, fn(ListLevel) -> bool);

const LEVEL_GROUPS: [LevelGroup; 6] = [
    ("province", "省级重点项目", |l| matches!(l, ListLevel::ProvinceMajor | ListLevel::ProvinceQuality)),
    ("province_major", "省重大项目", |l| l == ListLevel::ProvinceMajor),
    ("province_quality", "省绿色低碳高质量发展重点项目", |l| l == ListLevel::ProvinceQuality),
    ("municipal", "市级重点项目", |l| l == ListLevel::Municipal),
    ("county", "县级重点项目", |l| l == ListLevel::County),
    ("attracted", "新招引项目", |l| l == ListLevel::Attracted),
];

impl Acc {
    fn labelled(label: &str) -> Acc {
        Acc { label: label.to_string(), ..Acc::default() }
    }

    fn merge(&mut self, o: Acc) {
        self.projects += o.projects;
        self.started += o.started;
        self.due += o.due;
        self.completed += o.completed;
        self.ytd += o.ytd;
        self.plan += o.plan;
        self.lights.red += o.lights.red;
        self.lights.yellow += o.lights.yellow;
        self.lights.blue += o.lights.blue;
        self.lights.green += o.lights.green;
        self.lights.grey += o.lights.grey;
    }
}

fn merge_into<'a>(into: &mut HashMap<&'a str, Acc>, from: HashMap<&'a str, Acc>) {
    for (k, a) in from {
        match into.get_mut(k) {
            Some(x) => x.merge(a),
            None => {
                into.insert(k, a);
            }
        }
    }
}

/// The running totals of one pass over (part of) the projects; parts merge.
struct Tally<'a> {
    key: Acc,
    levels: [Acc; 6],
    // Keys borrow from the projects: no allocation per project, only per group.
    towns: HashMap<&'a str, Acc>,
    chains: HashMap<&'a str, Acc>,
    units: HashMap<&'a str, Acc>,
    lights: LightCounts,
    /// Key projects of either kind (谋划实施), and of those the provincial or municipal ones.
    key_projects: i64,
    province_municipal: i64,
    /// Attracted projects started / signed in the year, cumulative by tier (≥1亿 … ≥100亿).
    started_tiers: [i64; 4],
    signed_tiers: [i64; 4],
    /// Key projects' completed investment by month of the year (index 1–12).
    by_month: [i64; 13],
}

impl<'a> Tally<'a> {
    fn new() -> Tally<'a> {
        Tally {
            key: Acc::labelled("省市县三级重点项目"),
            levels: LEVEL_GROUPS.map(|(_, label, _)| Acc::labelled(label)),
            towns: HashMap::new(),
            chains: HashMap::new(),
            units: HashMap::new(),
            lights: LightCounts::default(),
            key_projects: 0,
            province_municipal: 0,
            started_tiers: [0; 4],
            signed_tiers: [0; 4],
            by_month: [0; 13],
        }
    }

    fn add(&mut self, f: &Facts<'a>, year: i32) {
        if f.on_any_list {
            self.lights.add(f.evaluation.light);
        }
        if f.is_key_project() {
            self.key_projects += 1;
            self.province_municipal += i64::from(f.listed_levels.iter().any(|l| l.is_province_or_municipal()));
        }
        if !f.counts() || f.levels.is_empty() {
            return;
        }
        if f.levels.contains(&ListLevel::Attracted) {
            for (i, tier) in COUNTED_TIERS.into_iter().enumerate() {
                if f.project.tier.at_least(tier) {
                    self.started_tiers[i] += i64::from(f.started_in_year);
                    self.signed_tiers[i] += i64::from(f.signed_in_year);
                }
            }
        }
        for (acc, (_, _, matches)) in self.levels.iter_mut().zip(LEVEL_GROUPS) {
            if f.levels.iter().any(|l| matches(*l)) {
                acc.add(f);
            }
        }
        if !f.is_key() {
            return;
        }
        self.key.add(f);
        for r in f.project.reports.iter().flatten() {
            if r.report.period.year == year {
                self.by_month[r.report.period.month as usize] += r.report.completed_yuan.0;
            }
        }
        let p: &'a Project = f.project;
        self.towns.entry(&p.town.code).or_insert_with(|| Acc::labelled(&p.town.name)).add(f);
        self.chains.entry(p.chain.code()).or_insert_with(|| Acc::labelled(p.chain.label_zh())).add(f);
        let unit = p.responsible_unit.as_deref().unwrap_or("未填写责任单位");
        self.units.entry(unit).or_insert_with(|| Acc::labelled(unit)).add(f);
    }

    fn merge(&mut self, o: Tally<'a>) {
        self.key.merge(o.key);
        for (a, b) in self.levels.iter_mut().zip(o.levels) {
            a.merge(b);
        }
        merge_into(&mut self.towns, o.towns);
        merge_into(&mut self.chains, o.chains);
        merge_into(&mut self.units, o.units);
        self.lights.red += o.lights.red;
        self.lights.yellow += o.lights.yellow;
        self.lights.blue += o.lights.blue;
        self.lights.green += o.lights.green;
        self.lights.grey += o.lights.grey;
        self.key_projects += o.key_projects;
        self.province_municipal += o.province_municipal;
        for i in 0..4 {
            self.started_tiers[i] += o.started_tiers[i];
            self.signed_tiers[i] += o.signed_tiers[i];
        }
        for m in 0..13 {
            self.by_month[m] += o.by_month[m];
        }
    }
}

/// Tally all facts, on all cores for large inputs.
fn tally<'a>(facts: &[Facts<'a>], year: i32) -> Tally<'a> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || facts.len() < 20_000 {
        let mut t = Tally::new();
        facts.iter().for_each(|f| t.add(f, year));
        return t;
    }
    let chunk = facts.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = facts
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut t = Tally::new();
                    part.iter().for_each(|f| t.add(f, year));
                    t
                })
            })
            .collect();
        let mut total = Tally::new();
        for p in parts {
            if let Ok(t) = p.join() {
                total.merge(t);
            }
        }
        total
    })
}

pub fn indicators_from_facts(
    facts: &[Facts],
    year: i32,
    as_of: NaiveDate,
    rules: &RuleSet,
    targets: &Targets,
) -> Indicators {
    let share = time_share_permille(year, as_of, rules.time_share);
    let Tally {
        key,
        levels,
        towns,
        chains,
        units,
        lights,
        key_projects,
        province_municipal,
        started_tiers,
        signed_tiers,
        by_month,
    } = tally(facts, year);
    let by_level =
        levels.into_iter().zip(LEVEL_GROUPS).map(|(acc, (k, _, _))| acc.finish(k.to_string(), share)).collect();
    let finish_all = |m: HashMap<&str, Acc>| -> Vec<Group> {
        let mut v: Vec<Group> = m.into_iter().map(|(k, a)| a.finish(k.to_string(), share)).collect();
        v.sort_by(|a, b| b.projects.cmp(&a.projects).then(a.key.cmp(&b.key)));
        v
    };
    let monthly = monthly_series(&by_month, key.plan, year, as_of, rules);
    Indicators {
        year,
        as_of,
        rules: format!("{} {}", rules.name, rules.version),
        time_share_percent: share as f64 / 10.0,
        key: key.finish("key".into(), share),
        by_level,
        by_town: finish_all(towns),
        by_chain: finish_all(chains),
        by_unit: finish_all(units),
        attracted_started: tier_counts(started_tiers, Some(targets)),
        attracted_signed: tier_counts(signed_tiers, None),
        key_projects: Rate::new(key_projects, targets.key_projects),
        key_province_municipal: Rate::new(province_municipal, targets.key_province_municipal),
        lights,
        monthly,
        targets: targets.clone(),
    }
}

/// Cumulative completion month by month against the time share, from per-month sums.
fn monthly_series(by_month: &[i64; 13], plan: i64, year: i32, as_of: NaiveDate, rules: &RuleSet) -> Vec<MonthPoint> {
    let (ry, rm) = super::calendar::reporting_month(as_of);
    let last = if ry < year {
        0
    } else if ry > year {
        12
    } else {
        rm
    };
    let mut cumulative = 0;
    (1..=last)
        .filter_map(|m| {
            cumulative += by_month[m as usize];
            let period = Period::new(year, m)?;
            let share = time_share_permille(year, period.last_day(), rules.time_share);
            Some(MonthPoint {
                period,
                completed_yuan: cumulative,
                percent: permille(cumulative, plan).map(|p| p as f64 / 10.0),
                time_share_percent: share as f64 / 10.0,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lists::{BuildType, Membership};
    use crate::domain::money::Yuan;
    use crate::domain::project::test_project;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn rates_round_half_up_to_one_decimal() {
        assert_eq!(Rate::new(233, 241).percent, Some(96.7));
        assert_eq!(Rate::new(169, 177).percent, Some(95.5));
        assert_eq!(Rate::new(64, 64).percent, Some(100.0));
        assert_eq!(Rate::new(0, 0).percent, None);
        let i = Investment::new(45_150_000_000, 48_440_000_000, 750);
        assert_eq!((i.percent, i.points), (Some(93.2), Some(18.2)));
        let behind = Investment::new(60, 100, 750);
        assert_eq!(behind.points, Some(-15.0));
    }

    fn on(list: ListLevel, plan: i64) -> Membership {
        Membership {
            year: 2026,
            list,
            kind: ListKind::Implementation,
            build_type: BuildType::NewStart,
            annual_plan_yuan: Yuan(plan),
            effective_from: None,
            effective_to: None,
        }
    }

    #[test]
    fn a_project_on_two_lists_is_counted_once() {
        let mut a = test_project();
        a.lists = vec![on(ListLevel::Attracted, 10), on(ListLevel::County, 10)];
        a.milestones.start.actual = Some(d("2026-03-01"));
        a.total_investment_yuan = Yuan(120 * crate::domain::money::YI);
        a.tier = Tier::of(a.total_investment_yuan);
        let mut b = test_project();
        b.lists = vec![on(ListLevel::Municipal, 10)];
        let mut gone = test_project();
        gone.lists = vec![on(ListLevel::County, 10)];
        gone.state = State::Withdrawn;
        let ind = indicators(&[a, b, gone], 2026, d("2026-09-30"), &RuleSet::default_rules(), &Targets::default());
        assert_eq!(ind.key.projects, 2, "withdrawn projects leave the count");
        assert_eq!(ind.key.started, Rate::new(1, 2));
        assert_eq!(ind.key_province_municipal.count, 1);
        let county = ind.by_level.iter().find(|g| g.key == "county").map(|g| g.projects);
        assert_eq!(county, Some(1));
        // The 120亿 attracted project counts toward every tier target.
        assert!(ind.attracted_started.iter().all(|t| t.count == 1));
        assert_eq!(ind.attracted_started[0].target, Some(160));
        assert_eq!(ind.lights.grey, 1);
    }

    fn preparing(list: ListLevel) -> Membership {
        Membership { kind: ListKind::Preparation, build_type: BuildType::PreConstruction, ..on(list, 0) }
    }

    #[test]
    fn key_projects_count_both_kinds_and_rates_count_implementation_entries() {
        // Four projects: a county implementation entry (started), a county preparation entry,
        // a provincial preparation entry, and a withdrawn county implementation entry.
        let mut building = test_project();
        building.lists = vec![on(ListLevel::County, 10)];
        building.milestones.start.actual = Some(d("2026-03-01"));
        let mut preparing_county = test_project();
        preparing_county.lists = vec![preparing(ListLevel::County)];
        let mut preparing_province = test_project();
        preparing_province.lists = vec![preparing(ListLevel::ProvinceMajor)];
        let mut gone = test_project();
        gone.lists = vec![on(ListLevel::County, 10)];
        gone.state = State::Withdrawn;
        let projects = [building, preparing_county, preparing_province, gone];
        let ind = indicators(&projects, 2026, d("2026-09-30"), &RuleSet::default_rules(), &Targets::default());
        // 谋划实施: 1 implementation + 2 preparation = 3 of the 260; 1 provincial of the 40.
        assert_eq!(ind.key_projects, Rate::new(3, 260));
        assert_eq!(ind.key_province_municipal, Rate::new(1, 40));
        // The start rate counts the one implementation entry: 1 of 1.
        assert_eq!(ind.key.projects, 1);
        assert_eq!(ind.key.started, Rate::new(1, 1));
        // A project on two kinds of list counts once.
        let mut both = test_project();
        both.lists = vec![on(ListLevel::County, 10), preparing(ListLevel::Municipal)];
        let ind = indicators(&[both], 2026, d("2026-09-30"), &RuleSet::default_rules(), &Targets::default());
        assert_eq!((ind.key_projects.count, ind.key_province_municipal.count, ind.key.projects), (1, 1, 1));
    }
}
