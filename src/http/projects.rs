//! `/api/projects…`: the ledger.

use super::AppState;
use super::auth::{Caller, Reader};
use super::error::ApiError;
use super::extract::{Json, Path, Query};
use super::geojson::{Feature, FeatureCollection, PointGeometry};
use super::reports::download;
use crate::accounts::approvals::{hold_milestone, hold_patch, hold_withdrawal};
use crate::domain::Chain;
use crate::domain::Tier;
use crate::domain::access::{Ability, milestone_actual_is_sensitive, patch_is_empty, split_patch};
use crate::domain::approval::ApprovalStatus;
use crate::domain::error::FieldError;
use crate::domain::lights::{Evaluation, Light, Reason, evaluate};
use crate::domain::lists::ListLevel;
use crate::domain::milestone::{MilestoneKind, MilestoneUpdate};
use crate::domain::project::{LocationPrecision, Project};
use crate::domain::project::{ProjectInput, ProjectPatch, ReportInput, StateChange};
use crate::domain::status::{State as ProjectState, Status};
use crate::ledger;
use crate::report::produce::Format;
use crate::store::{Approval, ApprovalFilter, Edit, ProjectFilter, StoreError};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects", get(list).post(create))
        .route("/projects.geojson", get(points))
        .route("/exports/ledger.xlsx", get(ledger_xlsx))
        .route("/exports/monthly.xlsx", get(monthly_xlsx))
        .route("/exports/oc4ids.json", get(oc4ids_json))
        .route("/exports/projects.geojson", get(projects_geojson))
        .route("/projects/{id}", get(one).patch(update))
        .route("/projects/{id}/milestones/{kind}", put(milestone))
        .route("/projects/{id}/reports", post(report))
        .route("/projects/{id}/suspend", post(suspend))
        .route("/projects/{id}/resume", post(resume))
        .route("/projects/{id}/withdraw", post(withdraw))
        .route("/projects/{id}/history", get(history))
}

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 1000;

/// The shared list filters as they arrive in a query string (all text, checked here so every
/// mistake gets a bilingual message naming the parameter).
#[derive(Debug, Default, Deserialize)]
pub struct FilterParams {
    year: Option<String>,
    town: Option<String>,
    chain: Option<String>,
    tier: Option<String>,
    status: Option<String>,
    list: Option<String>,
    q: Option<String>,
    bbox: Option<String>,
    light: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

fn bad_param(name: &str, value: &str, expected_zh: &str, expected_en: &str) -> FieldError {
    FieldError::new(
        name,
        format!("参数{name}的值“{value}”无效,应为{expected_zh}"),
        format!("invalid {name} \"{value}\": expected {expected_en}"),
    )
}

fn parse_enum<T>(
    errors: &mut Vec<FieldError>,
    name: &str,
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    codes: String,
) -> Option<T> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    let parsed = parse(v);
    if parsed.is_none() {
        errors.push(bad_param(name, v, &format!("以下之一:{codes}"), &format!("one of: {codes}")));
    }
    parsed
}

fn parse_int(
    errors: &mut Vec<FieldError>,
    name: &str,
    value: Option<&str>,
    range: std::ops::RangeInclusive<i64>,
) -> Option<i64> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    match v.parse::<i64>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            let (a, b) = (range.start(), range.end());
            errors.push(bad_param(name, v, &format!("{a}至{b}之间的整数"), &format!("an integer from {a} to {b}")));
            None
        }
    }
}

fn parse_bbox(errors: &mut Vec<FieldError>, value: Option<&str>) -> Option<[f64; 4]> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    let nums: Vec<f64> = v.split(',').filter_map(|s| s.trim().parse::<f64>().ok()).filter(|n| n.is_finite()).collect();
    match nums.as_slice() {
        [a, b, c, d]
            if a <= c
                && b <= d
                && (-180.0..=180.0).contains(a)
                && (-180.0..=180.0).contains(c)
                && (-90.0..=90.0).contains(b)
                && (-90.0..=90.0).contains(d) =>
        {
            Some([*a, *b, *c, *d])
        }
        _ => {
            errors.push(bad_param(
                "bbox",
                v,
                "“最小经度,最小纬度,最大经度,最大纬度”",
                "minLon,minLat,maxLon,maxLat in WGS84",
            ));
            None
        }
    }
}

impl FilterParams {
    /// The `light` filter (computed from the rules, so not part of the SQL filter).
    pub fn light(&self) -> Result<Option<Light>, ApiError> {
        let mut errors = Vec::new();
        let light = parse_enum(&mut errors, "light", self.light.as_deref(), Light::parse, Light::codes());
        if errors.is_empty() {
            Ok(light)
        } else {
            let mut e = ApiError::invalid(crate::domain::Invalid(errors));
            e.status = StatusCode::BAD_REQUEST;
            e.code = "invalid_query";
            Err(e)
        }
    }

    /// Check every parameter; the town may be a code, a name or an alias.
    pub fn into_filter(self) -> Result<ProjectFilter, ApiError> {
        self.into_filter_with_towns(None)
    }

    fn into_filter_with_towns(self, towns: Option<&crate::geo::TownLayer>) -> Result<ProjectFilter, ApiError> {
        let mut errors = Vec::new();
        let town_code = self.town.as_deref().map(str::trim).filter(|t| !t.is_empty()).and_then(|t| match towns {
            Some(layer) => match layer.resolve(t) {
                Some(town) => Some(town.code.clone()),
                None => {
                    errors.push(FieldError::new("town", format!("未知的镇街“{t}”"), format!("unknown town \"{t}\"")));
                    None
                }
            },
            None => Some(t.to_string()),
        });
        let filter = ProjectFilter {
            q_name_only: false,
            year: parse_int(&mut errors, "year", self.year.as_deref(), 2000..=2100).map(|y| y as i32),
            town_code,
            chain: parse_enum(&mut errors, "chain", self.chain.as_deref(), Chain::parse, Chain::codes()),
            tier: parse_enum(
                &mut errors,
                "tier",
                self.tier.as_deref(),
                Tier::parse,
                Tier::ALL.map(Tier::code).join(", "),
            ),
            status: parse_enum(&mut errors, "status", self.status.as_deref(), Status::parse, Status::codes()),
            list: parse_enum(&mut errors, "list", self.list.as_deref(), ListLevel::parse, ListLevel::codes()),
            q: self.q.map(|q| q.trim().chars().take(100).collect::<String>()).filter(|q| !q.is_empty()),
            bbox: parse_bbox(&mut errors, self.bbox.as_deref()),
            limit: parse_int(&mut errors, "limit", self.limit.as_deref(), 1..=MAX_LIMIT).unwrap_or(DEFAULT_LIMIT),
            offset: parse_int(&mut errors, "offset", self.offset.as_deref(), 0..=i64::from(i32::MAX)).unwrap_or(0),
        };
        if errors.is_empty() {
            Ok(filter)
        } else {
            let mut e = ApiError::invalid(crate::domain::Invalid(errors));
            e.status = StatusCode::BAD_REQUEST;
            e.code = "invalid_query";
            Err(e)
        }
    }
}

async fn filter_from(state: &AppState, params: FilterParams) -> Result<ProjectFilter, ApiError> {
    let towns = if params.town.is_some() { Some(state.store.town_layer().await?) } else { None };
    params.into_filter_with_towns(towns.as_deref())
}

fn json_response<T: serde::Serialize>(status: StatusCode, value: &T) -> Result<Response, ApiError> {
    Ok((status, axum::Json(value)).into_response())
}

/// A project as the API shows it: the stored aggregate plus its light as of today (and, for
/// one project, the changes waiting for approval).
#[derive(serde::Serialize)]
pub struct ProjectView<'a> {
    #[serde(flatten)]
    project: &'a Project,
    light: Light,
    reasons: Vec<Reason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pending_approvals: Option<Vec<Approval>>,
}

fn view(state: &AppState, project: &Project) -> Evaluation {
    evaluate(project, state.clock.today(), &state.rules)
}

/// One project as JSON, with its light and the changes waiting for approval.
pub(super) async fn project_json(state: &AppState, project: &Project) -> Result<serde_json::Value, ApiError> {
    let e = view(state, project);
    let pending =
        ApprovalFilter { status: Some(ApprovalStatus::Pending), project_id: Some(project.id), requested_by: None };
    let pending_approvals = Some(state.store.approvals(&pending).await?);
    serde_json::to_value(ProjectView { project, light: e.light, reasons: e.reasons, pending_approvals })
        .map_err(|_| ApiError::internal())
}

async fn project_response(state: &AppState, status: StatusCode, project: &Project) -> Result<Response, ApiError> {
    Ok((status, axum::Json(project_json(state, project).await?)).into_response())
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<ProjectInput>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Create)?;
    let towns = state.store.town_layer().await?;
    let new = ledger::new_project(&input, &towns, state.clock.today())?;
    let project = state.store.create_project(new, &caller.actor(), state.clock.now()).await?;
    let mut response = project_response(&state, StatusCode::CREATED, &project).await?;
    if let Ok(location) = HeaderValue::from_str(&format!("/api/projects/{}", project.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

#[derive(serde::Serialize)]
struct Page<T> {
    items: Vec<T>,
    total: i64,
    limit: i64,
    offset: i64,
}

/// Projects matching the filters, each with its light; `light=` filters on it (computed, so
/// that filter is applied after loading, before paging).
async fn filtered_with_lights(
    state: &AppState,
    filter: &ProjectFilter,
    light: Option<Light>,
    paged: bool,
) -> Result<(Vec<(Project, Evaluation)>, i64), ApiError> {
    let today = state.clock.today();
    let load_page = paged && light.is_none();
    let (projects, total) = state.store.list_projects(filter, load_page, true).await?;
    let evaluated = projects.into_iter().map(|p| {
        let e = evaluate(&p, today, &state.rules);
        (p, e)
    });
    match light {
        None => Ok((evaluated.collect(), total)),
        Some(l) => {
            let all: Vec<(Project, Evaluation)> = evaluated.filter(|(_, e)| e.light == l).collect();
            let total = all.len() as i64;
            let items = if paged {
                all.into_iter().skip(filter.offset as usize).take(filter.limit as usize).collect()
            } else {
                all
            };
            Ok((items, total))
        }
    }
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<FilterParams>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    let light = params.light()?;
    let filter = filter_from(&state, params).await?;
    let (items, total) = filtered_with_lights(&state, &filter, light, true).await?;
    // The ledger shows the project without its monthly reports (GET /api/projects/{id} has them).
    let items: Vec<(Project, Evaluation)> = items
        .into_iter()
        .map(|(mut p, e)| {
            p.reports = None;
            (p, e)
        })
        .collect();
    let views: Vec<ProjectView> = items
        .iter()
        .map(|(p, e)| ProjectView { project: p, light: e.light, reasons: e.reasons.clone(), pending_approvals: None })
        .collect();
    json_response(StatusCode::OK, &Page { items: views, total, limit: filter.limit, offset: filter.offset })
}

/// The properties of a project point on the map.
#[derive(serde::Serialize)]
struct PointProperties<'a> {
    id: i64,
    code: &'a str,
    name: &'a str,
    company: Option<&'a str>,
    tier: Tier,
    chain: Chain,
    town: &'a str,
    town_name: &'a str,
    status: Status,
    total_investment_yuan: i64,
    location_precision: LocationPrecision,
    light: Light,
    reasons: &'a [Reason],
}

/// What the public map shows of a project: no money, company or light.
#[derive(serde::Serialize)]
struct PublicPointProperties<'a> {
    id: i64,
    name: &'a str,
    tier: Tier,
    chain: Chain,
    town: &'a str,
    town_name: &'a str,
    status: Status,
}

/// Project points for the map, filtered like the ledger (no paging: the map wants them all).
/// Anonymous visitors (public map on) get only name, town, chain, tier and status.
async fn points(
    State(state): State<AppState>,
    Reader(caller): Reader,
    headers: HeaderMap,
    Query(params): Query<FilterParams>,
) -> Result<Response, ApiError> {
    let light = params.light()?;
    let mut filter = filter_from(&state, params).await?;
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
                    Feature::new(
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
            serde_json::to_vec(&FeatureCollection::new(features, None)).map_err(|_| ApiError::internal())
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
                    Feature::new(
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
            serde_json::to_vec(&FeatureCollection::new(features, None)).map_err(|_| ApiError::internal())
        })
        .await
}

/// The ledger of the current view (same filters as the list, no paging) as a workbook.
#[derive(Deserialize)]
struct LedgerParams {
    /// `yi` (亿元, default) or `wan` (万元).
    unit: Option<String>,
    #[serde(flatten)]
    filter: FilterParams,
}

async fn ledger_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<LedgerParams>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    use crate::report::render::LedgerUnit;
    let unit = match params.unit.as_deref().map(str::trim) {
        None | Some("") | Some("yi") => LedgerUnit::Yi,
        Some("wan") => LedgerUnit::Wan,
        Some(other) => {
            let mut e = ApiError::field(FieldError::new(
                "unit",
                format!("参数unit的值“{other}”无效,应为yi(亿元)或wan(万元)"),
                format!("invalid unit \"{other}\": expected yi or wan"),
            ));
            e.status = StatusCode::BAD_REQUEST;
            return Err(e);
        }
    };
    let params = params.filter;
    let light = params.light()?;
    let filter = filter_from(&state, params).await?;
    let (items, _) = filtered_with_lights(&state, &filter, light, false).await?;
    let (year, as_of) = export_year(&state, &filter);
    let bytes = crate::report::render::ledger_xlsx(&items, year, as_of, unit)?;
    Ok(download(bytes, Format::Xlsx, "项目台账", "ledger"))
}

#[derive(Deserialize)]
struct MonthParams {
    month: Option<String>,
    #[serde(flatten)]
    filter: FilterParams,
}

/// The monthly progress sheet of a month (default: the last month that has ended), for the
/// filtered projects (e.g. one town's).
async fn monthly_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<MonthParams>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    use crate::domain::report::Period;
    let today = state.clock.today();
    let month = match params.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Period::parse(m).filter(|p| p.first_day() <= today).ok_or_else(|| {
            let mut e = ApiError::field(FieldError::new(
                "month",
                format!("参数month的值“{m}”无效,应为已开始的月份YYYY-MM"),
                format!("invalid month \"{m}\": expected a month YYYY-MM that has started"),
            ));
            e.status = StatusCode::BAD_REQUEST;
            e
        })?,
        None => Period::of(Period::of(today).first_day().pred_opt().unwrap_or(today)),
    };
    let filter = filter_from(&state, params.filter).await?;
    let (projects, _) = state.store.list_projects(&filter, false, true).await?;
    let bytes = crate::report::render::monthly_xlsx(&projects, month)?;
    Ok(download(bytes, Format::Xlsx, &format!("月度进度表-{month}"), &format!("monthly-{month}")))
}

async fn one(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    let project = state.store.project(id).await?;
    project_response(&state, StatusCode::OK, &project).await
}

/// A town editor may only touch projects in its towns (checked inside the transaction, on the
/// project as stored).
fn in_scope(caller: &Caller, p: &Project) -> Result<(), StoreError> {
    if caller.principal.can_edit_in(&p.town.code) { Ok(()) } else { Err(StoreError::OutsideTowns(p.town.code.clone())) }
}

/// 202 when part of the change waits for approval.
fn held_status(approval: &Option<Approval>) -> StatusCode {
    if approval.is_some() { StatusCode::ACCEPTED } else { StatusCode::OK }
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(patch): Json<ProjectPatch>,
) -> Result<Response, ApiError> {
    caller.require(Ability::EditIn)?;
    let towns = state.store.town_layer().await?;
    let (now_part, held) = if caller.principal.needs_approval(state.access.approvals) {
        split_patch(&patch)
    } else {
        (patch.clone(), None)
    };
    let (project, approval) = state
        .store
        .modify_project(id, Some(patch.version), "update", &caller.actor(), state.clock.now(), |p| {
            in_scope(&caller, p)?;
            let held = match &held {
                Some(h) => {
                    // Refuse a bad value now, not when someone approves it.
                    ledger::apply_patch(&mut p.clone(), h, &towns)?;
                    Some(hold_patch(p, h))
                }
                None => None,
            };
            let apply_now = held.is_none() || !patch_is_empty(&now_part);
            if apply_now {
                ledger::apply_patch(p, &now_part, &towns)?;
                // Nor move one out of them.
                in_scope(&caller, p)?;
            }
            Ok(match held {
                None => Edit::Apply,
                Some(h) if apply_now => Edit::ApplyAndHold(h),
                Some(h) => Edit::Hold(h),
            })
        })
        .await?;
    project_response(&state, held_status(&approval), &project).await
}

/// A field present in the body (possibly `null`) versus absent (unchanged).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<NaiveDate>>, D::Error> {
    Option::<NaiveDate>::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MilestoneChange {
    #[serde(default, deserialize_with = "present")]
    planned: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "present")]
    actual: Option<Option<NaiveDate>>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    version: Option<i64>,
}

async fn milestone(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, kind)): Path<(i64, String)>,
    Json(change): Json<MilestoneChange>,
) -> Result<Response, ApiError> {
    caller.require(Ability::EditIn)?;
    let kind = MilestoneKind::parse(&kind).ok_or_else(|| {
        ApiError::field(FieldError::new(
            "kind",
            format!("未知的节点“{kind}”,可选:{}", MilestoneKind::codes()),
            format!("unknown milestone \"{kind}\": expected one of {}", MilestoneKind::codes()),
        ))
    })?;
    let (now, today) = (state.clock.now(), state.clock.today());
    let actor = caller.actor();
    let may_hold = caller.principal.needs_approval(state.access.approvals) && milestone_actual_is_sensitive(kind);
    let (project, approval) = state
        .store
        .modify_project(id, change.version, &format!("milestone.{kind}"), &actor, now, |p| {
            in_scope(&caller, p)?;
            let current = p.milestones.get(kind);
            let update = MilestoneUpdate {
                planned: change.planned.unwrap_or(current.planned),
                actual: change.actual.unwrap_or(current.actual),
                reason: change.reason.clone(),
            };
            if may_hold && update.actual != current.actual {
                ledger::apply_milestone(&mut p.clone(), kind, &update, &actor.name, now, today)?;
                return Ok(Edit::Hold(hold_milestone(p, kind, &update)));
            }
            ledger::apply_milestone(p, kind, &update, &actor.name, now, today)?;
            Ok(Edit::Apply)
        })
        .await?;
    project_response(&state, held_status(&approval), &project).await
}

async fn report(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<ReportInput>,
) -> Result<Response, ApiError> {
    caller.require(Ability::EditIn)?;
    let report = input.to_report(state.clock.today())?;
    let scope = (caller.principal.role == crate::domain::access::Role::TownEditor).then_some(&caller.principal.towns);
    let project = state
        .store
        .put_report(id, input.version, &report, scope.map(Vec::as_slice), &caller.actor(), state.clock.now())
        .await?;
    project_response(&state, StatusCode::OK, &project).await
}

async fn change_state(
    state: AppState,
    caller: Caller,
    id: i64,
    to: ProjectState,
    action: &str,
    change: StateChange,
) -> Result<Response, ApiError> {
    caller.require(Ability::EditIn)?;
    let hold = to == ProjectState::Withdrawn && caller.principal.needs_approval(state.access.approvals);
    let (project, approval) = state
        .store
        .modify_project(id, change.version, action, &caller.actor(), state.clock.now(), |p| {
            in_scope(&caller, p)?;
            // Undoing a withdrawal is as sensitive as withdrawing: an editor's decision.
            if to == ProjectState::Active
                && p.state == ProjectState::Withdrawn
                && caller.principal.role == crate::domain::access::Role::TownEditor
            {
                return Err(StoreError::EditorsOnly);
            }
            if hold {
                ledger::change_state(&mut p.clone(), to, change.reason.as_deref())?;
                return Ok(Edit::Hold(hold_withdrawal(p, change.reason.as_deref())));
            }
            ledger::change_state(p, to, change.reason.as_deref())?;
            Ok(Edit::Apply)
        })
        .await?;
    project_response(&state, held_status(&approval), &project).await
}

async fn suspend(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(c): Json<StateChange>,
) -> Result<Response, ApiError> {
    change_state(state, caller, id, ProjectState::Suspended, "suspend", c).await
}

async fn resume(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(c): Json<StateChange>,
) -> Result<Response, ApiError> {
    change_state(state, caller, id, ProjectState::Active, "resume", c).await
}

async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(c): Json<StateChange>,
) -> Result<Response, ApiError> {
    change_state(state, caller, id, ProjectState::Withdrawn, "withdraw", c).await
}

async fn history(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    // 404 for a project that does not exist, rather than an empty history.
    state.store.project(id).await?;
    let records = state.store.history("project", &id.to_string()).await?;
    json_response(StatusCode::OK, &serde_json::json!({ "items": records }))
}

/// The year and as-of date of an export: the filter's year (default this year), as of today,
/// or as of 31 December for a past year (as the ledger workbook).
fn export_year(state: &AppState, filter: &ProjectFilter) -> (i32, NaiveDate) {
    use chrono::Datelike;
    let today = state.clock.today();
    let year = filter.year.unwrap_or(today.year());
    let as_of = if year < today.year() { NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today) } else { today };
    (year, as_of)
}

/// Open data: the filtered projects (no paging) as an OC4IDS 0.9 project package.
async fn oc4ids_json(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: axum::extract::OriginalUri,
    Query(params): Query<FilterParams>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    let light = params.light()?;
    let filter = filter_from(&state, params).await?;
    let (items, _) = filtered_with_lights(&state, &filter, light, false).await?;
    if items.is_empty() {
        // A package needs at least one project.
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no_projects",
            "没有符合条件的项目,无法生成OC4IDS数据包",
            "no project matches the filters: an OC4IDS package needs at least one project",
        ));
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| !h.is_empty());
    let package_uri = match (host, uri.0.path_and_query()) {
        (Some(host), Some(pq)) => format!("http://{host}{pq}"),
        _ => format!("urn:keyproj:oc4ids:{}", export_year(&state, &filter).0),
    };
    let publisher = crate::report::oc4ids::default_publisher(&state.store.town_layer().await?.county_name);
    let package = crate::report::oc4ids::package(
        items.iter().map(|(p, _)| p),
        package_uri,
        state.clock.today(),
        state.clock.now(),
        publisher,
    );
    json_response(StatusCode::OK, &package)
}

/// A list membership as an export shows it.
#[derive(serde::Serialize)]
struct ListEntry {
    year: i32,
    list: ListLevel,
    kind: crate::domain::lists::ListKind,
    build_type: crate::domain::lists::BuildType,
    annual_plan_yuan: i64,
    effective_from: Option<NaiveDate>,
    effective_to: Option<NaiveDate>,
}

/// Every ledger field of a project, as the open-data GeoJSON shows it.
#[derive(serde::Serialize)]
struct LedgerProperties<'a> {
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

/// Open data: the filtered projects (no paging) as GeoJSON points with every ledger field.
async fn projects_geojson(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<FilterParams>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    use crate::domain::calendar::TimeShareMode;
    use crate::domain::lights::{annual_plan, ytd_completed};
    let light = params.light()?;
    let filter = filter_from(&state, params).await?;
    let (items, _) = filtered_with_lights(&state, &filter, light, false).await?;
    let (year, as_of) = export_year(&state, &filter);
    let features = items
        .iter()
        .map(|(p, e)| {
            let ms = &p.milestones;
            Feature::new(
                Some(p.id),
                PointGeometry::new(p.location.lon, p.location.lat),
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
                    light: e.light,
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
                },
            )
        })
        .collect();
    let mut response = json_response(StatusCode::OK, &FeatureCollection::new(features, None))?;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json"));
    Ok(response)
}
