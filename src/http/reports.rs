//! `/api/indicators`, `/api/reports/…`, `/api/targets/{year}`, `/api/rules`: the numbers.

use super::AppState;
use super::auth::Caller;
use super::download::download;
use super::error::{ApiError, ErrorBody};
use super::extract::{Json, Path, Query};
use super::openapi::{AuthErrors, BodyErrors, ConflictErrors, NotFoundErrors, QueryErrors};
use crate::domain::FieldError;
use crate::domain::access::Ability;
use crate::domain::calendar::IsoWeek;
use crate::domain::error::Entity;
use crate::domain::indicators::{Indicators, Targets};
use crate::domain::lights::RuleSet;
use crate::domain::report::Period;
use crate::report::bulletin::Bulletin;
use crate::report::produce::{self, Format, ProduceError};
use crate::report::weekly::WeeklyReport;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(indicators))
        .routes(routes!(weekly))
        .routes(routes!(published))
        .routes(routes!(publish))
        .routes(routes!(bulletin))
        .routes(routes!(targets, put_targets))
        .routes(routes!(rules))
}

impl From<ProduceError> for ApiError {
    fn from(e: ProduceError) -> Self {
        match e {
            ProduceError::Store(s) => s.into(),
            other => ApiError::internal(other),
        }
    }
}

impl From<crate::report::render::RenderError> for ApiError {
    fn from(e: crate::report::render::RenderError) -> Self {
        ApiError::internal(e)
    }
}

/// A report format, as asked.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormatParam {
    Json,
    Xlsx,
    Csv,
    Html,
    Text,
}

fn parse_format(value: Option<&str>, allowed: &[Format], default: Format) -> Result<Format, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => Format::parse(v).filter(|f| allowed.contains(f)).ok_or_else(|| {
            let list = allowed.iter().map(|f| f.extension()).collect::<Vec<_>>().join(", ");
            ApiError::query_param("format", v, &format!("可选{list}"), &format!("expected one of {list}"))
        }),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct IndicatorParams {
    /// The year (default: the as-of date's).
    #[param(value_type = Option<i32>, minimum = 2000, maximum = 2100)]
    year: Option<String>,
    /// As of this date (default: today, or 31 December for a past year).
    #[param(value_type = Option<NaiveDate>)]
    as_of: Option<String>,
}

fn parse_date(name: &str, value: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::query_param(name, value, "日期格式应为YYYY-MM-DD", "expected a date YYYY-MM-DD"))
}

fn parse_year(value: &str) -> Result<i32, ApiError> {
    value.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(|| {
        ApiError::query_param("year", value, "应为2000至2100之间的年份", "expected a year from 2000 to 2100")
    })
}

#[utoipa::path(
    get,
    path = "/indicators",
    tag = "reports",
    summary = "指标 / start rate, investment against the time share, completion rate and tier attainment",
    description = "One engine for the map, the ledger, the dashboard and the reports: the same as-of date gives \
the same numbers everywhere.",
    params(IndicatorParams),
    responses((status = 200, body = Indicators), QueryErrors, AuthErrors)
)]
async fn indicators(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<IndicatorParams>,
) -> Result<axum::Json<Indicators>, ApiError> {
    caller.require(Ability::Read)?;
    let today = state.clock.today();
    let as_of = match p.as_of.as_deref() {
        Some(v) => parse_date("as_of", v)?,
        None => today,
    };
    let year = match p.year.as_deref() {
        Some(v) => parse_year(v)?,
        None => as_of.year(),
    };
    // For a past year without an as-of date, the year's end.
    let as_of = if p.as_of.is_none() && year < today.year() {
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today)
    } else {
        as_of
    };
    Ok(axum::Json(produce::indicators_for(&state.store, &state.rules, year, as_of).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct WeeklyParams {
    /// ISO week, e.g. `2026-W48` (default: the last complete week); not one that has not started.
    #[param(value_type = Option<String>, pattern = r"^\d{4}-W\d{2}$", example = "2026-W47")]
    week: Option<String>,
    /// `json` (default), `xlsx`, `csv` or `html`.
    #[param(value_type = Option<FormatParam>)]
    format: Option<String>,
    /// `true`: recompute a published week from today's data instead of returning it as issued.
    #[param(value_type = Option<bool>)]
    live: Option<String>,
}

fn parse_week(value: Option<&str>, today: NaiveDate) -> Result<IsoWeek, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(IsoWeek::last_complete(today));
    };
    let week = IsoWeek::parse(v).ok_or_else(|| {
        ApiError::query_param("week", v, "应为ISO周,如2026-W48", "expected an ISO week such as 2026-W48")
    })?;
    if week.monday() > today {
        return Err(ApiError::query_param("week", v, "该周尚未开始", "that week has not started yet"));
    }
    Ok(week)
}

const WEEKLY_FORMATS: &[Format] = &[Format::Json, Format::Xlsx, Format::Csv, Format::Html];

#[utoipa::path(
    get,
    path = "/reports/weekly",
    tag = "reports",
    summary = "滞后项目周报 / the weekly laggard report of an ISO week, as JSON, XLSX, CSV or a print page",
    description = "A published week is answered as issued, byte for byte (header `X-Keyproj-Published-At`), unless \
`live=true`.",
    params(WeeklyParams),
    responses(
        (status = 200, description = "周报 / the report", content(
            (WeeklyReport = "application/json"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"),
            (String = "text/html"),
        ), headers(("X-Keyproj-Published-At" = String, description = "RFC 3339 time of publication, for a published week"))),
        QueryErrors, AuthErrors
    )
)]
async fn weekly(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<WeeklyParams>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    let week = parse_week(p.week.as_deref(), state.clock.today())?;
    let format = parse_format(p.format.as_deref(), WEEKLY_FORMATS, Format::Json)?;
    let stem = format!("滞后项目周报-{week}");
    let ascii = format!("laggards-{week}");
    let live = p.live.as_deref().is_some_and(|v| v == "true" || v == "1");
    if !live && let Some(published) = state.store.published_weekly(&week.to_string()).await? {
        let mut r = download(produce::published_bytes(&published, format), format, &stem, &ascii);
        if let Ok(v) = HeaderValue::from_str(&published.published_at.to_rfc3339()) {
            r.headers_mut().insert("x-keyproj-published-at", v);
        }
        return Ok(r);
    }
    let report = produce::weekly_for(&state.store, &state.rules, week, state.clock.now()).await?;
    Ok(download(produce::render_weekly(&report, format)?, format, &stem, &ascii))
}

/// A week's report as issued.
#[derive(Serialize, ToSchema)]
pub struct PublishedWeek {
    /// The ISO week, e.g. `2026-W47`.
    week: String,
    published_at: DateTime<Utc>,
    published_by: String,
}

#[utoipa::path(
    post,
    path = "/reports/weekly/{week}/publish",
    tag = "reports",
    summary = "发布周报 / publish a week's report: stored as issued, never changed afterwards",
    description = "Editors. Only a week that has ended; the next week's diff compares against what was published.",
    params(("week" = String, Path, description = "ISO week, e.g. 2026-W47", example = "2026-W47")),
    responses(
        (status = 201, body = PublishedWeek),
        (status = 409, description = "该周已发布 / already published", body = ErrorBody),
        (status = 422, description = "周次无效或尚未结束 / not an ISO week, or it has not ended", body = ErrorBody),
        AuthErrors
    )
)]
async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Path(week): Path<String>,
) -> Result<(StatusCode, axum::Json<PublishedWeek>), ApiError> {
    caller.require(Ability::Publish)?;
    let today = state.clock.today();
    let week = IsoWeek::parse(week.trim()).filter(|w| w.sunday() <= today).ok_or_else(|| {
        ApiError::field(FieldError::new(
            "week",
            format!("周次“{week}”无效或尚未结束,不能发布(格式如2026-W47)"),
            format!("week \"{week}\" is not an ISO week that has ended (e.g. 2026-W47); it cannot be published"),
        ))
    })?;
    let published = produce::publish_week(&state.store, &state.rules, week, &caller.actor(), state.clock.now()).await?;
    let body = PublishedWeek {
        week: published.week,
        published_at: published.published_at,
        published_by: published.published_by,
    };
    Ok((StatusCode::CREATED, axum::Json(body)))
}

/// The weeks published so far.
#[derive(Serialize, ToSchema)]
pub struct PublishedWeeks {
    items: Vec<PublishedWeek>,
}

#[utoipa::path(
    get,
    path = "/reports/weekly/published",
    tag = "reports",
    summary = "已发布周报 / the weeks published so far",
    responses((status = 200, body = PublishedWeeks), AuthErrors)
)]
async fn published(State(state): State<AppState>, caller: Caller) -> Result<axum::Json<PublishedWeeks>, ApiError> {
    caller.require(Ability::Read)?;
    let items = state
        .store
        .published_weeks()
        .await?
        .into_iter()
        .map(|(week, published_at, published_by)| PublishedWeek { week, published_at, published_by })
        .collect();
    Ok(axum::Json(PublishedWeeks { items }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct BulletinParams {
    /// The month (default: the last month that has ended); not one that has not started.
    #[param(value_type = Option<Period>)]
    month: Option<String>,
    /// `json` (default), `text`, `html` or `xlsx`.
    #[param(value_type = Option<FormatParam>)]
    format: Option<String>,
}

#[utoipa::path(
    get,
    path = "/reports/bulletin",
    tag = "reports",
    summary = "月度通报 / the monthly bulletin in the government's wording",
    params(BulletinParams),
    responses(
        (status = 200, description = "通报 / the bulletin", content(
            (Bulletin = "application/json"),
            (String = "text/plain"),
            (String = "text/html"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        QueryErrors, AuthErrors
    )
)]
async fn bulletin(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<BulletinParams>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    let today = state.clock.today();
    let month = match p.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Period::parse(m)
            .ok_or_else(|| ApiError::query_param("month", m, "应为YYYY-MM", "expected a month YYYY-MM"))
            .and_then(|period| {
                if period.first_day() > today {
                    Err(ApiError::query_param("month", m, "该月尚未开始", "that month has not started yet"))
                } else {
                    Ok(period)
                }
            })?,
        // The last month that has ended.
        None => Period::of(Period::of(today).first_day().pred_opt().unwrap_or(today)),
    };
    let format =
        parse_format(p.format.as_deref(), &[Format::Json, Format::Text, Format::Html, Format::Xlsx], Format::Json)?;
    let b = produce::bulletin_for(&state.store, &state.rules, month).await?;
    let stem = format!("重点项目建设进展通报-{month}");
    Ok(download(produce::render_bulletin(&b, format)?, format, &stem, &format!("bulletin-{month}")))
}

/// A year's targets, and whether they are the defaults (nothing stored for the year).
#[derive(Serialize, ToSchema)]
pub struct YearTargets {
    year: i32,
    #[serde(flatten)]
    targets: Targets,
    /// No targets were set for this year: these are the defaults.
    default: bool,
}

fn target_year(year: &str) -> Result<i32, ApiError> {
    year.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| ApiError::not_found(Entity::Endpoint))
}

#[utoipa::path(
    get,
    path = "/targets/{year}",
    tag = "reports",
    summary = "年度目标 / a year's targets (160/40/10/5 attracted starts, 260/40 key projects by default)",
    params(("year" = i32, Path, minimum = 2000, maximum = 2100)),
    responses((status = 200, body = YearTargets), NotFoundErrors, AuthErrors)
)]
async fn targets(
    State(state): State<AppState>,
    caller: Caller,
    Path(year): Path<String>,
) -> Result<axum::Json<YearTargets>, ApiError> {
    caller.require(Ability::Read)?;
    let year = target_year(&year)?;
    let stored = state.store.targets(year).await?;
    let default = stored.is_none();
    Ok(axum::Json(YearTargets { year, targets: stored.unwrap_or_default(), default }))
}

#[utoipa::path(
    put,
    path = "/targets/{year}",
    tag = "reports",
    summary = "设置年度目标 / set a year's targets (administrators)",
    params(("year" = i32, Path, minimum = 2000, maximum = 2100)),
    request_body = Targets,
    responses((status = 200, body = YearTargets), NotFoundErrors, BodyErrors, ConflictErrors, AuthErrors)
)]
async fn put_targets(
    State(state): State<AppState>,
    caller: Caller,
    Path(year): Path<String>,
    Json(targets): Json<Targets>,
) -> Result<axum::Json<YearTargets>, ApiError> {
    caller.require(Ability::Administer)?;
    let year = target_year(&year)?;
    targets.check()?;
    state.store.put_targets(year, &targets, &caller.actor(), state.clock.now()).await?;
    Ok(axum::Json(YearTargets { year, targets, default: false }))
}

#[utoipa::path(
    get,
    path = "/rules",
    tag = "reports",
    summary = "亮灯规则 / the light rules in force",
    responses((status = 200, body = RuleSet), AuthErrors)
)]
async fn rules(State(state): State<AppState>, caller: Caller) -> Result<axum::Json<RuleSet>, ApiError> {
    caller.require(Ability::Read)?;
    Ok(axum::Json(state.rules.as_ref().clone()))
}
