//! The monthly bulletin (月度通报): the standard sections in the standard order, as structured
//! data and as text in the bulletin's own wording. Every figure comes from `indicators`.

use super::{pct, yi_1};
use crate::domain::indicators::{Facts, Group, Indicators, Targets, all_facts, indicators_from_facts};
use crate::domain::lights::RuleSet;
use crate::domain::project::Project;
use crate::domain::report::{Factor, Period};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelLine {
    pub key: String,
    pub label: String,
    pub projects: i64,
    pub completed_yuan: i64,
    /// 亿元, one decimal, as printed.
    pub completed_yi: String,
    pub percent: Option<f64>,
    pub points: Option<f64>,
    pub started: i64,
    pub start_percent: Option<f64>,
}

impl LevelLine {
    fn of(g: &Group, label: &str) -> LevelLine {
        LevelLine {
            key: g.key.clone(),
            label: label.to_string(),
            projects: g.projects,
            completed_yuan: g.investment.completed_yuan,
            completed_yi: yi_1(g.investment.completed_yuan),
            percent: g.investment.percent,
            points: g.investment.points,
            started: g.started.count,
            start_percent: g.started.percent,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorCount {
    pub factor: Factor,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaggardLine {
    pub project_id: i64,
    pub name: String,
    pub town: String,
    pub factor: Option<Factor>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bulletin {
    pub month: Period,
    pub as_of: NaiveDate,
    pub year: i32,
    pub time_share_percent: f64,
    /// 一、项目进度
    pub progress: Vec<LevelLine>,
    /// 二、项目开工: all key projects, then provincial+municipal, then county.
    pub start: Vec<LevelLine>,
    /// 三、竣工投产
    pub completed: i64,
    pub due_to_complete: i64,
    pub completion_percent: Option<f64>,
    /// 四、滞后项目: not started (by the reason category of their latest problem) …
    pub not_started: Vec<LaggardLine>,
    pub not_started_by_factor: Vec<FactorCount>,
    /// … and behind the time share.
    pub behind: Vec<LaggardLine>,
    pub paragraphs: Vec<String>,
    pub indicators: Indicators,
}

fn progress_sentence(l: &LevelLine) -> String {
    let mut s = format!("{}个{}完成投资{}亿元", l.projects, l.label, l.completed_yi);
    if let Some(p) = l.percent {
        s.push_str(&format!("，占年度计划的{}%", pct(p)));
    }
    match l.points {
        Some(x) if x > 0.0 => s.push_str(&format!("，超序时进度{}个百分点", pct(x))),
        Some(x) if x < 0.0 => s.push_str(&format!("，慢于序时进度{}个百分点", pct(-x))),
        Some(_) => s.push_str("，与序时进度持平"),
        None => {}
    }
    s
}

fn start_sentence(l: &LevelLine) -> String {
    let rate = l.start_percent.map(|p| format!("，开工率{}%", pct(p))).unwrap_or_default();
    format!("{}{}个，已开工{}个{rate}", l.label, l.projects, l.started)
}

/// Build the bulletin for `month` from all projects.
pub fn bulletin(projects: &[Project], month: Period, rules: &RuleSet, targets: &Targets) -> Bulletin {
    let as_of = month.last_day();
    let year = month.year;
    let facts = all_facts(projects, year, as_of, rules);
    let ind = indicators_from_facts(&facts, year, as_of, rules, targets);
    let level = |key: &str| ind.by_level.iter().find(|g| g.key == key);

    let key_line = LevelLine::of(&ind.key, "省市县三级重点项目");
    let mut progress = vec![key_line.clone()];
    for (k, label) in [
        ("province", "省级重点项目"),
        ("province_major", "省重大项目"),
        ("province_quality", "省绿色低碳高质量发展重点项目"),
        ("municipal", "市级重点项目"),
        ("county", "县级重点项目"),
    ] {
        if let Some(g) = level(k) {
            progress.push(LevelLine::of(g, label));
        }
    }

    // Provincial and municipal together, as the bulletin reports starts.
    let pm: Vec<&Facts> =
        facts.iter().filter(|f| f.is_key() && f.levels.iter().any(|l| l.is_province_or_municipal())).collect();
    let pm_started = pm.iter().filter(|f| f.started).count() as i64;
    let pm_line = LevelLine {
        key: "province_municipal".into(),
        label: "省市级重点项目".into(),
        projects: pm.len() as i64,
        completed_yuan: pm.iter().map(|f| f.ytd).sum(),
        completed_yi: yi_1(pm.iter().map(|f| f.ytd).sum()),
        percent: None,
        points: None,
        started: pm_started,
        start_percent: crate::domain::indicators::Rate::new(pm_started, pm.len() as i64).percent,
    };
    let county_only: Vec<&Facts> =
        facts.iter().filter(|f| f.is_key() && !f.levels.iter().any(|l| l.is_province_or_municipal())).collect();
    let county_started = county_only.iter().filter(|f| f.started).count() as i64;
    let county_line = LevelLine {
        key: "county".into(),
        label: "县级重点项目".into(),
        projects: county_only.len() as i64,
        completed_yuan: county_only.iter().map(|f| f.ytd).sum(),
        completed_yi: yi_1(county_only.iter().map(|f| f.ytd).sum()),
        percent: None,
        points: None,
        started: county_started,
        start_percent: crate::domain::indicators::Rate::new(county_started, county_only.len() as i64).percent,
    };
    let start = vec![key_line.clone(), pm_line, county_line];

    let not_started: Vec<LaggardLine> = facts
        .iter()
        .filter(|f| f.is_key() && !f.started)
        .map(|f| {
            let problem = f
                .project
                .reports
                .iter()
                .flatten()
                .filter(|r| r.report.period <= month && !r.report.problems.is_empty())
                .max_by_key(|r| r.report.period)
                .and_then(|r| r.report.problems.first().cloned());
            LaggardLine {
                project_id: f.project.id,
                name: f.project.name.clone(),
                town: f.project.town.name.clone(),
                factor: problem.as_ref().map(|p| p.factor),
                detail: problem.map(|p| p.text).unwrap_or_default(),
            }
        })
        .collect();
    let not_started_by_factor: Vec<FactorCount> = Factor::ALL
        .iter()
        .map(|f| FactorCount {
            factor: *f,
            label: f.label_zh().into(),
            count: not_started.iter().filter(|l| l.factor == Some(*f)).count() as i64,
        })
        .filter(|c| c.count > 0)
        .collect();
    let behind: Vec<LaggardLine> = facts
        .iter()
        .filter(|f| f.is_key())
        .filter_map(|f| {
            let r = f.evaluation.reasons.iter().find(|r| r.rule == "investment_behind")?;
            Some(LaggardLine {
                project_id: f.project.id,
                name: f.project.name.clone(),
                town: f.project.town.name.clone(),
                factor: None,
                detail: r.message.clone(),
            })
        })
        .collect();

    let month_label = format!("{}年1-{}月", year, month.month);
    let mut paragraphs = Vec::new();
    let mut p1 = format!("一、项目进度。{month_label}，{}。", progress_sentence(&key_line));
    let subs: Vec<String> = progress[1..]
        .iter()
        .filter(|l| l.key != "province_major" && l.key != "province_quality")
        .map(progress_sentence)
        .collect();
    if !subs.is_empty() {
        p1.push_str(&format!("其中，{}。", subs.join("；")));
    }
    let province_parts: Vec<String> = progress
        .iter()
        .filter(|l| l.key == "province_major" || l.key == "province_quality")
        .map(progress_sentence)
        .collect();
    if !province_parts.is_empty() {
        p1.push_str(&format!("省级重点项目中，{}。", province_parts.join("；")));
    }
    paragraphs.push(p1);
    let rate = key_line.start_percent.map(|p| format!("，开工率{}%", pct(p))).unwrap_or_default();
    paragraphs.push(format!(
        "二、项目开工。{}个省市县三级重点项目已开工{}个{rate}。其中，{}；{}。",
        key_line.projects,
        key_line.started,
        start_sentence(&start[1]),
        start_sentence(&start[2])
    ));
    let completion_rate = ind.key.completed.percent.map(|p| format!("，竣工投产率{}%", pct(p))).unwrap_or_default();
    paragraphs.push(format!(
        "三、竣工投产。计划年内竣工的重点项目{}个，已竣工投产{}个{completion_rate}。",
        ind.key.completed.of, ind.key.completed.count
    ));
    let mut p4 = format!("四、滞后项目。尚未开工项目{}个", not_started.len());
    if !not_started_by_factor.is_empty() {
        let parts: Vec<String> =
            not_started_by_factor.iter().map(|c| format!("{}因素{}个", c.label, c.count)).collect();
        p4.push_str(&format!("，其中{}", parts.join("、")));
    }
    p4.push_str(&format!("；投资完成慢于序时进度10个百分点以上的项目{}个。", behind.len()));
    paragraphs.push(p4);

    Bulletin {
        month,
        as_of,
        year,
        time_share_percent: ind.time_share_percent,
        progress,
        start,
        completed: ind.key.completed.count,
        due_to_complete: ind.key.completed.of,
        completion_percent: ind.key.completed.percent,
        not_started,
        not_started_by_factor,
        behind,
        paragraphs,
        indicators: ind,
    }
}

impl Bulletin {
    /// The bulletin as plain text (title, then the four sections).
    pub fn text(&self) -> String {
        let mut out = format!("滕州市重点项目建设进展情况通报（{}年{}月）\n\n", self.year, self.month.month);
        for p in &self.paragraphs {
            out.push_str(p);
            out.push_str("\n\n");
        }
        out
    }
}
