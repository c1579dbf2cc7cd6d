//! The demo year as the API shows it: tier and list counts as the plan asks, on both backends.

mod common;

use common::TestApp;
use serde_json::Value;

on_both_backends!(demo_year_matches_the_plan);

async fn total(app: &TestApp, query: &str) -> i64 {
    let r = app.get(&format!("/api/projects?limit=1&{query}")).await;
    assert!(r.status.is_success(), "{query}: {}", r.status);
    r.json()["total"].as_i64().unwrap_or(-1)
}

async fn demo_year_matches_the_plan(app: &TestApp) {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 27);
    let n = keyproj::cli::load_demo(&app.store, app.clock, Some(2026), as_of).await.expect("demo loads");
    assert_eq!(total(app, "").await, n as i64);

    // Attracted projects by tier, counted cumulatively as the targets are.
    let mut by_tier = Vec::new();
    for tier in ["10b", "5b", "1b", "100m", "below"] {
        by_tier.push(total(app, &format!("year=2026&list=attracted&tier={tier}")).await);
    }
    let cumulative: Vec<i64> = by_tier
        .iter()
        .scan(0, |acc, n| {
            *acc += n;
            Some(*acc)
        })
        .collect();
    assert!(cumulative[0] >= 5, "≥100亿: {cumulative:?}");
    assert!(cumulative[1] >= 10, "≥50亿: {cumulative:?}");
    assert!(cumulative[2] >= 40, "≥10亿: {cumulative:?}");
    assert!(cumulative[3] >= 160, "≥1亿: {cumulative:?}");
    assert!(cumulative[4] >= 170, "attracted in all: {cumulative:?}");

    // Key projects by level: 32 provincial, 32 municipal, 198 county.
    let provincial =
        total(app, "year=2026&list=province_major").await + total(app, "year=2026&list=province_quality").await;
    assert_eq!(provincial, 32);
    assert_eq!(total(app, "year=2026&list=municipal").await, 32);
    assert_eq!(total(app, "year=2026&list=county").await, 198);

    // All 21 towns have projects; the named real projects are there, marked as sample data.
    let towns: Value = app.get("/api/towns.geojson?year=2026").await.json();
    let features = towns["features"].as_array().cloned().unwrap_or_default();
    assert_eq!(features.len(), 21);
    assert!(features.iter().all(|f| f["properties"]["project_count"].as_i64().unwrap_or(0) > 0));
    let lianhong = app.get("/api/projects?q=联泓格润").await.json();
    assert_eq!(lianhong["total"], 1);
    assert_eq!(lianhong["items"][0]["sample"], true);
    assert_eq!(lianhong["items"][0]["total_investment_yuan"], 12_500_000_000i64);
    for name in ["鲁南化工", "西岗作业区", "临滕高速"] {
        assert!(total(app, &format!("q={name}")).await >= 1, "{name}");
    }
    // Some projects are under construction with reports through the current month.
    assert!(total(app, "status=under_construction").await > 100);
    let suspended = total(app, "status=suspended").await;
    assert!((1..=6).contains(&suspended), "{suspended}");
}
