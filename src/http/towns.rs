//! `/api/towns`, `/api/towns.geojson`, `/api/county.geojson`: the town layer for the map.

use super::AppState;
use super::auth::Reader;
use super::error::{ApiError, ErrorBody};
use super::extract::Query;
use super::geojson::{AnyGeometry, feature_collection};
use super::openapi::QueryErrors;
use super::projects::filters::{FilterParams, PageParams};
use crate::domain::coords::LonLat;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(geojson)).routes(routes!(county))
}

/// One town as the town list shows it.
#[derive(Serialize, ToSchema)]
pub struct TownItem<'a> {
    /// The 9-digit town code (统计用区划代码, first 9 digits).
    code: &'a str,
    name: &'a str,
    name_hant: Option<&'a str>,
    name_en: Option<&'a str>,
    pinyin: Option<&'a str>,
    /// `town` (镇) or `subdistrict` (街道), when known.
    kind: Option<&'a str>,
    /// The town's seat (驻地), WGS84.
    seat: LonLat,
    /// The polygon is a placeholder (示意), not an administrative boundary.
    approximate: bool,
    /// Other names the town is known by.
    aliases: &'a [String],
}

/// The town layer: the county's towns with codes, names and aliases.
#[derive(Serialize, ToSchema)]
pub struct TownList<'a> {
    /// The county's name (e.g. 滕州市).
    county: &'a str,
    /// Where the town data comes from (its licence); show it with the map.
    attribution: &'a str,
    items: Vec<TownItem<'a>>,
}

#[utoipa::path(
    get,
    path = "/towns",
    operation_id = "towns",
    tag = "map",
    summary = "镇街 / the towns with codes, names, aliases and seats",
    description = "The towns are public knowledge; they need a caller only so that a closed server says nothing.",
    security((), ("token" = []), ("session" = [])),
    responses(
        (status = 200, body = TownList),
        (status = 401, description = "未登录(公开地图未开启) / not signed in (and the public map is off)", body = ErrorBody),
        (status = 503, description = "数据库繁忙 / the database is busy", body = ErrorBody),
    )
)]
async fn list(State(state): State<AppState>, _reader: Reader) -> Result<Response, ApiError> {
    let layer = state.store.town_layer().await?;
    let items = layer
        .towns
        .iter()
        .map(|t| TownItem {
            code: &t.code,
            name: &t.name,
            name_hant: t.name_hant.as_deref(),
            name_en: t.name_en.as_deref(),
            pinyin: t.pinyin.as_deref(),
            kind: t.kind.as_deref(),
            seat: t.seat,
            approximate: t.approximate,
            aliases: &t.aliases,
        })
        .collect();
    Ok(axum::Json(TownList { county: &layer.county_name, attribution: &layer.attribution, items }).into_response())
}

/// A town polygon's properties, with the projects in it that match the filters.
#[derive(Serialize, ToSchema)]
pub struct TownProperties<'a> {
    code: &'a str,
    name: &'a str,
    name_hant: Option<&'a str>,
    name_en: Option<&'a str>,
    kind: Option<&'a str>,
    approximate: bool,
    seat_lon: f64,
    seat_lat: f64,
    project_count: i64,
    /// Total investment of those projects (not shown on the public map).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    investment_yuan: Option<i64>,
}

feature_collection!(
    /// The town polygons (a town without a polygon has `geometry: null`).
    TownPolygons,
    TownPolygon<'a>,
    Option<AnyGeometry<'a>>,
    TownProperties<'a>
);

#[utoipa::path(
    get,
    path = "/towns.geojson",
    tag = "map",
    summary = "镇街面 / town polygons with project counts and investment for the filters (the choropleth)",
    description = "Anonymous visitors of the public map get the counts without the money. Weak ETag and gzip as for \
the project points.",
    params(FilterParams),
    security((), ("token" = []), ("session" = [])),
    responses(
        (status = 200, description = "GeoJSON FeatureCollection of polygons", content_type = "application/geo+json",
            body = TownPolygons),
        (status = 304, description = "未变化 / not modified (If-None-Match)"),
        QueryErrors,
        (status = 401, description = "未登录(公开地图未开启) / not signed in (and the public map is off)", body = ErrorBody),
        (status = 503, description = "数据库繁忙 / the database is busy", body = ErrorBody),
    )
)]
async fn geojson(
    State(state): State<AppState>,
    Reader(caller): Reader,
    headers: HeaderMap,
    Query(params): Query<FilterParams>,
) -> Result<Response, ApiError> {
    let mut filter = params.into_filter(None, PageParams::default())?;
    let public = caller.is_none();
    // The public map searches names only.
    filter.q_name_only = public;
    let key = format!("towns.geojson {filter:?} public={public}");
    state
        .cached_geojson(&key, &headers, || async {
            let layer = state.store.town_layer().await?;
            let stats: HashMap<String, (i64, i64)> = state
                .store
                .town_stats(&filter)
                .await?
                .into_iter()
                .map(|s| (s.code, (s.project_count, s.investment_yuan)))
                .collect();
            let features = layer
                .towns
                .iter()
                .map(|t| {
                    let (project_count, investment_yuan) = stats.get(&t.code).copied().unwrap_or((0, 0));
                    TownPolygon::new(
                        None,
                        t.geometry.as_ref().map(AnyGeometry),
                        TownProperties {
                            code: &t.code,
                            name: &t.name,
                            name_hant: t.name_hant.as_deref(),
                            name_en: t.name_en.as_deref(),
                            kind: t.kind.as_deref(),
                            approximate: t.approximate,
                            seat_lon: t.seat.lon,
                            seat_lat: t.seat.lat,
                            project_count,
                            investment_yuan: (!public).then_some(investment_yuan),
                        },
                    )
                })
                .collect();
            serde_json::to_vec(&TownPolygons::new(features, Some(layer.attribution.clone())))
                .map_err(ApiError::internal)
        })
        .await
}

#[derive(Serialize, ToSchema)]
pub struct CountyProperties<'a> {
    name: &'a str,
}

feature_collection!(
    /// The county outline: one polygon.
    CountyOutline,
    CountyFeature<'a>,
    AnyGeometry<'a>,
    CountyProperties<'a>
);

#[utoipa::path(
    get,
    path = "/county.geojson",
    tag = "map",
    summary = "县界 / the county outline",
    security((), ("token" = []), ("session" = [])),
    responses(
        (status = 200, description = "GeoJSON FeatureCollection with one polygon", content_type = "application/geo+json",
            body = CountyOutline),
        (status = 304, description = "未变化 / not modified (If-None-Match)"),
        (status = 401, description = "未登录(公开地图未开启) / not signed in (and the public map is off)", body = ErrorBody),
        (status = 503, description = "数据库繁忙 / the database is busy", body = ErrorBody),
    )
)]
async fn county(State(state): State<AppState>, _reader: Reader, headers: HeaderMap) -> Result<Response, ApiError> {
    state
        .cached_geojson("county.geojson", &headers, || async {
            let layer = state.store.town_layer().await?;
            let feature = CountyFeature::new(
                None,
                AnyGeometry(&layer.county_geometry),
                CountyProperties { name: &layer.county_name },
            );
            serde_json::to_vec(&CountyOutline::new(vec![feature], Some(layer.attribution.clone())))
                .map_err(ApiError::internal)
        })
        .await
}
