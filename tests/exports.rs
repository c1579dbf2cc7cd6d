//! Open-data exports: the OC4IDS project package (validated offline against the 0.9.5 schema
//! in `tests/fixtures/oc4ids/`) and the GeoJSON of the ledger, on the demo year.

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::TestApp;
use serde_json::Value;
use std::collections::HashMap;

const PROJECT_SCHEMA_ID: &str =
    "https://standard.open-contracting.org/infrastructure/schema/0__9__5/project-schema.json";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/oc4ids/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("schema is JSON")
}

/// Validate against the package schema; its `$ref` to the project schema's published id is
/// resolved to the local file (no network).
fn oc4ids_errors(package: &Value) -> Vec<String> {
    let package_schema = fixture("project-package-schema.json");
    let project_schema = fixture("project-schema.json");
    assert_eq!(project_schema["id"], PROJECT_SCHEMA_ID);
    let registry = jsonschema::Registry::new()
        .add(PROJECT_SCHEMA_ID, &project_schema)
        .expect("registers")
        .prepare()
        .expect("prepares");
    let validator = jsonschema::draft4::options()
        .offline()
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&package_schema)
        .expect("schema compiles offline");
    validator.iter_errors(package).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

async fn demo(app: &TestApp) -> usize {
    keyproj::cli::load_demo(&app.store, app.clock, Some(2026), Some(d("2026-11-27"))).await.expect("demo loads")
}

/// The ledger of a query, by project code.
async fn ledger(app: &TestApp, query: &str) -> HashMap<String, Value> {
    let r = app.get(&format!("/api/projects?limit=1000&{query}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    let items = body["items"].as_array().expect("items").clone();
    assert_eq!(items.len() as i64, body["total"].as_i64().expect("total"));
    items.into_iter().map(|p| (p["code"].as_str().expect("code").to_string(), p)).collect()
}

fn date_time(v: &Value) -> Value {
    v.as_str().map_or(Value::Null, |s| Value::String(format!("{s}T00:00:00+08:00")))
}

async fn oc4ids_package_validates_and_maps_the_ledger(app: &TestApp) {
    demo(app).await;
    let r = app.get("/api/exports/oc4ids.json?year=2026").await;
    assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
    let package = r.json();
    let errors = oc4ids_errors(&package);
    assert!(errors.is_empty(), "OC4IDS validation errors:\n{}", errors.join("\n"));
    // The validation is not vacuous: an open status, a bad date and a broken milestone status fail.
    for (pointer, bad) in [
        ("/projects/0/status", "suspended"),
        ("/publishedDate", "2026-11-27"),
        ("/projects/0/milestones/0/status", "late"),
        ("/projects/0/budget/amount/currency", "RMB"),
    ] {
        let mut broken = package.clone();
        *broken.pointer_mut(pointer).expect("field exists") = Value::String(bad.into());
        assert!(!oc4ids_errors(&broken).is_empty(), "{pointer} = {bad} should not validate");
    }

    assert_eq!(package["version"], "0.9");
    assert_eq!(package["publisher"]["name"], "滕州市招商引资服务中心");
    let ledger = ledger(app, "year=2026").await;
    let projects = package["projects"].as_array().expect("projects");
    assert_eq!(projects.len(), ledger.len());

    let today = "2026-11-27";
    let (mut started, mut late) = (0, 0);
    for o in projects {
        let id = o["id"].as_str().expect("id");
        let code = id.strip_prefix("oc4ids-keyproj-").expect("id prefix");
        let p = &ledger[code];
        assert_eq!(o["title"], p["name"]);
        // Budget = total investment, in yuan, CNY.
        assert_eq!(o["budget"]["amount"]["amount"], p["total_investment_yuan"], "{code}");
        assert_eq!(o["budget"]["amount"]["currency"], "CNY");
        // The town as a gazetteer entry: its 9-digit NBS code.
        let location = &o["locations"][0];
        let town_code = location["gazetteer"]["identifiers"][0].as_str().expect("town code");
        assert_eq!(town_code, p["town"]["code"].as_str().expect("town"));
        assert!(town_code.len() == 9 && town_code.chars().all(|c| c.is_ascii_digit()), "{town_code}");
        assert_eq!(location["geometry"]["type"], "Point");
        assert_eq!(location["geometry"]["coordinates"][0], p["location"]["lon"]);
        assert_eq!(location["geometry"]["coordinates"][1], p["location"]["lat"]);
        // The period is the baseline.
        assert_eq!(o["period"]["startDate"], date_time(&p["milestones"]["start"]["baseline"]), "{code}");
        assert_eq!(o["period"]["endDate"], date_time(&p["milestones"]["completion"]["baseline"]), "{code}");

        let expected_status = match p["status"].as_str().expect("status") {
            "pipeline" | "signed" => "identification",
            "preparing" => "preparation",
            "under_construction" | "suspended" => "implementation",
            "completed" | "in_production" => "completion",
            "withdrawn" => "cancelled",
            other => panic!("unexpected status {other}"),
        };
        assert_eq!(o["status"], expected_status, "{code}");

        let milestones: HashMap<&str, &Value> = o["milestones"]
            .as_array()
            .map(|ms| ms.iter().map(|m| (m["id"].as_str().expect("milestone id"), m)).collect())
            .unwrap_or_default();
        if p["status"] == "under_construction" {
            started += 1;
            let start = milestones["start"];
            assert_eq!(start["status"], "met", "{code}");
            assert_eq!(start["dateMet"], date_time(&p["milestones"]["start"]["actual"]), "{code}");
        }
        for (kind, m) in p["milestones"].as_object().expect("milestones") {
            let planned = m["planned"].as_str();
            if m["actual"].is_null() && planned.is_some_and(|pl| pl < today) {
                late += 1;
                let om = milestones[kind.as_str()];
                assert_eq!(om["status"], "notMet", "{code} {kind}");
                assert!(om.get("dateMet").is_none());
                assert_eq!(om["dueDate"], date_time(&m["planned"]));
            }
        }
    }
    assert!(started > 0, "the demo year has projects under construction");
    assert!(late > 0, "the demo year has late milestones");

    // Filters apply here too; no match is a 404 (a package needs at least one project).
    let r = app.get("/api/exports/oc4ids.json?year=2026&town=西岗镇").await;
    assert_eq!(r.status, StatusCode::OK);
    let n = r.json()["projects"].as_array().map_or(0, Vec::len);
    assert_eq!(n, ledger_count(app, "year=2026&town=西岗镇").await);
    let r = app.get("/api/exports/oc4ids.json?year=2026&q=没有这样的项目").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"], "no_projects");

    // The publisher is a setting (`serve --publisher`); blank means the default.
    for (setting, expected) in
        [(Some(" 滕州市发展和改革局 "), "滕州市发展和改革局"), (Some("  "), "滕州市招商引资服务中心")]
    {
        let state = keyproj::http::AppState::with_clock(app.store.clone(), app.clock)
            .with_access(app.access.clone())
            .with_publisher(setting.map(str::to_string));
        let req = axum::http::Request::get("/api/exports/oc4ids.json?year=2026")
            .header("authorization", format!("Bearer {}", app.admin_token))
            .body(axum::body::Body::empty())
            .expect("request");
        let r = common::send_to(keyproj::http::router(state), req).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["publisher"]["name"], expected);
    }
}

async fn ledger_count(app: &TestApp, query: &str) -> usize {
    ledger(app, query).await.len()
}

async fn geojson_has_every_ledger_field_and_filters(app: &TestApp) {
    demo(app).await;
    let r = app.get("/api/exports/projects.geojson?year=2026").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/geo+json"));
    let fc = r.json();
    assert_eq!(fc["type"], "FeatureCollection");
    let ledger = ledger(app, "year=2026").await;
    let features = fc["features"].as_array().expect("features");
    assert_eq!(features.len(), ledger.len());
    for f in features {
        assert_eq!(f["type"], "Feature");
        let props = &f["properties"];
        let p = &ledger[props["code"].as_str().expect("code")];
        assert_eq!(f["geometry"]["type"], "Point");
        assert_eq!(f["geometry"]["coordinates"], serde_json::json!([p["location"]["lon"], p["location"]["lat"]]));
        for key in [
            "code",
            "name",
            "company",
            "town_code",
            "town_name",
            "zone",
            "chain",
            "tier",
            "status",
            "total_investment_yuan",
            "annual_plan_yuan",
            "light",
            "start_planned",
            "start_actual",
            "start_baseline",
            "completion_planned",
            "completion_actual",
            "completion_baseline",
            "responsible_unit",
            "responsible_leader",
            "lists",
            "sample",
        ] {
            assert!(props.get(key).is_some(), "property {key} missing");
        }
        assert_eq!(props["name"], p["name"]);
        assert_eq!(props["town_code"], p["town"]["code"]);
        assert_eq!(props["status"], p["status"]);
        assert_eq!(props["tier"], p["tier"]);
        assert_eq!(props["light"], p["light"]);
        assert_eq!(props["total_investment_yuan"], p["total_investment_yuan"]);
        assert_eq!(props["start_baseline"], p["milestones"]["start"]["baseline"]);
        assert_eq!(props["completion_actual"], p["milestones"]["completion"]["actual"]);
        assert_eq!(props["lists"].as_array().map(Vec::len), p["lists"].as_array().map(Vec::len));
        // The annual plan is the largest implementation plan of the year.
        let plan = p["lists"]
            .as_array()
            .expect("lists")
            .iter()
            .filter(|m| m["year"] == 2026 && m["kind"] == "implementation")
            .filter_map(|m| m["annual_plan_yuan"].as_i64())
            .max()
            .unwrap_or(0);
        if p["lists"].as_array().is_some_and(|l| l.iter().all(|m| m["effective_to"].is_null())) {
            assert_eq!(props["annual_plan_yuan"], plan, "{}", props["code"]);
        }
    }
    assert!(features.iter().any(|f| f["properties"]["annual_plan_yuan"].as_i64() > Some(0)));

    // Filters apply: one town.
    let r = app.get("/api/exports/projects.geojson?year=2026&town=西岗镇").await;
    assert_eq!(r.status, StatusCode::OK);
    let town = r.json();
    let features = town["features"].as_array().expect("features");
    assert!(!features.is_empty());
    assert_eq!(features.len(), ledger_count(app, "year=2026&town=西岗镇").await);
    assert!(features.iter().all(|f| f["properties"]["town_name"] == "西岗镇"));
    // …and a light (computed, applied after loading).
    let r = app.get("/api/exports/projects.geojson?year=2026&light=red").await;
    let red = r.json();
    let red = red["features"].as_array().expect("features");
    assert_eq!(red.len(), ledger_count(app, "year=2026&light=red").await);
    assert!(red.iter().all(|f| f["properties"]["light"] == "red"));
}

async fn bad_filters_are_400_json(app: &TestApp) {
    demo(app).await;
    for path in ["/api/exports/oc4ids.json", "/api/exports/projects.geojson"] {
        for query in ["year=abc", "town=火星镇", "light=purple", "chain=steel", "bbox=1,2,3"] {
            let r = app.get(&format!("{path}?{query}")).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}?{query}");
            let body = r.json();
            assert_eq!(body["error"], "invalid_query", "{path}?{query}: {body}");
            assert!(body["message_zh"].is_string() && body["message_en"].is_string());
        }
    }
}

on_both_backends!(
    oc4ids_package_validates_and_maps_the_ledger,
    geojson_has_every_ledger_field_and_filters,
    bad_filters_are_400_json
);
