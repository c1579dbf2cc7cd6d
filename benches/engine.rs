//! Engine benchmark: lights + indicators for 10k, 100k and 1M projects in memory (each with six
//! milestones and twelve monthly reports), and the weekly report and its XLSX for 10k laggards.
//! Prints a Markdown table for `docs/benchmarks.md`.
//!
//!     cargo bench --bench engine -- [--sizes 10000,100000,1000000]

use chrono::{DateTime, NaiveDate, Utc};
use keyproj::domain::Chain;
use keyproj::domain::Tier;
use keyproj::domain::calendar::IsoWeek;
use keyproj::domain::indicators::{Targets, indicators};
use keyproj::domain::lights::{RuleSet, evaluate};
use keyproj::domain::lists::{BuildType, ListKind, ListLevel, Membership};
use keyproj::domain::milestone::{Milestone, MilestoneKind, Milestones};
use keyproj::domain::money::Yuan;
use keyproj::domain::project::{Location, LocationPrecision, Project, StoredReport, TownRef};
use keyproj::domain::report::{MonthlyReport, Period};
use keyproj::domain::status::{State, Status};
use std::time::Instant;

fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, day)
}

/// `late` projects have a planned start in the past and no actual start.
fn project(i: usize, late: bool) -> Project {
    let month = 1 + (i % 12) as u32;
    let mut milestones = Milestones::default();
    for (k, (y, m)) in [
        (MilestoneKind::Signed, (2025, month)),
        (MilestoneKind::Land, (2025, month)),
        (MilestoneKind::Permit, (2026, 1)),
        (MilestoneKind::Start, (2026, month.min(10))),
        (MilestoneKind::Completion, (2027, month)),
        (MilestoneKind::Production, (2027, 12)),
    ] {
        let planned = d(y, m, 10);
        let done = !late && planned.is_some_and(|p| p < NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default());
        *milestones.get_mut(k) =
            Milestone { baseline: planned, planned, actual: if done { planned } else { None }, replans: vec![] };
    }
    let total = 100_000_000 + (i as i64 % 97) * 50_000_000;
    let reports = (1..=12)
        .map(|m| StoredReport {
            report: MonthlyReport {
                period: Period { year: 2026, month: m },
                completed_yuan: Yuan(if late { 0 } else { total / 40 }),
                funds_arrived_yuan: Yuan(0),
                note: None,
                problems: vec![],
            },
            reported_at: DateTime::<Utc>::MIN_UTC,
            reported_by: "bench".into(),
        })
        .collect();
    Project {
        id: i as i64,
        code: format!("B{i:07}"),
        name: format!("基准项目{i}"),
        company: None,
        town: TownRef { code: format!("3704811{:02}", i % 21), name: format!("镇{}", i % 21) },
        zone: None,
        chain: Chain::ALL[i % Chain::ALL.len()],
        total_investment_yuan: Yuan(total),
        tier: Tier::of(Yuan(total)),
        status: Status::UnderConstruction,
        state: State::Active,
        state_reason: None,
        location: Location { lon: 117.1, lat: 35.0, precision: LocationPrecision::Town, outside_county: false },
        address: None,
        responsible_unit: Some(format!("责任单位{}", i % 40)),
        responsible_leader: None,
        sample: true,
        milestones,
        lists: vec![Membership {
            year: 2026,
            list: if i.is_multiple_of(3) { ListLevel::Attracted } else { ListLevel::County },
            kind: ListKind::Implementation,
            build_type: BuildType::NewStart,
            annual_plan_yuan: Yuan(total / 3),
            effective_from: None,
            effective_to: None,
        }],
        reports: Some(reports),
        version: 1,
        created_at: DateTime::<Utc>::MIN_UTC,
        updated_at: DateTime::<Utc>::MIN_UTC,
    }
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("engine benchmark: run it with `cargo bench --bench engine`");
        return;
    }
    let mut sizes = vec![10_000usize, 100_000, 1_000_000];
    let mut args = std::env::args();
    while let Some(a) = args.next() {
        if a == "--sizes" {
            sizes = args.next().unwrap_or_default().split(',').filter_map(|s| s.parse().ok()).collect();
        }
    }
    let rules = RuleSet::default_rules();
    let targets = Targets::default();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    println!("| projects | lights (all) | lights + indicators | per project |");
    println!("|---|---|---|---|");
    for n in sizes {
        let projects: Vec<Project> = (0..n).map(|i| project(i, i % 8 == 0)).collect();
        let t = Instant::now();
        let red = projects.iter().filter(|p| evaluate(p, as_of, &rules).light.is_laggard()).count();
        let lights = t.elapsed();
        let t = Instant::now();
        let facts = keyproj::domain::indicators::all_facts(&projects, 2026, as_of, &rules);
        let facts_time = t.elapsed();
        let t2 = Instant::now();
        let _ = keyproj::domain::indicators::indicators_from_facts(&facts, 2026, as_of, &rules, &targets);
        let group_time = t2.elapsed();
        let t3 = Instant::now();
        drop(facts);
        eprintln!("facts {:?} groups {:?} drop {:?}", facts_time, group_time, t3.elapsed());
        let t = Instant::now();
        let ind = indicators(&projects, 2026, as_of, &rules, &targets);
        let both = t.elapsed();
        assert!(red > 0 && ind.key.projects > 0);
        println!(
            "| {n} | {:.0} ms | {:.0} ms | {:.2} µs |",
            lights.as_secs_f64() * 1000.0,
            both.as_secs_f64() * 1000.0,
            both.as_secs_f64() * 1e6 / n as f64
        );
    }
    // The weekly report for 10k laggards, and its workbook.
    let projects: Vec<Project> = (0..10_000).map(|i| project(i, true)).collect();
    let week = IsoWeek::of(as_of);
    let t = Instant::now();
    let report = keyproj::report::weekly::weekly_report(
        &projects,
        week,
        &rules,
        None,
        keyproj::clock::Clock::System.now(),
        "滕州市",
    );
    let model = t.elapsed();
    let t = Instant::now();
    let xlsx = keyproj::report::render::weekly_xlsx(&report).map(|b| b.len()).unwrap_or(0);
    let render = t.elapsed();
    println!();
    println!("| weekly report | laggards | model | XLSX | XLSX size |");
    println!("|---|---|---|---|---|");
    println!(
        "| {week} | {} | {:.0} ms | {:.0} ms | {} KiB |",
        report.summary.laggards,
        model.as_secs_f64() * 1000.0,
        render.as_secs_f64() * 1000.0,
        xlsx / 1024
    );
}
