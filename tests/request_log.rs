//! The request log answers "who called what, when, how long": one line per request with the
//! method, the matched route (not the path with its ids or query), the status, the latency and
//! the caller, and never a secret.

mod common;

use axum::body::Body;
use axum::http::Request;
use common::{Backend, TestApp};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn every_request_is_one_line_with_route_status_latency_and_caller() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let log = Captured::default();
    let subscriber = tracing_subscriber::fmt().with_writer(log.clone()).with_ansi(false).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let secret = app.token(keyproj::domain::access::Role::Viewer, &[], "统计局接口").await;
    let req = Request::get("/api/projects/424242?secret=1")
        .header("authorization", format!("Bearer {secret}"))
        .body(Body::empty())
        .expect("request");
    let r = app.send_raw(req).await;
    assert_eq!(r.status, 404);
    let req = Request::get("/api/projects").body(Body::empty()).expect("request");
    assert_eq!(app.send_raw(req).await.status, 401);

    let text = String::from_utf8(log.0.lock().expect("log").clone()).expect("utf-8");
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("answered")).collect();
    assert_eq!(lines.len(), 2, "{text}");
    let first = lines[0];
    for part in
        ["method=GET", r#"route="/api/projects/{id}""#, r#"caller="token:统计局接口""#, "status=404", "latency_ms="]
    {
        assert!(first.contains(part), "{part} missing from: {first}");
    }
    assert!(lines[1].contains("status=401") && lines[1].contains(r#"route="/api/projects""#), "{}", lines[1]);
    assert!(!text.contains(&secret), "the token must never be logged");
    assert!(!text.contains("424242") && !text.contains("secret=1"), "the route, not the raw path: {text}");
    app.cleanup().await;
}
