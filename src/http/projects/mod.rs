//! `/api/projects…`: the ledger. This module holds the projects themselves (list, create,
//! read, change, history); `changes` the sub-resources that change one project (milestones,
//! monthly reports, suspend/resume/withdraw); `map` the GeoJSON points of the map; `exports`
//! the workbooks and open data; `filters` the query parameters they share.

mod changes;
mod exports;
pub use exports::UnitParam;
pub mod filters;
mod map;

use super::AppState;
use super::auth::Caller;
use super::error::ApiError;
use super::extract::{Json, Path, Query};
use super::openapi::{AuthErrors, BodyErrors, ConflictErrors, NotFoundErrors, QueryErrors};
use crate::accounts::approvals::hold_patch;
use crate::domain::access::{Ability, patch_is_empty, split_patch};
use crate::domain::approval::ApprovalStatus;
use crate::domain::lights::{Evaluation, Light, Reason, evaluate};
use crate::domain::project::{Project, ProjectInput, ProjectPatch};
use crate::ledger;
use crate::store::{Approval, ApprovalFilter, AuditRecord, Edit, ProjectFilter};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use filters::{FilterParams, PageParams};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(one, update))
        .routes(routes!(history))
        .merge(changes::routes())
        .merge(map::routes())
        .merge(exports::routes())
}

/// A project as the API shows it: the stored aggregate plus its light as of today (and, for
/// one project, the changes waiting for approval).
#[derive(Serialize, ToSchema)]
pub struct ProjectView {
    #[serde(flatten)]
    project: Project,
    light: Light,
    /// The rules that fired, worst first; empty for a green light.
    reasons: Vec<Reason>,
    /// Changes to this project waiting for an editor (one project only, not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pending_approvals: Option<Vec<Approval>>,
}

impl ProjectView {
    fn new(project: Project, evaluation: Evaluation, pending_approvals: Option<Vec<Approval>>) -> ProjectView {
        ProjectView { project, light: evaluation.light, reasons: evaluation.reasons, pending_approvals }
    }
}

/// One project with its light and the changes waiting for approval.
pub(super) async fn project_view(state: &AppState, project: Project) -> Result<ProjectView, ApiError> {
    let evaluation = evaluate(&project, state.clock.today(), &state.rules);
    let pending =
        ApprovalFilter { status: Some(ApprovalStatus::Pending), project_id: Some(project.id), requested_by: None };
    let pending_approvals = Some(state.store.approvals(&pending).await?);
    Ok(ProjectView::new(project, evaluation, pending_approvals))
}

/// 200 with the project; 202 when part of the change waits for approval.
async fn project_answer(
    state: &AppState,
    project: Project,
    held: &Option<Approval>,
) -> Result<(StatusCode, axum::Json<ProjectView>), ApiError> {
    let status = if held.is_some() { StatusCode::ACCEPTED } else { StatusCode::OK };
    Ok((status, axum::Json(project_view(state, project).await?)))
}

/// A page of projects.
#[derive(Serialize, ToSchema)]
pub struct ProjectPage {
    items: Vec<ProjectView>,
    /// How many projects match the filters in all.
    total: i64,
    limit: i64,
    offset: i64,
}

/// Projects matching the filters, each with its light; `light=` filters on it (computed, so
/// that filter is applied after loading, before paging).
pub(super) async fn filtered_with_lights(
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

#[derive(Deserialize)]
struct ListParams {
    #[serde(flatten)]
    filter: FilterParams,
    #[serde(flatten)]
    page: PageParams,
}

#[utoipa::path(
    get,
    path = "/projects",
    operation_id = "projects",
    tag = "projects",
    summary = "项目台账 / the ledger: projects matching the filters, a page at a time",
    description = "Each project with its light as of today; without its monthly reports (read one project for those).",
    params(FilterParams, PageParams),
    responses((status = 200, body = ProjectPage), QueryErrors, AuthErrors)
)]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<ProjectPage>, ApiError> {
    caller.require(Ability::Read)?;
    let light = params.filter.light()?;
    let filter = filters::filter_from(&state, params.filter, params.page).await?;
    let (items, total) = filtered_with_lights(&state, &filter, light, true).await?;
    let items = items
        .into_iter()
        .map(|(mut p, e)| {
            p.reports = None;
            ProjectView::new(p, e, None)
        })
        .collect();
    Ok(axum::Json(ProjectPage { items, total, limit: filter.limit, offset: filter.offset }))
}

#[utoipa::path(
    post,
    path = "/projects",
    tag = "projects",
    summary = "新建项目 / create a project",
    description = "Editors and administrators. The town may be given by code, name or alias; the tier and status are derived.",
    request_body = ProjectInput,
    responses(
        (status = 201, body = ProjectView, headers(("Location" = String, description = "/api/projects/{id}"))),
        BodyErrors, ConflictErrors, AuthErrors
    )
)]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<ProjectInput>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Create)?;
    let towns = state.store.town_layer().await?;
    let new = ledger::new_project(&input, &towns, state.clock.today())?;
    let project = state.store.create_project(new, &caller.actor(), state.clock.now()).await?;
    let id = project.id;
    let mut response = (StatusCode::CREATED, axum::Json(project_view(&state, project).await?)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/projects/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

#[utoipa::path(
    get,
    path = "/projects/{id}",
    tag = "projects",
    summary = "一个项目 / one project, with its monthly reports and pending approvals",
    params(("id" = i64, Path, description = "项目ID / the project's id", example = 1)),
    responses((status = 200, body = ProjectView), NotFoundErrors, AuthErrors)
)]
async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<ProjectView>, ApiError> {
    caller.require(Ability::Read)?;
    let project = state.store.project(id).await?;
    Ok(axum::Json(project_view(&state, project).await?))
}

#[utoipa::path(
    patch,
    path = "/projects/{id}",
    tag = "projects",
    summary = "修改项目 / change a project",
    description = "Only the fields present change; `null` clears an optional one. `version` must be the version \
read (409 otherwise). A town editor's changes to total investment or list memberships wait for an editor's \
approval: the rest applies at once and the answer is 202.",
    params(("id" = i64, Path, description = "项目ID / the project's id", example = 1)),
    request_body = ProjectPatch,
    responses(
        (status = 200, description = "已修改 / changed", body = ProjectView),
        (status = 202, description = "部分修改待审批 / (part of) the change waits for approval", body = ProjectView),
        NotFoundErrors, BodyErrors, ConflictErrors, AuthErrors
    )
)]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(patch): Json<ProjectPatch>,
) -> Result<(StatusCode, axum::Json<ProjectView>), ApiError> {
    caller.require(Ability::EditIn)?;
    let towns = state.store.town_layer().await?;
    let (now_part, held) = if caller.principal.needs_approval(state.access.approvals) {
        split_patch(&patch)
    } else {
        (patch.clone(), None)
    };
    let principal = &caller.principal;
    let (project, approval) = state
        .store
        .modify_project(id, Some(patch.version), "update", &caller.actor(), state.clock.now(), |p| {
            principal.may_edit_project_in(&p.town.code)?;
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
                // Nor move one out of the caller's towns.
                principal.may_edit_project_in(&p.town.code)?;
            }
            Ok(match held {
                None => Edit::Apply,
                Some(h) if apply_now => Edit::ApplyAndHold(h),
                Some(h) => Edit::Hold(h),
            })
        })
        .await?;
    project_answer(&state, project, &approval).await
}

/// Changes of one entity, oldest first.
#[derive(Serialize, ToSchema)]
pub struct History {
    items: Vec<AuditRecord>,
}

#[utoipa::path(
    get,
    path = "/projects/{id}/history",
    tag = "projects",
    summary = "修改记录 / every recorded change of a project, with who, when, before and after",
    params(("id" = i64, Path, description = "项目ID / the project's id", example = 1)),
    responses((status = 200, body = History), NotFoundErrors, AuthErrors)
)]
async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<History>, ApiError> {
    caller.require(Ability::Read)?;
    // 404 for a project that does not exist, rather than an empty history.
    state.store.project(id).await?;
    let items = state.store.history("project", &id.to_string()).await?;
    Ok(axum::Json(History { items }))
}
