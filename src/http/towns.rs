//! `/api/towns`, `/api/towns.geojson`, `/api/county.geojson`.

use super::AppState;
use super::auth::Reader;
use super::error::ApiError;
use super::extract::Query;
use super::geojson::{Feature, FeatureCollection};
use super::projects::FilterParams;
use crate::domain::coords::LonLat;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/towns", get(list)).route("/towns.geojson", get(geojson)).route("/county.geojson", get(county))
}

#[derive(Serialize)]
struct TownItem<'a> {
    code: &'a str,
    name: &'a str,
    name_hant: Option<&'a str>,
    name_en: Option<&'a str>,
    pinyin: Option<&'a str>,
    kind: Option<&'a str>,
    seat: LonLat,
    approximate: bool,
    aliases: &'a [String],
}

#[derive(Serialize)]
struct TownList<'a> {
    county: &'a str,
    attribution: &'a str,
    items: Vec<TownItem<'a>>,
}

/// The towns are public knowledge; they need a reader only so that a closed server says nothing.
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
    Ok(Json(TownList { county: &layer.county_name, attribution: &layer.attribution, items }).into_response())
}

#[derive(Serialize)]
struct TownProperties<'a> {
    code: &'a str,
    name: &'a str,
    name_hant: Option<&'a str>,
    name_en: Option<&'a str>,
    kind: Option<&'a str>,
    approximate: bool,
    seat_lon: f64,
    seat_lat: f64,
    project_count: i64,
    /// Not shown on the public map.
    #[serde(skip_serializing_if = "Option::is_none")]
    investment_yuan: Option<i64>,
}

/// Town polygons with per-town project counts and investment for the filters given
/// (`year`, `chain`, `tier`, `list`, …), for the choropleth; anonymous visitors of the public
/// map get the counts without the money.
async fn geojson(
    State(state): State<AppState>,
    Reader(caller): Reader,
    headers: HeaderMap,
    Query(params): Query<FilterParams>,
) -> Result<Response, ApiError> {
    let mut filter = params.into_filter()?;
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
                    Feature::new(
                        None,
                        t.geometry.as_ref(),
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
            serde_json::to_vec(&FeatureCollection::new(features, Some(layer.attribution.clone())))
                .map_err(|_| ApiError::internal())
        })
        .await
}

#[derive(Serialize)]
struct CountyProperties<'a> {
    name: &'a str,
}

async fn county(State(state): State<AppState>, _reader: Reader, headers: HeaderMap) -> Result<Response, ApiError> {
    state
        .cached_geojson("county.geojson", &headers, || async {
            let layer = state.store.town_layer().await?;
            let feature = Feature::new(None, &layer.county_geometry, CountyProperties { name: &layer.county_name });
            serde_json::to_vec(&FeatureCollection::new(vec![feature], Some(layer.attribution.clone())))
                .map_err(|_| ApiError::internal())
        })
        .await
}
