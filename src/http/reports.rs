//! `/api/indicators`, `/api/reports/…`, `/api/targets/{year}`, `/api/rules`: the numbers.

use super::AppState;
use super::auth::Caller;
use super::error::ApiError;
use super::extract::{Json, Path, Query};
use crate::domain::FieldError;
use crate::domain::access::Ability;
use crate::domain::calendar::IsoWeek;
use crate::domain::indicators::Targets;
use crate::domain::report::Period;
use crate::report::produce::{self, Format, ProduceError};
use crate::store::StoreError;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/indicators", get(indicators))
        .route("/reports/weekly", get(weekly))
        .route("/reports/weekly/published", get(published))
        .route("/reports/weekly/{week}/publish", post(publish))
        .route("/reports/bulletin", get(bulletin))
        .route("/targets/{year}", get(targets).put(put_targets))
        .route("/rules", get(rules))
}

impl From<ProduceError> for ApiError {
    fn from(e: ProduceError) -> Self {
        match e {
            ProduceError::Store(s) => s.into(),
            other => {
                tracing::error!(error = %other, "report failed");
                ApiError::internal()
            }
        }
    }
}

impl From<crate::report::render::RenderError> for ApiError {
    fn from(e: crate::report::render::RenderError) -> Self {
        tracing::error!(error = %e, "rendering failed");
        ApiError::internal()
    }
}

fn invalid_param(name: &str, value: &str, zh: &str, en: &str) -> ApiError {
    let mut e = ApiError::field(FieldError::new(
        name,
        format!("参数{name}的值“{value}”无效:{zh}"),
        format!("invalid {name} \"{value}\": {en}"),
    ));
    e.status = StatusCode::BAD_REQUEST;
    e.code = "invalid_query";
    e
}

fn parse_format(value: Option<&str>, allowed: &[Format], default: Format) -> Result<Format, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => Format::parse(v).filter(|f| allowed.contains(f)).ok_or_else(|| {
            let list = allowed.iter().map(|f| f.extension()).collect::<Vec<_>>().join(", ");
            invalid_param("format", v, &format!("可选{list}"), &format!("expected one of {list}"))
        }),
    }
}

/// A download: the right content type and a file name that survives Chinese characters.
pub(super) fn download(bytes: Vec<u8>, format: Format, stem: &str, ascii_stem: &str) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    if format != Format::Json {
        let ext = format.extension();
        let encoded: String = format!("{stem}.{ext}")
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let disposition = if format == Format::Html || format == Format::Text { "inline" } else { "attachment" };
        if let Ok(v) = HeaderValue::from_str(&format!(
            "{disposition}; filename=\"{ascii_stem}.{ext}\"; filename*=UTF-8''{encoded}"
        )) {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    response
}

#[derive(Deserialize)]
struct IndicatorParams {
    year: Option<String>,
    as_of: Option<String>,
}

fn parse_date(name: &str, value: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| invalid_param(name, value, "日期格式应为YYYY-MM-DD", "expected a date YYYY-MM-DD"))
}

fn parse_year(value: &str) -> Result<i32, ApiError> {
    value
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| invalid_param("year", value, "应为2000至2100之间的年份", "expected a year from 2000 to 2100"))
}

async fn indicators(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<IndicatorParams>,
) -> Result<Response, ApiError> {
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
    let ind = produce::indicators_for(&state.store, &state.rules, year, as_of).await?;
    Ok(axum::Json(ind).into_response())
}

#[derive(Deserialize)]
struct WeeklyParams {
    week: Option<String>,
    format: Option<String>,
    /// Recompute a published week from today's data instead of returning it as issued.
    live: Option<String>,
}

fn parse_week(value: Option<&str>, today: NaiveDate) -> Result<IsoWeek, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(IsoWeek::last_complete(today));
    };
    let week = IsoWeek::parse(v)
        .ok_or_else(|| invalid_param("week", v, "应为ISO周,如2026-W48", "expected an ISO week such as 2026-W48"))?;
    if week.monday() > today {
        return Err(invalid_param("week", v, "该周尚未开始", "that week has not started yet"));
    }
    Ok(week)
}

const WEEKLY_FORMATS: &[Format] = &[Format::Json, Format::Xlsx, Format::Csv, Format::Html];

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
    if !live {
        if let Some(published) = state.store.published_weekly(&week.to_string()).await? {
            let mut r = download(produce::published_bytes(&published, format), format, &stem, &ascii);
            if let Ok(v) = HeaderValue::from_str(&published.published_at.to_rfc3339()) {
                r.headers_mut().insert("x-keyproj-published-at", v);
            }
            return Ok(r);
        }
    }
    let report = produce::weekly_for(&state.store, &state.rules, week, state.clock.now()).await?;
    Ok(download(produce::render_weekly(&report, format)?, format, &stem, &ascii))
}

async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Path(week): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Publish)?;
    let week = parse_week(Some(&week), state.clock.today()).map_err(|mut e| {
        e.status = StatusCode::UNPROCESSABLE_ENTITY;
        e
    })?;
    if week.sunday() >= state.clock.today() {
        return Err(ApiError::field(FieldError::new(
            "week",
            format!("{week}尚未结束,不能发布"),
            format!("{week} has not ended yet; it cannot be published"),
        )));
    }
    let published = produce::publish_week(&state.store, &state.rules, week, &caller.actor(), state.clock.now())
        .await
        .map_err(|e| match e {
        ProduceError::Store(StoreError::AlreadyPublished(w)) => ApiError::new(
            StatusCode::CONFLICT,
            "already_published",
            format!("{w}周报已发布,发布后不可更改"),
            format!("the report for {w} is already published and cannot change"),
        ),
        other => other.into(),
    })?;
    let body = serde_json::json!({
        "week": published.week,
        "published_at": published.published_at,
        "published_by": published.published_by,
    });
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

async fn published(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    let items: Vec<serde_json::Value> = state
        .store
        .published_weeks()
        .await?
        .into_iter()
        .map(|(week, at, by)| serde_json::json!({ "week": week, "published_at": at, "published_by": by }))
        .collect();
    Ok(axum::Json(serde_json::json!({ "items": items })).into_response())
}

#[derive(Deserialize)]
struct BulletinParams {
    month: Option<String>,
    format: Option<String>,
}

async fn bulletin(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<BulletinParams>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    let today = state.clock.today();
    let month = match p.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Period::parse(m)
            .ok_or_else(|| invalid_param("month", m, "应为YYYY-MM", "expected a month YYYY-MM"))
            .and_then(|period| {
                if period.first_day() > today {
                    Err(invalid_param("month", m, "该月尚未开始", "that month has not started yet"))
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

async fn targets(
    State(state): State<AppState>,
    caller: Caller,
    Path(year): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    let year = parse_year(&year).map_err(|_| ApiError::not_found())?;
    let stored = state.store.targets(year).await?;
    let is_default = stored.is_none();
    let targets = stored.unwrap_or_default();
    let mut body = serde_json::to_value(&targets).unwrap_or_default();
    if let Some(o) = body.as_object_mut() {
        o.insert("year".into(), year.into());
        o.insert("default".into(), is_default.into());
    }
    Ok(axum::Json(body).into_response())
}

async fn put_targets(
    State(state): State<AppState>,
    caller: Caller,
    Path(year): Path<String>,
    Json(targets): Json<Targets>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Administer)?;
    let year = parse_year(&year).map_err(|_| ApiError::not_found())?;
    targets.check()?;
    state.store.put_targets(year, &targets, &caller.actor(), state.clock.now()).await?;
    let mut body = serde_json::to_value(&targets).unwrap_or_default();
    if let Some(o) = body.as_object_mut() {
        o.insert("year".into(), year.into());
        o.insert("default".into(), false.into());
    }
    Ok(axum::Json(body).into_response())
}

async fn rules(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    Ok(axum::Json(state.rules.as_ref()).into_response())
}
