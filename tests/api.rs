//! The HTTP API against real SQLite and real PostgreSQL.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{Backend, TestApp};
use serde_json::{Value, json};

on_both_backends!(
    health_names_the_backend,
    create_returns_the_stored_project,
    gcj02_location_is_stored_as_wgs84,
    list_filters_and_pages,
    geojson_points_with_etag_and_gzip,
    towns_and_their_geojson,
    patch_with_version_and_conflict,
    milestones_replans_and_status,
    monthly_reports_replace_and_audit,
    suspend_resume_withdraw,
    bad_input_is_rejected_and_changes_nothing,
    duplicate_code_is_a_conflict,
    unknown_things_are_json_404s,
    query_mistakes_name_their_parameter,
    missing_things_say_what_is_missing,
    concurrent_edits_lose_nothing,
);

fn project(name: &str, town: &str) -> Value {
    json!({
        "name": name,
        "company": "山东示例新材料有限公司",
        "town": town,
        "zone": "鲁南高科技化工园区",
        "chain": "chemical",
        "total_investment_yuan": 1_250_000_000i64,
        "responsible_unit": "市化工产业专班",
        "milestones": {"start": {"planned": "2026-03-01"}, "completion": {"planned": "2027-06-30"}},
        "lists": [{"year": 2026, "list": "county", "kind": "implementation", "build_type": "new_start", "annual_plan_yuan": 500_000_000i64}]
    })
}

async fn create(app: &TestApp, body: Value) -> Value {
    let r = app.post("/api/projects", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

/// Everything a failed request must not change.
async fn fingerprint(app: &TestApp) -> (i64, i64) {
    (app.store.project_count().await.expect("count"), app.store.data_revision().await.expect("revision"))
}

fn assert_error(r: &common::Reply, status: StatusCode, field: Option<&str>) {
    assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
    let body = r.json();
    assert!(body["error"].is_string(), "error code: {body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains(" / "), "message in Chinese and English: {message}");
    assert!(!message.to_lowercase().contains("sqlx") && !message.contains("SELECT"), "no internals: {message}");
    if let Some(field) = field {
        let fields: Vec<&str> = body["details"]
            .as_array()
            .map(|d| d.iter().filter_map(|x| x["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(fields.contains(&field), "expected a detail for {field}, got {fields:?}");
    }
}

async fn health_names_the_backend(app: &TestApp) {
    let r = app.get("/api/health").await;
    assert_eq!(r.status, StatusCode::OK);
    let expected = app.store.backend_name();
    assert_eq!(r.json(), json!({"status": "ok", "database": expected}));
}

async fn create_returns_the_stored_project(app: &TestApp) {
    let p = create(app, project("年产10万吨新材料项目", "西港")).await;
    assert!(p["id"].as_i64().is_some());
    assert_eq!(p["code"], format!("KP{:06}", p["id"].as_i64().unwrap_or(0)));
    assert_eq!(p["tier"], "1b");
    assert_eq!(p["status"], "pipeline");
    assert_eq!(p["version"], 1);
    assert_eq!(p["town"], json!({"code": "370481106", "name": "西岗镇"}));
    assert_eq!(p["location"]["precision"], "town");
    assert_eq!(p["milestones"]["start"]["baseline"], "2026-03-01");
    assert_eq!(p["lists"][0]["annual_plan_yuan"], 500_000_000i64);
    let id = p["id"].as_i64().unwrap_or(0);
    let again = app.get(&format!("/api/projects/{id}")).await;
    assert_eq!(again.status, StatusCode::OK);
    let mut fetched = again.json();
    assert_eq!(fetched["reports"], json!([]));
    fetched.as_object_mut().map(|o| o.remove("reports"));
    assert_eq!(fetched, p, "GET returns what POST returned");
    let history = app.get(&format!("/api/projects/{id}/history")).await.json();
    assert_eq!(history["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(history["items"][0]["action"], "create");
    assert_eq!(history["items"][0]["after"]["name"], "年产10万吨新材料项目");
}

async fn gcj02_location_is_stored_as_wgs84(app: &TestApp) {
    // 荆河街道's seat as Amap gives it (GCJ-02); stored as its WGS84 seat.
    let mut body = project("高德坐标项目", "荆河街道");
    body["location"] = json!({"lon": 117.163675, "lat": 35.078714, "crs": "gcj02"});
    let p = create(app, body).await;
    assert_eq!(p["location"]["precision"], "exact");
    let lon = p["location"]["lon"].as_f64().unwrap_or(0.0);
    let lat = p["location"]["lat"].as_f64().unwrap_or(0.0);
    assert!((lon - 117.157768).abs() < 1e-5 && (lat - 35.079181).abs() < 1e-5, "{lon},{lat}");
    // BD-09 from Baidu too.
    let mut body = project("百度坐标项目", "荆河街道");
    body["location"] = json!({"lon": 117.170, "lat": 35.085, "crs": "bd09"});
    let p = create(app, body).await;
    let lon = p["location"]["lon"].as_f64().unwrap_or(0.0);
    assert!(lon < 117.170 - 0.005, "BD-09 is shifted back west: {lon}");
}

async fn list_filters_and_pages(app: &TestApp) {
    create(app, project("甲化工项目", "西岗镇")).await;
    let mut b = project("乙机床项目", "张汪镇");
    b["chain"] = json!("machine_tool");
    b["total_investment_yuan"] = json!(60_0000_0000i64);
    b["lists"] = json!([{"year": 2026, "list": "municipal", "annual_plan_yuan": 0}]);
    create(app, b).await;
    let mut c = project("丙数字项目 100%_special", "荆河街道");
    c["chain"] = json!("digital");
    c["lists"] = json!([]);
    create(app, c).await;

    let total = |v: &Value| v["total"].as_i64().unwrap_or(-1);
    assert_eq!(total(&app.get("/api/projects").await.json()), 3);
    assert_eq!(total(&app.get("/api/projects?town=西港").await.json()), 1, "town by alias");
    assert_eq!(total(&app.get("/api/projects?town=370481109").await.json()), 1, "town by code");
    assert_eq!(total(&app.get("/api/projects?chain=machine_tool").await.json()), 1);
    assert_eq!(total(&app.get("/api/projects?tier=5b").await.json()), 1);
    assert_eq!(total(&app.get("/api/projects?year=2026").await.json()), 2);
    assert_eq!(total(&app.get("/api/projects?year=2026&list=municipal").await.json()), 1);
    assert_eq!(total(&app.get("/api/projects?year=2025").await.json()), 0);
    assert_eq!(total(&app.get("/api/projects?q=机床").await.json()), 1);
    assert_eq!(total(&app.get("/api/projects?q=100%25_").await.json()), 1, "LIKE wildcards are literal");
    assert_eq!(total(&app.get("/api/projects?q=%25").await.json()), 1);
    assert_eq!(total(&app.get("/api/projects?status=pipeline").await.json()), 3);
    let page = app.get("/api/projects?limit=2&offset=2").await.json();
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(total(&page), 3);
    // SQL metacharacters are data.
    assert_eq!(total(&app.get("/api/projects?q=%27%20OR%201%3D1%20--").await.json()), 0);
    for bad in [
        "year=abc",
        "tier=2b",
        "chain=steel",
        "limit=0",
        "limit=100000",
        "offset=-1",
        "bbox=1,2,3",
        "town=火星",
        "status=done",
    ] {
        let r = app.get(&format!("/api/projects?{bad}")).await;
        assert_error(&r, StatusCode::BAD_REQUEST, None);
    }
}

async fn geojson_points_with_etag_and_gzip(app: &TestApp) {
    let mut exact = project("有坐标项目", "荆河街道");
    exact["location"] = json!({"lon": 117.16, "lat": 35.08});
    create(app, exact).await;
    create(app, project("无坐标项目", "羊庄镇")).await;
    let r = app.get("/api/projects.geojson").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/geo+json");
    let fc = r.json();
    assert_eq!(fc["type"], "FeatureCollection");
    let features = fc["features"].as_array().cloned().unwrap_or_default();
    assert_eq!(features.len(), 2);
    let f = &features[0];
    assert_eq!(f["type"], "Feature");
    assert_eq!(f["geometry"], json!({"type": "Point", "coordinates": [117.16, 35.08]}));
    for key in ["id", "code", "name", "tier", "chain", "town", "status"] {
        assert!(!f["properties"][key].is_null(), "property {key}");
    }
    assert_eq!(features[1]["properties"]["location_precision"], "town");
    // bbox keeps only points inside.
    let inside = app.get("/api/projects.geojson?bbox=117.1,35.0,117.2,35.1").await.json();
    assert_eq!(inside["features"].as_array().map(Vec::len), Some(1));
    // ETag: same data, same tag, 304.
    let etag = r.headers["etag"].to_str().unwrap_or_default().to_string();
    let req =
        Request::get("/api/projects.geojson").header("if-none-match", &etag).body(Body::empty()).expect("request");
    let again = app.send(req).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    // gzip when asked.
    let req =
        Request::get("/api/projects.geojson").header("accept-encoding", "gzip").body(Body::empty()).expect("request");
    let zipped = app.send(req).await;
    assert_eq!(zipped.headers.get("content-encoding").map(|v| v.to_str().unwrap_or_default()), Some("gzip"));
    let mut plain = Vec::new();
    use std::io::Read;
    flate2::read::GzDecoder::new(zipped.body.as_slice()).read_to_end(&mut plain).expect("gunzip");
    assert_eq!(plain, r.body);
    // A change changes the tag.
    create(app, project("第三个项目", "羊庄镇")).await;
    let req =
        Request::get("/api/projects.geojson").header("if-none-match", &etag).body(Body::empty()).expect("request");
    assert_eq!(app.send(req).await.status, StatusCode::OK);
}

async fn towns_and_their_geojson(app: &TestApp) {
    let towns = app.get("/api/towns").await.json();
    assert_eq!(towns["items"].as_array().map(Vec::len), Some(21));
    assert!(towns["attribution"].as_str().unwrap_or_default().contains("CC BY 4.0"));
    create(app, project("甲", "西岗镇")).await;
    create(app, project("乙", "西港")).await;
    let fc = app.get("/api/towns.geojson?year=2026").await.json();
    let features = fc["features"].as_array().cloned().unwrap_or_default();
    assert_eq!(features.len(), 21);
    let xigang = features.iter().find(|f| f["properties"]["code"] == "370481106").cloned().unwrap_or_default();
    assert_eq!(xigang["properties"]["project_count"], 2);
    assert_eq!(xigang["properties"]["investment_yuan"], 2_500_000_000i64);
    assert_eq!(xigang["properties"]["approximate"], true);
    assert_eq!(xigang["geometry"]["type"], "Polygon");
    let none = app.get("/api/towns.geojson?year=2025").await.json();
    assert!(none["features"].as_array().is_some_and(|f| f.iter().all(|x| x["properties"]["project_count"] == 0)));
    let county = app.get("/api/county.geojson").await.json();
    assert_eq!(county["features"][0]["properties"]["name"], "滕州市");
}

async fn patch_with_version_and_conflict(app: &TestApp) {
    let p = create(app, project("待修改项目", "西岗镇")).await;
    let id = p["id"].as_i64().unwrap_or(0);
    let r = app
        .patch(
            &format!("/api/projects/{id}"),
            json!({"version": 1, "total_investment_yuan": 120_0000_0000i64, "company": null}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
    let v2 = r.json();
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["tier"], "10b");
    assert_eq!(v2["company"], Value::Null);
    assert_eq!(v2["name"], "待修改项目");
    let before = fingerprint(app).await;
    let stale = app.patch(&format!("/api/projects/{id}"), json!({"version": 1, "name": "覆盖"})).await;
    assert_error(&stale, StatusCode::CONFLICT, None);
    assert_eq!(stale.json()["error"], "version_conflict");
    assert_eq!(fingerprint(app).await, before);
    assert_eq!(app.get(&format!("/api/projects/{id}")).await.json()["name"], "待修改项目");
    let missing = app.patch(&format!("/api/projects/{id}"), json!({"name": "无版本"})).await;
    assert_error(&missing, StatusCode::UNPROCESSABLE_ENTITY, None);
    let history = app.get(&format!("/api/projects/{id}/history")).await.json();
    let update = &history["items"][1];
    assert_eq!(update["action"], "update");
    assert_eq!(update["before"]["total_investment_yuan"], 1_250_000_000i64);
    assert_eq!(update["after"]["total_investment_yuan"], 12_000_000_000i64);
}

async fn milestones_replans_and_status(app: &TestApp) {
    let p = create(app, project("节点项目", "西岗镇")).await;
    let id = p["id"].as_i64().unwrap_or(0);
    let path = format!("/api/projects/{id}/milestones/start");
    let before = fingerprint(app).await;
    let r = app.put(&path, json!({"planned": "2026-05-01"})).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("milestones.start.reason"));
    assert_eq!(fingerprint(app).await, before);
    let r = app.put(&path, json!({"planned": "2026-05-01", "reason": "环评批复延后", "version": 1})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
    let m = &r.json()["milestones"]["start"];
    assert_eq!(m["baseline"], "2026-03-01");
    assert_eq!(m["planned"], "2026-05-01");
    assert_eq!(m["replans"][0]["reason"], "环评批复延后");
    assert_eq!(m["replans"][0]["from"], "2026-03-01");
    assert_eq!(m["replans"][0]["effective"], "2026-11-27");
    // Record the actual start: status follows.
    let r = app.put(&path, json!({"actual": "2026-05-10"})).await;
    assert_eq!(r.status, StatusCode::OK);
    let p2 = r.json();
    assert_eq!(p2["status"], "under_construction");
    assert_eq!(p2["milestones"]["start"]["planned"], "2026-05-01", "absent fields stay");
    assert_eq!(p2["version"], 3);
    // Future actual dates, completion before start, unknown kinds.
    let r = app.put(&path, json!({"actual": "2026-12-25"})).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("milestones.start.actual"));
    let r = app
        .put(&format!("/api/projects/{id}/milestones/completion"), json!({"planned": "2026-01-01", "reason": "提前"}))
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("milestones.completion.planned"));
    let r = app.put(&format!("/api/projects/{id}/milestones/groundbreaking"), json!({"actual": "2026-05-10"})).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("kind"));
    let r = app.put(&path, json!({"actual": "2026-05-10", "version": 1})).await;
    assert_error(&r, StatusCode::CONFLICT, None);
    let fetched = app.get(&format!("/api/projects/{id}")).await.json();
    assert_eq!(fetched["milestones"]["start"]["replans"].as_array().map(Vec::len), Some(1));
}

async fn monthly_reports_replace_and_audit(app: &TestApp) {
    let p = create(app, project("填报项目", "西岗镇")).await;
    let id = p["id"].as_i64().unwrap_or(0);
    let path = format!("/api/projects/{id}/reports");
    let report = json!({"period": "2026-10", "completed_yuan": 30_000_000, "funds_arrived_yuan": 20_000_000, "note": "主体施工",
        "problems": [{"factor": "land", "text": "二期用地指标未落实", "responsible_unit": "市自然资源局"}]});
    let r = app.post(&path, report).await;
    assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
    let r = app.post(&path, json!({"period": "2026-10", "completed_yuan": 35_000_000})).await;
    assert_eq!(r.status, StatusCode::OK);
    let p = r.json();
    let reports = p["reports"].as_array().cloned().unwrap_or_default();
    assert_eq!(reports.len(), 1, "one report per month");
    assert_eq!(reports[0]["completed_yuan"], 35_000_000);
    assert_eq!(reports[0]["problems"], json!([]));
    assert_eq!(p["version"], 3);
    let history = app.get(&format!("/api/projects/{id}/history")).await.json();
    let actions: Vec<&str> = history["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["action"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(actions, ["create", "create", "replace"]);
    assert_eq!(history["items"][2]["before"]["completed_yuan"], 30_000_000);
    let before = fingerprint(app).await;
    for bad in [
        json!({"period": "2026-13", "completed_yuan": 1}),
        json!({"period": "2027-01", "completed_yuan": 1}),
        json!({"period": "2026-10", "completed_yuan": -1}),
        json!({"period": "2026-10", "completed_yuan": 1, "problems": [{"factor": "weather", "text": "雨"}]}),
        json!({"period": "2026-10", "completed_yuan": 1, "problems": [{"factor": "land", "text": " "}]}),
    ] {
        let r = app.post(&path, bad.clone()).await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, None);
    }
    assert_eq!(fingerprint(app).await, before);
}

async fn suspend_resume_withdraw(app: &TestApp) {
    let p = create(app, project("状态项目", "西岗镇")).await;
    let id = p["id"].as_i64().unwrap_or(0);
    let r = app.post(&format!("/api/projects/{id}/suspend"), json!({})).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("reason"));
    let r = app.post(&format!("/api/projects/{id}/suspend"), json!({"reason": "资金链紧张"})).await;
    assert_eq!(r.json()["status"], "suspended");
    assert_eq!(r.json()["state_reason"], "资金链紧张");
    let r = app.post(&format!("/api/projects/{id}/resume"), json!({"reason": "资金到位"})).await;
    assert_eq!(r.json()["status"], "pipeline");
    let r = app.post(&format!("/api/projects/{id}/withdraw"), json!({"reason": "企业终止投资"})).await;
    assert_eq!(r.json()["status"], "withdrawn");
    assert_eq!(app.get("/api/projects?status=withdrawn").await.json()["total"], 1);
    let history = app.get(&format!("/api/projects/{id}/history")).await.json();
    assert_eq!(history["items"].as_array().map(Vec::len), Some(4));
}

async fn bad_input_is_rejected_and_changes_nothing(app: &TestApp) {
    create(app, project("已有项目", "西岗镇")).await;
    let before = fingerprint(app).await;
    let with = |key: &str, value: Value| {
        let mut b = project("坏输入", "西岗镇");
        b[key] = value;
        b
    };
    let cases: Vec<(Value, StatusCode, Option<&str>)> = vec![
        (with("town", json!("火星镇")), StatusCode::UNPROCESSABLE_ENTITY, Some("town")),
        (with("town", json!("滕州经济开发区")), StatusCode::UNPROCESSABLE_ENTITY, Some("town")),
        (with("total_investment_yuan", json!(-100)), StatusCode::UNPROCESSABLE_ENTITY, Some("total_investment_yuan")),
        (with("total_investment_yuan", json!(0)), StatusCode::UNPROCESSABLE_ENTITY, Some("total_investment_yuan")),
        (
            with("total_investment_yuan", json!(5_000_000_000_000i64)),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("total_investment_yuan"),
        ),
        (with("total_investment_yuan", json!(1.5)), StatusCode::UNPROCESSABLE_ENTITY, Some("total_investment_yuan")),
        (
            with("total_investment_yuan", json!("12亿元")),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("total_investment_yuan"),
        ),
        (with("location", json!({"lon": 200.0, "lat": 35.0})), StatusCode::UNPROCESSABLE_ENTITY, Some("location.lon")),
        (with("location", json!({"lon": 117.0, "lat": -95.0})), StatusCode::UNPROCESSABLE_ENTITY, Some("location.lat")),
        (with("location", json!({"lon": "NaN", "lat": 35.0})), StatusCode::UNPROCESSABLE_ENTITY, Some("location.lon")),
        (with("location", json!({"lon": 116.40, "lat": 39.90})), StatusCode::UNPROCESSABLE_ENTITY, Some("location")),
        (
            with("location", json!({"lon": 117.16, "lat": 35.08, "crs": "epsg3857"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("location.crs"),
        ),
        (
            with("milestones", json!({"start": {"planned": "2026-06-01"}, "completion": {"planned": "2026-01-01"}})),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("milestones.completion.planned"),
        ),
        (
            with("milestones", json!({"groundbreaking": {"planned": "2026-06-01"}})),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        ),
        (
            with("milestones", json!({"start": {"planned": "2026-02-30"}})),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("milestones.start.planned"),
        ),
        (with("chain", json!("steel")), StatusCode::UNPROCESSABLE_ENTITY, Some("chain")),
        (with("name", json!("")), StatusCode::UNPROCESSABLE_ENTITY, Some("name")),
        (with("name", json!("名".repeat(201))), StatusCode::UNPROCESSABLE_ENTITY, Some("name")),
        (with("code", json!("has space")), StatusCode::UNPROCESSABLE_ENTITY, Some("code")),
        (
            with("lists", json!([{"year": 2026, "list": "county", "annual_plan_yuan": 9_000_000_000i64}])),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("lists[0].annual_plan_yuan"),
        ),
        (with("lists", json!([{"year": 2026, "list": "national"}])), StatusCode::UNPROCESSABLE_ENTITY, None),
        (with("unexpected", json!(1)), StatusCode::UNPROCESSABLE_ENTITY, None),
        (json!([1, 2]), StatusCode::UNPROCESSABLE_ENTITY, None),
    ];
    for (body, status, field) in cases {
        let r = app.post("/api/projects", body.clone()).await;
        assert_error(&r, status, field);
        assert_eq!(fingerprint(app).await, before, "unchanged after {body}");
    }
    // Malformed JSON, wrong content type, a 10 MB body, a number too large for JSON.
    let raw = |body: Vec<u8>, content_type: &str| {
        Request::post("/api/projects").header("content-type", content_type).body(Body::from(body)).expect("request")
    };
    let r = app.send(raw(b"{\"name\": ".to_vec(), "application/json")).await;
    assert_error(&r, StatusCode::BAD_REQUEST, None);
    let r = app.send(raw(b"{\"name\":\"x\"} trailing".to_vec(), "application/json")).await;
    assert_error(&r, StatusCode::BAD_REQUEST, None);
    let r = app.send(raw(b"name=x".to_vec(), "application/x-www-form-urlencoded")).await;
    assert_error(&r, StatusCode::UNSUPPORTED_MEDIA_TYPE, None);
    let mut big = project("大请求", "西岗镇");
    big["address"] = json!("址".repeat(10 * 1024 * 1024 / 3));
    let r = app.send(raw(big.to_string().into_bytes(), "application/json")).await;
    assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, None);
    let r = app.send(raw(br#"{"name":"x","town":"370481106","chain":"other","total_investment_yuan":1,"location":{"lon":1e400,"lat":35}}"#.to_vec(), "application/json")).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_eq!(fingerprint(app).await, before);

    // Script-like names are data: stored verbatim, returned as JSON strings.
    let script = "<script>alert('x')</script>项目";
    let p = create(app, project(script, "西岗镇")).await;
    assert_eq!(p["name"], script);
    let r = app.get(&format!("/api/projects/{}", p["id"])).await;
    assert_eq!(r.headers["content-type"], "application/json");
    assert_eq!(r.json()["name"], script);
}

async fn duplicate_code_is_a_conflict(app: &TestApp) {
    let mut a = project("编号项目", "西岗镇");
    a["code"] = json!("2401-370481-04-01-123456");
    create(app, a.clone()).await;
    let before = fingerprint(app).await;
    let r = app.post("/api/projects", a).await;
    assert_error(&r, StatusCode::CONFLICT, Some("code"));
    assert_eq!(fingerprint(app).await, before);
}

async fn unknown_things_are_json_404s(app: &TestApp) {
    for path in ["/api/projects/999999", "/api/projects/abc", "/api/nothing", "/api/projects/999999/history"] {
        let r = app.get(path).await;
        assert_error(&r, StatusCode::NOT_FOUND, None);
    }
    let r = app.patch("/api/projects/999999", json!({"version": 1})).await;
    assert_error(&r, StatusCode::NOT_FOUND, None);
    let r = app.post("/api/projects/999999/reports", json!({"period": "2026-10", "completed_yuan": 1})).await;
    assert_error(&r, StatusCode::NOT_FOUND, None);
}

/// Every checked query parameter of every endpoint: a wrong value is a 400 (a date in the
/// audit filters is a 422) naming the parameter, in both languages, and changes nothing.
async fn query_mistakes_name_their_parameter(app: &TestApp) {
    create(app, project("查询项目", "西岗镇")).await;
    let before = fingerprint(app).await;
    let cases: &[(&str, StatusCode, &str)] = &[
        ("/api/projects?tier=2b", StatusCode::BAD_REQUEST, "tier"),
        ("/api/projects?chain=steel", StatusCode::BAD_REQUEST, "chain"),
        ("/api/projects?status=late", StatusCode::BAD_REQUEST, "status"),
        ("/api/projects?list=national", StatusCode::BAD_REQUEST, "list"),
        ("/api/projects?year=1999", StatusCode::BAD_REQUEST, "year"),
        ("/api/projects?limit=0", StatusCode::BAD_REQUEST, "limit"),
        ("/api/projects?limit=1001", StatusCode::BAD_REQUEST, "limit"),
        ("/api/projects?offset=-1", StatusCode::BAD_REQUEST, "offset"),
        ("/api/projects?bbox=117,35", StatusCode::BAD_REQUEST, "bbox"),
        ("/api/projects?bbox=118,35,117,36", StatusCode::BAD_REQUEST, "bbox"),
        ("/api/projects?light=purple", StatusCode::BAD_REQUEST, "light"),
        ("/api/projects.geojson?light=purple", StatusCode::BAD_REQUEST, "light"),
        ("/api/projects.geojson?town=火星镇", StatusCode::BAD_REQUEST, "town"),
        ("/api/towns.geojson?tier=2b", StatusCode::BAD_REQUEST, "tier"),
        ("/api/exports/ledger.xlsx?unit=jin", StatusCode::BAD_REQUEST, "unit"),
        ("/api/exports/monthly.xlsx?month=2099-01", StatusCode::BAD_REQUEST, "month"),
        ("/api/exports/oc4ids.json?chain=steel", StatusCode::BAD_REQUEST, "chain"),
        ("/api/exports/projects.geojson?year=abc", StatusCode::BAD_REQUEST, "year"),
        ("/api/indicators?as_of=yesterday", StatusCode::BAD_REQUEST, "as_of"),
        ("/api/indicators?year=1999", StatusCode::BAD_REQUEST, "year"),
        ("/api/reports/weekly?week=2026-W99", StatusCode::BAD_REQUEST, "week"),
        ("/api/reports/weekly?week=2027-W01", StatusCode::BAD_REQUEST, "week"),
        ("/api/reports/weekly?format=pdf", StatusCode::BAD_REQUEST, "format"),
        ("/api/reports/bulletin?month=2026-13", StatusCode::BAD_REQUEST, "month"),
        ("/api/reports/bulletin?format=csv", StatusCode::BAD_REQUEST, "format"),
        ("/api/approvals?status=maybe", StatusCode::BAD_REQUEST, "status"),
        ("/api/audit?from=yesterday", StatusCode::UNPROCESSABLE_ENTITY, "from"),
        ("/api/audit?to=2026-02-30", StatusCode::UNPROCESSABLE_ENTITY, "to"),
    ];
    for &(path, status, field) in cases {
        let r = app.get(path).await;
        assert_error(&r, status, Some(field));
    }
    assert_eq!(fingerprint(app).await, before);
}

/// A request that names something that does not exist gets a 404 that says what.
async fn missing_things_say_what_is_missing(app: &TestApp) {
    let cases: &[(Method, &str, Option<Value>, &str)] = &[
        (Method::GET, "/api/projects/999999", None, "no such project"),
        (Method::PATCH, "/api/users/999999", Some(json!({"version": 1})), "no such user"),
        (Method::POST, "/api/users/999999/reset-password", None, "no such user"),
        (Method::DELETE, "/api/tokens/999999", None, "no such token"),
        (Method::POST, "/api/approvals/999999/approve", None, "no such approval"),
        (Method::POST, "/api/approvals/999999/reject", Some(json!({"note": "x"})), "no such approval"),
        (Method::DELETE, "/api/import-mappings/nothing", None, "no saved column mapping"),
        (Method::GET, "/api/nothing", None, "no such endpoint"),
    ];
    for (method, path, body, says) in cases {
        let r = app.call(method.clone(), path, body.clone()).await;
        assert_error(&r, StatusCode::NOT_FOUND, None);
        let en = r.json()["message_en"].as_str().unwrap_or_default().to_string();
        assert!(en.contains(says), "{method} {path}: {en}");
    }
}

/// The web app: its routes get the app page; a missing file is a 404, never the app page.
#[tokio::test]
async fn web_routes_and_missing_files() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    for path in ["/", "/ledger", "/projects/12", "/weekly"] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.headers["content-type"].to_str().unwrap_or_default().starts_with("text/html"), "{path}");
    }
    for path in [
        "/favicon-missing.ico",
        "/assets/missing.js",
        "/assets/x",
        "/..%2F..%2Fetc%2Fpasswd",
        "/a/../../etc/passwd.txt",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!String::from_utf8_lossy(&r.body).contains("<html"), "{path}");
    }
    app.cleanup().await;
}

async fn concurrent_edits_lose_nothing(app: &TestApp) {
    let p = create(app, project("并发项目", "西岗镇")).await;
    let id = p["id"].as_i64().unwrap_or(0);
    let path = format!("/api/projects/{id}");
    let (a, b) = tokio::join!(
        app.patch(&path, json!({"version": 1, "name": "甲改"})),
        app.patch(&path, json!({"version": 1, "name": "乙改"}))
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let winner = if a.status == StatusCode::OK { "甲改" } else { "乙改" };
    let now = app.get(&path).await.json();
    assert_eq!(now["name"], winner);
    assert_eq!(now["version"], 2);
}

async fn restart_keeps_data(backend: Backend) {
    let Some(mut app) = TestApp::spawn(backend).await else {
        return;
    };
    let p = create(&app, project("重启项目", "西岗镇")).await;
    app.restart().await;
    let r = app.get(&format!("/api/projects/{}", p["id"])).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["name"], "重启项目");
    app.cleanup().await;
}

#[tokio::test]
async fn restart_keeps_data_sqlite() {
    restart_keeps_data(Backend::Sqlite).await;
}

#[tokio::test]
async fn restart_keeps_data_postgres() {
    restart_keeps_data(Backend::Postgres).await;
}

/// The router and the document come from one source; still, every documented operation must
/// reach a handler (not the fallback's "no such endpoint", nor 405).
#[tokio::test]
async fn every_documented_operation_is_routed() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let doc = app.get("/api/openapi.json").await.json();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            // Parameters that name nothing: handlers answer 404 for them, in their own words.
            let concrete = path
                .replace("{id}", "999999")
                .replace("{kind}", "start")
                .replace("{week}", "2026-W40")
                .replace("{year}", "2026")
                .replace("{name}", "nothing");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let r = app.call_with(m, &concrete, None, &[("x-anonymous", "1")]).await;
            assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert!(r.json()["message_en"] != "no such endpoint", "{method} {path} is not routed");
            operations += 1;
        }
    }
    assert!(operations >= 48, "{operations}");
    app.cleanup().await;
}

/// The ledger export: the filtered view as a workbook with the office's columns and a total.
#[tokio::test]
async fn ledger_export_is_the_filtered_view() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    create(&app, project("导出甲", "西岗镇")).await;
    create(&app, project("导出乙", "张汪镇")).await;
    let r = app.get("/api/exports/ledger.xlsx?town=西岗镇").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with(b"PK"));
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(r.body)).expect("xlsx");
    let range = book.worksheet_range("项目台账").expect("sheet");
    let text: Vec<String> = range.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(text.iter().any(|c| c == "导出甲"));
    assert!(!text.iter().any(|c| c == "导出乙"), "filtered out");
    assert!(text.iter().any(|c| c.starts_with("合计")));
    assert!(text.iter().any(|c| c == "12.5"), "总投资 in 亿元 as a number: {text:?}");
    assert_eq!(app.get("/api/exports/ledger.xlsx?tier=2b").await.status, StatusCode::BAD_REQUEST);
    app.cleanup().await;
}

/// The monthly progress sheet: the month's figures in 万元, reported or not.
#[tokio::test]
async fn monthly_progress_sheet() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let reported = create(&app, project("已报项目", "西岗镇")).await;
    create(&app, project("未报项目", "西岗镇")).await;
    let r = app
        .post(
            &format!("/api/projects/{}/reports", reported["id"]),
            json!({"period": "2026-10", "completed_yuan": 35_000_000, "note": "主体封顶"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let x = app.get("/api/exports/monthly.xlsx?month=2026-10&town=西岗镇").await;
    assert_eq!(x.status, StatusCode::OK);
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(x.body)).expect("xlsx");
    let range = book.worksheet_range("月度进度").expect("sheet");
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    let row = rows.iter().find(|r| r.iter().any(|c| c == "已报项目")).cloned().unwrap_or_default();
    assert!(row.iter().any(|c| c == "3500"), "本月完成 3500万元: {row:?}");
    assert!(row.iter().any(|c| c == "主体封顶") && row.iter().any(|c| c == "已报"));
    let other = rows.iter().find(|r| r.iter().any(|c| c == "未报项目")).cloned().unwrap_or_default();
    assert!(other.iter().any(|c| c == "未报"));
    assert_eq!(app.get("/api/exports/monthly.xlsx?month=2027-01").await.status, StatusCode::BAD_REQUEST);
    app.cleanup().await;
}
