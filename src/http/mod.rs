//! The HTTP API: an axum router over the store. Handlers are thin: parse, call, render.

mod admin;
mod approvals;
pub mod auth;
mod cache;
mod error;
mod extract;
mod geojson;
mod imports;
mod openapi;
mod projects;
mod reports;
mod security;
mod session;
mod towns;
mod web;

/// Kept here too: handlers and tests name it as part of the server's state.
pub use crate::clock::Clock;
pub use auth::AccessSettings;
pub use error::ApiError;
/// The OpenAPI document served at `/api/openapi.json`.
pub use openapi::DOCUMENT as OPENAPI;
pub use security::check_origin as check_tile_origin;

use crate::domain::lights::RuleSet;
use crate::store::Store;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// Largest request body accepted (JSON); spreadsheet uploads get their own limit.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub clock: Clock,
    /// The light rules in force (compiled-in defaults, a preset, or the operator's file).
    pub rules: Arc<RuleSet>,
    /// Sign-in, sessions, the public map and approvals.
    pub access: Arc<AccessSettings>,
    cache: Arc<cache::ResponseCache>,
}

impl AppState {
    pub fn new(store: Arc<Store>) -> AppState {
        AppState::with_clock(store, Clock::System)
    }

    pub fn with_clock(store: Arc<Store>, clock: Clock) -> AppState {
        AppState {
            store,
            clock,
            rules: Arc::new(RuleSet::default_rules()),
            access: Arc::new(AccessSettings::default()),
            cache: Arc::default(),
        }
    }

    pub fn with_access(mut self, access: AccessSettings) -> AppState {
        self.access = Arc::new(access);
        self
    }

    pub fn with_rules(mut self, rules: RuleSet) -> AppState {
        self.rules = Arc::new(rules);
        self
    }

    /// A GeoJSON body for `key` (the endpoint and its parsed filters), rendered by `render`
    /// only when the data changed since it was last rendered (or the day turned over).
    async fn cached_geojson<F, Fut>(
        &self,
        key: &str,
        request: &axum::http::HeaderMap,
        render: F,
    ) -> Result<Response, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Vec<u8>, ApiError>>,
    {
        let revision = self.store.data_revision().await?;
        let key = format!("{key}|{revision}|{}|{}", self.clock.today(), self.rules.version);
        if let Some(hit) = self.cache.get(&key) {
            return Ok(hit.respond(request));
        }
        let rendered = Arc::new(cache::Rendered::new(render().await?, "application/geo+json"));
        self.cache.put(key, rendered.clone());
        Ok(rendered.respond(request))
    }
}

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi::document))
        .merge(session::routes())
        .merge(admin::routes())
        .merge(approvals::routes())
        .merge(towns::routes())
        .merge(projects::routes())
        .merge(reports::routes())
        .merge(imports::routes());
    // API answers are per user and often not public: no cache keeps them unless they say so
    // (the GeoJSON collections revalidate by ETag).
    let api =
        api.layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    let tile_origins = state.access.tile_origins.clone();
    security::headers(Router::new().nest("/api", api).fallback(web::serve), &tile_origins)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(60)))
        .with_state(state)
}

async fn health(State(state): State<AppState>) -> Response {
    let database = state.store.backend_name();
    match state.store.ping().await {
        Ok(()) => Json(serde_json::json!({ "status": "ok", "database": database })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable", "database": database })),
            )
                .into_response()
        }
    }
}
