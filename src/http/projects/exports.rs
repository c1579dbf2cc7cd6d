//! Exports of the filtered projects: the ledger and the monthly progress sheet as workbooks,
//! and open data (OC4IDS, GeoJSON with every ledger field).

use super::filtered_with_lights;
use super::filters::{FilterParams, PageParams, filter_from};
use crate::domain::Chain;
use crate::domain::Tier;
use crate::domain::calendar::TimeShareMode;
use crate::domain::lights::{Light, annual_plan, ytd_completed};
use crate::domain::lists::{BuildType, ListKind, ListLevel};
use crate::domain::project::LocationPrecision;
use crate::domain::report::Period;
use crate::domain::status::Status;
use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::download::{XLSX, download};
use crate::http::error::{ApiError, ErrorCode};
use crate::http::extract::Query;
use crate::http::geojson::{PointGeometry, feature_collection};
use crate::http::openapi::{AuthErrors, QueryErrors};
use crate::report::produce::Format;
use crate::report::render::LedgerUnit;
use crate::store::ProjectFilter;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ledger_xlsx))
        .routes(routes!(monthly_xlsx))
        .routes(routes!(oc4ids_json))
        .routes(routes!(projects_geojson))
}

/// The year and as-of date of an export: the filter's year (default this year), as of today,
/// or as of 31 December for a past year.
pub fn export_year(state: &AppState, filter: &ProjectFilter) -> (i32, NaiveDate) {
    let today = state.clock.today();
    let year = filter.year.unwrap_or(today.year());
    let as_of = if year < today.year() { NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today) } else { today };
    (year, as_of)
}

/// The unit money is written in.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitParam {
    /// 亿元 (the default).
    #[default]
    Yi,
    /// 万元.
    Wan,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LedgerParams {
    /// `yi` (亿元, default) or `wan` (万元).
    #[param(value_type = Option<UnitParam>)]
    unit: Option<String>,
    #[serde(flatten)]
    #[param(ignore)]
    filter: FilterParams,
}

fn parse_unit(value: Option<&str>) -> Result<LedgerUnit, ApiError> {
    match value.map(str::trim) {
        None | Some("") | Some("yi") => Ok(LedgerUnit::Yi),
        Some("wan") => Ok(LedgerUnit::Wan),
        Some(other) => Err(ApiError::query_param("unit", other, "应为yi(亿元)或wan(万元)", "expected yi or wan")),
    }
}

#[utoipa::path(
    get,
    path = "/exports/ledger.xlsx",
    tag = "exports",
    summary = "台账导出 / the ledger of the filtered projects as a workbook, with a totals row",
    params(LedgerParams, FilterParams),
    responses(
        (status = 200, description = "项目台账.xlsx", content_type = XLSX, body = Vec<u8>),
        QueryErrors, AuthErrors
    )
)]
async fn ledger_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<LedgerParams>,
) -> Result<Response, ApiError> {
    caller.require(crate::domain::access::Ability::Read)?;
    let unit = parse_unit(params.unit.as_deref())?;
    let light = params.filter.light()?;
    let filter = filter_from(&state, params.filter, PageParams::default()).await?;
    let (items, _) = filtered_with_lights(&state, &filter, light, false).await?;
    let (year, as_of) = export_year(&state, &filter);
    let bytes = crate::report::render::ledger_xlsx(&items, year, as_of, unit)?;
    Ok(download(bytes, Format::Xlsx, "项目台账", "ledger"))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct MonthParams {
    /// The month (default: the last month that has ended); not one that has not started.
    #[param(value_type = Option<Period>)]
    month: Option<String>,
    #[serde(flatten)]
    #[param(ignore)]
    filter: FilterParams,
}

#[utoipa::path(
    get,
    path = "/exports/monthly.xlsx",
    tag = "exports",
    summary = "月度进度表 / the monthly progress sheet (万元) of the filtered projects, e.g. one town's",
    params(MonthParams, FilterParams),
    responses(
        (status = 200, description = "月度进度表-YYYY-MM.xlsx", content_type = XLSX, body = Vec<u8>),
        QueryErrors, AuthErrors
    )
)]
async fn monthly_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<MonthParams>,
) -> Result<Response, ApiError> {
    caller.require(crate::domain::access::Ability::Read)?;
    let today = state.clock.today();
    let month = match params.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Period::parse(m).filter(|p| p.first_day() <= today).ok_or_else(|| {
            ApiError::query_param("month", m, "应为已开始的月份YYYY-MM", "expected a month YYYY-MM that has started")
        })?,
        None => Period::of(Period::of(today).first_day().pred_opt().unwrap_or(today)),
    };
    let filter = filter_from(&state, params.filter, PageParams::default()).await?;
    let (projects, _) = state.store.list_projects(&filter, false, true).await?;
    let bytes = crate::report::render::monthly_xlsx(&projects, month)?;
    Ok(download(bytes, Format::Xlsx, &format!("月度进度表-{month}"), &format!("monthly-{month}")))
}

#[utoipa::path(
    get,
    path = "/exports/oc4ids.json",
    tag = "exports",
    summary = "OC4IDS数据包 / open data: the filtered projects as an OC4IDS 0.9.5 project package",
    params(FilterParams),
    responses(
        (status = 200, description = "OC4IDS 0.9.5 project package (validated against the published schema in the tests)",
            body = crate::report::oc4ids::Package),
        (status = 404, description = "没有符合条件的项目 / no project matches (a package needs one)", body = crate::http::error::ErrorBody),
        QueryErrors, AuthErrors
    )
)]
async fn oc4ids_json(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: axum::extract::OriginalUri,
    Query(params): Query<FilterParams>,
) -> Result<Response, ApiError> {
    caller.require(crate::domain::access::Ability::Read)?;
    let light = params.light()?;
    let filter = filter_from(&state, params, PageParams::default()).await?;
    let (items, _) = filtered_with_lights(&state, &filter, light, false).await?;
    if items.is_empty() {
        return Err(ApiError::new(
            ErrorCode::NoProjects,
            "没有符合条件的项目,无法生成OC4IDS数据包",
            "no project matches the filters: an OC4IDS package needs at least one project",
        ));
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| !h.is_empty());
    let package_uri = match (host, uri.0.path_and_query()) {
        (Some(host), Some(pq)) => format!("http://{host}{pq}"),
        _ => format!("urn:keyproj:oc4ids:{}", export_year(&state, &filter).0),
    };
    let publisher = match &state.publisher {
        Some(name) => name.to_string(),
        None => crate::report::oc4ids::default_publisher(&state.store.town_layer().await?.county_name),
    };
    let package = crate::report::oc4ids::package(
        items.iter().map(|(p, _)| p),
        package_uri,
        state.clock.today(),
        state.clock.now(),
        publisher,
    );
    Ok(axum::Json(package).into_response())
}

/// A list membership as an export shows it.
#[derive(Serialize, ToSchema)]
pub struct ListEntry {
    year: i32,
    list: ListLevel,
    kind: ListKind,
    build_type: BuildType,
    annual_plan_yuan: i64,
    effective_from: Option<NaiveDate>,
    effective_to: Option<NaiveDate>,
}

/// Every ledger field of a project, as the open-data GeoJSON shows it.
#[derive(Serialize, ToSchema)]
pub struct LedgerProperties<'a> {
    id: i64,
    code: &'a str,
    name: &'a str,
    company: Option<&'a str>,
    town_code: &'a str,
    town_name: &'a str,
    zone: Option<&'a str>,
    address: Option<&'a str>,
    chain: Chain,
    chain_name: &'static str,
    tier: Tier,
    status: Status,
    status_name: &'static str,
    total_investment_yuan: i64,
    /// The year the plan and completion figures are for.
    year: i32,
    annual_plan_yuan: i64,
    ytd_completed_yuan: i64,
    light: Light,
    signed_actual: Option<NaiveDate>,
    land_actual: Option<NaiveDate>,
    permit_actual: Option<NaiveDate>,
    start_baseline: Option<NaiveDate>,
    start_planned: Option<NaiveDate>,
    start_actual: Option<NaiveDate>,
    completion_baseline: Option<NaiveDate>,
    completion_planned: Option<NaiveDate>,
    completion_actual: Option<NaiveDate>,
    production_baseline: Option<NaiveDate>,
    production_planned: Option<NaiveDate>,
    production_actual: Option<NaiveDate>,
    responsible_unit: Option<&'a str>,
    responsible_leader: Option<&'a str>,
    lists: Vec<ListEntry>,
    location_precision: LocationPrecision,
    sample: bool,
}

feature_collection!(
    /// The open-data GeoJSON: every ledger field of each project.
    LedgerPoints,
    LedgerPoint<'a>,
    PointGeometry,
    LedgerProperties<'a>
);

fn ledger_properties<'a>(
    p: &'a crate::domain::project::Project,
    light: Light,
    year: i32,
    as_of: NaiveDate,
) -> LedgerProperties<'a> {
    let ms = &p.milestones;
    LedgerProperties {
        id: p.id,
        code: &p.code,
        name: &p.name,
        company: p.company.as_deref(),
        town_code: &p.town.code,
        town_name: &p.town.name,
        zone: p.zone.as_deref(),
        address: p.address.as_deref(),
        chain: p.chain,
        chain_name: p.chain.label_zh(),
        tier: p.tier,
        status: p.status,
        status_name: p.status.label_zh(),
        total_investment_yuan: p.total_investment_yuan.0,
        year,
        annual_plan_yuan: annual_plan(p, year, as_of),
        ytd_completed_yuan: ytd_completed(p, year, as_of, TimeShareMode::Day),
        light,
        signed_actual: ms.signed.actual,
        land_actual: ms.land.actual,
        permit_actual: ms.permit.actual,
        start_baseline: ms.start.baseline,
        start_planned: ms.start.planned,
        start_actual: ms.start.actual,
        completion_baseline: ms.completion.baseline,
        completion_planned: ms.completion.planned,
        completion_actual: ms.completion.actual,
        production_baseline: ms.production.baseline,
        production_planned: ms.production.planned,
        production_actual: ms.production.actual,
        responsible_unit: p.responsible_unit.as_deref(),
        responsible_leader: p.responsible_leader.as_deref(),
        lists: p
            .lists
            .iter()
            .map(|m| ListEntry {
                year: m.year,
                list: m.list,
                kind: m.kind,
                build_type: m.build_type,
                annual_plan_yuan: m.annual_plan_yuan.0,
                effective_from: m.effective_from,
                effective_to: m.effective_to,
            })
            .collect(),
        location_precision: p.location.precision,
        sample: p.sample,
    }
}

#[utoipa::path(
    get,
    path = "/exports/projects.geojson",
    tag = "exports",
    summary = "GeoJSON开放数据 / open data: the filtered projects as points with every ledger field",
    params(FilterParams),
    responses(
        (status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json", body = LedgerPoints),
        QueryErrors, AuthErrors
    )
)]
async fn projects_geojson(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<FilterParams>,
) -> Result<Response, ApiError> {
    caller.require(crate::domain::access::Ability::Read)?;
    let light = params.light()?;
    let filter = filter_from(&state, params, PageParams::default()).await?;
    let (items, _) = filtered_with_lights(&state, &filter, light, false).await?;
    let (year, as_of) = export_year(&state, &filter);
    let features = items
        .iter()
        .map(|(p, e)| {
            LedgerPoint::new(
                Some(p.id),
                PointGeometry::new(p.location.lon, p.location.lat),
                ledger_properties(p, e.light, year, as_of),
            )
        })
        .collect();
    let mut response = axum::Json(LedgerPoints::new(features, None)).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json"));
    Ok(response)
}
