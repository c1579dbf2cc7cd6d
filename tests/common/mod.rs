//! Test harness: a real store on real SQLite (a temporary file) or real PostgreSQL (a fresh
//! database per test), and the router driven in-process.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use chrono::{DateTime, Utc};
use http_body_util::BodyExt;
use keyproj::http::{AppState, Clock, router};
use keyproj::store::Store;
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
        let (url, dir, pg_admin) = fresh_database(backend).await?;
        let store = Arc::new(Store::open(&url).await.expect("open store"));
        let clock = Clock::Fixed(test_now());
        let router = router(AppState::with_clock(store.clone(), clock));
        Some(TestApp { store, router, url, clock, _dir: dir, pg_admin })
    }

    /// Close and reopen the store on the same database: what a server restart does.
    pub async fn restart(&mut self) {
        self.store.close().await;
        let store = Arc::new(Store::open(&self.url).await.expect("reopen store"));
        self.router = router(AppState::with_clock(store.clone(), self.clock));
        self.store = store;
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let resp = self.router.clone().oneshot(req).await.expect("router answers");
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.into_body().collect().await.expect("body").to_bytes().to_vec();
        Reply { status, headers, body }
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
