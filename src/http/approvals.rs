//! `/api/approvals`: town editors' sensitive changes, waiting for an editor's decision.

use super::auth::Caller;
use super::extract::{Json, Path, Query, parse_json};
use super::{ApiError, AppState};
use crate::accounts::approvals::apply_approved;
use crate::domain::FieldError;
use crate::domain::access::{Ability, Role};
use crate::domain::approval::ApprovalStatus;
use crate::store::{ApprovalFilter, StoreError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Router, response};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/approvals", get(list))
        .route("/approvals/{id}/approve", post(approve))
        .route("/approvals/{id}/reject", post(reject))
}

fn no_such_approval(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::new(StatusCode::NOT_FOUND, "not_found", "审批不存在", "no such approval"),
        other => other.into(),
    }
}

#[derive(Deserialize)]
struct ListParams {
    status: Option<String>,
    project: Option<i64>,
}

/// Editors see every request; town editors their own.
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<ListParams>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    let status = match p.status.as_deref().map(str::trim) {
        None | Some("") => Some(ApprovalStatus::Pending),
        Some("all") => None,
        Some(s) => Some(ApprovalStatus::parse(s).ok_or_else(|| {
            ApiError::bad_request(
                format!("参数status的值“{s}”无效,可选:{}, all", ApprovalStatus::codes()),
                format!("invalid status \"{s}\": expected {} or all", ApprovalStatus::codes()),
            )
        })?),
    };
    let requested_by = (caller.principal.role == Role::TownEditor).then(|| caller.principal.name.clone());
    let filter = ApprovalFilter { status, project_id: p.project, requested_by };
    let items = state.store.approvals(&filter).await?;
    Ok(response::Json(serde_json::json!({ "items": items })).into_response())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Decision {
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

async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
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
        .await
        .map_err(no_such_approval)?;
    let project = super::projects::project_json(&state, &project).await?;
    Ok(response::Json(serde_json::json!({ "approval": approval, "project": project })).into_response())
}

async fn reject(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(decision): Json<Decision>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Approve)?;
    let note = clean_note(decision.note.as_deref(), true)?.unwrap_or_default();
    let approval = state.store.reject(id, &note, &caller.actor(), state.clock.now()).await.map_err(no_such_approval)?;
    Ok(response::Json(serde_json::json!({ "approval": approval })).into_response())
}
