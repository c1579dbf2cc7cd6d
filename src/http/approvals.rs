//! `/api/approvals`: town editors' weighty changes, waiting for an editor's decision.

use super::auth::Caller;
use super::error::ErrorBody;
use super::extract::{Json, Path, Query, parse_json};
use super::openapi::{AuthErrors, BodyErrors, ConflictErrors, NotFoundErrors};
use super::projects::{ProjectView, project_view};
use super::{ApiError, AppState};
use crate::accounts::approvals::apply_approved;
use crate::domain::FieldError;
use crate::domain::access::Ability;
use crate::domain::approval::ApprovalStatus;
use crate::store::{Approval, ApprovalFilter};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(approve)).routes(routes!(reject))
}

/// Which held changes to list.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusParam {
    Pending,
    Approved,
    Rejected,
    All,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// `pending` (default), `approved`, `rejected` or `all`.
    #[param(value_type = Option<StatusParam>)]
    status: Option<String>,
    /// Only this project's.
    project: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ApprovalList {
    items: Vec<Approval>,
}

#[utoipa::path(
    get,
    path = "/approvals",
    operation_id = "approvals",
    tag = "approvals",
    summary = "待审批 / held changes: editors see every request, town editors their own",
    params(ListParams),
    responses((status = 200, body = ApprovalList), (status = 400, description = "查询参数无效 / invalid query parameters",
        body = ErrorBody), AuthErrors)
)]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<ListParams>,
) -> Result<axum::Json<ApprovalList>, ApiError> {
    caller.require(Ability::Read)?;
    let status = match p.status.as_deref().map(str::trim) {
        None | Some("") => Some(ApprovalStatus::Pending),
        Some("all") => None,
        Some(s) => Some(ApprovalStatus::parse(s).ok_or_else(|| {
            ApiError::query_param(
                "status",
                s,
                &format!("可选{}, all", ApprovalStatus::codes()),
                &format!("expected {} or all", ApprovalStatus::codes()),
            )
        })?),
    };
    let requested_by = caller.principal.approvals_visible_to().map(str::to_string);
    let filter = ApprovalFilter { status, project_id: p.project, requested_by };
    let items = state.store.approvals(&filter).await?;
    Ok(axum::Json(ApprovalList { items }))
}

/// An editor's decision; a rejection needs a reason.
#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Up to 500 characters; required to reject.
    #[serde(default)]
    note: Option<String>,
}

fn clean_note(note: Option<&str>, required: bool) -> Result<Option<String>, ApiError> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if required && note.is_none() {
        return Err(ApiError::field(FieldError::new("note", "驳回必须填写理由", "a reason is required to reject")));
    }
    if note.is_some_and(|n| n.chars().count() > 500) {
        return Err(ApiError::field(FieldError::new(
            "note",
            "意见不能超过500字",
            "the note must be at most 500 characters",
        )));
    }
    Ok(note.map(str::to_string))
}

/// An approved change and the project as it now is.
#[derive(Serialize, ToSchema)]
pub struct Approved {
    approval: Approval,
    project: ProjectView,
}

#[utoipa::path(
    post,
    path = "/approvals/{id}/approve",
    tag = "approvals",
    summary = "批准 / approve a held change: applied now, if what it replaces has not changed since",
    description = "The body (a note) is optional. 409 `stale_approval` when the project changed since the request.",
    params(("id" = i64, Path, description = "审批ID / the approval's id")),
    request_body(content = Option<Decision>, description = "An optional note"),
    responses((status = 200, body = Approved), NotFoundErrors, BodyErrors, ConflictErrors, AuthErrors)
)]
async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<axum::Json<Approved>, ApiError> {
    caller.require(Ability::Approve)?;
    // The note is optional, and so is the body.
    let decision: Decision =
        if body.iter().all(u8::is_ascii_whitespace) { Decision::default() } else { parse_json(&body)? };
    let note = clean_note(decision.note.as_deref(), false)?;
    let towns = state.store.town_layer().await?;
    let (now, today) = (state.clock.now(), state.clock.today());
    let (approval, project) = state
        .store
        .approve(id, note.as_deref(), &caller.actor(), now, |a, p| apply_approved(a, p, &towns, now, today))
        .await?;
    Ok(axum::Json(Approved { approval, project: project_view(&state, project).await? }))
}

/// A rejected change.
#[derive(Serialize, ToSchema)]
pub struct Rejected {
    approval: Approval,
}

#[utoipa::path(
    post,
    path = "/approvals/{id}/reject",
    tag = "approvals",
    summary = "驳回 / reject a held change, with a reason",
    params(("id" = i64, Path, description = "审批ID / the approval's id")),
    request_body = Decision,
    responses((status = 200, body = Rejected), NotFoundErrors, BodyErrors, ConflictErrors, AuthErrors)
)]
async fn reject(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(decision): Json<Decision>,
) -> Result<axum::Json<Rejected>, ApiError> {
    caller.require(Ability::Approve)?;
    let note = clean_note(decision.note.as_deref(), true)?.unwrap_or_default();
    let approval = state.store.reject(id, &note, &caller.actor(), state.clock.now()).await?;
    Ok(axum::Json(Rejected { approval }))
}
