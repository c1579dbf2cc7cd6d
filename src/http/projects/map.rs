//! `GET /api/projects.geojson`: the map's project points, filtered like the ledger. Anonymous
//! visitors of the public map get five harmless fields; everyone else the point with its light.

use super::filtered_with_lights;
use super::filters::{FilterParams, PageParams, filter_from};
use crate::domain::Chain;
use crate::domain::Tier;
use crate::domain::lights::{Light, Reason};
use crate::domain::project::LocationPrecision;
use crate::domain::status::Status;
use crate::http::AppState;
use crate::http::auth::Reader;
use crate::http::error::ApiError;
use crate::http::extract::Query;
use crate::http::geojson::{PointGeometry, feature_collection};
use crate::http::openapi::QueryErrors;
use crate::store::ProjectFilter;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(points))
}

/// The properties of a project point on the map.
#[derive(Serialize, ToSchema)]
pub struct PointProperties<'a> {
    id: i64,
    code: &'a str,
    name: &'a str,
    company: Option<&'a str>,
    tier: Tier,
    chain: Chain,
    /// The town's code.
    town: &'a str,
    town_name: &'a str,
    status: Status,
    total_investment_yuan: i64,
    location_precision: LocationPrecision,
    light: Light,
    reasons: &'a [Reason],
}

/// What the public map shows of a project: no money, company or light.
#[derive(Serialize, ToSchema)]
pub struct PublicPointProperties<'a> {
    id: i64,
    name: &'a str,
    tier: Tier,
    chain: Chain,
    town: &'a str,
    town_name: &'a str,
    status: Status,
}

feature_collection!(
    /// The map's points, for a signed-in caller.
    ProjectPoints,
    ProjectPoint<'a>,
    PointGeometry,
    PointProperties<'a>
);

feature_collection!(
    /// The public map's points, for an anonymous visitor (when the public map is on).
    PublicProjectPoints,
    PublicProjectPoint<'a>,
    PointGeometry,
    PublicPointProperties<'a>
);

crate::http::openapi::any_of!(
    /// The map's points: every field for a signed-in caller, the public fields for an anonymous one.
    MapPoints: ProjectPoints, PublicProjectPoints
);

#[utoipa::path(
    get,
    path = "/projects.geojson",
    tag = "map",
    summary = "地图点位 / project points for the map (GeoJSON), filtered like the ledger",
    description = "Every matching project (no paging). Answers carry a weak ETag (If-None-Match → 304) and are \
gzip-compressed on request. With the public map on, anonymous visitors get only id, name, tier, chain, town and \
status (and may not filter by light).",
    params(FilterParams),
    security((), ("token" = []), ("session" = [])),
    responses(
        (status = 200, description = "GeoJSON FeatureCollection of points: with every field to signed-in callers, \
with the public fields to anonymous visitors", content_type = "application/geo+json",
            body = MapPoints),
        (status = 304, description = "未变化 / not modified (If-None-Match)"),
        QueryErrors,
        (status = 401, description = "未登录(公开地图未开启) / not signed in (and the public map is off)", body = crate::http::error::ErrorBody),
        (status = 503, description = "数据库繁忙 / the database is busy", body = crate::http::error::ErrorBody),
    )
)]
async fn points(
    State(state): State<AppState>,
    Reader(caller): Reader,
    headers: HeaderMap,
    Query(params): Query<FilterParams>,
) -> Result<Response, ApiError> {
    let light = params.light()?;
    let mut filter = filter_from(&state, params, PageParams::default()).await?;
    if caller.is_none() {
        if light.is_some() {
            return Err(ApiError::unauthenticated());
        }
        filter.q_name_only = true;
        return public_points(&state, &headers, &filter).await;
    }
    let key = format!("projects.geojson {filter:?} {light:?}");
    state
        .cached_geojson(&key, &headers, || async {
            let (items, _) = filtered_with_lights(&state, &filter, light, false).await?;
            let features = items
                .iter()
                .map(|(p, e)| {
                    ProjectPoint::new(
                        Some(p.id),
                        PointGeometry::new(p.location.lon, p.location.lat),
                        PointProperties {
                            id: p.id,
                            code: &p.code,
                            name: &p.name,
                            company: p.company.as_deref(),
                            tier: p.tier,
                            chain: p.chain,
                            town: &p.town.code,
                            town_name: &p.town.name,
                            status: p.status,
                            total_investment_yuan: p.total_investment_yuan.0,
                            location_precision: p.location.precision,
                            light: e.light,
                            reasons: &e.reasons,
                        },
                    )
                })
                .collect();
            serde_json::to_vec(&ProjectPoints::new(features, None)).map_err(ApiError::internal)
        })
        .await
}

async fn public_points(state: &AppState, headers: &HeaderMap, filter: &ProjectFilter) -> Result<Response, ApiError> {
    let key = format!("public projects.geojson {filter:?}");
    state
        .cached_geojson(&key, headers, || async {
            let (items, _) = state.store.list_projects(filter, false, false).await?;
            let features = items
                .iter()
                .map(|p| {
                    PublicProjectPoint::new(
                        Some(p.id),
                        PointGeometry::new(p.location.lon, p.location.lat),
                        PublicPointProperties {
                            id: p.id,
                            name: &p.name,
                            tier: p.tier,
                            chain: p.chain,
                            town: &p.town.code,
                            town_name: &p.town.name,
                            status: p.status,
                        },
                    )
                })
                .collect();
            serde_json::to_vec(&PublicProjectPoints::new(features, None)).map_err(ApiError::internal)
        })
        .await
}
