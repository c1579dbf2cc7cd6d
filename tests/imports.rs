//! Spreadsheet import through the API on real databases: the dry run changes nothing, a file
//! with errors writes nothing, valid rows commit in one transaction, re-importing changes
//! nothing, an updated file updates field by field (audited with file and row), and an import
//! never overwrites a concurrent edit.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::TestApp;
use serde_json::Value;

on_both_backends!(
    dry_run_then_commit_then_idempotent,
    updates_are_field_by_field_and_audited,
    bad_uploads,
    import_never_loses_a_concurrent_edit
);

const LEDGER: &[u8] = include_bytes!("fixtures/ledgers/county_title_note.csv");

async fn upload(app: &TestApp, query: &str, file_name: &str, bytes: &[u8]) -> common::Reply {
    let boundary = "keyprojboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::post(format!("/api/imports?{query}"))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .expect("request");
    app.send(req).await
}

async fn fingerprint(app: &TestApp) -> (i64, i64) {
    (app.store.project_count().await.expect("count"), app.store.data_revision().await.expect("revision"))
}

fn len(v: &Value) -> usize {
    v.as_array().map_or(0, Vec::len)
}

async fn dry_run_then_commit_then_idempotent(app: &TestApp) {
    let before = fingerprint(app).await;
    let r = upload(app, "dry_run=true&year=2026", "台账.csv", LEDGER).await;
    assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
    let plan = &r.json()["plan"];
    assert_eq!(plan["header_row"], 3);
    assert_eq!(len(&plan["create"]), 5);
    // A zone written where the town belongs, and a completion planned before the start.
    assert_eq!(len(&plan["errors"]), 2, "{plan}");
    assert!(plan["errors"].as_array().is_some_and(|e| {
        e.iter().any(|x| x["message_en"].as_str().unwrap_or_default().contains("before planned start"))
    }));
    let e = &plan["errors"][0];
    assert!(e["row"].as_u64().is_some() && e["message_zh"].as_str().is_some() && e["message_en"].as_str().is_some());
    assert_eq!(len(&plan["skipped"]), 3);
    assert_eq!(fingerprint(app).await, before, "a dry run writes nothing");

    // With an error, a commit writes nothing…
    let r = upload(app, "dry_run=false&year=2026", "台账.csv", LEDGER).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"], "import_has_errors");
    assert_eq!(fingerprint(app).await, before);
    // … unless the user chooses the valid rows.
    let r = upload(app, "dry_run=false&valid_only=true&year=2026", "台账.csv", LEDGER).await;
    assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["created"], 5);
    let list = app.get("/api/projects?q=锂电池正极").await.json();
    assert_eq!(list["total"], 1);
    let p = &list["items"][0];
    assert_eq!(p["total_investment_yuan"], 1_200_000_000i64);
    assert_eq!(p["town"]["name"], "荆河街道");
    assert_eq!(p["lists"][0]["annual_plan_yuan"], 300_000_000i64);
    let history = app.get(&format!("/api/projects/{}/history", p["id"])).await.json();
    assert!(history["items"][0]["source"].as_str().unwrap_or_default().starts_with("import:台账.csv#"));

    // Re-importing the same file changes nothing.
    let revision = fingerprint(app).await;
    let r = upload(app, "dry_run=false&valid_only=true&year=2026", "台账.csv", LEDGER).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(
        (body["created"].clone(), body["updated"].clone(), body["unchanged"].clone()),
        (0.into(), 0.into(), 5.into())
    );
    assert_eq!(fingerprint(app).await, revision, "idempotent");
}

async fn updates_are_field_by_field_and_audited(app: &TestApp) {
    let r = upload(app, "dry_run=false&valid_only=true&year=2026", "台账.csv", LEDGER).await;
    assert_eq!(r.status, StatusCode::OK);
    let changed = String::from_utf8_lossy(LEDGER)
        .replace("山东某某新能源有限公司,荆河街道,120000,30000", "山东某某新能源有限公司,荆河街道,150000,30000");
    let r = upload(app, "dry_run=true&year=2026", "台账v2.csv", changed.as_bytes()).await;
    let plan = &r.json()["plan"];
    assert_eq!(len(&plan["update"]), 1, "{plan}");
    assert_eq!(len(&plan["create"]), 0);
    let change = &plan["update"][0]["changes"][0];
    assert_eq!(change["field"], "total_investment_yuan");
    assert_eq!((change["before"].as_str(), change["after"].as_str()), (Some("1200000000"), Some("1500000000")));
    let r = upload(app, "dry_run=false&valid_only=true&year=2026", "台账v2.csv", changed.as_bytes()).await;
    assert_eq!(r.json()["updated"], 1);
    let p = &app.get("/api/projects?q=锂电池正极").await.json()["items"][0];
    assert_eq!(p["total_investment_yuan"], 1_500_000_000i64);
    assert_eq!(p["tier"], "1b");
    let history = app.get(&format!("/api/projects/{}/history", p["id"])).await.json();
    let last = history["items"].as_array().and_then(|a| a.last()).cloned().unwrap_or_default();
    assert_eq!(last["action"], "import");
    assert!(last["source"].as_str().unwrap_or_default().starts_with("import:台账v2.csv#"));
}

async fn bad_uploads(app: &TestApp) {
    let before = fingerprint(app).await;
    for (name, bytes) in [
        ("x.csv", &b""[..]),
        ("x.pdf", b"%PDF-1.7 not a sheet"),
        ("x.xlsx", b"PK\x03\x04garbage"),
        ("x.csv", b"a,b\n1,2\n"),
    ] {
        let r = upload(app, "dry_run=false", name, bytes).await;
        assert!(r.status.is_client_error(), "{name}: {}", r.status);
        assert!(
            r.json()["message"].as_str().is_some_and(|m| m.contains(" / ")) || r.json()["error"].is_string(),
            "{name}"
        );
    }
    let req = Request::post("/api/imports")
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .expect("request");
    assert!(app.send(req).await.status.is_client_error());
    assert_eq!(fingerprint(app).await, before);
}

async fn import_never_loses_a_concurrent_edit(app: &TestApp) {
    use keyproj::import::{ImportOptions, interpret, plan::plan, read_table};
    let r = upload(app, "dry_run=false&valid_only=true&year=2026", "台账.csv", LEDGER).await;
    assert_eq!(r.status, StatusCode::OK);
    // Plan an update from the file as the ledger is now …
    let changed = String::from_utf8_lossy(LEDGER).replace("120000,30000", "150000,30000");
    let table = read_table("v2.csv", changed.as_bytes()).expect("table");
    let towns = app.store.town_layer().await.expect("towns");
    let interp = interpret(&table, &towns, &ImportOptions { year: 2026, mapping: None });
    let existing = app.store.all_projects().await.expect("projects");
    let planned = plan("v2.csv", &table.sheet, &interp, &existing, &towns, 2026, common::test_now());
    assert_eq!(planned.update.len(), 1);
    // … meanwhile someone edits that project …
    let id = planned.update[0].project_id;
    let version = planned.update[0].version;
    let r = app
        .patch(
            &format!("/api/projects/{id}"),
            serde_json::json!({"version": version, "responsible_unit": "市发展改革局"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // … so the import's write is refused and nothing of it lands.
    let before = fingerprint(app).await;
    let result = app.store.apply_changes(planned.changes("tester"), common::test_now()).await;
    assert!(matches!(result, Err(keyproj::store::StoreError::Conflict { .. })), "{result:?}");
    assert_eq!(fingerprint(app).await, before);
    let p = app.get(&format!("/api/projects/{id}")).await.json();
    assert_eq!(p["responsible_unit"], "市发展改革局");
    assert_eq!(p["total_investment_yuan"], 1_200_000_000i64);
}

/// Round trip: the ledger exported as XLSX imports back with no changes.
#[tokio::test]
async fn exported_ledger_imports_back_unchanged() {
    let app = TestApp::spawn(common::Backend::Sqlite).await.expect("sqlite");
    keyproj::cli::load_demo(&app.store, Some(2026), chrono::NaiveDate::from_ymd_opt(2026, 11, 27)).await.expect("demo");
    // In 亿元 (the default) and in 万元, the exported ledger reads back with nothing to change.
    for unit in ["yi", "wan"] {
        let xlsx = app.get(&format!("/api/exports/ledger.xlsx?year=2026&unit={unit}")).await;
        assert_eq!(xlsx.status, StatusCode::OK);
        let r = upload(&app, "dry_run=true&year=2026", "项目台账.xlsx", &xlsx.body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
        let plan = &r.json()["plan"];
        let total = app.get("/api/projects?year=2026&limit=1").await.json()["total"].as_u64().unwrap_or(0) as usize;
        assert_eq!(len(&plan["errors"]), 0, "{}", plan["errors"]);
        assert_eq!(len(&plan["duplicates"]), 0, "{}", plan["duplicates"]);
        assert_eq!(len(&plan["create"]), 0, "{}", plan["create"]);
        assert_eq!(len(&plan["update"]), 0, "{}", serde_json::to_string(&plan["update"][0]).unwrap_or_default());
        assert_eq!(len(&plan["unchanged"]), total);
    }
    assert_eq!(app.get("/api/exports/ledger.xlsx?unit=usd").await.status, StatusCode::BAD_REQUEST);
    app.cleanup().await;
}

/// The blank template reads back as a ledger with every column recognised and no rows.
#[tokio::test]
async fn template_reads_back_as_an_empty_ledger() {
    let app = TestApp::spawn(common::Backend::Sqlite).await.expect("sqlite");
    let t = app.get("/api/templates/ledger.xlsx?year=2026").await;
    assert_eq!(t.status, StatusCode::OK);
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(t.body.clone())).expect("xlsx");
    assert_eq!(book.sheet_names(), ["项目台账", "填表说明", "选项"]);
    let options = book.worksheet_range("选项").expect("options");
    let towns: Vec<String> =
        options.rows().skip(1).filter_map(|r| r.first().map(|c| c.to_string())).filter(|s| !s.is_empty()).collect();
    assert_eq!(towns.len(), 21);
    let r = upload(&app, "dry_run=true&year=2026", "模板.xlsx", &t.body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
    let body = r.json();
    assert_eq!(body["plan"]["header_row"], 2);
    assert_eq!(len(&body["plan"]["errors"]), 0, "{}", body["plan"]["errors"]);
    assert_eq!(len(&body["plan"]["create"]), 0);
    assert_eq!(
        len(&body["plan"]["unmapped_columns"]),
        0,
        "every template column is recognised: {}",
        body["plan"]["unmapped_columns"]
    );
    app.cleanup().await;
}
