//! The HTTP API: an axum router over the store. Handlers are thin: parse, call, render.

mod admin;
mod approvals;
pub mod auth;
mod cache;
mod download;
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
mod trace;
mod web;

/// Kept here too: handlers and tests name it as part of the server's state.
pub use crate::clock::Clock;
pub use auth::AccessSettings;
pub use error::ApiError;
pub use openapi::document_json as openapi_json;
pub use security::check_origin as check_tile_origin;

use crate::domain::lights::RuleSet;
use crate::store::Store;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::{Json, Router};
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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
    /// Who publishes the open data (OC4IDS `publisher`); default: the county's 招商引资服务中心.
    pub publisher: Option<Arc<str>>,
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
            publisher: None,
            cache: Arc::default(),
        }
    }

    pub fn with_access(mut self, access: AccessSettings) -> AppState {
        self.access = Arc::new(access);
        self
    }

    /// The publisher named in open data (blank: the default).
    pub fn with_publisher(mut self, publisher: Option<String>) -> AppState {
        self.publisher = publisher.map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).map(Arc::from);
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

/// Every API operation, described: paths relative to `/api`.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(openapi::document))
        .merge(session::routes())
        .merge(admin::routes())
        .merge(approvals::routes())
        .merge(towns::routes())
        .merge(projects::routes())
        .merge(reports::routes())
        .merge(imports::routes())
}

/// The router and the document it answers to, from one source.
fn described() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi()).nest("/api", api_routes()).split_for_parts()
}

/// The OpenAPI 3.1 document of the API, as utoipa builds it (served, with its flattened parts
/// opened, at `/api/openapi.json`: see `openapi_json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = described().1;
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc
}

pub fn router(state: AppState) -> Router {
    // API answers are per user and often not public: no cache keeps them unless they say so
    // (the GeoJSON collections revalidate by ETag).
    let api = described()
        .0
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    let tile_origins = state.access.tile_origins.clone();
    security::headers(api.fallback(web::serve), &tile_origins)
        .layer(trace::layer())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(60)))
        .with_state(state)
}

/// Whether the server can reach its database.
#[derive(serde::Serialize, utoipa::ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    /// The database does not answer.
    Unavailable,
}

/// The database backend in use.
#[derive(serde::Serialize, utoipa::ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

/// `GET /api/health`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    status: HealthStatus,
    database: DatabaseKind,
}

#[utoipa::path(
    get,
    path = "/health",
    tag = "system",
    summary = "运行状态 / health",
    security(()),
    responses(
        (status = 200, description = "服务与数据库正常 / up, and the database answers", body = Health),
        (status = 503, description = "数据库无法访问 / the database does not answer", body = Health),
    )
)]
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let database = if state.store.backend_name() == "postgres" { DatabaseKind::Postgres } else { DatabaseKind::Sqlite };
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(Health { status: HealthStatus::Ok, database })),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: HealthStatus::Unavailable, database }))
        }
    }
}
