//! Fixtures for the reports' tests: a week of laggards whose names try formulas and markup
//! (for the renderers' escaping), and a small county year that reads like the real thing (for
//! the snapshot tests and the bulletin's hand-computed figures).

use crate::domain::Tier;
use crate::domain::calendar::IsoWeek;
use crate::domain::indicators::Targets;
use crate::domain::lights::RuleSet;
use crate::domain::lists::{BuildType, ListKind, ListLevel, Membership};
use crate::domain::money::Yuan;
use crate::domain::project::{Project, StoredReport, TownRef, test_project};
use crate::domain::report::{Factor, MonthlyReport, Period, Problem};
use crate::domain::status::State;
use crate::report::bulletin::{Bulletin, bulletin};
use crate::report::weekly::{WeeklyReport, weekly_report};
use chrono::{DateTime, NaiveDate, Utc};

pub const COUNTY: &str = "滕州市";
pub const RED_WEST: &str = "滕州化工新材料产业园项目";
pub const FORMULA: &str = "=cmd|' /C calc'!A0";
pub const SCRIPT: &str = "<script>alert(1)</script>";
pub const QUOTED: &str = "锂电\"储能\",二期";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

fn project(id: i64, name: &str, town: (&str, &str), start_planned: Option<&str>) -> Project {
    let mut p = test_project();
    p.id = id;
    p.code = format!("TZ2026{id:03}");
    p.name = name.into();
    p.town = TownRef { code: town.0.into(), name: town.1.into() };
    p.milestones.start.planned = start_planned.map(d);
    p.milestones.start.baseline = start_planned.map(d);
    p.lists = vec![Membership {
        year: 2026,
        list: ListLevel::County,
        kind: ListKind::Implementation,
        build_type: BuildType::NewStart,
        annual_plan_yuan: Yuan(0),
        effective_from: None,
        effective_to: None,
    }];
    p
}

/// Week 2026-W48 (as of 2026-11-29): red and yellow laggards in 西岗镇 and 龙泉街道, one new
/// laggard, one cleared, one suspended, one green; names that try formulas and markup.
pub fn projects() -> Vec<Project> {
    const WEST: (&str, &str) = ("370481106", "西岗镇");
    const LONGQUAN: (&str, &str) = ("370481002", "龙泉街道");
    let mut red_west = project(1, RED_WEST, WEST, Some("2026-09-01"));
    // 1亿 of a 5亿 annual plan: behind the time share, and numbers for the bulletin.
    red_west.lists[0].annual_plan_yuan = Yuan(500_000_000);
    red_west.reports = Some(vec![StoredReport {
        report: MonthlyReport {
            period: Period { year: 2026, month: 10 },
            completed_yuan: Yuan(100_000_000),
            funds_arrived_yuan: Yuan(0),
            note: None,
            problems: vec![Problem {
                factor: Factor::Land, text: "用地指标未落实".into(), responsible_unit: None
            }],
        },
        reported_at: DateTime::<Utc>::MIN_UTC,
        reported_by: "test".into(),
    }]);
    let yellow_west = project(2, FORMULA, WEST, Some("2026-11-25"));
    let red_longquan = project(3, SCRIPT, LONGQUAN, Some("2026-10-01"));
    let mut yellow_longquan = project(4, QUOTED, LONGQUAN, Some("2026-11-15"));
    yellow_longquan.total_investment_yuan = Yuan(250_000_000);
    yellow_longquan.tier = Tier::of(yellow_longquan.total_investment_yuan);
    let mut cleared = project(5, "已开工项目", LONGQUAN, Some("2026-11-01"));
    cleared.milestones.start.actual = Some(d("2026-11-27"));
    let mut suspended = project(6, "暂停项目", WEST, Some("2026-03-01"));
    suspended.state = State::Suspended;
    suspended.state_reason = Some("资金未到位".into());
    let green = project(7, "正常推进项目", WEST, None);
    vec![red_west, yellow_west, red_longquan, yellow_longquan, cleared, suspended, green]
}

pub fn weekly() -> WeeklyReport {
    let week = IsoWeek::parse("2026-W48").expect("week");
    weekly_report(&projects(), week, &RuleSet::default_rules(), None, DateTime::<Utc>::MIN_UTC, COUNTY)
}

pub fn bulletin_nov() -> Bulletin {
    let month = Period { year: 2026, month: 11 };
    bulletin(&projects(), month, &RuleSet::default_rules(), &Targets::default(), COUNTY)
}

/// A small county year that reads like the real thing (invented projects): nine key projects
/// of 2026, as seen at the end of September and in early October.
pub mod county_year {
    use super::{COUNTY, d};
    use crate::domain::calendar::IsoWeek;
    use crate::domain::indicators::Targets;
    use crate::domain::lights::RuleSet;
    use crate::domain::lists::{BuildType, ListKind, ListLevel, Membership};
    use crate::domain::milestone::Milestone;
    use crate::domain::money::Yuan;
    use crate::domain::project::{Project, StoredReport, TownRef, test_project};
    use crate::domain::report::{Factor, MonthlyReport, Period, Problem};
    use crate::domain::{Chain, Tier};
    use crate::report::bulletin::{Bulletin, bulletin};
    use crate::report::weekly::{WeeklyReport, weekly_report};
    use chrono::{DateTime, Utc};

    /// Amounts below are in millions of yuan (百万元): 1亿 = 100.
    const MILLION: i64 = 1_000_000;

    /// One project of the year: where, who, how big, on which list, and its figures to date.
    struct Spec {
        id: i64,
        name: &'static str,
        town: (&'static str, &'static str),
        unit: &'static str,
        chain: Chain,
        total: i64,
        level: ListLevel,
        build: BuildType,
        plan: i64,
        /// Planned and actual start, planned and actual completion.
        start: (Option<&'static str>, Option<&'static str>),
        completion: (Option<&'static str>, Option<&'static str>),
        /// Months reported in 2026 and the completed investment they add up to.
        reported: Option<(u32, u32, i64)>,
    }

    const MUSHI: (&str, &str) = ("370481113", "木石镇");
    const GUANQIAO: (&str, &str) = ("370481110", "官桥镇");
    const LONGQUAN: (&str, &str) = ("370481002", "龙泉街道");
    const JINGHE: (&str, &str) = ("370481001", "荆河街道");
    const XIGANG: (&str, &str) = ("370481106", "西岗镇");
    const BINHU: (&str, &str) = ("370481104", "滨湖镇");
    const ZHANGWANG: (&str, &str) = ("370481109", "张汪镇");
    const HONGXU: (&str, &str) = ("370481101", "洪绪镇");

    /// Figures to September (annual plan → completed, in 亿元):
    ///
    /// | # | level | plan | done | start | completion |
    /// |---|---|---|---|---|---|
    /// | 1 | 省重大 | 4.0 | 3.2 | 2025-04 | 2027-06-30 |
    /// | 2 | 省高质量 | 2.0 | 1.1 | 2026-03-10 | 2027 |
    /// | 3 | 市级 | 3.0 | 2.4 | 2025-05 | planned 2026-09-30, not done |
    /// | 4 | 市级 | 1.0 | 0.7 | 2026-04-01 | 2027 |
    /// | 5 | 县级 | 0.6 | 0.3 (September) | planned 09-01, started 09-28 | 2026-12-31 |
    /// | 6 | 县级 | 0.8 | 0 | planned 06-30, not started (land) | 2027 |
    /// | 7 | 县级 | 1.5 | 0 | planned 10-15 | 2027 |
    /// | 8 | 县级 | 1.2 | 1.08 (Jan–Aug) | 2025-10 | completed 2026-08-20 |
    /// | 9 | 县级, preparation | — | — | planned 2027-03-01 | — |
    const SPECS: [Spec; 9] = {
        use BuildType::{Continuing, NewStart, PreConstruction};
        use ListLevel::{County, Municipal, ProvinceMajor, ProvinceQuality};
        [
            Spec {
                id: 1,
                name: "年产30万吨高端化工新材料一体化项目",
                town: MUSHI,
                unit: "市化工产业专班",
                chain: Chain::Chemical,
                total: 5200,
                level: ProvinceMajor,
                build: Continuing,
                plan: 400,
                start: (Some("2025-04-01"), Some("2025-04-01")),
                completion: (Some("2027-06-30"), None),
                reported: Some((1, 9, 320)),
            },
            Spec {
                id: 2,
                name: "锂电池正极材料扩产项目",
                town: GUANQIAO,
                unit: "市锂电产业专班",
                chain: Chain::Lithium,
                total: 1500,
                level: ProvinceQuality,
                build: NewStart,
                plan: 200,
                start: (Some("2026-03-01"), Some("2026-03-10")),
                completion: (Some("2027-12-31"), None),
                reported: Some((3, 9, 110)),
            },
            Spec {
                id: 3,
                name: "高端数控机床产业园项目",
                town: LONGQUAN,
                unit: "市机床产业专班",
                chain: Chain::MachineTool,
                total: 1200,
                level: Municipal,
                build: Continuing,
                plan: 300,
                start: (Some("2025-05-01"), Some("2025-05-01")),
                completion: (Some("2026-09-30"), None),
                reported: Some((1, 9, 240)),
            },
            Spec {
                id: 4,
                name: "智慧物流园项目",
                town: JINGHE,
                unit: "市商务局",
                chain: Chain::Logistics,
                total: 650,
                level: Municipal,
                build: NewStart,
                plan: 100,
                start: (Some("2026-04-01"), Some("2026-04-01")),
                completion: (Some("2027-06-30"), None),
                reported: Some((4, 9, 70)),
            },
            Spec {
                id: 5,
                name: "农副产品冷链物流中心项目",
                town: XIGANG,
                unit: "西岗镇人民政府",
                chain: Chain::Agriculture,
                total: 280,
                level: County,
                build: NewStart,
                plan: 60,
                start: (Some("2026-09-01"), Some("2026-09-28")),
                completion: (Some("2026-12-31"), None),
                reported: Some((9, 9, 30)),
            },
            Spec {
                id: 6,
                name: "微山湖湿地文旅康养综合体项目",
                town: BINHU,
                unit: "市文化和旅游局",
                chain: Chain::CultureTourism,
                total: 500,
                level: County,
                build: NewStart,
                plan: 80,
                start: (Some("2026-06-30"), None),
                completion: (Some("2027-12-31"), None),
                reported: Some((9, 9, 0)),
            },
            Spec {
                id: 7,
                name: "100MW/200MWh新型储能电站项目",
                town: ZHANGWANG,
                unit: "市发展和改革局",
                chain: Chain::EnergyEcology,
                total: 960,
                level: County,
                build: NewStart,
                plan: 150,
                start: (Some("2026-10-15"), None),
                completion: (Some("2027-06-30"), None),
                reported: None,
            },
            Spec {
                id: 8,
                name: "城区老旧小区改造项目",
                town: JINGHE,
                unit: "市住房和城乡建设局",
                chain: Chain::Urban,
                total: 360,
                level: County,
                build: Continuing,
                plan: 120,
                start: (Some("2025-10-01"), Some("2025-10-01")),
                completion: (Some("2026-08-31"), Some("2026-08-20")),
                reported: Some((1, 8, 108)),
            },
            Spec {
                id: 9,
                name: "医药中间体研发中心项目",
                town: HONGXU,
                unit: "市医药产业专班",
                chain: Chain::Pharma,
                total: 400,
                level: County,
                build: PreConstruction,
                plan: 0,
                start: (Some("2027-03-01"), None),
                completion: (None, None),
                reported: None,
            },
        ]
    };

    fn milestone((planned, actual): (Option<&str>, Option<&str>)) -> Milestone {
        Milestone { baseline: planned.map(d), planned: planned.map(d), actual: actual.map(d), replans: vec![] }
    }

    /// Monthly reports for months `first..=last` of 2026 adding up to `total` yuan exactly
    /// (equal shares, the remainder in the last month).
    fn reports(first: u32, last: u32, total: i64) -> Vec<StoredReport> {
        let n = i64::from(last - first + 1);
        (first..=last)
            .map(|month| StoredReport {
                report: MonthlyReport {
                    period: Period { year: 2026, month },
                    completed_yuan: Yuan(total / n + if month == last { total % n } else { 0 }),
                    funds_arrived_yuan: Yuan(0),
                    note: None,
                    problems: vec![],
                },
                reported_at: DateTime::<Utc>::MIN_UTC,
                reported_by: "镇街填报员".into(),
            })
            .collect()
    }

    fn project(s: &Spec) -> Project {
        let mut p = test_project();
        p.id = s.id;
        p.code = format!("TZ2026-{:03}", s.id);
        p.name = s.name.into();
        p.town = TownRef { code: s.town.0.into(), name: s.town.1.into() };
        p.responsible_unit = Some(s.unit.into());
        p.chain = s.chain;
        p.total_investment_yuan = Yuan(s.total * MILLION);
        p.tier = Tier::of(p.total_investment_yuan);
        let kind = if s.build == BuildType::PreConstruction { ListKind::Preparation } else { ListKind::Implementation };
        p.lists = vec![Membership {
            year: 2026,
            list: s.level,
            kind,
            build_type: s.build,
            annual_plan_yuan: Yuan(s.plan * MILLION),
            effective_from: None,
            effective_to: None,
        }];
        p.milestones.start = milestone(s.start);
        p.milestones.completion = milestone(s.completion);
        p.reports =
            Some(s.reported.map(|(first, last, done)| reports(first, last, done * MILLION)).unwrap_or_default());
        p
    }

    /// The nine projects; the resort (6) reports in September that its land is not ready.
    pub fn projects() -> Vec<Project> {
        let mut all: Vec<Project> = SPECS.iter().map(project).collect();
        if let Some(report) = all.get_mut(5).and_then(|p| p.reports.as_mut()).and_then(|r| r.first_mut()) {
            report.report.problems = vec![Problem {
                factor: Factor::Land,
                text: "项目用地正在办理农用地转用手续".into(),
                responsible_unit: None,
            }];
        }
        all
    }

    /// The bulletin for January–September 2026.
    pub fn bulletin_sep() -> Bulletin {
        bulletin(&projects(), Period { year: 2026, month: 9 }, &RuleSet::default_rules(), &Targets::default(), COUNTY)
    }

    /// The weekly report of 2026-W40 (as of Sunday 2026-10-04), generated on Monday morning
    /// (09:30 in Beijing), compared with the week before as computed from the data.
    pub fn weekly_w40() -> WeeklyReport {
        let week = IsoWeek::parse("2026-W40").expect("week");
        let generated = DateTime::parse_from_rfc3339("2026-10-05T01:30:00Z").expect("time").with_timezone(&Utc);
        weekly_report(&projects(), week, &RuleSet::default_rules(), None, generated, COUNTY)
    }
}
