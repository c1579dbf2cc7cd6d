//! Administration: users, API tokens and the global audit trail (administrators only).

use super::auth::Caller;
use super::extract::{Json, Path, Query};
use super::reports::download;
use super::session::town_names;
use super::{ApiError, AppState};
use crate::accounts::check_role_towns;
use crate::accounts::secrets::{hash_password, new_api_token, random_password, token_hash};
use crate::domain::access::{Ability, Role, check_password, check_token_name, check_username};
use crate::domain::calendar::shanghai;
use crate::domain::{FieldError, Invalid};
use crate::geo::TownLayer;
use crate::report::produce::Format;
use crate::store::{ApiToken, AuditFilter, NewApiToken, NewUser, StoreError, User, UserChange};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use axum::{Router, response};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(users).post(create_user))
        .route("/users/{id}", patch(update_user))
        .route("/users/{id}/reset-password", post(reset_password))
        .route("/tokens", get(tokens).post(create_token))
        .route("/tokens/{id}", delete(revoke_token))
        .route("/audit", get(audit))
        .route("/exports/audit.xlsx", get(audit_xlsx))
}

fn no_such_user(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::new(StatusCode::NOT_FOUND, "not_found", "用户不存在", "no such user"),
        StoreError::Conflict { current } => ApiError::new(
            StatusCode::CONFLICT,
            "version_conflict",
            format!("该用户已被其他管理员修改(当前版本{current}),请刷新后重试"),
            format!("another administrator changed this user (now at version {current}); reload and try again"),
        ),
        other => other.into(),
    }
}

#[derive(Serialize)]
struct UserView<'a> {
    #[serde(flatten)]
    user: &'a User,
    role_label: &'static str,
    towns: Vec<super::session::TownName>,
}

fn user_view(layer: &TownLayer, user: &User) -> serde_json::Value {
    let view = UserView { user, role_label: user.role.label_zh(), towns: town_names(layer, &user.towns) };
    serde_json::to_value(view).unwrap_or_default()
}

fn token_view(layer: &TownLayer, token: &ApiToken) -> serde_json::Value {
    let mut v = serde_json::to_value(token).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("towns".into(), serde_json::to_value(town_names(layer, &token.towns)).unwrap_or_default());
        o.insert("role_label".into(), token.role.label_zh().into());
    }
    v
}

async fn users(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.require(Ability::Administer)?;
    let layer = state.store.town_layer().await?;
    let items: Vec<_> = state.store.users().await?.iter().map(|u| user_view(&layer, u)).collect();
    Ok(response::Json(serde_json::json!({ "items": items })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserInput {
    username: String,
    #[serde(default)]
    display_name: Option<String>,
    role: Role,
    #[serde(default)]
    towns: Vec<String>,
    #[serde(default)]
    password: Option<String>,
}

fn clean_display_name(name: Option<&str>) -> Result<Option<String>, FieldError> {
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    if name.is_some_and(|n| n.chars().count() > 64) {
        return Err(FieldError::new(
            "display_name",
            "姓名不能超过64个字符",
            "the display name must be at most 64 characters",
        ));
    }
    Ok(name.map(str::to_string))
}

async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<UserInput>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Administer)?;
    let layer = state.store.town_layer().await?;
    let mut errors = Invalid::default();
    let username = errors.check(check_username(&input.username));
    let display_name = errors.check(clean_display_name(input.display_name.as_deref()));
    let towns = errors.check(check_role_towns(input.role, &input.towns, &layer));
    if let (Some(password), Some(name)) = (&input.password, &username) {
        errors.check(check_password(password, name));
    }
    let (Some(username), Some(display_name), Some(towns)) = (username, display_name, towns) else {
        return Err(ApiError::invalid(errors));
    };
    if !errors.0.is_empty() {
        // A bad password beside valid fields.
        return Err(ApiError::invalid(errors));
    }
    let generated = input.password.is_none().then(random_password);
    let password = input.password.or_else(|| generated.clone()).unwrap_or_default();
    let password_hash =
        tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(|_| ApiError::internal())?;
    let new = NewUser { username, display_name, password_hash, role: input.role, towns };
    let user = state.store.create_user(&new, &caller.actor(), state.clock.now()).await?;
    let mut body = serde_json::json!({ "user": user_view(&layer, &user) });
    if let Some(p) = generated {
        body["password"] = p.into();
    }
    Ok((StatusCode::CREATED, response::Json(body)).into_response())
}

fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserPatch {
    version: i64,
    #[serde(default, deserialize_with = "present")]
    display_name: Option<Option<String>>,
    #[serde(default)]
    role: Option<Role>,
    #[serde(default)]
    towns: Option<Vec<String>>,
    #[serde(default)]
    disabled: Option<bool>,
}

async fn update_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(patch): Json<UserPatch>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Administer)?;
    let layer = state.store.town_layer().await?;
    let current = state.store.user(id).await.map_err(no_such_user)?;
    if caller.principal.user_id == Some(id)
        && (patch.disabled == Some(true) || patch.role.is_some_and(|r| r != Role::Admin))
    {
        // An administrator locking themselves out could leave nobody to undo it.
        return Err(ApiError::bad_request(
            "不能停用自己或取消自己的管理员角色",
            "you cannot disable yourself or give up your own admin role",
        ));
    }
    let role = patch.role.unwrap_or(current.role);
    let towns_input = match (&patch.towns, patch.role) {
        (Some(t), _) => t.clone(),
        (None, Some(r)) if r != Role::TownEditor => vec![],
        (None, _) => current.towns.clone(),
    };
    let towns = check_role_towns(role, &towns_input, &layer).map_err(ApiError::field)?;
    let display_name = match &patch.display_name {
        Some(d) => Some(clean_display_name(d.as_deref()).map_err(ApiError::field)?),
        None => None,
    };
    let change = UserChange { display_name, role: patch.role, towns: Some(towns), disabled: patch.disabled };
    let user = state
        .store
        .update_user(id, Some(patch.version), &change, &caller.actor(), state.clock.now())
        .await
        .map_err(no_such_user)?;
    Ok(response::Json(user_view(&layer, &user)).into_response())
}

async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Administer)?;
    state.store.user(id).await.map_err(no_such_user)?;
    let password = random_password();
    let p = password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&p)).await.map_err(|_| ApiError::internal())?;
    state.store.set_password(id, &hash, None, &caller.actor(), state.clock.now()).await.map_err(no_such_user)?;
    Ok(response::Json(serde_json::json!({ "password": password })).into_response())
}

async fn tokens(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.require(Ability::Administer)?;
    let layer = state.store.town_layer().await?;
    let items: Vec<_> = state.store.tokens().await?.iter().map(|t| token_view(&layer, t)).collect();
    Ok(response::Json(serde_json::json!({ "items": items })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenInput {
    name: String,
    role: Role,
    #[serde(default)]
    towns: Vec<String>,
}

async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<TokenInput>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Administer)?;
    let layer = state.store.town_layer().await?;
    let mut errors = Invalid::default();
    let name = errors.check(check_token_name(&input.name));
    let towns = errors.check(check_role_towns(input.role, &input.towns, &layer));
    let (Some(name), Some(towns)) = (name, towns) else { return Err(ApiError::invalid(errors)) };
    let secret = new_api_token();
    let new = NewApiToken { name, token_hash: token_hash(&secret), role: input.role, towns };
    let token = state.store.create_token(&new, &caller.actor(), state.clock.now()).await?;
    let body = serde_json::json!({ "token": token_view(&layer, &token), "secret": secret });
    Ok((StatusCode::CREATED, response::Json(body)).into_response())
}

async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Administer)?;
    state.store.revoke_token(id, &caller.actor(), state.clock.now()).await.map_err(|e| match e {
        StoreError::NotFound => ApiError::new(StatusCode::NOT_FOUND, "not_found", "令牌不存在", "no such token"),
        other => other.into(),
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
struct AuditParams {
    actor: Option<String>,
    source: Option<String>,
    entity: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Midnight in Beijing at the start of `date` (`to` is inclusive: the day after's midnight).
fn day_start(field: &str, text: &str, next: bool) -> Result<DateTime<Utc>, ApiError> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=2200).contains(&d.year()))
        .ok_or_else(|| {
            ApiError::field(FieldError::new(
                field,
                format!("日期“{text}”格式应为YYYY-MM-DD"),
                format!("date \"{text}\" must be YYYY-MM-DD"),
            ))
        })?;
    let date = if next { date.succ_opt().unwrap_or(date) } else { date };
    let local = date.and_hms_opt(0, 0, 0).and_then(|t| t.and_local_timezone(shanghai()).single());
    local.map(|t| t.with_timezone(&Utc)).ok_or_else(ApiError::internal)
}

fn nonempty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn audit_filter(p: AuditParams, max_limit: i64) -> Result<AuditFilter, ApiError> {
    let limit = p.limit.unwrap_or(50);
    if !(1..=max_limit).contains(&limit) || p.offset.is_some_and(|o| o < 0) {
        return Err(ApiError::bad_request(
            format!("limit应在1到{max_limit}之间,offset不能为负"),
            format!("limit must be 1 to {max_limit} and offset not negative"),
        ));
    }
    Ok(AuditFilter {
        actor: nonempty(p.actor),
        source: nonempty(p.source),
        entity: nonempty(p.entity),
        action: nonempty(p.action),
        from: p.from.as_deref().filter(|s| !s.trim().is_empty()).map(|s| day_start("from", s, false)).transpose()?,
        to: p.to.as_deref().filter(|s| !s.trim().is_empty()).map(|s| day_start("to", s, true)).transpose()?,
        limit,
        offset: p.offset.unwrap_or(0),
    })
}

async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<AuditParams>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Administer)?;
    let filter = audit_filter(p, 1000)?;
    let (items, total) = state.store.audit(&filter).await?;
    Ok(response::Json(serde_json::json!({ "items": items, "total": total })).into_response())
}

/// Most rows one audit workbook holds; narrow the filter for more.
const AUDIT_EXPORT_MAX: i64 = 100_000;

async fn audit_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Query(mut p): Query<AuditParams>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Administer)?;
    p.limit = Some(p.limit.unwrap_or(AUDIT_EXPORT_MAX));
    let filter = audit_filter(p, AUDIT_EXPORT_MAX)?;
    let (items, total) = state.store.audit(&filter).await?;
    let today = state.clock.today();
    let title = if total > items.len() as i64 {
        format!("keyproj操作记录(导出于{today},共{total}条,本表为最新{}条)", items.len())
    } else {
        format!("keyproj操作记录(导出于{today},共{total}条)")
    };
    let bytes = crate::report::render::audit_xlsx(&items, &title)?;
    Ok(download(bytes, Format::Xlsx, &format!("操作记录-{today}"), &format!("audit-{today}")))
}
