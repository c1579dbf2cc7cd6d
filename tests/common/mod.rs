//! Test harness: a real store on real SQLite (a temporary file) or real PostgreSQL (a fresh
//! database per test), and the router driven in-process. Every answer is checked against the
//! API description (`contract`).

#![allow(dead_code)]

pub mod contract;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use chrono::{DateTime, Utc};
use http_body_util::BodyExt;
use keyproj::accounts::secrets::{hash_password, new_api_token, token_hash};
use keyproj::domain::access::Role;
use keyproj::http::{AccessSettings, AppState, Clock, router};
use keyproj::store::{Actor, NewApiToken, NewUser, Store, User};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use tower::ServiceExt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub store: Arc<Store>,
    pub router: Router,
    pub url: String,
    pub clock: Clock,
    pub access: AccessSettings,
    /// The bearer token `send` uses when a request carries no credentials: an administrator's.
    pub admin_token: String,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// The fixed "now" of the tests: 2026-11-27 10:00 in Shanghai.
pub fn test_now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T02:00:00Z").map(|d| d.with_timezone(&Utc)).expect("valid time")
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The PostgreSQL server URL for tests, from `KEYPROJ_TEST_POSTGRES`. Unset: PostgreSQL tests
/// are skipped with a notice, unless `KEYPROJ_REQUIRE_POSTGRES=1` (CI), where that fails.
fn postgres_admin_url() -> Option<String> {
    match std::env::var("KEYPROJ_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("KEYPROJ_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!("KEYPROJ_REQUIRE_POSTGRES=1 but KEYPROJ_TEST_POSTGRES is not set");
            }
            eprintln!("notice: KEYPROJ_TEST_POSTGRES is not set; skipping a PostgreSQL test");
            None
        }
    }
}

/// A fresh database URL for one test, or None (PostgreSQL not configured locally).
pub async fn fresh_database(backend: Backend) -> Option<(String, Option<tempfile::TempDir>, Option<(String, String)>)> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite:{}", dir.path().join("keyproj.sqlite").display());
            Some((url, Some(dir), None))
        }
        Backend::Postgres => {
            let admin = postgres_admin_url()?;
            let name = format!(
                "keyproj_test_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst),
                Utc::now().timestamp_subsec_nanos()
            );
            use sqlx::Connection;
            let mut conn =
                sqlx::PgConnection::connect(&admin).await.expect("PostgreSQL reachable at KEYPROJ_TEST_POSTGRES");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
            let _ = conn.close().await;
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b).to_string();
            Some((format!("{base}/{name}"), None, Some((admin, name))))
        }
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        TestApp::spawn_with(backend, AccessSettings::default()).await
    }

    pub async fn spawn_with(backend: Backend, access: AccessSettings) -> Option<TestApp> {
        let (url, dir, pg_admin) = fresh_database(backend).await?;
        let clock = Clock::Fixed(test_now());
        let store = Arc::new(Store::open(&url, clock).await.expect("open store"));
        let router = router(AppState::with_clock(store.clone(), clock).with_access(access.clone()));
        let mut app = TestApp { store, router, url, clock, access, admin_token: String::new(), _dir: dir, pg_admin };
        app.admin_token = app.token(Role::Admin, &[], "test-admin").await;
        Some(app)
    }

    /// The same app with another clock (sessions expire, throttles lift).
    pub fn at(&self, now: DateTime<Utc>) -> Router {
        router(AppState::with_clock(self.store.clone(), Clock::Fixed(now)).with_access(self.access.clone()))
    }

    /// Close and reopen the store on the same database: what a server restart does.
    pub async fn restart(&mut self) {
        self.store.close().await;
        let store = Arc::new(Store::open(&self.url, self.clock).await.expect("reopen store"));
        self.router = router(AppState::with_clock(store.clone(), self.clock).with_access(self.access.clone()));
        self.store = store;
    }

    /// A new API token with `role` (and towns, by code), straight in the store.
    pub async fn token(&self, role: Role, towns: &[&str], name: &str) -> String {
        let secret = new_api_token();
        let new = NewApiToken {
            name: name.to_string(),
            token_hash: token_hash(&secret),
            role,
            towns: towns.iter().map(|t| t.to_string()).collect(),
        };
        self.store.create_token(&new, &Actor::system("test"), test_now()).await.expect("create token");
        secret
    }

    /// A new user with `role`, towns and password, straight in the store.
    pub async fn user(&self, name: &str, role: Role, towns: &[&str], password: &str) -> User {
        let new = NewUser {
            username: name.to_string(),
            display_name: None,
            password_hash: hash_password(password),
            role,
            towns: towns.iter().map(|t| t.to_string()).collect(),
        };
        self.store.create_user(&new, &Actor::system("test"), test_now()).await.expect("create user")
    }

    /// Send as an administrator (bearer token) unless the request carries credentials.
    pub async fn send(&self, mut req: Request<Body>) -> Reply {
        let headers = req.headers();
        if !headers.contains_key("authorization")
            && !headers.contains_key("cookie")
            && !headers.contains_key("x-anonymous")
        {
            let value = format!("Bearer {}", self.admin_token).parse().expect("header value");
            req.headers_mut().insert("authorization", value);
        }
        req.headers_mut().remove("x-anonymous");
        self.send_raw(req).await
    }

    /// Send exactly this request; the answer must keep to the API description.
    pub async fn send_raw(&self, req: Request<Body>) -> Reply {
        send_to(self.router.clone(), req).await
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        let body = match body {
            Some(v) => {
                req = req.header("content-type", "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).expect("request")).await
    }

    /// A JSON request with these extra headers (credentials, CSRF token …); pass
    /// `("x-anonymous", "1")` to send no credentials at all.
    pub async fn call_with(&self, method: Method, path: &str, body: Option<Value>, headers: &[(&str, &str)]) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let body = match body {
            Some(v) => {
                req = req.header("content-type", "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).expect("request")).await
    }

    /// A request as the holder of `token`.
    pub async fn call_as(&self, token: &str, method: Method, path: &str, body: Option<Value>) -> Reply {
        let auth = format!("Bearer {token}");
        self.call_with(method, path, body, &[("authorization", &auth)]).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.call(Method::PUT, path, Some(body)).await
    }

    /// Drop the PostgreSQL test database (SQLite's goes with its temp dir).
    pub async fn cleanup(self) {
        self.store.close().await;
        if let Some((admin, name)) = self.pg_admin {
            use sqlx::Connection;
            if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
            }
        }
    }
}

/// Send `req` to `router` and check the answer against the API description.
pub async fn send_to(router: Router, req: Request<Body>) -> Reply {
    let (method, path) = (req.method().to_string(), req.uri().path().to_string());
    let resp = router.oneshot(req).await.expect("router answers");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.expect("body").to_bytes().to_vec();
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok());
    // A gzip body is checked by the tests that ask for it; everything else here.
    if headers.get("content-encoding").is_none() {
        contract::contract().check(&method, &path, status.as_u16(), content_type, &body);
    }
    Reply { status, headers, body }
}

/// Run each scenario `async fn name(app: &TestApp)` against SQLite and PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = $crate::common::TestApp::spawn($crate::common::Backend::Sqlite).await.expect("sqlite");
                    super::$name(&app).await;
                    app.cleanup().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(app) = $crate::common::TestApp::spawn($crate::common::Backend::Postgres).await else { return };
                    super::$name(&app).await;
                    app.cleanup().await;
                }
            )*
        }
    };
}
