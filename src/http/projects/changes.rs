//! Changes to one project other than its fields: a milestone's dates, a monthly report, and
//! suspending, resuming or withdrawing it. Each is one transaction with its audit record; a
//! town editor's weighty changes are held for an editor's approval (answered 202).

use super::{ProjectView, project_answer};
use crate::accounts::approvals::{hold_milestone, hold_withdrawal};
use crate::domain::access::Ability;
use crate::domain::error::FieldError;
use crate::domain::milestone::{MilestoneKind, MilestoneUpdate};
use crate::domain::project::{ReportInput, StateChange};
use crate::domain::status::State as ProjectState;
use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::extract::{Json, Path};
use crate::http::openapi::{AuthErrors, BodyErrors, ConflictErrors, NotFoundErrors};
use crate::ledger;
use crate::store::Edit;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(milestone))
        .routes(routes!(report))
        .routes(routes!(suspend))
        .routes(routes!(resume))
        .routes(routes!(withdraw))
}

type Answer = Result<(StatusCode, axum::Json<ProjectView>), ApiError>;

/// A field present in the body (possibly `null`) versus absent (unchanged).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<NaiveDate>>, D::Error> {
    Option::<NaiveDate>::deserialize(d).map(Some)
}

/// `PUT /api/projects/{id}/milestones/{kind}`: absent fields stay, `null` clears.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneChange {
    /// The current planned date; moving it is a re-plan and needs a `reason`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    planned: Option<Option<NaiveDate>>,
    /// The actual date (not after today).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    actual: Option<Option<NaiveDate>>,
    /// Why the plan moved (required for a re-plan).
    #[serde(default)]
    reason: Option<String>,
    /// The project's version as read (checked when given).
    #[serde(default)]
    version: Option<i64>,
}

#[utoipa::path(
    put,
    path = "/projects/{id}/milestones/{kind}",
    tag = "projects",
    summary = "节点日期 / set a milestone's planned or actual date",
    description = "A town editor's actual start, completion or production date waits for an editor's approval (202).",
    params(
        ("id" = i64, Path, description = "项目ID / the project's id", example = 1),
        ("kind" = MilestoneKind, Path, description = "节点 / the milestone"),
    ),
    request_body = MilestoneChange,
    responses(
        (status = 200, description = "已修改 / changed", body = ProjectView),
        (status = 202, description = "待审批 / waits for approval", body = ProjectView),
        NotFoundErrors, BodyErrors, ConflictErrors, AuthErrors
    )
)]
async fn milestone(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, kind)): Path<(i64, String)>,
    Json(change): Json<MilestoneChange>,
) -> Answer {
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
    let principal = &caller.principal;
    let may_hold = principal.holds_milestone_actual(state.access.approvals, kind);
    let (project, approval) = state
        .store
        .modify_project(id, change.version, &format!("milestone.{kind}"), &actor, now, |p| {
            principal.may_edit_project_in(&p.town.code)?;
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
    project_answer(&state, project, &approval).await
}

#[utoipa::path(
    post,
    path = "/projects/{id}/reports",
    tag = "projects",
    summary = "月度报告 / file (or replace) a monthly report",
    description = "One report per project and month; filing a month again replaces it (audited).",
    params(("id" = i64, Path, description = "项目ID / the project's id", example = 1)),
    request_body = ReportInput,
    responses((status = 200, body = ProjectView), NotFoundErrors, BodyErrors, ConflictErrors, AuthErrors)
)]
async fn report(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<ReportInput>,
) -> Answer {
    caller.require(Ability::EditIn)?;
    let report = input.to_report(state.clock.today())?;
    let scope = caller.principal.town_scope();
    let project = state.store.put_report(id, input.version, &report, scope, &caller.actor(), state.clock.now()).await?;
    project_answer(&state, project, &None).await
}

/// Suspend, resume or withdraw, as the access rules allow and hold.
async fn change_state(
    state: AppState,
    caller: Caller,
    id: i64,
    to: ProjectState,
    action: &str,
    change: StateChange,
) -> Answer {
    caller.require(Ability::EditIn)?;
    let principal = &caller.principal;
    let hold = principal.holds_state_change(state.access.approvals, to);
    let (project, approval) = state
        .store
        .modify_project(id, change.version, action, &caller.actor(), state.clock.now(), |p| {
            principal.may_edit_project_in(&p.town.code)?;
            principal.may_change_state(p.state, to)?;
            if hold {
                ledger::change_state(&mut p.clone(), to, change.reason.as_deref())?;
                return Ok(Edit::Hold(hold_withdrawal(p, change.reason.as_deref())));
            }
            ledger::change_state(p, to, change.reason.as_deref())?;
            Ok(Edit::Apply)
        })
        .await?;
    project_answer(&state, project, &approval).await
}

#[utoipa::path(
    post,
    path = "/projects/{id}/suspend",
    tag = "projects",
    summary = "暂停 / suspend a project (a reason is required)",
    params(("id" = i64, Path, description = "项目ID / the project's id", example = 1)),
    request_body = StateChange,
    responses((status = 200, body = ProjectView), NotFoundErrors, BodyErrors, ConflictErrors, AuthErrors)
)]
async fn suspend(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(c): Json<StateChange>,
) -> Answer {
    change_state(state, caller, id, ProjectState::Suspended, "suspend", c).await
}

#[utoipa::path(
    post,
    path = "/projects/{id}/resume",
    tag = "projects",
    summary = "恢复 / resume a suspended project, or restore a withdrawn one (editors only)",
    params(("id" = i64, Path, description = "项目ID / the project's id", example = 1)),
    request_body = StateChange,
    responses((status = 200, body = ProjectView), NotFoundErrors, BodyErrors, ConflictErrors, AuthErrors)
)]
async fn resume(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(c): Json<StateChange>,
) -> Answer {
    change_state(state, caller, id, ProjectState::Active, "resume", c).await
}

#[utoipa::path(
    post,
    path = "/projects/{id}/withdraw",
    tag = "projects",
    summary = "退出 / withdraw a project (a reason is required; a town editor's waits for approval)",
    params(("id" = i64, Path, description = "项目ID / the project's id", example = 1)),
    request_body = StateChange,
    responses(
        (status = 200, description = "已退出 / withdrawn", body = ProjectView),
        (status = 202, description = "待审批 / waits for approval", body = ProjectView),
        NotFoundErrors, BodyErrors, ConflictErrors, AuthErrors
    )
)]
async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(c): Json<StateChange>,
) -> Answer {
    change_state(state, caller, id, ProjectState::Withdrawn, "withdraw", c).await
}
