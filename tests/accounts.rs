//! Accounts on both databases: the permission matrix (every documented endpoint × every role,
//! anonymous, a disabled user and an expired session), sign-in and throttling, sessions and
//! CSRF, tokens, the audit trail, and approvals of town editors' sensitive changes.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use common::{Reply, TestApp, test_now};
use keyproj::domain::access::Role;
use serde_json::{Value, json};
use std::net::SocketAddr;

const PASSWORD: &str = "correct horse battery";

fn project(name: &str, town: &str) -> Value {
    json!({
        "name": name,
        "company": "山东示例新材料有限公司",
        "town": town,
        "chain": "chemical",
        "total_investment_yuan": 1_250_000_000i64,
        "milestones": {"start": {"planned": "2026-03-01"}, "completion": {"planned": "2027-06-30"}},
        "lists": [{"year": 2026, "list": "county", "kind": "implementation", "build_type": "new_start", "annual_plan_yuan": 500_000_000i64}]
    })
}

async fn town_code(app: &TestApp, name: &str) -> String {
    app.store.town_layer().await.expect("layer").resolve(name).expect("town").code.clone()
}

async fn create(app: &TestApp, body: Value) -> i64 {
    let r = app.post("/api/projects", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&r.body));
    r.json()["id"].as_i64().expect("id")
}

async fn version(app: &TestApp, id: i64) -> i64 {
    app.get(&format!("/api/projects/{id}")).await.json()["version"].as_i64().expect("version")
}

fn text(r: &Reply) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

/// A signed-in browser: its cookie and CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

async fn login(app: &TestApp, username: &str, password: &str) -> Reply {
    app.call_with(
        Method::POST,
        "/api/login",
        Some(json!({ "username": username, "password": password })),
        &[("x-anonymous", "1")],
    )
    .await
}

async fn sign_in(app: &TestApp, username: &str) -> Session {
    let r = login(app, username, PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    let set = r.headers.get("set-cookie").and_then(|v| v.to_str().ok()).expect("cookie").to_string();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"), "{set}");
    assert!(!set.contains("Secure"), "no Secure over plain HTTP: {set}");
    let cookie = set.split(';').next().expect("pair").to_string();
    let csrf = r.json()["csrf_token"].as_str().expect("csrf").to_string();
    Session { cookie, csrf }
}

async fn as_session(app: &TestApp, s: &Session, method: Method, path: &str, body: Option<Value>) -> Reply {
    app.call_with(method, path, body, &[("cookie", &s.cookie), ("x-csrf-token", &s.csrf)]).await
}

// ---------------------------------------------------------------------------------------------
// The permission matrix.

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    Admin,
    Editor,
    /// Bound to the town of project A (not B).
    TownEditor,
    Viewer,
    DisabledUser,
    ExpiredSession,
}

const EVERYONE: [Who; 7] =
    [Who::Anonymous, Who::Admin, Who::Editor, Who::TownEditor, Who::Viewer, Who::DisabledUser, Who::ExpiredSession];

/// Who may call an operation.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// No sign-in needed.
    Public,
    /// Any signed-in caller.
    Read,
    /// Project edits: admin, editor, and a town editor on its own town's project.
    Edit,
    /// Admin and editor.
    Editors,
    Admin,
}

fn rule(method: &str, path: &str) -> Rule {
    use Rule::*;
    match (method, path) {
        ("get", "/api/health" | "/api/openapi.json" | "/api/config") | ("post", "/api/login") => Public,
        ("get", "/api/audit" | "/api/exports/audit.xlsx" | "/api/users" | "/api/tokens") => Admin,
        ("post", "/api/users" | "/api/users/{id}/reset-password" | "/api/tokens")
        | ("patch", "/api/users/{id}")
        | ("delete", "/api/tokens/{id}")
        | ("put", "/api/targets/{year}") => Admin,
        ("post", "/api/projects" | "/api/imports" | "/api/reports/weekly/{week}/publish")
        | ("post", "/api/approvals/{id}/approve" | "/api/approvals/{id}/reject") => Editors,
        ("put" | "delete", p) if p.starts_with("/api/import-mappings") => Editors,
        ("patch", "/api/projects/{id}")
        | ("put", "/api/projects/{id}/milestones/{kind}")
        | ("post", "/api/projects/{id}/reports" | "/api/projects/{id}/suspend")
        | ("post", "/api/projects/{id}/resume" | "/api/projects/{id}/withdraw") => Edit,
        ("post", "/api/logout" | "/api/me/password") => Read,
        ("get", _) => Read,
        other => panic!("no row in the permission matrix for {other:?}: add one"),
    }
}

fn allowed(rule: Rule, who: Who, in_own_town: bool) -> bool {
    match (rule, who) {
        (Rule::Public, _) => true,
        (_, Who::Anonymous | Who::DisabledUser | Who::ExpiredSession) => false,
        (Rule::Read, _) => true,
        (Rule::Edit, Who::Admin | Who::Editor) => true,
        (Rule::Edit, Who::TownEditor) => in_own_town,
        (Rule::Editors, Who::Admin | Who::Editor) => true,
        (Rule::Admin, Who::Admin) => true,
        _ => false,
    }
}

/// What an allowed caller must get: the operation's success status. (Every allowed caller of
/// `POST /api/me/password` in the matrix holds an API token, which has no password: 400.)
fn allowed_outcome(method: &str, path: &str, who: Who) -> StatusCode {
    match (method, path) {
        ("post", "/api/projects" | "/api/users" | "/api/tokens" | "/api/reports/weekly/{week}/publish") => {
            StatusCode::CREATED
        }
        ("delete", "/api/tokens/{id}" | "/api/import-mappings/{name}") | ("post", "/api/logout") => {
            StatusCode::NO_CONTENT
        }
        ("post", "/api/me/password") => StatusCode::BAD_REQUEST,
        // A town editor's withdrawal waits for an editor.
        ("post", "/api/projects/{id}/withdraw") if who == Who::TownEditor => StatusCode::ACCEPTED,
        _ => StatusCode::OK,
    }
}

struct Fixture {
    project_a: i64,
    project_b: i64,
    target_user: i64,
    target_token: i64,
    admin: String,
    editor: String,
    town_editor: String,
    viewer: String,
    disabled: Session,
    expired: Session,
}

async fn fixture(app: &TestApp) -> Fixture {
    let project_a = create(app, project("甲镇项目", "西岗镇")).await;
    let project_b = create(app, project("乙镇项目", "张汪镇")).await;
    let town_a = town_code(app, "西岗镇").await;
    let target_user = app.user("target", Role::Viewer, &[], PASSWORD).await.id;
    app.user("matrix-login", Role::Viewer, &[], PASSWORD).await;
    let target = app.post("/api/tokens", json!({ "name": "target", "role": "viewer" })).await;
    let target_token = target.json()["token"]["id"].as_i64().expect("token id");
    app.user("off", Role::Editor, &[], PASSWORD).await;
    let disabled = sign_in(app, "off").await;
    let off = app.store.user_by_name("off").await.expect("user").expect("exists");
    let r = app.patch(&format!("/api/users/{}", off.id), json!({ "version": off.version, "disabled": true })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    app.user("late", Role::Editor, &[], PASSWORD).await;
    let expired = sign_in(app, "late").await;
    Fixture {
        project_a,
        project_b,
        target_user,
        target_token,
        admin: app.admin_token.clone(),
        editor: app.token(Role::Editor, &[], "editor").await,
        town_editor: app.token(Role::TownEditor, &[&town_a], "town").await,
        viewer: app.token(Role::Viewer, &[], "viewer").await,
        disabled,
        expired,
    }
}

/// A request body.
enum Payload {
    Empty,
    Json(Value),
    /// A multipart upload of one file.
    File(&'static str, Vec<u8>),
}

/// A fresh pending approval on `project` (a town editor's change of its total investment).
async fn fresh_approval(app: &TestApp, f: &Fixture, project: i64) -> i64 {
    let v = version(app, project).await;
    let amount = 1_300_000_000i64 + i64::from(rand_suffix());
    let body = json!({"version": v, "total_investment_yuan": amount});
    let r = app.call_as(&f.town_editor, Method::PATCH, &format!("/api/projects/{project}"), Some(body)).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", text(&r));
    let pending = r.json()["pending_approvals"].as_array().cloned().unwrap_or_default();
    pending.iter().filter_map(|a| a["id"].as_i64()).max().expect("the new approval")
}

/// Put `project` in `state` (`active` or `suspended`) through the API, as an administrator.
async fn ensure_state(app: &TestApp, project: i64, state: &str) {
    let current = app.get(&format!("/api/projects/{project}")).await.json()["state"].as_str().map(str::to_string);
    if current.as_deref() == Some(state) {
        return;
    }
    if current.as_deref() != Some("active") {
        let r = app.post(&format!("/api/projects/{project}/resume"), json!({"reason": "矩阵测试恢复"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    }
    if state == "suspended" {
        let r = app.post(&format!("/api/projects/{project}/suspend"), json!({"reason": "矩阵测试暂停"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    }
}

/// A valid request for a documented operation on project `project`, with the state it needs
/// set up first (a pending approval to decide, a project to suspend or resume, a mapping to
/// delete, a week not yet published), so an allowed caller gets the success answer.
async fn sample(app: &TestApp, f: &Fixture, method: &str, path: &str, project: i64) -> (String, Payload) {
    let approval = if path.starts_with("/api/approvals/{id}") { fresh_approval(app, f, f.project_a).await } else { 0 };
    let week = format!("2026-W{:02}", 1 + rand_suffix() % 45);
    let concrete = path
        .replace("/projects/{id}", &format!("/projects/{project}"))
        .replace("/users/{id}", &format!("/users/{}", f.target_user))
        .replace("/tokens/{id}", &format!("/tokens/{}", f.target_token))
        .replace("/approvals/{id}", &format!("/approvals/{approval}"))
        .replace("{kind}", "signed")
        .replace("{week}", &week)
        .replace("{year}", "2026")
        .replace("{name}", "matrix");
    let mapping = json!({ "columns": [{ "header": "项目名称", "field": "name" }] });
    let payload = match (method, path) {
        ("post", "/api/login") => Payload::Json(json!({ "username": "matrix-login", "password": PASSWORD })),
        ("post", "/api/projects") => Payload::Json(project_body()),
        ("patch", "/api/projects/{id}") => {
            Payload::Json(json!({ "version": version(app, project).await, "address": "新地址" }))
        }
        ("put", "/api/projects/{id}/milestones/{kind}") => Payload::Json(json!({ "planned": "2026-02-01" })),
        ("post", "/api/projects/{id}/reports") => Payload::Json(json!({ "period": "2026-10", "completed_yuan": 1000 })),
        ("post", "/api/projects/{id}/resume") => {
            ensure_state(app, project, "suspended").await;
            Payload::Json(json!({ "reason": "矩阵测试" }))
        }
        ("post", p) if p.ends_with("/suspend") || p.ends_with("/withdraw") => {
            ensure_state(app, project, "active").await;
            Payload::Json(json!({ "reason": "矩阵测试" }))
        }
        ("put", "/api/targets/{year}") => Payload::Json(targets_body(app).await),
        ("post", "/api/users") => Payload::Json(json!({ "username": format!("u{}", rand_suffix()), "role": "viewer" })),
        ("patch", "/api/users/{id}") => {
            let v = app.store.user(f.target_user).await.expect("user").version;
            Payload::Json(json!({ "version": v, "display_name": "目标" }))
        }
        ("post", "/api/tokens") => Payload::Json(json!({ "name": "matrix", "role": "viewer" })),
        ("post", "/api/approvals/{id}/reject") => Payload::Json(json!({ "note": "不符合" })),
        ("post", "/api/approvals/{id}/approve") => Payload::Empty,
        ("post", "/api/me/password") => {
            Payload::Json(json!({ "current_password": PASSWORD, "new_password": "another horse battery" }))
        }
        ("put", "/api/import-mappings/{name}") => Payload::Json(mapping),
        ("delete", "/api/import-mappings/{name}") => {
            let r = app.put("/api/import-mappings/matrix", mapping).await;
            assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
            Payload::Empty
        }
        ("post", "/api/imports") => Payload::File(
            "台账.csv",
            "项目名称,所在镇街,产业链,总投资(亿元)\n矩阵导入项目,西岗镇,化工,12.5\n".as_bytes().to_vec(),
        ),
        ("post" | "put" | "patch", _) => Payload::Json(json!({})),
        _ => Payload::Empty,
    };
    (concrete, payload)
}

/// This year's targets as `PUT /api/targets/2026` takes them.
async fn targets_body(app: &TestApp) -> Value {
    let mut t = app.get("/api/targets/2026").await.json();
    if let Some(o) = t.as_object_mut() {
        o.retain(|k, _| k.starts_with("attracted_") || k.starts_with("key_"));
    }
    t
}

fn project_body() -> Value {
    project(&format!("矩阵新项目{}", rand_suffix()), "西岗镇")
}

fn rand_suffix() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

async fn call_as_who(app: &TestApp, f: &Fixture, who: Who, method: Method, path: &str, payload: Payload) -> Reply {
    let mut req = Request::builder().method(method).uri(path);
    let bearer = |t: &str| format!("Bearer {t}");
    req = match who {
        Who::Anonymous => req,
        Who::Admin => req.header("authorization", bearer(&f.admin)),
        Who::Editor => req.header("authorization", bearer(&f.editor)),
        Who::TownEditor => req.header("authorization", bearer(&f.town_editor)),
        Who::Viewer => req.header("authorization", bearer(&f.viewer)),
        Who::DisabledUser => req.header("cookie", &f.disabled.cookie).header("x-csrf-token", &f.disabled.csrf),
        Who::ExpiredSession => req.header("cookie", &f.expired.cookie).header("x-csrf-token", &f.expired.csrf),
    };
    let body = match payload {
        Payload::Empty => Body::empty(),
        Payload::Json(v) => {
            req = req.header("content-type", "application/json");
            Body::from(v.to_string())
        }
        Payload::File(name, bytes) => {
            let boundary = "keyprojmatrixboundary";
            req = req.header("content-type", format!("multipart/form-data; boundary={boundary}"));
            let mut body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .into_bytes();
            body.extend_from_slice(&bytes);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            Body::from(body)
        }
    };
    let req = req.body(body).expect("request");
    match who {
        // 13 hours later: past the session's absolute limit.
        Who::ExpiredSession => common::send_to(app.at(test_now() + chrono::Duration::hours(13)), req).await,
        _ => app.send_raw(req).await,
    }
}

/// Every documented operation × every kind of caller: a refused caller gets 401 or 403 with a
/// bilingual message; an allowed caller gets the operation's success answer (not a 404 or 422
/// that would hide a broken check), and nobody gets a 5xx.
async fn permission_matrix(app: &TestApp) {
    let f = fixture(app).await;
    let doc: Value = serde_json::from_str(keyproj::http::openapi_json()).expect("openapi");
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (method, _) in ops.as_object().expect("ops") {
            let rule = rule(method, path);
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let on_project = path.starts_with("/api/projects/{id}");
            let targets: &[(i64, bool)] =
                if on_project { &[(f.project_a, true), (f.project_b, false)] } else { &[(f.project_a, true)] };
            for &(project, own_town) in targets {
                for who in EVERYONE {
                    if method == "post" && path == "/api/logout" && who != Who::Anonymous {
                        continue; // checked below: it would end the fixture's sessions
                    }
                    let (concrete, payload) = sample(app, &f, method, path, project).await;
                    let r = call_as_who(app, &f, who, m.clone(), &concrete, payload).await;
                    if allowed(rule, who, own_town) {
                        let expected = allowed_outcome(method, path, who);
                        assert_eq!(r.status, expected, "{who:?} {method} {concrete} is allowed: {}", text(&r));
                    } else {
                        let expected = match who {
                            Who::Anonymous | Who::DisabledUser | Who::ExpiredSession => StatusCode::UNAUTHORIZED,
                            _ => StatusCode::FORBIDDEN,
                        };
                        assert_eq!(r.status, expected, "{who:?} {method} {concrete}: {}", text(&r));
                        assert!(r.json()["message"].as_str().is_some_and(|m| m.contains(" / ")), "bilingual");
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 48 * EVERYONE.len(), "only {checked} checks");
}

// ---------------------------------------------------------------------------------------------
// Sign-in, sessions, CSRF, throttling, tokens.

async fn wrong_password_and_unknown_user_look_the_same(app: &TestApp) {
    app.user("zhang", Role::Editor, &[], PASSWORD).await;
    let wrong = login(app, "zhang", "not the password").await;
    let unknown = login(app, "nobody", "not the password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.json(), unknown.json());
    assert!(wrong.headers.get("set-cookie").is_none());
    // …and take about as long: an unknown name is checked against a decoy hash. Without it an
    // unknown name would answer in a database lookup, a hundred times faster than argon2.
    let mut known = std::time::Duration::ZERO;
    let mut unknown = std::time::Duration::ZERO;
    for i in 0..3 {
        let t = std::time::Instant::now();
        login(app, "zhang", "still not it").await;
        known += t.elapsed();
        let t = std::time::Instant::now();
        login(app, &format!("nobody{i}"), "still not it").await;
        unknown += t.elapsed();
    }
    assert!(unknown * 3 > known, "unknown {unknown:?} vs known {known:?}: the decoy hash is missing");
    // Names are case-insensitive.
    assert_eq!(login(app, " ZHANG ", PASSWORD).await.status, StatusCode::OK);
    // A name no one has (too long, control characters) is refused like any other.
    let long = login(app, &"x".repeat(100_000), "whatever").await;
    assert_eq!(long.json(), wrong.json());
    let forged = login(app, "zhang\nINFO signed in", "whatever").await;
    assert_eq!(forged.json(), wrong.json());
    // Malformed bodies are 4xx, never 500.
    let r =
        app.call_with(Method::POST, "/api/login", Some(json!({"username": "zhang"})), &[("x-anonymous", "1")]).await;
    assert!(r.status.is_client_error(), "{}", text(&r));
}

/// A login from `ip`.
async fn login_from(app: &TestApp, router: &axum::Router, ip: [u8; 4], username: &str, password: &str) -> Reply {
    let _ = app;
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/login")
        .header("content-type", "application/json")
        .body(Body::from(json!({ "username": username, "password": password }).to_string()))
        .expect("request");
    req.extensions_mut().insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    common::send_to(router.clone(), req).await
}

async fn failed_logins_are_throttled_per_account_and_per_address(app: &TestApp) {
    app.user("li", Role::Viewer, &[], PASSWORD).await;
    let now = test_now();
    let router = app.at(now);
    // Five failures from different addresses: the account is then locked for a while, even
    // for the right password, and the answer does not say whether the account exists.
    for i in 0..5u8 {
        let r = login_from(app, &router, [10, 0, 0, i], "li", "wrong password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = login_from(app, &router, [10, 0, 1, 1], "li", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", text(&r));
    assert_eq!(r.headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("2"));
    for i in 0..5u8 {
        login_from(app, &router, [10, 0, 2, i], "ghost", "wrong password").await;
    }
    let ghost = login_from(app, &router, [10, 0, 2, 9], "ghost", "wrong password").await;
    assert_eq!(ghost.status, StatusCode::TOO_MANY_REQUESTS, "unknown names are throttled the same way");
    // The delay grows: the 6th failure (after waiting out the first delay) locks for 4 s.
    let later = app.at(now + chrono::Duration::seconds(3));
    let r = login_from(app, &later, [10, 0, 1, 2], "li", "wrong again").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = login_from(app, &later, [10, 0, 1, 3], "li", PASSWORD).await;
    assert_eq!(r.headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("4"));
    // After the delay the right password works, and resets the account's count.
    let much_later = app.at(now + chrono::Duration::seconds(10));
    assert_eq!(login_from(app, &much_later, [10, 0, 1, 4], "li", PASSWORD).await.status, StatusCode::OK);
    assert_eq!(login_from(app, &much_later, [10, 0, 1, 5], "li", "wrong").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(login_from(app, &much_later, [10, 0, 1, 6], "li", PASSWORD).await.status, StatusCode::OK);

    // One address trying many names is throttled too (after more failures: offices share one
    // NAT address).
    app.user("wang", Role::Viewer, &[], PASSWORD).await;
    for i in 0..19 {
        login_from(app, &much_later, [192, 168, 9, 9], &format!("guess{i}"), "123456").await;
    }
    assert_eq!(login_from(app, &much_later, [192, 168, 9, 9], "wang", PASSWORD).await.status, StatusCode::OK);
    for i in 0..20 {
        login_from(app, &much_later, [192, 168, 9, 9], &format!("guess{i}"), "123456").await;
    }
    let r = login_from(app, &much_later, [192, 168, 9, 9], "wang", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(login_from(app, &much_later, [192, 168, 9, 10], "wang", PASSWORD).await.status, StatusCode::OK);
}

async fn sessions_need_csrf_for_writes_and_end_on_logout(app: &TestApp) {
    app.user("editor1", Role::Editor, &[], PASSWORD).await;
    let s = sign_in(app, "editor1").await;
    let me = app.call_with(Method::GET, "/api/me", None, &[("cookie", &s.cookie)]).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["username"], "editor1");
    assert_eq!(me.json()["csrf_token"], s.csrf.as_str());
    assert_eq!(me.json()["can"]["create"], true);
    assert_eq!(me.json()["can"]["admin"], false);
    // A write with the cookie but without the CSRF token (what a forged cross-site form
    // would send) is refused and changes nothing.
    let before = app.store.project_count().await.expect("count");
    let r =
        app.call_with(Method::POST, "/api/projects", Some(project("伪造", "西岗镇")), &[("cookie", &s.cookie)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"], "csrf");
    let r = app
        .call_with(
            Method::POST,
            "/api/projects",
            Some(project("伪造", "西岗镇")),
            &[("cookie", &s.cookie), ("x-csrf-token", "0000")],
        )
        .await;
    assert_eq!(r.json()["error"], "csrf");
    assert_eq!(app.store.project_count().await.expect("count"), before);
    let r = as_session(app, &s, Method::POST, "/api/projects", Some(project("正常", "西岗镇"))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", text(&r));
    let history = app.get(&format!("/api/projects/{}/history", r.json()["id"])).await.json();
    assert_eq!(history["items"][0]["actor"], "editor1");
    assert_eq!(history["items"][0]["source"], "web");

    // Idle for more than 4 hours: signed out.
    let idle = app.at(test_now() + chrono::Duration::hours(5));
    let req = Request::builder().uri("/api/me").header("cookie", &s.cookie).body(Body::empty()).expect("req");
    assert_eq!(common::send_to(idle, req).await.status, StatusCode::UNAUTHORIZED);

    // Logout ends this session; the cookie is cleared.
    let s = sign_in(app, "editor1").await;
    let other = sign_in(app, "editor1").await;
    let r = as_session(app, &s, Method::POST, "/api/logout", None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.headers.get("set-cookie").and_then(|v| v.to_str().ok()).is_some_and(|c| c.contains("Max-Age=0")));
    assert_eq!(as_session(app, &s, Method::GET, "/api/me", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(as_session(app, &other, Method::GET, "/api/me", None).await.status, StatusCode::OK);
    // Logout everywhere ends the others too.
    let third = sign_in(app, "editor1").await;
    let r = as_session(app, &third, Method::POST, "/api/logout?everywhere=true", None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(as_session(app, &other, Method::GET, "/api/me", None).await.status, StatusCode::UNAUTHORIZED);

    // Changing one's password keeps this session and ends the others.
    let a = sign_in(app, "editor1").await;
    let b = sign_in(app, "editor1").await;
    let r = as_session(
        app,
        &a,
        Method::POST,
        "/api/me/password",
        Some(json!({"current_password": "nope nope nope", "new_password": "another good one"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = as_session(
        app,
        &a,
        Method::POST,
        "/api/me/password",
        Some(json!({"current_password": PASSWORD, "new_password": "short"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = as_session(
        app,
        &a,
        Method::POST,
        "/api/me/password",
        Some(json!({"current_password": PASSWORD, "new_password": "another good one"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", text(&r));
    assert_eq!(as_session(app, &a, Method::GET, "/api/me", None).await.status, StatusCode::OK);
    assert_eq!(as_session(app, &b, Method::GET, "/api/me", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(login(app, "editor1", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(login(app, "editor1", "another good one").await.status, StatusCode::OK);

    // An admin's reset ends the user's sessions; the new password is shown once.
    let user = app.store.user_by_name("editor1").await.expect("q").expect("user");
    let r = app.post(&format!("/api/users/{}/reset-password", user.id), json!({})).await;
    let password = r.json()["password"].as_str().expect("password").to_string();
    assert_eq!(as_session(app, &a, Method::GET, "/api/me", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(login(app, "editor1", &password).await.status, StatusCode::OK);
}

async fn secure_cookie_behind_an_https_proxy(app: &TestApp) {
    app.user("secure", Role::Viewer, &[], PASSWORD).await;
    let r = app
        .call_with(
            Method::POST,
            "/api/login",
            Some(json!({ "username": "secure", "password": PASSWORD })),
            &[("x-anonymous", "1"), ("x-forwarded-proto", "https")],
        )
        .await;
    let set = r.headers.get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(set.contains("; Secure"), "{set}");
}

async fn tokens_act_with_their_role_and_can_be_revoked(app: &TestApp) {
    let r = app.post("/api/tokens", json!({ "name": "统计局接口", "role": "viewer" })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", text(&r));
    let secret = r.json()["secret"].as_str().expect("secret").to_string();
    let id = r.json()["token"]["id"].as_i64().expect("id");
    assert!(!text(&app.get("/api/tokens").await).contains(&secret), "secrets are never listed");
    let me = app.call_as(&secret, Method::GET, "/api/me", None).await.json();
    assert_eq!(me["username"], "token:统计局接口");
    assert_eq!(me["via"], "token");
    assert_eq!(
        app.call_as(&secret, Method::POST, "/api/projects", Some(project("x", "西岗镇"))).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call_with(Method::DELETE, &format!("/api/tokens/{id}"), None, &[]).await.status,
        StatusCode::NO_CONTENT
    );
    let r = app.call_as(&secret, Method::GET, "/api/me", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.call_as("kp_not_a_token", Method::GET, "/api/projects", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Bad input: unknown role, a town editor without towns, another role with towns.
    for body in [
        json!({ "name": "x", "role": "boss" }),
        json!({ "name": "x", "role": "town_editor" }),
        json!({ "name": "x", "role": "viewer", "towns": ["西岗镇"] }),
        json!({ "name": "", "role": "viewer" }),
    ] {
        let r = app.post("/api/tokens", body.clone()).await;
        assert!(r.status.is_client_error(), "{body}: {}", text(&r));
    }
}

async fn users_are_managed_by_admins_only(app: &TestApp) {
    let r = app.post("/api/users", json!({ "username": "Town1", "role": "town_editor", "towns": ["西港"] })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", text(&r));
    let body = r.json();
    assert_eq!(body["user"]["username"], "town1");
    assert_eq!(body["user"]["towns"][0]["name"], "西岗镇", "aliases resolve to the town");
    let password = body["password"].as_str().expect("generated password");
    assert_eq!(password.len(), 16);
    assert!(!text(&r).contains("argon2"), "never the hash");
    assert_eq!(
        app.post("/api/users", json!({ "username": "TOWN1", "role": "viewer" })).await.status,
        StatusCode::CONFLICT
    );
    for bad in [
        json!({ "username": "a b", "role": "viewer" }),
        json!({ "username": "x1", "role": "viewer", "password": "short" }),
        json!({ "username": "x2", "role": "town_editor", "towns": ["火星镇"] }),
        json!({ "username": "x3", "role": "root" }),
        json!({ "username": "x4", "role": "viewer", "extra": 1 }),
    ] {
        let r = app.post("/api/users", bad.clone()).await;
        assert!(r.status.is_client_error(), "{bad}: {}", text(&r));
    }
    let id = body["user"]["id"].as_i64().expect("id");
    let v = body["user"]["version"].as_i64().expect("version");
    let r = app.patch(&format!("/api/users/{id}"), json!({ "version": v, "role": "viewer" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    assert_eq!(r.json()["towns"], json!([]), "a viewer has no towns");
    let stale = app.patch(&format!("/api/users/{id}"), json!({ "version": v, "disabled": true })).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "version-checked");
    assert_eq!(app.patch("/api/users/999999", json!({ "version": 1 })).await.status, StatusCode::NOT_FOUND);
    // An admin cannot lock themselves out.
    app.user("boss", Role::Admin, &[], PASSWORD).await;
    let s = sign_in(app, "boss").await;
    let me = app.store.user_by_name("boss").await.expect("q").expect("boss");
    let r = as_session(
        app,
        &s,
        Method::PATCH,
        &format!("/api/users/{}", me.id),
        Some(json!({ "version": me.version, "disabled": true })),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

// ---------------------------------------------------------------------------------------------
// Town scope and approvals.

async fn town_editors_stay_in_their_towns(app: &TestApp) {
    let a = create(app, project("本镇项目", "西岗镇")).await;
    let b = create(app, project("外镇项目", "张汪镇")).await;
    let town_a = town_code(app, "西岗镇").await;
    let t = app.token(Role::TownEditor, &[&town_a], "西岗镇编辑").await;
    // Their own town: plain edits apply at once.
    let r = app
        .call_as(
            &t,
            Method::PATCH,
            &format!("/api/projects/{a}"),
            Some(json!({"version": version(app, a).await, "address": "西岗镇工业园"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    assert_eq!(r.json()["address"], "西岗镇工业园");
    let r = app
        .call_as(
            &t,
            Method::POST,
            &format!("/api/projects/{a}/reports"),
            Some(json!({"period": "2026-10", "completed_yuan": 5_000_000})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    // Another town's project: by id, refused, unchanged.
    let before = app.get(&format!("/api/projects/{b}")).await.json();
    let r = app
        .call_as(
            &t,
            Method::PATCH,
            &format!("/api/projects/{b}"),
            Some(json!({"version": version(app, b).await, "address": "越权"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call_as(
            &t,
            Method::POST,
            &format!("/api/projects/{b}/reports"),
            Some(json!({"period": "2026-10", "completed_yuan": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call_as(
            &t,
            Method::PUT,
            &format!("/api/projects/{b}/milestones/signed"),
            Some(json!({"actual": "2026-01-05"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/projects/{b}")).await.json(), before);
    // Moving a project into their town, or out of it: refused.
    let r = app
        .call_as(
            &t,
            Method::PATCH,
            &format!("/api/projects/{b}"),
            Some(json!({"version": version(app, b).await, "town": "西岗镇"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call_as(
            &t,
            Method::PATCH,
            &format!("/api/projects/{a}"),
            Some(json!({"version": version(app, a).await, "town": "张汪镇"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/projects/{a}")).await.json()["town"]["code"], town_a.as_str());
    // An editor's withdrawal cannot be undone by the town editor.
    let editor = app.token(Role::Editor, &[], "editor").await;
    let r = app
        .call_as(&editor, Method::POST, &format!("/api/projects/{a}/withdraw"), Some(json!({"reason": "撤资"})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    let r = app.call_as(&t, Method::POST, &format!("/api/projects/{a}/resume"), Some(json!({"reason": "恢复"}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", text(&r));
    assert_eq!(app.get(&format!("/api/projects/{a}")).await.json()["state"], "withdrawn");
    // Nor by import, nor by creating.
    let r = app.call_as(&t, Method::POST, "/api/projects", Some(project("新", "西岗镇"))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let boundary = "XBOUNDARY";
    let form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\n项目名称,所在镇街,总投资(万元)\r\n外镇项目,张汪镇,9000\r\n--{boundary}--\r\n"
    );
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/imports?dry_run=false")
        .header("authorization", format!("Bearer {t}"))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(form))
        .expect("request");
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
}

async fn sensitive_changes_wait_for_approval(app: &TestApp) {
    let a = create(app, project("待审项目", "西岗镇")).await;
    let town_a = town_code(app, "西岗镇").await;
    let t = app.token(Role::TownEditor, &[&town_a], "西岗镇编辑").await;
    let numbers = || async {
        let towns = app.get("/api/towns.geojson").await.json();
        let a = towns["features"]
            .as_array()
            .and_then(|f| f.iter().find(|t| t["properties"]["code"] == town_a.as_str()))
            .cloned();
        (a.map(|t| t["properties"]["investment_yuan"].clone()), app.get("/api/indicators?year=2026").await.json())
    };
    let numbers_before = numbers().await;
    // Investment (with an address in the same request): the address applies, the money waits.
    let r = app
        .call_as(&t, Method::PATCH, &format!("/api/projects/{a}"), Some(json!({"version": version(app, a).await, "address": "新址", "total_investment_yuan": 12_000_000_000i64})))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", text(&r));
    let p = r.json();
    assert_eq!(p["address"], "新址");
    assert_eq!(p["total_investment_yuan"], 1_250_000_000i64);
    assert_eq!(p["tier"], "1b");
    let pending = &p["pending_approvals"][0];
    assert_eq!(pending["kind"], "update");
    assert_eq!(pending["change"], json!({"total_investment_yuan": 12_000_000_000i64}));
    assert_eq!(pending["requested_by"], "token:西岗镇编辑");
    let update_id = pending["id"].as_i64().expect("id");
    // An actual start date waits too; a planned date does not.
    let r = app
        .call_as(&t, Method::PUT, &format!("/api/projects/{a}/milestones/start"), Some(json!({"actual": "2026-11-20"})))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", text(&r));
    assert_eq!(r.json()["milestones"]["start"]["actual"], Value::Null);
    let start_id = r.json()["pending_approvals"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["kind"] == "milestone.start"))
        .and_then(|x| x["id"].as_i64())
        .expect("held start");
    let r = app
        .call_as(
            &t,
            Method::PUT,
            &format!("/api/projects/{a}/milestones/signed"),
            Some(json!({"actual": "2026-01-10"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    // A bad held value is refused at once, not at approval.
    let r = app
        .call_as(
            &t,
            Method::PATCH,
            &format!("/api/projects/{a}"),
            Some(json!({"version": version(app, a).await, "total_investment_yuan": -5})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A withdrawal waits.
    let r = app
        .call_as(&t, Method::POST, &format!("/api/projects/{a}/withdraw"), Some(json!({"reason": "企业撤资"})))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    assert_eq!(r.json()["state"], "active");
    let withdraw_id = r.json()["pending_approvals"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["kind"] == "withdraw"))
        .and_then(|x| x["id"].as_i64())
        .expect("held withdrawal");

    // The numbers see approved data only.
    assert_eq!(numbers().await, numbers_before);
    // The town editor sees its own requests; a viewer cannot decide.
    let mine = app.call_as(&t, Method::GET, "/api/approvals", None).await.json();
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(3));
    let viewer = app.token(Role::Viewer, &[], "v").await;
    assert_eq!(
        app.call_as(&viewer, Method::POST, &format!("/api/approvals/{update_id}/approve"), Some(json!({})))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call_as(&t, Method::POST, &format!("/api/approvals/{update_id}/approve"), Some(json!({}))).await.status,
        StatusCode::FORBIDDEN
    );

    // An editor approves: the change applies, attributed.
    let editor = app.token(Role::Editor, &[], "招商中心").await;
    let r = app.call_as(&editor, Method::POST, &format!("/api/approvals/{update_id}/approve"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    assert_eq!(r.json()["project"]["total_investment_yuan"], 12_000_000_000i64);
    assert_eq!(r.json()["project"]["tier"], "10b");
    assert_eq!(r.json()["approval"]["status"], "approved");
    assert_eq!(r.json()["approval"]["decided_by"], "token:招商中心");
    let again = app.call_as(&editor, Method::POST, &format!("/api/approvals/{update_id}/approve"), None).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "decided once");
    assert_ne!(numbers().await.0, numbers_before.0);
    let history = app.get(&format!("/api/projects/{a}/history")).await.json();
    let last = history["items"].as_array().and_then(|i| i.last()).cloned().unwrap_or_default();
    assert_eq!(last["action"], "approve.update");
    assert_eq!(last["actor"], "token:招商中心");
    assert!(last["source"].as_str().is_some_and(|s| s.contains("token:西岗镇编辑")), "{last}");

    // Rejection needs a reason and leaves the data unchanged.
    let before = app.get(&format!("/api/projects/{a}")).await.json();
    let r = app.call_as(&editor, Method::POST, &format!("/api/approvals/{withdraw_id}/reject"), Some(json!({}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .call_as(
            &editor,
            Method::POST,
            &format!("/api/approvals/{withdraw_id}/reject"),
            Some(json!({"note": "企业仍在建设"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    assert_eq!(r.json()["approval"]["status"], "rejected");
    let after = app.get(&format!("/api/projects/{a}")).await.json();
    assert_eq!(after["state"], before["state"]);
    assert_eq!(after["version"], before["version"]);

    // Someone changes the start date after the request: the approval is stale, nothing changes.
    let r = app
        .call_as(
            &editor,
            Method::PUT,
            &format!("/api/projects/{a}/milestones/start"),
            Some(json!({"actual": "2026-11-18"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    let before = app.get(&format!("/api/projects/{a}")).await.json();
    let r = app.call_as(&editor, Method::POST, &format!("/api/approvals/{start_id}/approve"), None).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"], "stale_approval");
    assert_eq!(app.get(&format!("/api/projects/{a}")).await.json()["milestones"], before["milestones"]);
    assert_eq!(app.get("/api/approvals?status=all").await.json()["items"].as_array().map(Vec::len), Some(3));
    assert_eq!(app.get("/api/approvals?status=maybe").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.post("/api/approvals/99999/approve", json!({})).await.status, StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------------
// The audit trail.

/// Every write path leaves exactly one record naming who and through what.
async fn every_write_is_attributed(app: &TestApp) {
    let editor = app.token(Role::Editor, &[], "审计编辑").await;
    let count = || async { app.store.data_revision().await.expect("revision") };
    let id = {
        let before = count().await;
        let r = app.call_as(&editor, Method::POST, "/api/projects", Some(project("审计项目", "西岗镇"))).await;
        assert_eq!(r.status, StatusCode::CREATED);
        assert_eq!(count().await - before, 1, "create");
        r.json()["id"].as_i64().expect("id")
    };
    let writes: Vec<(Method, String, Value)> = vec![
        (Method::PATCH, format!("/api/projects/{id}"), json!({"version": 1, "address": "审计路1号"})),
        (Method::PUT, format!("/api/projects/{id}/milestones/start"), json!({"actual": "2026-03-02"})),
        (Method::POST, format!("/api/projects/{id}/reports"), json!({"period": "2026-10", "completed_yuan": 1000})),
        (Method::POST, format!("/api/projects/{id}/suspend"), json!({"reason": "停工"})),
        (Method::POST, format!("/api/projects/{id}/resume"), json!({"reason": "复工"})),
        (Method::POST, "/api/reports/weekly/2026-W47/publish".to_string(), json!({})),
    ];
    for (method, path, body) in writes {
        let before = count().await;
        let r = app.call_as(&editor, method.clone(), &path, Some(body)).await;
        assert!(r.status.is_success(), "{method} {path}: {}", text(&r));
        assert_eq!(count().await - before, 1, "{method} {path} writes one audit record");
    }
    let (items, _) = app
        .store
        .audit(&keyproj::store::AuditFilter {
            actor: Some("token:审计编辑".into()), limit: 100, ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(items.len(), 7);
    assert!(items.iter().all(|r| r.source == "api"));
    // Admin-side writes too.
    let before = count().await;
    app.post("/api/users", json!({ "username": "audited", "role": "viewer" })).await;
    let r = app.put("/api/targets/2026", targets_body(app).await).await;
    assert!(r.status.is_success(), "{}", text(&r));
    assert_eq!(count().await - before, 2);

    // Read globally, filtered, and as a workbook; only by admins.
    let r = app.get("/api/audit?actor=token:审计编辑&limit=3").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["total"], 7);
    assert_eq!(r.json()["items"].as_array().map(Vec::len), Some(3));
    let r = app.get("/api/audit?entity=user&action=create").await.json();
    assert!(r["items"].as_array().is_some_and(|i| i.iter().all(|x| x["entity"] == "user")));
    assert!(!text(&app.get("/api/audit?entity=user").await).contains("argon2"));
    // Every record so far, the store's own bootstrap included, is stamped by the test's clock
    // (2026-11-27), whatever day the suite runs on; one write a day later is the only one
    // `from=2026-11-28` finds.
    let all = app.get("/api/audit?limit=1").await.json()["total"].as_i64().expect("total");
    assert!(all >= 9, "{all}");
    assert_eq!(app.get("/api/audit?from=2026-11-27&to=2026-11-27&limit=1").await.json()["total"], all);
    assert_eq!(app.get("/api/audit?from=2026-11-28").await.json()["total"], 0);
    let next_day = app.at(test_now() + chrono::Duration::days(1));
    let resp = common::send_to(
        next_day,
        axum::http::Request::post("/api/users")
            .header("authorization", format!("Bearer {}", app.admin_token))
            .header("content-type", "application/json")
            .body(axum::body::Body::from(json!({ "username": "next_day", "role": "viewer" }).to_string()))
            .expect("request"),
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED);
    let r = app.get("/api/audit?from=2026-11-28").await.json();
    assert_eq!(r["total"], 1);
    assert_eq!(r["items"][0]["entity"], "user");
    assert_eq!(app.get("/api/audit?to=2026-11-27&limit=1").await.json()["total"], all);
    assert_eq!(app.get("/api/audit?from=yesterday").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/api/audit?from=262143-12-31").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/api/audit?limit=0").await.status, StatusCode::BAD_REQUEST);
    // SQL metacharacters are only text.
    for evil in ["' OR 1=1 --", "%", "_", "\\", "\"; DROP TABLE audit_log; --"] {
        let q: String = url_encode(evil);
        let r = app.get(&format!("/api/audit?actor={q}&source={q}&entity={q}")).await;
        assert_eq!(r.status, StatusCode::OK, "{evil}");
        assert_eq!(r.json()["total"], 0, "{evil}");
    }
    let x = app.get("/api/exports/audit.xlsx?actor=token:审计编辑").await;
    assert_eq!(x.status, StatusCode::OK);
    assert!(x.body.starts_with(b"PK"));
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(x.body)).expect("xlsx");
    let sheet = wb.worksheet_range("操作记录").expect("sheet");
    let all: String = sheet.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect::<Vec<_>>().join("|");
    assert!(all.contains("token:审计编辑") && all.contains("address: 空 → 审计路1号"), "{all}");
    let viewer = app.token(Role::Viewer, &[], "v").await;
    assert_eq!(app.call_as(&viewer, Method::GET, "/api/audit", None).await.status, StatusCode::FORBIDDEN);
}

fn url_encode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// No API path edits or deletes the audit trail, and the database itself refuses.
async fn the_audit_trail_is_append_only(app: &TestApp) {
    create(app, project("不可改", "西岗镇")).await;
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let r = app.call_with(method.clone(), "/api/audit", Some(json!({})), &[]).await;
        assert!(r.status == StatusCode::METHOD_NOT_ALLOWED || r.status == StatusCode::NOT_FOUND, "{method}");
        let r = app.call_with(method.clone(), "/api/audit/1", Some(json!({})), &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{method}");
    }
    let before = app.store.data_revision().await.expect("rev");
    let (items, _) =
        app.store.audit(&keyproj::store::AuditFilter { limit: 10, ..Default::default() }).await.expect("audit");
    assert!(!items.is_empty());
    assert_eq!(app.store.data_revision().await.expect("rev"), before);
}

// ---------------------------------------------------------------------------------------------
// The public map and HTTP hardening.

async fn closed_by_default(app: &TestApp) {
    for path in ["/api/projects.geojson", "/api/towns", "/api/towns.geojson", "/api/county.geojson", "/api/indicators"]
    {
        let r = app.call_with(Method::GET, path, None, &[("x-anonymous", "1")]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(r.json()["error"], "unauthenticated");
    }
    let r = app.call_with(Method::GET, "/api/config", None, &[("x-anonymous", "1")]).await;
    assert_eq!(r.json(), json!({"public_map": false}));
}

async fn security_headers_and_limits(app: &TestApp) {
    let r = app.get("/api/health").await;
    let h = |name: &str| r.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(h("content-security-policy").contains("default-src 'self'"));
    assert!(h("content-security-policy").contains("frame-ancestors 'none'"));
    assert!(!h("content-security-policy").contains("script-src 'self' 'unsafe"), "no inline scripts");
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(h("x-frame-options"), "DENY");
    assert_eq!(h("referrer-policy"), "no-referrer");
    assert_eq!(h("cache-control"), "no-store");
    assert!(r.headers.get("access-control-allow-origin").is_none(), "no CORS");
    // Oversized bodies are refused before they are read.
    let big = json!({ "name": "x".repeat(3 * 1024 * 1024) });
    let r = app.post("/api/projects", big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Path traversal on static files: 404, never a file from outside.
    for path in
        ["/../Cargo.toml", "/assets/../../Cargo.toml", "/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2fCargo.toml"]
    {
        let r = app.call_with(Method::GET, path, None, &[("x-anonymous", "1")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!text(&r).contains("[package]") && !text(&r).contains("root:"), "{path}");
    }
    // SQL metacharacters in the project filters are only text.
    for evil in ["' OR '1'='1", "1; DROP TABLE projects; --", "%", "\\"] {
        let q = url_encode(evil);
        let r = app.get(&format!("/api/projects?town={q}&q={q}")).await;
        assert!(r.status.is_success() || r.status.is_client_error(), "{evil}: {}", r.status);
    }
    assert!(app.store.project_count().await.is_ok());
}

/// User text is escaped in the HTML report (the e2e suite checks the map popup in a browser).
async fn user_text_is_inert_in_the_html_report(app: &TestApp) {
    let payload = "<img src=x onerror=alert(1)><script>alert(2)</script>";
    let mut body = project(&format!("XSS{payload}"), "西岗镇");
    body["company"] = json!(payload);
    body["milestones"]["start"]["planned"] = json!("2026-01-05");
    let id = create(app, body).await;
    let r = app.get("/api/reports/weekly?week=2026-W47&format=html").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = text(&r);
    assert!(html.contains(&format!("/projects/{id}")) || html.contains("XSS"), "the project is in the report");
    assert!(!html.contains("<script>alert") && !html.contains("<img src=x"), "escaped");
    assert!(html.contains("&lt;script&gt;") || html.contains("&lt;img"), "shown as text");
}

on_both_backends!(
    permission_matrix,
    wrong_password_and_unknown_user_look_the_same,
    failed_logins_are_throttled_per_account_and_per_address,
    sessions_need_csrf_for_writes_and_end_on_logout,
    secure_cookie_behind_an_https_proxy,
    tokens_act_with_their_role_and_can_be_revoked,
    users_are_managed_by_admins_only,
    town_editors_stay_in_their_towns,
    sensitive_changes_wait_for_approval,
    every_write_is_attributed,
    the_audit_trail_is_append_only,
    closed_by_default,
    security_headers_and_limits,
    user_text_is_inert_in_the_html_report,
);

/// With `--public-map`, anonymous visitors see the map's points with five fields only.
#[tokio::test]
async fn the_public_map_shows_five_fields() {
    let access = keyproj::http::AccessSettings { public_map: true, ..Default::default() };
    let app = TestApp::spawn_with(common::Backend::Sqlite, access).await.expect("sqlite");
    create(&app, project("公开项目", "西岗镇")).await;
    let r = app.call_with(Method::GET, "/api/projects.geojson", None, &[("x-anonymous", "1")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    let props = r.json()["features"][0]["properties"].clone();
    let mut keys: Vec<&str> = props.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
    keys.sort();
    assert_eq!(keys, ["chain", "id", "name", "status", "tier", "town", "town_name"]);
    let towns = app.call_with(Method::GET, "/api/towns.geojson", None, &[("x-anonymous", "1")]).await.json();
    assert!(towns["features"][0]["properties"].get("investment_yuan").is_none(), "no money on the public map");
    // The public map's search looks at names only: it does not reveal companies or codes.
    let by_name = app
        .call_with(
            Method::GET,
            &format!("/api/projects.geojson?q={}", url_encode("公开")),
            None,
            &[("x-anonymous", "1")],
        )
        .await;
    assert_eq!(by_name.json()["features"].as_array().map(Vec::len), Some(1));
    let by_company = app
        .call_with(
            Method::GET,
            &format!("/api/projects.geojson?q={}", url_encode("示例新材料")),
            None,
            &[("x-anonymous", "1")],
        )
        .await;
    assert_eq!(by_company.json()["features"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        app.get(&format!("/api/projects.geojson?q={}", url_encode("示例新材料"))).await.json()["features"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let signed_in = app.get("/api/towns.geojson").await.json();
    assert!(signed_in["features"][0]["properties"].get("investment_yuan").is_some());
    for path in ["/api/projects", "/api/indicators", "/api/exports/projects.geojson", "/api/projects.geojson?light=red"]
    {
        let r = app.call_with(Method::GET, path, None, &[("x-anonymous", "1")]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let r =
        app.call_with(Method::POST, "/api/projects", Some(project("匿名", "西岗镇")), &[("x-anonymous", "1")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.call_with(Method::GET, "/api/config", None, &[("x-anonymous", "1")]).await.json()["public_map"],
        true
    );
    app.cleanup().await;
}

/// With approvals off (`--no-approvals`), a town editor's sensitive change applies at once.
#[tokio::test]
async fn without_approvals_town_editors_change_directly() {
    let access = keyproj::http::AccessSettings { approvals: false, ..Default::default() };
    let app = TestApp::spawn_with(common::Backend::Sqlite, access).await.expect("sqlite");
    let a = create(&app, project("直改项目", "西岗镇")).await;
    let town_a = town_code(&app, "西岗镇").await;
    let t = app.token(Role::TownEditor, &[&town_a], "town").await;
    let r = app
        .call_as(
            &t,
            Method::PATCH,
            &format!("/api/projects/{a}"),
            Some(json!({"version": 1, "total_investment_yuan": 2_000_000_000i64})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    assert_eq!(r.json()["total_investment_yuan"], 2_000_000_000i64);
    assert_eq!(r.json()["pending_approvals"], json!([]));
    let me = app.call_as(&t, Method::GET, "/api/me", None).await.json();
    assert_eq!(me["approval_required"], false);
    app.cleanup().await;
}
