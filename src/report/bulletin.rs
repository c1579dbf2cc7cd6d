//! The monthly bulletin (月度通报): the standard sections in the standard order, as structured
//! data and as text in the bulletin's own wording. Every figure comes from `indicators`.

use super::{pct, threshold, yi_1};
use crate::domain::indicators::{Facts, Group, Indicators, Rate, Targets, all_facts, indicators_from_facts};
use crate::domain::lights::{GapMode, InvestmentRule, RuleId, RuleSet};
use crate::domain::project::Project;
use crate::domain::report::{Factor, Period};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
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
    /// A line of the indicators' group, under the bulletin's own label.
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

    /// A start line over some key projects (section 二 groups levels its own way).
    fn started_of(key: &str, label: &str, facts: &[&Facts]) -> LevelLine {
        let completed: i64 = facts.iter().map(|f| f.ytd).sum();
        let started = facts.iter().filter(|f| f.started).count() as i64;
        LevelLine {
            key: key.into(),
            label: label.into(),
            projects: facts.len() as i64,
            completed_yuan: completed,
            completed_yi: yi_1(completed),
            percent: None,
            points: None,
            started,
            start_percent: Rate::new(started, facts.len() as i64).percent,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FactorCount {
    pub factor: Factor,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LaggardLine {
    pub project_id: i64,
    pub name: String,
    pub town: String,
    pub factor: Option<Factor>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Bulletin {
    /// The county's name, from the town layer.
    pub county: String,
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

const KEY_LABEL: &str = "省市县三级重点项目";

/// The levels of section 一 after the total, under the bulletin's labels.
const PROGRESS_LEVELS: [(&str, &str); 5] = [
    ("province", "省级重点项目"),
    ("province_major", "省重大项目"),
    ("province_quality", "省绿色低碳高质量发展重点项目"),
    ("municipal", "市级重点项目"),
    ("county", "县级重点项目"),
];

/// The two provincial lists, reported after the levels as a breakdown of 省级重点项目.
fn is_province_part(l: &LevelLine) -> bool {
    l.key == "province_major" || l.key == "province_quality"
}

/// Build the bulletin of `county` for `month` from all projects.
pub fn bulletin(projects: &[Project], month: Period, rules: &RuleSet, targets: &Targets, county: &str) -> Bulletin {
    let as_of = month.last_day();
    let facts = all_facts(projects, month.year, as_of, rules);
    let ind = indicators_from_facts(&facts, month.year, as_of, rules, targets);
    let not_started = not_started_lines(&facts, month);
    let mut b = Bulletin {
        county: county.to_string(),
        month,
        as_of,
        year: month.year,
        time_share_percent: ind.time_share_percent,
        progress: progress_lines(&ind),
        start: start_lines(&ind, &facts),
        completed: ind.key.completed.count,
        due_to_complete: ind.key.completed.of,
        completion_percent: ind.key.completed.percent,
        not_started_by_factor: by_factor(&not_started),
        not_started,
        behind: behind_lines(&facts),
        paragraphs: Vec::new(),
        indicators: ind,
    };
    b.paragraphs = vec![
        progress_paragraph(&b),
        start_paragraph(&b),
        completion_paragraph(&b),
        laggard_paragraph(&b, &rules.investment_behind),
    ];
    b
}

/// 一: all key projects, then each level the indicators have.
fn progress_lines(ind: &Indicators) -> Vec<LevelLine> {
    let levels = PROGRESS_LEVELS
        .iter()
        .filter_map(|(key, label)| ind.by_level.iter().find(|g| g.key == *key).map(|g| LevelLine::of(g, label)));
    std::iter::once(LevelLine::of(&ind.key, KEY_LABEL)).chain(levels).collect()
}

/// 二: all key projects, then provincial and municipal together (as the bulletin reports
/// starts), then county-only ones.
fn start_lines(ind: &Indicators, facts: &[Facts]) -> Vec<LevelLine> {
    let (province_municipal, county): (Vec<&Facts>, Vec<&Facts>) =
        facts.iter().filter(|f| f.is_key()).partition(|f| f.levels.iter().any(|l| l.is_province_or_municipal()));
    vec![
        LevelLine::of(&ind.key, KEY_LABEL),
        LevelLine::started_of("province_municipal", "省市级重点项目", &province_municipal),
        LevelLine::started_of("county", "县级重点项目", &county),
    ]
}

/// Key projects not started by the month's end, each with its latest reported problem.
fn not_started_lines(facts: &[Facts], month: Period) -> Vec<LaggardLine> {
    facts
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
        .collect()
}

/// The not-started projects counted by the factor of their problem, in the factors' order.
fn by_factor(not_started: &[LaggardLine]) -> Vec<FactorCount> {
    Factor::ALL
        .iter()
        .map(|f| FactorCount {
            factor: *f,
            label: f.label_zh().into(),
            count: not_started.iter().filter(|l| l.factor == Some(*f)).count() as i64,
        })
        .filter(|c| c.count > 0)
        .collect()
}

/// Key projects whose investment is behind the time share by the rule set's threshold.
fn behind_lines(facts: &[Facts]) -> Vec<LaggardLine> {
    facts
        .iter()
        .filter(|f| f.is_key())
        .filter_map(|f| {
            let r = f.evaluation.reasons.iter().find(|r| r.rule == RuleId::InvestmentBehind)?;
            Some(LaggardLine {
                project_id: f.project.id,
                name: f.project.name.clone(),
                town: f.project.town.name.clone(),
                factor: None,
                detail: r.message.clone(),
            })
        })
        .collect()
}

/// The period the figures cover: `2026年1月` in January, `2026年1-9月` otherwise.
fn period_label(month: Period) -> String {
    match month.month {
        1 => format!("{}年1月", month.year),
        m => format!("{}年1-{m}月", month.year),
    }
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

/// 一、项目进度: the total, the levels, then the two provincial lists.
fn progress_paragraph(b: &Bulletin) -> String {
    let Some((key, levels)) = b.progress.split_first() else { return String::new() };
    let mut p = format!("一、项目进度。{}，{}。", period_label(b.month), progress_sentence(key));
    let subs: Vec<String> = levels.iter().filter(|l| !is_province_part(l)).map(progress_sentence).collect();
    if !subs.is_empty() {
        p.push_str(&format!("其中，{}。", subs.join("；")));
    }
    let province_parts: Vec<String> = levels.iter().filter(|l| is_province_part(l)).map(progress_sentence).collect();
    if !province_parts.is_empty() {
        p.push_str(&format!("省级重点项目中，{}。", province_parts.join("；")));
    }
    p
}

/// 二、项目开工
fn start_paragraph(b: &Bulletin) -> String {
    let [key, province_municipal, county] = &b.start[..] else { return String::new() };
    let rate = key.start_percent.map(|p| format!("，开工率{}%", pct(p))).unwrap_or_default();
    format!(
        "二、项目开工。{}个{KEY_LABEL}已开工{}个{rate}。其中，{}；{}。",
        key.projects,
        key.started,
        start_sentence(province_municipal),
        start_sentence(county)
    )
}

/// 三、竣工投产
fn completion_paragraph(b: &Bulletin) -> String {
    let rate = b.completion_percent.map(|p| format!("，竣工投产率{}%", pct(p))).unwrap_or_default();
    format!("三、竣工投产。计划年内竣工的重点项目{}个，已竣工投产{}个{rate}。", b.due_to_complete, b.completed)
}

/// 四、滞后项目: not started, by factor; behind the time share by the rule in force.
fn laggard_paragraph(b: &Bulletin, rule: &InvestmentRule) -> String {
    let mut p = format!("四、滞后项目。尚未开工项目{}个", b.not_started.len());
    if !b.not_started_by_factor.is_empty() {
        let parts: Vec<String> =
            b.not_started_by_factor.iter().map(|c| format!("{}因素{}个", c.label, c.count)).collect();
        p.push_str(&format!("，其中{}", parts.join("、")));
    }
    p.push_str(&format!("；{}{}个。", behind_wording(rule), b.behind.len()));
    p
}

/// Who counts as behind the time share, in the words of the rule in force: by points
/// (`慢于序时进度10个百分点以上`) or relative to the time share (`低于序时进度要求50%以上`).
fn behind_wording(rule: &InvestmentRule) -> String {
    let n = threshold(rule.yellow_from);
    match rule.mode {
        _ if rule.yellow_from <= 0.0 => "投资完成慢于序时进度的项目".to_string(),
        GapMode::Points => format!("投资完成慢于序时进度{n}个百分点以上的项目"),
        GapMode::Relative => format!("投资完成低于序时进度要求{n}%以上的项目"),
    }
}

impl Bulletin {
    /// `滕州市重点项目建设进展情况通报（2026年9月）`: the county's name, then the month.
    pub fn title(&self) -> String {
        format!("{}重点项目建设进展情况通报（{}年{}月）", self.county, self.year, self.month.month)
    }

    /// The bulletin as plain text (title, then the four sections).
    pub fn text(&self) -> String {
        let mut out = format!("{}\n\n", self.title());
        for p in &self.paragraphs {
            out.push_str(p);
            out.push_str("\n\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures::{COUNTY, county_year};

    fn line<'a>(lines: &'a [LevelLine], key: &str) -> &'a LevelLine {
        lines.iter().find(|l| l.key == key).unwrap_or_else(|| panic!("no line {key}"))
    }

    /// The county year's figures, by hand from the table in `fixtures::county_year` (亿元):
    /// implementation entries 1–8 plan 4.0 + 2.0 + 3.0 + 1.0 + 0.6 + 0.8 + 1.5 + 1.2 = 14.1 and
    /// completed 3.2 + 1.1 + 2.4 + 0.7 + 0.3 + 0 + 0 + 1.08 = 8.78 → 8.8; 8.78 / 14.1 = 62.27 %
    /// → 62.3 %, against 9/12 = 75.0 %: 12.7 points behind.
    #[test]
    fn section_one_by_hand() {
        let b = county_year::bulletin_sep();
        assert_eq!(b.time_share_percent, 75.0);
        let key = line(&b.progress, "key");
        assert_eq!((key.projects, key.completed_yuan), (8, 878_000_000));
        assert_eq!((key.completed_yi.as_str(), key.percent, key.points), ("8.8", Some(62.3), Some(-12.7)));
        // Provincial (1, 2): 4.3 of 6.0 = 71.67 % → 71.7 %, −3.3; 省重大 3.2 of 4.0 = 80.0 %, +5.0;
        // 省高质量 1.1 of 2.0 = 55.0 %, −20.0; municipal (3, 4): 3.1 of 4.0 = 77.5 %, +2.5;
        // county (5–8): 1.38 of 4.1 = 33.66 % → 33.7 %, −41.3.
        let expect = |k: &str, yi: &str, pct: f64, pts: f64| {
            let l = line(&b.progress, k);
            assert_eq!((l.completed_yi.as_str(), l.percent, l.points), (yi, Some(pct), Some(pts)), "{k}");
        };
        expect("province", "4.3", 71.7, -3.3);
        expect("province_major", "3.2", 80.0, 5.0);
        expect("province_quality", "1.1", 55.0, -20.0);
        expect("municipal", "3.1", 77.5, 2.5);
        expect("county", "1.4", 33.7, -41.3);
        assert_eq!(
            b.paragraphs[0],
            "一、项目进度。2026年1-9月，8个省市县三级重点项目完成投资8.8亿元，占年度计划的62.3%，慢于序时进度12.7个百分点。\
             其中，2个省级重点项目完成投资4.3亿元，占年度计划的71.7%，慢于序时进度3.3个百分点；\
             2个市级重点项目完成投资3.1亿元，占年度计划的77.5%，超序时进度2.5个百分点；\
             4个县级重点项目完成投资1.4亿元，占年度计划的33.7%，慢于序时进度41.3个百分点。\
             省级重点项目中，1个省重大项目完成投资3.2亿元，占年度计划的80.0%，超序时进度5.0个百分点；\
             1个省绿色低碳高质量发展重点项目完成投资1.1亿元，占年度计划的55.0%，慢于序时进度20.0个百分点。"
        );
    }

    /// Started by 09-30: 1, 2, 3, 4, 5 (on 09-28) and 8 = 6 of 8 (75.0 %); provincial and
    /// municipal 4 of 4 (100 %); county 5 and 8 of 5–8 = 2 of 4 (50.0 %). Due to complete in
    /// 2026: 3, 5, 8; done: 8 → 1 of 3 = 33.3 %. Not started: 6 (land) and 7. Behind by 10
    /// points or more: 2 (75 − 55 = 20), 5 (75 − 50 = 25), 6 and 7 (75 − 0) = 4.
    #[test]
    fn sections_two_to_four_by_hand() {
        let b = county_year::bulletin_sep();
        assert_eq!(
            b.paragraphs[1],
            "二、项目开工。8个省市县三级重点项目已开工6个，开工率75.0%。\
             其中，省市级重点项目4个，已开工4个，开工率100%；县级重点项目4个，已开工2个，开工率50.0%。"
        );
        assert_eq!(b.paragraphs[2], "三、竣工投产。计划年内竣工的重点项目3个，已竣工投产1个，竣工投产率33.3%。");
        assert_eq!(
            b.paragraphs[3],
            "四、滞后项目。尚未开工项目2个，其中土地因素1个；投资完成慢于序时进度10个百分点以上的项目4个。"
        );
        let ids = |lines: &[LaggardLine]| lines.iter().map(|l| l.project_id).collect::<Vec<_>>();
        assert_eq!(ids(&b.not_started), [6, 7]);
        assert_eq!(ids(&b.behind), [2, 5, 6, 7]);
        // 谋划实施: the preparation entry (9) is a key project too, outside the rates.
        assert_eq!(b.indicators.key_projects.count, 9);
    }

    #[test]
    fn title_names_the_county_of_the_town_layer() {
        let b = county_year::bulletin_sep();
        assert_eq!(b.title(), "滕州市重点项目建设进展情况通报（2026年9月）");
        assert!(b.text().starts_with("滕州市重点项目建设进展情况通报（2026年9月）\n\n一、项目进度。"));
        let other =
            bulletin(&county_year::projects(), b.month, &RuleSet::default_rules(), &Targets::default(), "邹城市");
        assert!(other.text().starts_with("邹城市重点项目建设进展情况通报（2026年9月）"));
        assert_eq!(COUNTY, "滕州市");
    }

    #[test]
    fn january_is_one_month_not_a_range() {
        let jan = bulletin(
            &county_year::projects(),
            Period { year: 2026, month: 1 },
            &RuleSet::default_rules(),
            &Targets::default(),
            COUNTY,
        );
        assert!(jan.paragraphs[0].starts_with("一、项目进度。2026年1月，"), "{}", jan.paragraphs[0]);
        assert_eq!(period_label(Period { year: 2026, month: 2 }), "2026年1-2月");
        assert_eq!(period_label(Period { year: 2026, month: 12 }), "2026年1-12月");
    }

    #[test]
    fn the_behind_threshold_is_the_rule_sets() {
        let with = |mode: GapMode, yellow_from: f64| {
            let mut rules = RuleSet::default_rules();
            rules.investment_behind = InvestmentRule { mode, yellow_from, red_above: 60.0 };
            let b = bulletin(
                &county_year::projects(),
                Period { year: 2026, month: 9 },
                &rules,
                &Targets::default(),
                COUNTY,
            );
            b.paragraphs[3].clone()
        };
        // 15 points: 5 (25), 6 and 7 (75) are behind; 2 (20) too → 4; at 22.5: 5, 6, 7 → 3.
        assert!(with(GapMode::Points, 15.0).ends_with("投资完成慢于序时进度15个百分点以上的项目4个。"));
        assert!(with(GapMode::Points, 22.5).ends_with("投资完成慢于序时进度22.5个百分点以上的项目3个。"));
        // Relative: 2 is 20/75 = 26.7 % short of the time share, 5 is 25/75 = 33.3 %, 6 and 7 are
        // 100 % short; from 30 %: 5, 6, 7.
        assert!(with(GapMode::Relative, 30.0).ends_with("投资完成低于序时进度要求30%以上的项目3个。"));
        // Any shortfall (三亚's preset): 2, 5, 6, 7 and 4 (70 against 75).
        let sanya = RuleSet::preset("sanya").expect("preset");
        let b =
            bulletin(&county_year::projects(), Period { year: 2026, month: 9 }, &sanya, &Targets::default(), COUNTY);
        assert!(b.paragraphs[3].ends_with("投资完成慢于序时进度的项目5个。"), "{}", b.paragraphs[3]);
    }
}
