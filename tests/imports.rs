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
    import_never_loses_a_concurrent_edit,
    saved_mappings_are_validated_listed_used_and_deleted,
    batched_commit_keeps_ids_codes_details_and_audit_per_row,
    batched_commit_is_all_or_nothing
);

const LEDGER: &[u8] = include_bytes!("fixtures/ledgers/county_title_note.csv");

async fn upload(app: &TestApp, query: &str, file_name: &str, bytes: &[u8]) -> common::Reply {
    upload_with_mapping(app, query, file_name, bytes, None).await
}

/// An upload with a corrected column mapping in the `mapping` part.
async fn upload_with_mapping(
    app: &TestApp,
    query: &str,
    file_name: &str,
    bytes: &[u8],
    mapping: Option<&Value>,
) -> common::Reply {
    let boundary = "keyprojboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    if let Some(m) = mapping {
        body.extend_from_slice(
            format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"mapping\"\r\n\r\n{m}").as_bytes(),
        );
    }
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

/// Percent-encoding for a path segment or query value (Chinese mapping names).
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A town office's sheet whose columns the dictionary does not know (位置, 金额, 企业): without
/// a mapping there is not even a header.
const TOWN_SHEET: &str = "镇街报送\n项目名称,企业,位置,金额(万元)\n精密铸件项目,滕州某铸造有限公司,西港,12000\n冷链物流园项目,滕州某物流有限公司,张旺,8000\n";

async fn saved_mappings_are_validated_listed_used_and_deleted(app: &TestApp) {
    let name = "镇街报送格式";
    let path = format!("/api/import-mappings/{}", enc(name));
    assert_eq!(app.get("/api/import-mappings").await.json()["items"], serde_json::json!([]));
    // Without a mapping the sheet has no recognisable header.
    let r = upload(app, "dry_run=true&year=2026", "镇街.csv", TOWN_SHEET.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(len(&r.json()["plan"]["create"]), 0);
    assert!(len(&r.json()["plan"]["errors"]) > 0);

    // Unknown field names, repeated or empty headers: 400, bilingual, per column; nothing saved.
    let before = fingerprint(app).await;
    let r = app
        .put(&path, serde_json::json!({"columns": [{"header": "位置", "field": "townn"}, {"header": "金额(万元)", "field": "total_investment"}]}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(&r.body));
    let body = r.json();
    assert_eq!(body["error"], "invalid_mapping");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains(" / ") && message.contains("townn"), "{message}");
    assert_eq!(body["details"][0]["field"], "columns[0].field");
    let r = app
        .put(&path, serde_json::json!({"columns": [{"header": "位置", "field": "town"}, {"header": " 位 置", "field": "zone"}, {"header": "", "field": "name"}]}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(len(&r.json()["details"]), 2);
    assert_eq!(app.put(&path, serde_json::json!({"columns": {}})).await.status, StatusCode::BAD_REQUEST);
    let long = format!("/api/import-mappings/{}", enc(&"长".repeat(65)));
    let r = app.put(&long, serde_json::json!({"columns": []})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"], "invalid_mapping_name");
    assert_eq!(
        app.put("/api/import-mappings/a%2Fb", serde_json::json!({"columns": []})).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(fingerprint(app).await, before, "nothing saved, nothing audited");

    // Saved, listed, audited.
    let mapping = serde_json::json!({"columns": [
        {"header": "位置", "field": "town"},
        {"header": "金额(万元)", "field": "total_investment"},
        {"header": "企业", "field": "company"},
    ]});
    let r = app.put(&path, mapping.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["name"], name);
    assert_eq!(r.json()["mapping"]["columns"][0]["field"], "town");
    let by = r.json()["updated_by"].as_str().unwrap_or_default().to_string();
    assert!(!by.is_empty());
    let list = app.get("/api/import-mappings").await.json();
    assert_eq!(len(&list["items"]), 1);
    assert_eq!(list["items"][0]["name"], name);
    assert_eq!(list["items"][0]["mapping"]["columns"][1]["header"], "金额(万元)");
    assert_eq!(list["items"][0]["updated_by"], by.as_str());

    // A dry run with the saved mapping finds the header and every column; then the commit.
    let query = format!("dry_run=true&year=2026&mapping={}", enc(name));
    let r = upload(app, &query, "镇街.csv", TOWN_SHEET.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
    let body = r.json();
    assert_eq!(body["plan"]["header_row"], 2);
    assert_eq!(len(&body["plan"]["errors"]), 0, "{}", body["plan"]["errors"]);
    assert_eq!(len(&body["plan"]["create"]), 2);
    assert_eq!(body["plan"]["create"][0]["total_investment_yuan"], 120_000_000i64);
    assert_eq!(body["mapping_name"], name);
    // Corrections sent with the file win over the saved mapping for their headers.
    let corrected = serde_json::json!({"columns": [{"header": "企业", "field": "ignore"}]});
    let r = upload_with_mapping(app, &query, "镇街.csv", TOWN_SHEET.as_bytes(), Some(&corrected)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json()["plan"]["unmapped_columns"].as_array().is_some_and(|u| u.iter().any(|h| h == "企业")));
    // A corrected mapping with an unknown field name is refused like a saved one.
    let wrong = serde_json::json!({"columns": [{"header": "企业", "field": "firm"}]});
    let r = upload_with_mapping(app, &query, "镇街.csv", TOWN_SHEET.as_bytes(), Some(&wrong)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"], "invalid_mapping");
    // An unknown saved mapping is a 404 and writes nothing.
    let before = fingerprint(app).await;
    let r = upload(app, "dry_run=false&year=2026&mapping=nope", "镇街.csv", TOWN_SHEET.as_bytes()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"], "not_found");
    assert!(r.json()["message_en"].as_str().is_some_and(|m| m.contains("no saved column mapping")), "{}", r.json());
    assert_eq!(fingerprint(app).await, before);
    let commit = format!("dry_run=false&year=2026&mapping={}", enc(name));
    let r = upload(app, &commit, "镇街.csv", TOWN_SHEET.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["created"], 2);
    let p = &app.get("/api/projects?q=精密铸件").await.json()["items"][0];
    assert_eq!(p["town"]["name"], "西岗镇");
    assert_eq!(p["company"], "滕州某铸造有限公司");
    assert_eq!(p["total_investment_yuan"], 120_000_000i64);
    let r = upload(app, &commit, "镇街.csv", TOWN_SHEET.as_bytes()).await;
    assert_eq!((r.json()["created"].clone(), r.json()["unchanged"].clone()), (0.into(), 2.into()), "idempotent");

    // Replaced under the same name, then deleted; each change audited.
    let r = app.put(&path, serde_json::json!({"columns": [{"header": "位置", "field": "zone"}]})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(app.get("/api/import-mappings").await.json()["items"][0]["mapping"]["columns"][0]["field"], "zone");
    let r = app.call(axum::http::Method::DELETE, &path, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app.call(axum::http::Method::DELETE, &path, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"], "not_found");
    assert!(r.json()["message_en"].as_str().is_some_and(|m| m.contains("no saved column mapping")), "{}", r.json());
    assert_eq!(len(&app.get("/api/import-mappings").await.json()["items"]), 0);
    let history = app.store.history("import_mapping", name).await.expect("history");
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["create", "replace", "delete"]);
    assert!(history.iter().all(|h| h.actor == by));
}

/// A generated ledger of `rows` new projects, crossing several multi-row batches: even rows
/// carry a project code, odd rows get a generated one.
fn big_ledger(rows: usize, tweak: impl Fn(usize, &mut String)) -> String {
    let towns = ["荆河街道", "西岗镇", "张汪镇", "滨湖镇", "鲍沟镇", "官桥镇", "木石镇"];
    let mut out = String::from(
        "2026年重点项目台账\n序号,项目编号,项目名称,建设单位,所在镇街,总投资(万元),年度计划投资(万元),计划开工时间,项目类别\n",
    );
    for i in 0..rows {
        let code = if i % 2 == 0 { format!("BATCH-{i:05}") } else { String::new() };
        let mut line = format!(
            "{},{code},批量项目{i},滕州批量{}有限公司,{},{},{},2026-{:02}-{:02},县级 实施类 新开工\n",
            i + 1,
            i % 97,
            towns[i % towns.len()],
            5_000 + i,
            1_000 + i % 500,
            i % 12 + 1,
            i % 28 + 1
        );
        tweak(i, &mut line);
        out.push_str(&line);
    }
    out
}

const BIG: usize = 2_300;

async fn batched_commit_keeps_ids_codes_details_and_audit_per_row(app: &TestApp) {
    let file = big_ledger(BIG, |_, _| {});
    let r = upload(app, "dry_run=false&year=2026", "批量.csv", file.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body[..r.body.len().min(2000)]));
    assert_eq!(r.json()["created"], BIG as u64);
    let mut projects = app.store.all_projects().await.expect("projects");
    assert_eq!(projects.len(), BIG);
    projects.sort_by_key(|p| p.id);
    for (i, p) in projects.iter().enumerate() {
        // Ids follow the sheet's rows; each row's values landed on its own project.
        assert_eq!(p.name, format!("批量项目{i}"), "id {} holds row {i}", p.id);
        let code = if i % 2 == 0 { format!("BATCH-{i:05}") } else { format!("KP{:06}", p.id) };
        assert_eq!(p.code, code);
        assert_eq!(p.company.as_deref(), Some(format!("滕州批量{}有限公司", i % 97).as_str()));
        assert_eq!(p.total_investment_yuan.0, (5_000 + i as i64) * 10_000);
        assert_eq!(p.version, 1);
        let start = p.milestones.get(keyproj::domain::milestone::MilestoneKind::Start);
        assert_eq!(start.planned.map(|d| d.to_string()), Some(format!("2026-{:02}-{:02}", i % 12 + 1, i % 28 + 1)));
        assert_eq!(p.lists.len(), 1);
        assert_eq!(p.lists[0].annual_plan_yuan.0, (1_000 + (i as i64) % 500) * 10_000);
    }
    // One create record per project, naming the file and the sheet row, with the stored project.
    for i in [0, 1, 998, 999, 1000, 1001, 1499, 1500, BIG - 1] {
        let p = &projects[i];
        let history = app.store.history("project", &p.id.to_string()).await.expect("history");
        assert_eq!(history.len(), 1, "row {i}");
        let h = &history[0];
        assert_eq!(h.action, "create");
        assert_eq!(h.source, format!("import:批量.csv#{}", i + 3));
        let after = h.after.as_ref().map(|j| j.0.clone()).unwrap_or_default();
        assert_eq!(after["id"], p.id);
        assert_eq!(after["code"], p.code.as_str());
        assert_eq!(after["town"]["name"], p.town.name.as_str());
        assert!(!p.town.name.is_empty() && p.town.name != p.town.code);
        assert_eq!(after["milestones"]["start"]["planned"], start_of(p));
    }
    // Re-importing the same file changes nothing.
    let before = fingerprint(app).await;
    let r = upload(app, "dry_run=false&year=2026", "批量.csv", file.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!((r.json()["created"].clone(), r.json()["unchanged"].clone()), (0.into(), (BIG as u64).into()));
    assert_eq!(fingerprint(app).await, before, "idempotent");

    // Store level: creations and updates mixed, ids returned in order, progress reported.
    use keyproj::import::{ImportOptions, interpret, plan::plan, read_table};
    let changed = big_ledger(BIG + 1_200, |i, line| {
        if i == 7 {
            *line = line.replace(",5007,", ",6007,");
        }
    });
    let table = read_table("批量2.csv", changed.as_bytes()).expect("table");
    let towns = app.store.town_layer().await.expect("towns");
    let interp = interpret(&table, &towns, &ImportOptions { year: 2026, mapping: None });
    let existing = app.store.all_projects().await.expect("projects");
    let planned = plan("批量2.csv", &table.sheet, &interp, &existing, &towns, 2026, common::test_now());
    assert_eq!((planned.create.len(), planned.update.len()), (1_200, 1));
    let changes = planned.changes("tester");
    let reported = std::sync::Mutex::new(Vec::new());
    let ids = app
        .store
        .apply_changes_reporting(changes, common::test_now(), &|n| reported.lock().expect("lock").push(n))
        .await
        .expect("commit");
    assert_eq!(ids.len(), 1_201);
    assert_eq!(ids[1_200], projects[7].id, "the update comes after the creations, as planned");
    assert!(ids[..1_200].windows(2).all(|w| w[0] < w[1]));
    let reported = reported.into_inner().expect("lock");
    assert!(reported.windows(2).all(|w| w[0] < w[1]) && reported.last() == Some(&1_201), "{reported:?}");
    let created = app.store.project(ids[0]).await.expect("project");
    assert_eq!(created.name, format!("批量项目{BIG}"));
    let updated = app.store.project(projects[7].id).await.expect("project");
    assert_eq!((updated.version, updated.total_investment_yuan.0), (2, 6_007 * 10_000));
}

fn start_of(p: &keyproj::domain::project::Project) -> Value {
    let d = p.milestones.get(keyproj::domain::milestone::MilestoneKind::Start).planned;
    d.map_or(Value::Null, |d| Value::String(d.to_string()))
}

async fn batched_commit_is_all_or_nothing(app: &TestApp) {
    use keyproj::import::{ImportOptions, interpret, plan::plan, read_table};
    use keyproj::store::{ImportChange, StoreError};
    // A project code given twice in the file, the second time in a later batch: refused, naming
    // the code, and nothing of the earlier batches stays.
    let file = big_ledger(BIG, |i, line| {
        if i == 2_201 {
            *line = line.replace(",,批量项目2201,", ",BATCH-00004,批量项目2201,");
        }
    });
    let before = fingerprint(app).await;
    let r = upload(app, "dry_run=false&year=2026", "重复.csv", file.as_bytes()).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", String::from_utf8_lossy(&r.body[..r.body.len().min(2000)]));
    assert_eq!(r.json()["error"], "duplicate_code");
    assert!(r.json()["message"].as_str().unwrap_or_default().contains("BATCH-00004"));
    assert_eq!(fingerprint(app).await, before, "nothing written");

    // A failure in the last batch (an unknown town, refused at commit by the foreign key) or a
    // code that is already taken: nothing written either.
    let table = read_table("批量.csv", big_ledger(BIG, |_, _| {}).as_bytes()).expect("table");
    let towns = app.store.town_layer().await.expect("towns");
    let interp = interpret(&table, &towns, &ImportOptions { year: 2026, mapping: None });
    let planned = plan("批量.csv", &table.sheet, &interp, &[], &towns, 2026, common::test_now());
    assert_eq!(planned.create.len(), BIG);
    let mut changes = planned.changes("tester");
    if let ImportChange::Create { project, .. } = &mut changes[BIG - 5] {
        project.town_code = "999999999".into();
    }
    let result = app.store.apply_changes(changes, common::test_now()).await;
    assert!(result.is_err(), "{result:?}");
    assert_eq!(fingerprint(app).await, before, "nothing written");
    let r = app.post("/api/projects", serde_json::json!({"name": "已有项目", "code": "TAKEN-1", "town": "西岗镇", "chain": "other", "total_investment_yuan": 200_000_000i64})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&r.body));
    let before = fingerprint(app).await;
    let mut changes = planned.changes("tester");
    if let ImportChange::Create { project, .. } = &mut changes[1_700] {
        project.code = Some("TAKEN-1".into());
    }
    let result = app.store.apply_changes(changes, common::test_now()).await;
    assert!(matches!(&result, Err(StoreError::DuplicateCode(c)) if c == "TAKEN-1"), "{result:?}");
    assert_eq!(fingerprint(app).await, before, "nothing written");
}

/// Round trip: the ledger exported as XLSX imports back with no changes.
#[tokio::test]
async fn exported_ledger_imports_back_unchanged() {
    let app = TestApp::spawn(common::Backend::Sqlite).await.expect("sqlite");
    keyproj::cli::load_demo(&app.store, app.clock, Some(2026), chrono::NaiveDate::from_ymd_opt(2026, 11, 27))
        .await
        .expect("demo");
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
