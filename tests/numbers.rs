//! The numbers on real databases: the published 2024 bulletin reproduced to the decimal, the
//! weekly diff across weeks (with re-plans taking effect from their week), publication, and
//! indicators, weekly report and bulletin agreeing for the same as-of date.

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use common::TestApp;
use keyproj::domain::Chain;
use keyproj::domain::lists::{BuildType, ListKind, ListLevel, Membership};
use keyproj::domain::milestone::{Milestone, MilestoneKind, MilestoneUpdate, Milestones};
use keyproj::domain::money::Yuan;
use keyproj::domain::project::{Location, LocationPrecision};
use keyproj::domain::report::{MonthlyReport, Period};
use keyproj::store::{Actor, Edit, NewProject, NewProjectWithReports, StoreError};
use serde_json::Value;
use std::collections::HashSet;

on_both_backends!(
    bulletin_2024_reproduces_the_published_totals,
    bulletin_2024_reproduces_the_published_levels,
    weekly_diff_across_weeks_and_publication,
    indicators_weekly_and_bulletin_agree,
    targets_and_rules,
    bad_report_parameters,
    the_rounded_time_share_is_the_same_everywhere,
    key_projects_on_the_demo_year,
    reports_name_the_county_of_the_town_layer,
);

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

/// One 2024 key project: on `level`, with `plan` yuan planned and `completed` yuan reported
/// evenly over January–September; started in March unless `started` is false.
fn project_2024(n: usize, level: ListLevel, plan: i64, completed: i64, started: bool) -> NewProjectWithReports {
    let mut milestones = Milestones::default();
    if started {
        milestones.start = Milestone {
            baseline: Some(d("2024-03-01")),
            planned: Some(d("2024-03-01")),
            actual: Some(d("2024-03-01")),
            replans: vec![],
        };
    } else {
        milestones.start = Milestone {
            baseline: Some(d("2024-08-01")),
            planned: Some(d("2024-08-01")),
            actual: None,
            replans: vec![],
        };
    }
    let reports = (1..=9u32)
        .map(|m| {
            let share = completed / 9 + if m == 9 { completed % 9 } else { 0 };
            MonthlyReport {
                period: Period { year: 2024, month: m },
                completed_yuan: Yuan(share),
                funds_arrived_yuan: Yuan(0),
                note: None,
                problems: vec![],
            }
        })
        .filter(|r| started || r.completed_yuan.0 > 0)
        .collect();
    NewProjectWithReports {
        project: NewProject {
            code: Some(format!("T2024-{n:03}")),
            name: format!("2024年重点项目{n}"),
            company: None,
            town_code: "370481106".into(),
            zone: None,
            chain: Chain::Chemical,
            total_investment_yuan: Yuan(plan.max(completed) * 3 + 1),
            location: Location {
                lon: 117.021731,
                lat: 34.975886,
                precision: LocationPrecision::Town,
                outside_county: false,
            },
            address: None,
            responsible_unit: Some("市发展改革局".into()),
            responsible_leader: None,
            sample: false,
            milestones,
            lists: vec![Membership {
                year: 2024,
                list: level,
                kind: ListKind::Implementation,
                build_type: BuildType::NewStart,
                annual_plan_yuan: Yuan(plan),
                effective_from: None,
                effective_to: None,
            }],
        },
        reports,
        state: None,
    }
}

/// Split `total` over `n` parts that add up exactly.
fn split(total: i64, n: usize) -> Vec<i64> {
    let base = total / n as i64;
    let mut v = vec![base; n];
    v[0] += total - base * n as i64;
    v
}

/// A level: `count` projects sharing `plan` and `completed`; the last `not_started` have not started.
fn level(
    out: &mut Vec<NewProjectWithReports>,
    lvl: ListLevel,
    count: usize,
    plan: i64,
    completed: i64,
    not_started: usize,
) {
    let plans = split(plan, count);
    let done = split(completed, count - not_started);
    for i in 0..count {
        let started = i < count - not_started;
        let c = if started { done[i] } else { 0 };
        let n = out.len();
        out.push(project_2024(n, lvl, plans[i], c, started));
    }
}

async fn load(app: &TestApp, batch: Vec<NewProjectWithReports>) {
    app.store.create_projects(batch, &Actor::system("test"), app.clock.now()).await.expect("load");
}

async fn bulletin_json(app: &TestApp, month: &str) -> Value {
    let r = app.get(&format!("/api/reports/bulletin?month={month}&format=json")).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

fn line<'a>(lines: &'a Value, key: &str) -> &'a Value {
    lines.as_array().and_then(|a| a.iter().find(|l| l["key"] == key)).unwrap_or(&Value::Null)
}

/// Tengzhou, Q1–Q3 2024: 241 key projects, 451.5亿元, 93.2 % of plan, 18.2 points ahead of 75 %;
/// 233 of 241 started (96.7 %), provincial and municipal 64 of 64, county 169 of 177 (95.5 %).
async fn bulletin_2024_reproduces_the_published_totals(app: &TestApp) {
    let mut batch = Vec::new();
    // Plans add up to 484.4亿 and completions to 451.5亿; the split by level is our own.
    level(&mut batch, ListLevel::ProvinceMajor, 20, 6_000_000_000, 5_600_000_000, 0);
    level(&mut batch, ListLevel::ProvinceQuality, 12, 5_000_000_000, 4_700_000_000, 0);
    level(&mut batch, ListLevel::Municipal, 32, 8_000_000_000, 7_500_000_000, 0);
    level(&mut batch, ListLevel::County, 177, 48_440_000_000 - 19_000_000_000, 45_150_000_000 - 17_800_000_000, 8);
    load(app, batch).await;

    let b = bulletin_json(app, "2024-09").await;
    assert_eq!(b["time_share_percent"], 75.0);
    let key = line(&b["progress"], "key");
    assert_eq!(key["projects"], 241);
    assert_eq!(key["completed_yi"], "451.5");
    assert_eq!(key["completed_yuan"], 45_150_000_000i64);
    assert_eq!(key["percent"], 93.2);
    assert_eq!(key["points"], 18.2);
    let start = &b["start"];
    assert_eq!(
        (start[0]["started"].clone(), start[0]["projects"].clone(), start[0]["start_percent"].clone()),
        (233.into(), 241.into(), 96.7.into())
    );
    assert_eq!(
        (start[1]["started"].clone(), start[1]["projects"].clone(), start[1]["start_percent"].clone()),
        (64.into(), 64.into(), 100.0.into())
    );
    assert_eq!(
        (start[2]["started"].clone(), start[2]["projects"].clone(), start[2]["start_percent"].clone()),
        (169.into(), 177.into(), 95.5.into())
    );

    let text =
        String::from_utf8(app.get("/api/reports/bulletin?month=2024-09&format=text").await.body).unwrap_or_default();
    for expected in [
        "241个省市县三级重点项目完成投资451.5亿元，占年度计划的93.2%，超序时进度18.2个百分点",
        "241个省市县三级重点项目已开工233个，开工率96.7%",
        "省市级重点项目64个，已开工64个，开工率100%",
        "县级重点项目177个，已开工169个，开工率95.5%",
        "尚未开工项目8个",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    // The indicators say the same for the same as-of date.
    let ind = app.get("/api/indicators?year=2024&as_of=2024-09-30").await.json();
    assert_eq!(ind["key"]["investment"]["percent"], 93.2);
    assert_eq!(ind["key"]["investment"]["points"], 18.2);
    assert_eq!(ind["key"]["started"]["percent"], 96.7);
    assert_eq!(ind["time_share_percent"], 75.0);
}

/// The published per-level figures (which do not add up to the published total, so they get a
/// dataset of their own): provincial 107.2亿 / 90.6 % / 15.6 (省重大 66.2 / 101.1 / 26.1,
/// 省高质量 41.0 / 77.6 / 2.6), municipal 76.9 / 93.9 / 18.9, county 267.4 / 92.8 / 17.8.
async fn bulletin_2024_reproduces_the_published_levels(app: &TestApp) {
    let mut batch = Vec::new();
    level(&mut batch, ListLevel::ProvinceMajor, 20, 6_548_000_000, 6_620_000_000, 0);
    level(&mut batch, ListLevel::ProvinceQuality, 12, 5_284_000_000, 4_100_000_000, 0);
    level(&mut batch, ListLevel::Municipal, 32, 8_190_000_000, 7_690_000_000, 0);
    level(&mut batch, ListLevel::County, 177, 28_810_000_000, 26_740_000_000, 8);
    load(app, batch).await;
    let b = bulletin_json(app, "2024-09").await;
    let expect = |key: &str, yi: &str, pct: f64, pts: f64| {
        let l = line(&b["progress"], key);
        assert_eq!(
            (l["completed_yi"].as_str(), l["percent"].as_f64(), l["points"].as_f64()),
            (Some(yi), Some(pct), Some(pts)),
            "{key}: {l}"
        );
    };
    expect("province", "107.2", 90.6, 15.6);
    expect("province_major", "66.2", 101.1, 26.1);
    expect("province_quality", "41.0", 77.6, 2.6);
    expect("municipal", "76.9", 93.9, 18.9);
    expect("county", "267.4", 92.8, 17.8);
    let text =
        String::from_utf8(app.get("/api/reports/bulletin?month=2024-09&format=text").await.body).unwrap_or_default();
    assert!(text.contains("32个省级重点项目完成投资107.2亿元，占年度计划的90.6%，超序时进度15.6个百分点"), "{text}");
    assert!(text.contains("20个省重大项目完成投资66.2亿元，占年度计划的101.1%，超序时进度26.1个百分点"), "{text}");
    assert!(text.contains("177个县级重点项目完成投资267.4亿元，占年度计划的92.8%，超序时进度17.8个百分点"), "{text}");
}

fn at(date: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{date}T02:00:00Z")).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

/// Change a milestone as if on `date` (the re-plan takes effect from that day).
async fn milestone_on(app: &TestApp, id: i64, kind: MilestoneKind, update: MilestoneUpdate, date: &str) {
    let now = at(date);
    app.store
        .modify_project(id, None, "milestone", &Actor::new("tester", "test"), now, |p| {
            keyproj::ledger::apply_milestone(p, kind, &update, "tester", now, d(date)).map_err(StoreError::from)?;
            Ok(Edit::Apply)
        })
        .await
        .expect("milestone change");
}

async fn weekly(app: &TestApp, week: &str) -> Value {
    let r = app.get(&format!("/api/reports/weekly?week={week}")).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

fn change_of(report: &Value, id: i64) -> Option<String> {
    report["diff"]
        .as_array()?
        .iter()
        .find(|r| r["project_id"] == id)
        .and_then(|r| r["change"].as_str().map(str::to_string))
}

fn light_of(report: &Value, id: i64) -> Option<String> {
    report["laggards"]
        .as_array()?
        .iter()
        .find(|r| r["project_id"] == id)
        .and_then(|r| r["light"].as_str().map(str::to_string))
}

async fn weekly_diff_across_weeks_and_publication(app: &TestApp) {
    // Under construction, due to complete on 2026-10-20 (a Tuesday of W43).
    let mut p = project_2024(0, ListLevel::County, 0, 0, true);
    p.project.lists[0].year = 2026;
    p.project.milestones.start.actual = Some(d("2025-03-01"));
    p.project.milestones.completion =
        Milestone { baseline: Some(d("2026-10-20")), planned: Some(d("2026-10-20")), actual: None, replans: vec![] };
    p.reports = (1..=10)
        .map(|m| MonthlyReport {
            period: Period { year: 2026, month: m },
            completed_yuan: Yuan(0),
            funds_arrived_yuan: Yuan(0),
            note: None,
            problems: vec![],
        })
        .collect();
    load(app, vec![p]).await;
    let id = app.get("/api/projects?limit=1").await.json()["items"][0]["id"].as_i64().unwrap_or(0);

    // W44 (Mon 10-26): the plan is corrected to an earlier date — 47 days late by Sunday 11-01.
    let replan = |date: &str, reason: &str| MilestoneUpdate {
        planned: Some(d(date)),
        actual: None,
        reason: Some(reason.into()),
    };
    milestone_on(app, id, MilestoneKind::Completion, replan("2026-09-15", "更正计划日期"), "2026-10-27").await;
    // W45: re-planned to 10-25 — 14 days late by Sunday 11-08.
    milestone_on(app, id, MilestoneKind::Completion, replan("2026-10-25", "调整工期"), "2026-11-03").await;
    // W46: completed on 11-10.
    milestone_on(
        app,
        id,
        MilestoneKind::Completion,
        MilestoneUpdate { planned: Some(d("2026-10-25")), actual: Some(d("2026-11-10")), reason: None },
        "2026-11-10",
    )
    .await;

    let w42 = weekly(app, "2026-W42").await;
    assert_eq!(light_of(&w42, id), None, "not late yet on 10-18");
    let w43 = weekly(app, "2026-W43").await;
    assert_eq!(
        (light_of(&w43, id).as_deref(), change_of(&w43, id).as_deref()),
        (Some("yellow"), Some("new")),
        "5 days late on 10-25: a re-plan made in W44 does not reach back"
    );
    let w44 = weekly(app, "2026-W44").await;
    assert_eq!((light_of(&w44, id).as_deref(), change_of(&w44, id).as_deref()), (Some("red"), Some("worsened")));
    let w45 = weekly(app, "2026-W45").await;
    assert_eq!((light_of(&w45, id).as_deref(), change_of(&w45, id).as_deref()), (Some("yellow"), Some("improved")));
    let row =
        w45["laggards"].as_array().and_then(|a| a.iter().find(|r| r["project_id"] == id)).cloned().unwrap_or_default();
    assert_eq!(row["weeks_in_a_row"], 3);
    assert_eq!(row["days_late"], 14);
    assert_eq!(row["rule"], "completion_overdue");
    let w46 = weekly(app, "2026-W46").await;
    assert_eq!((light_of(&w46, id), change_of(&w46, id).as_deref()), (None, Some("cleared")));
    assert_eq!(w46["summary"]["cleared"], 1);

    // Publish W45: stored as issued, byte for byte, immutable.
    let r = app.post("/api/reports/weekly/2026-W45/publish", serde_json::json!({})).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let before_json = app.get("/api/reports/weekly?week=2026-W45&format=json").await.body;
    let before_xlsx = app.get("/api/reports/weekly?week=2026-W45&format=xlsx").await.body;
    // A backfilled edit after publication: the completion was in fact on 11-05.
    milestone_on(
        app,
        id,
        MilestoneKind::Completion,
        MilestoneUpdate { planned: Some(d("2026-10-25")), actual: Some(d("2026-11-05")), reason: None },
        "2026-11-20",
    )
    .await;
    assert_eq!(app.get("/api/reports/weekly?week=2026-W45&format=json").await.body, before_json);
    assert_eq!(app.get("/api/reports/weekly?week=2026-W45&format=xlsx").await.body, before_xlsx);
    let live = app.get("/api/reports/weekly?week=2026-W45&live=true").await.json();
    assert_eq!(light_of(&live, id), None, "computed from today's data it is done");
    let again = app.post("/api/reports/weekly/2026-W45/publish", serde_json::json!({})).await;
    assert_eq!(again.status, 409);
    // The next week's diff compares against what was sent.
    let w46 = weekly(app, "2026-W46").await;
    assert_eq!(w46["previous"]["published"], true);
    assert_eq!(change_of(&w46, id).as_deref(), Some("cleared"));
    let list = app.get("/api/reports/weekly/published").await.json();
    assert_eq!(list["items"][0]["week"], "2026-W45");

    // The workbook: sheets, headers and the laggard, read back with a spreadsheet reader.
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(before_xlsx)).expect("xlsx opens");
    let names = book.sheet_names();
    assert!(names.iter().any(|n| n == "滞后项目"), "{names:?}");
    let range = book.worksheet_range("滞后项目").expect("laggard sheet");
    let cells: Vec<String> = range.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(cells.iter().any(|c| c == "项目名称"), "header");
    assert!(cells.iter().any(|c| c == "2024年重点项目0"), "the laggard");
    // CSV with BOM, HTML with the laggard.
    let csv = app.get("/api/reports/weekly?week=2026-W44&format=csv").await;
    assert!(csv.body.starts_with(&[0xEF, 0xBB, 0xBF]));
    assert!(String::from_utf8_lossy(&csv.body).contains("2024年重点项目0"));
    let html =
        String::from_utf8(app.get("/api/reports/weekly?week=2026-W44&format=html").await.body).unwrap_or_default();
    assert!(html.contains("2024年重点项目0"));
}

async fn indicators_weekly_and_bulletin_agree(app: &TestApp) {
    keyproj::cli::load_demo(&app.store, app.clock, Some(2026), Some(d("2026-11-27"))).await.expect("demo");
    let week = weekly(app, "2026-W47").await;
    let ind = app.get("/api/indicators?year=2026&as_of=2026-11-22").await.json();
    for light in ["red", "yellow", "blue", "green"] {
        assert_eq!(week["summary"][light], ind["lights"][light], "{light}");
    }
    assert_eq!(week["summary"]["suspended_or_withdrawn"], ind["lights"]["grey"]);
    let laggards = week["summary"]["laggards"].as_i64().unwrap_or(0);
    let in_scope = week["summary"]["projects"].as_i64().unwrap_or(1);
    assert!(
        laggards * 100 / in_scope >= 8 && laggards * 100 / in_scope <= 30,
        "a realistic share of laggards: {laggards}/{in_scope}"
    );
    // The map's lights are the same engine's, as of today.
    let red_points = app.get("/api/projects.geojson?light=red").await.json();
    let red_list = app.get("/api/projects?light=red&limit=1000").await.json();
    assert_eq!(
        red_points["features"].as_array().map(Vec::len).unwrap_or(0) as i64,
        red_list["total"].as_i64().unwrap_or(-1)
    );
    let today = app.get("/api/indicators?year=2026&as_of=2026-11-27").await.json();
    assert!(red_list["total"].as_i64().unwrap_or(0) >= today["lights"]["red"].as_i64().unwrap_or(0));
    // The bulletin of October is the indicators as of October 31.
    let b = bulletin_json(app, "2026-10").await;
    let ind = app.get("/api/indicators?year=2026&as_of=2026-10-31").await.json();
    assert_eq!(line(&b["progress"], "key")["projects"], ind["key"]["projects"]);
    assert_eq!(line(&b["progress"], "key")["completed_yuan"], ind["key"]["investment"]["completed_yuan"]);
    assert_eq!(b["start"][0]["started"], ind["key"]["started"]["count"]);
    assert_eq!(ind["key_projects"]["of"], 260);
    // Tier attainment is cumulative and against the targets.
    let tiers = ind["attracted_started"].as_array().cloned().unwrap_or_default();
    assert_eq!(tiers.iter().map(|t| t["target"].as_i64().unwrap_or(0)).collect::<Vec<_>>(), [160, 40, 10, 5]);
    assert!(tiers.windows(2).all(|w| w[0]["count"].as_i64() >= w[1]["count"].as_i64()));
    // A project's light appears on the project itself.
    let any_red = red_list["items"][0]["id"].as_i64().unwrap_or(0);
    let p = app.get(&format!("/api/projects/{any_red}")).await.json();
    assert_eq!(p["light"], "red");
    assert!(p["reasons"].as_array().is_some_and(|r| !r.is_empty()));
}

async fn targets_and_rules(app: &TestApp) {
    let t = app.get("/api/targets/2026").await.json();
    assert_eq!((t["attracted_100m"].clone(), t["default"].clone()), (160.into(), true.into()));
    let body = serde_json::json!({"attracted_100m": 170, "attracted_1b": 45, "attracted_5b": 12, "attracted_10b": 6, "key_projects": 265, "key_province_municipal": 42});
    let r = app.put("/api/targets/2026", body).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let ind = app.get("/api/indicators?year=2026").await.json();
    assert_eq!(ind["attracted_started"][0]["target"], 170);
    assert_eq!(ind["key_projects"]["of"], 265);
    let bad = app.put("/api/targets/2026", serde_json::json!({"attracted_100m": -1, "attracted_1b": 1, "attracted_5b": 1, "attracted_10b": 1, "key_projects": 1, "key_province_municipal": 1})).await;
    assert_eq!(bad.status, 422);
    assert_eq!(app.get("/api/targets/2026").await.json()["attracted_100m"], 170);
    let rules = app.get("/api/rules").await.json();
    assert_eq!(rules["name"], "default");
    assert_eq!(rules["overdue"]["start_yellow_max_days"], 30);
}

async fn bad_report_parameters(app: &TestApp) {
    for path in [
        "/api/reports/weekly?week=2026-48",
        "/api/reports/weekly?week=2026-W60",
        "/api/reports/weekly?week=2027-W10",
        "/api/reports/weekly?format=pdf",
        "/api/reports/bulletin?month=2026-13",
        "/api/reports/bulletin?month=2027-01",
        "/api/reports/bulletin?format=docx",
        "/api/indicators?as_of=2026-02-30",
        "/api/indicators?year=99",
        "/api/projects?light=purple",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, 400, "{path}: {}", String::from_utf8_lossy(&r.body));
        assert!(r.json()["message"].as_str().is_some_and(|m| m.contains(" / ")), "{path}");
    }
    let r = app.post("/api/reports/weekly/2026-W48/publish", serde_json::json!({})).await;
    assert_eq!(r.status, 422, "the week has not ended on 11-27");
    assert_eq!(app.get("/api/targets/abc").await.status, 404);
}

/// One 2026 county project under construction since 2025, with `plan` yuan planned for the year
/// and the given (month, completed yuan) reports.
fn project_2026(n: usize, plan: i64, months: &[(u32, i64)]) -> NewProjectWithReports {
    let mut p = project_2024(n, ListLevel::County, plan, 0, true);
    p.project.code = Some(format!("T2026-{n:03}"));
    p.project.name = format!("2026年重点项目{n}");
    p.project.lists[0].year = 2026;
    p.project.milestones.start = Milestone {
        baseline: Some(d("2025-03-01")),
        planned: Some(d("2025-03-01")),
        actual: Some(d("2025-03-01")),
        replans: vec![],
    };
    p.reports = months
        .iter()
        .map(|&(month, yuan)| MonthlyReport {
            period: Period { year: 2026, month },
            completed_yuan: Yuan(yuan),
            funds_arrived_yuan: Yuan(0),
            note: None,
            problems: vec![],
        })
        .collect();
    p
}

/// End of August the time share is 8/12 = 66.67 % → 66.7 %. A project with 5.67亿 of a 10亿
/// plan (8 months × 0.70875亿) is at 56.7 %: 66.7 − 56.7 = 10.0 points behind, exactly the
/// default yellow threshold. The indicators, the bulletin, the weekly report and the light
/// all say so (with the time share truncated to 66.6 they said 9.9 and no light).
async fn the_rounded_time_share_is_the_same_everywhere(app: &TestApp) {
    load(app, vec![project_2026(0, 1_000_000_000, &(1..=8).map(|m| (m, 70_875_000)).collect::<Vec<_>>())]).await;

    let ind = app.get("/api/indicators?year=2026&as_of=2026-08-31").await.json();
    assert_eq!(ind["time_share_percent"], 66.7);
    assert_eq!(ind["key"]["investment"]["percent"], 56.7);
    assert_eq!(ind["key"]["investment"]["points"], -10.0);
    // The monthly series: February is 2/12 = 16.67 % → 16.7 %, May 5/12 = 41.67 % → 41.7 %.
    let share_of = |month: usize| ind["monthly"][month - 1]["time_share_percent"].clone();
    assert_eq!((share_of(2), share_of(5), share_of(8)), (16.7.into(), 41.7.into(), 66.7.into()));

    let b = bulletin_json(app, "2026-08").await;
    assert_eq!(b["time_share_percent"], 66.7);
    assert_eq!(line(&b["progress"], "key")["points"], -10.0);
    assert_eq!(b["behind"].as_array().map(Vec::len), Some(1));
    let text =
        String::from_utf8(app.get("/api/reports/bulletin?month=2026-08&format=text").await.body).unwrap_or_default();
    for expected in [
        "2026年1-8月，1个省市县三级重点项目完成投资5.7亿元，占年度计划的56.7%，慢于序时进度10.0个百分点",
        "投资完成慢于序时进度10个百分点以上的项目1个",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }

    // Week 37 ends on Sunday 2026-09-13, when August is the last month reported.
    let week = weekly(app, "2026-W37").await;
    let row = &week["laggards"][0];
    assert_eq!((row["rule"].as_str(), row["light"].as_str()), (Some("investment_behind"), Some("yellow")));
    assert_eq!(row["gap_points"], 10.0);

    // January's bulletin covers one month, not "1-1月".
    let jan =
        String::from_utf8(app.get("/api/reports/bulletin?month=2026-01&format=text").await.body).unwrap_or_default();
    assert!(jan.contains("一、项目进度。2026年1月，") && !jan.contains("1-1月"), "{jan}");
}

/// The demo year puts 262 entries on the key-project lists (20 + 12 provincial, 32 municipal,
/// 198 county; one key level per project), a few of them preparation entries. All 262 count
/// toward the target of 260 (谋划实施) — the figure the dashboard shows — while the rates count
/// the implementation entries only.
async fn key_projects_on_the_demo_year(app: &TestApp) {
    keyproj::cli::load_demo(&app.store, app.clock, Some(2026), Some(d("2026-11-27"))).await.expect("demo");
    let items =
        app.get("/api/projects?year=2026&limit=1000").await.json()["items"].as_array().cloned().unwrap_or_default();
    let key_lists = ["province_major", "province_quality", "municipal", "county"];
    let key_entries = |kind: Option<&str>| -> HashSet<i64> {
        items
            .iter()
            .filter(|p| p["state"] != "withdrawn")
            .filter(|p| {
                p["lists"].as_array().is_some_and(|lists| {
                    lists.iter().any(|m| {
                        m["year"] == 2026
                            && key_lists.iter().any(|l| m["list"] == *l)
                            && kind.is_none_or(|k| m["kind"] == k)
                    })
                })
            })
            .filter_map(|p| p["id"].as_i64())
            .collect()
    };
    let all = key_entries(None);
    let preparation = key_entries(Some("preparation"));
    let implementation = key_entries(Some("implementation"));
    assert_eq!(all.len(), 262, "the demo's key-project entries");
    assert!(!preparation.is_empty(), "the demo has preparation entries");
    assert!(preparation.is_disjoint(&implementation));

    let ind = app.get("/api/indicators?year=2026&as_of=2026-11-27").await.json();
    assert_eq!(ind["key_projects"]["count"], 262);
    assert_eq!(ind["key_projects"]["of"], 260);
    assert_eq!(ind["key"]["projects"], implementation.len());
    assert_eq!(implementation.len() + preparation.len(), 262);
}

/// Every report title, the ledger template and the OC4IDS publisher name the county of the
/// stored town layer, not a built-in one.
async fn reports_name_the_county_of_the_town_layer(app: &TestApp) {
    let mut layer = (*app.store.town_layer().await.expect("layer")).clone();
    layer.county_name = "邹城市".into();
    app.store.replace_town_layer(&layer, &Actor::system("test"), app.clock.now()).await.expect("layer replaced");
    load(app, vec![project_2026(0, 1_000_000_000, &[(9, 100_000_000)])]).await;

    let text =
        String::from_utf8(app.get("/api/reports/bulletin?month=2026-10&format=text").await.body).unwrap_or_default();
    assert!(text.starts_with("邹城市重点项目建设进展情况通报（2026年10月）"), "{text}");
    let html =
        String::from_utf8(app.get("/api/reports/bulletin?month=2026-10&format=html").await.body).unwrap_or_default();
    assert!(html.contains("<h1>邹城市重点项目建设进展情况通报（2026年10月）</h1>"));
    assert_eq!(weekly(app, "2026-W47").await["county"], "邹城市");
    let html =
        String::from_utf8(app.get("/api/reports/weekly?week=2026-W47&format=html").await.body).unwrap_or_default();
    assert!(html.contains("<title>邹城市重点项目滞后情况周报（2026-W47）</title>"));

    use calamine::Reader;
    let xlsx = app.get("/api/reports/weekly?week=2026-W47&format=xlsx").await.body;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("xlsx opens");
    let summary = book.worksheet_range("汇总").expect("summary sheet");
    assert_eq!(
        summary.get_value((0, 0)).map(|c| c.to_string()).as_deref(),
        Some("邹城市重点项目滞后情况周报（2026-W47）")
    );

    let package = app.get("/api/exports/oc4ids.json?year=2026").await.json();
    assert_eq!(package["publisher"]["name"], "邹城市招商引资服务中心");

    let template = app.get("/api/templates/ledger.xlsx?year=2026").await.body;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(template)).expect("template opens");
    for sheet in ["项目台账", "填表说明", "选项"] {
        let range = book.worksheet_range(sheet).expect("sheet");
        let text: Vec<String> = range.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
        assert!(!text.iter().any(|c| c.contains("滕州")), "{sheet}: {text:?}");
    }
}
