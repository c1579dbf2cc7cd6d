//! One log line per request, so an operator can answer "who called what, when, how long":
//! method, matched route (never the raw path with its query), status, latency and the caller
//! (recorded by authentication into this span). Never headers, secrets or bodies.

use axum::extract::MatchedPath;
use axum::http::{Request, Response};
use std::time::Duration;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{MakeSpan, OnResponse, TraceLayer};
use tracing::Span;

/// The span every request runs in; `caller` is filled in once the request is authenticated.
#[derive(Clone, Copy)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &Request<B>) -> Span {
        let route = request.extensions().get::<MatchedPath>().map_or("-", MatchedPath::as_str);
        tracing::info_span!(
            "request",
            method = %request.method(),
            route,
            caller = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        )
    }
}

#[derive(Clone, Copy)]
pub struct LogResponse;

impl<B> OnResponse<B> for LogResponse {
    fn on_response(self, response: &Response<B>, latency: Duration, span: &Span) {
        let status = response.status().as_u16();
        let latency_ms = latency.as_secs_f64() * 1000.0;
        span.record("status", status);
        span.record("latency_ms", latency_ms);
        if response.status().is_server_error() {
            tracing::error!(status, latency_ms, "answered");
        } else {
            tracing::info!(status, latency_ms, "answered");
        }
    }
}

pub fn layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RequestSpan, (), LogResponse> {
    TraceLayer::new_for_http().make_span_with(RequestSpan).on_request(()).on_response(LogResponse)
}

/// Name the caller in the current request's log line: a user name or `token:NAME`.
pub fn record_caller(name: &str) {
    Span::current().record("caller", name);
}
