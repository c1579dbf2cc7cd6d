//! Administration: users, API tokens and the global audit trail (administrators only).

use super::auth::Caller;
use super::download::{XLSX, download};
use super::extract::{Json, Path, Query};
use super::openapi::{AuthErrors, BodyErrors, ConflictErrors, NotFoundErrors, QueryErrors};
use super::session::{TownName, town_names};
use super::{ApiError, AppState};
use crate::accounts::check_role_towns;
use crate::accounts::secrets::{hash_password, new_api_token, random_password, token_hash};
use crate::domain::access::{Ability, Role, check_password, check_token_name, check_username};
use crate::domain::calendar::shanghai;
use crate::domain::{FieldError, Invalid};
use crate::geo::TownLayer;
use crate::report::produce::Format;
use crate::store::{ApiToken, AuditFilter, AuditRecord, NewApiToken, NewUser, User, UserChange};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(users, create_user))
        .routes(routes!(update_user))
        .routes(routes!(reset_password))
        .routes(routes!(tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(audit))
        .routes(routes!(audit_xlsx))
}

/// A user as administrators see it (never its password hash).
#[derive(Serialize, ToSchema)]
pub struct UserView {
    id: i64,
    username: String,
    display_name: Option<String>,
    role: Role,
    role_label: &'static str,
    /// The towns a town editor is bound to, with their names.
    towns: Vec<TownName>,
    disabled: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    last_login_at: Option<DateTime<Utc>>,
    /// Send it back with a change (409 when someone changed the user since).
    version: i64,
}

fn user_view(layer: &TownLayer, user: User) -> UserView {
    UserView {
        towns: town_names(layer, &user.towns),
        role_label: user.role.label_zh(),
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        disabled: user.disabled,
        created_at: user.created_at,
        updated_at: user.updated_at,
        last_login_at: user.last_login_at,
        version: user.version,
    }
}

/// An API token as administrators see it (never its secret).
#[derive(Serialize, ToSchema)]
pub struct TokenView {
    id: i64,
    name: String,
    role: Role,
    role_label: &'static str,
    /// The towns a town editor's token is bound to, with their names.
    towns: Vec<TownName>,
    created_at: DateTime<Utc>,
    /// Who created it.
    created_by: String,
    /// When it was revoked (`null`: live).
    revoked_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
}

fn token_view(layer: &TownLayer, token: ApiToken) -> TokenView {
    TokenView {
        towns: town_names(layer, &token.towns),
        role_label: token.role.label_zh(),
        id: token.id,
        name: token.name,
        role: token.role,
        created_at: token.created_at,
        created_by: token.created_by,
        revoked_at: token.revoked_at,
        last_used_at: token.last_used_at,
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    items: Vec<UserView>,
}

#[utoipa::path(
    get,
    path = "/users",
    tag = "admin",
    summary = "用户 / the users (administrators)",
    responses((status = 200, body = UserList), AuthErrors)
)]
async fn users(State(state): State<AppState>, caller: Caller) -> Result<axum::Json<UserList>, ApiError> {
    caller.require(Ability::Administer)?;
    let layer = state.store.town_layer().await?;
    let items = state.store.users().await?.into_iter().map(|u| user_view(&layer, u)).collect();
    Ok(axum::Json(UserList { items }))
}

/// `POST /api/users`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "xigang", "display_name": "西岗镇项目专员", "role": "town_editor", "towns": ["西岗镇"]}))]
pub struct UserInput {
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

/// A new user, with the generated password when none was given (shown once).
#[derive(Serialize, ToSchema)]
pub struct CreatedUser {
    user: UserView,
    /// The generated password (only when the request had none).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    password: Option<String>,
}

#[utoipa::path(
    post,
    path = "/users",
    tag = "admin",
    summary = "新建用户 / create a user (a password is generated and shown once unless given)",
    request_body = UserInput,
    responses((status = 201, body = CreatedUser), BodyErrors, ConflictErrors, AuthErrors)
)]
async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<UserInput>,
) -> Result<(StatusCode, axum::Json<CreatedUser>), ApiError> {
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
        tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(ApiError::internal)?;
    let new = NewUser { username, display_name, password_hash, role: input.role, towns };
    let user = state.store.create_user(&new, &caller.actor(), state.clock.now()).await?;
    Ok((StatusCode::CREATED, axum::Json(CreatedUser { user: user_view(&layer, user), password: generated })))
}

fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// `PATCH /api/users/{id}`: absent fields stay.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// The user's version as read (409 when someone changed it since).
    version: i64,
    /// `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    display_name: Option<Option<String>>,
    #[serde(default)]
    role: Option<Role>,
    #[serde(default)]
    towns: Option<Vec<String>>,
    #[serde(default)]
    disabled: Option<bool>,
}

#[utoipa::path(
    patch,
    path = "/users/{id}",
    tag = "admin",
    summary = "修改用户 / change a user's name, role, towns or disable it (disabling ends its sessions)",
    description = "An administrator cannot disable or demote themselves (400).",
    params(("id" = i64, Path, description = "用户ID / the user's id")),
    request_body = UserPatch,
    responses((status = 200, body = UserView), NotFoundErrors, BodyErrors, ConflictErrors, AuthErrors)
)]
async fn update_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(patch): Json<UserPatch>,
) -> Result<axum::Json<UserView>, ApiError> {
    caller.principal.may_update_user(id, patch.disabled == Some(true), patch.role)?;
    let layer = state.store.town_layer().await?;
    let current = state.store.user(id).await?;
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
    let user = state.store.update_user(id, Some(patch.version), &change, &caller.actor(), state.clock.now()).await?;
    Ok(axum::Json(user_view(&layer, user)))
}

/// A new password, shown once.
#[derive(Serialize, ToSchema)]
pub struct NewPassword {
    password: String,
}

#[utoipa::path(
    post,
    path = "/users/{id}/reset-password",
    tag = "admin",
    summary = "重置密码 / give a user a new generated password (shown once; ends its sessions)",
    params(("id" = i64, Path, description = "用户ID / the user's id")),
    responses((status = 200, body = NewPassword), NotFoundErrors, AuthErrors)
)]
async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<NewPassword>, ApiError> {
    caller.require(Ability::Administer)?;
    state.store.user(id).await?;
    let password = random_password();
    let p = password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&p)).await.map_err(ApiError::internal)?;
    state.store.set_password(id, &hash, None, &caller.actor(), state.clock.now()).await?;
    Ok(axum::Json(NewPassword { password }))
}

#[derive(Serialize, ToSchema)]
pub struct TokenList {
    items: Vec<TokenView>,
}

#[utoipa::path(
    get,
    path = "/tokens",
    tag = "admin",
    summary = "API令牌 / the API tokens (never their secrets)",
    responses((status = 200, body = TokenList), AuthErrors)
)]
async fn tokens(State(state): State<AppState>, caller: Caller) -> Result<axum::Json<TokenList>, ApiError> {
    caller.require(Ability::Administer)?;
    let layer = state.store.town_layer().await?;
    let items = state.store.tokens().await?.into_iter().map(|t| token_view(&layer, t)).collect();
    Ok(axum::Json(TokenList { items }))
}

/// `POST /api/tokens`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "统计局接口", "role": "viewer"}))]
pub struct TokenInput {
    name: String,
    role: Role,
    #[serde(default)]
    towns: Vec<String>,
}

/// A new token and its secret (shown once).
#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    token: TokenView,
    /// `kp_…`: send as `Authorization: Bearer …`. Stored only as a hash; shown once.
    secret: String,
}

#[utoipa::path(
    post,
    path = "/tokens",
    tag = "admin",
    summary = "新建API令牌 / create an API token with a role (and towns); the secret is shown once",
    request_body = TokenInput,
    responses((status = 201, body = CreatedToken), BodyErrors, AuthErrors)
)]
async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<TokenInput>,
) -> Result<(StatusCode, axum::Json<CreatedToken>), ApiError> {
    caller.require(Ability::Administer)?;
    let layer = state.store.town_layer().await?;
    let mut errors = Invalid::default();
    let name = errors.check(check_token_name(&input.name));
    let towns = errors.check(check_role_towns(input.role, &input.towns, &layer));
    let (Some(name), Some(towns)) = (name, towns) else { return Err(ApiError::invalid(errors)) };
    let secret = new_api_token();
    let new = NewApiToken { name, token_hash: token_hash(&secret), role: input.role, towns };
    let token = state.store.create_token(&new, &caller.actor(), state.clock.now()).await?;
    Ok((StatusCode::CREATED, axum::Json(CreatedToken { token: token_view(&layer, token), secret })))
}

#[utoipa::path(
    delete,
    path = "/tokens/{id}",
    tag = "admin",
    summary = "吊销API令牌 / revoke an API token (at once, on every instance)",
    params(("id" = i64, Path, description = "令牌ID / the token's id")),
    responses((status = 204, description = "已吊销 / revoked"), NotFoundErrors, AuthErrors)
)]
async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    caller.require(Ability::Administer)?;
    state.store.revoke_token(id, &caller.actor(), state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditParams {
    /// Who: a user name or `token:NAME` (exact).
    actor: Option<String>,
    /// Through what: `web`, `api`, `cli`, `demo`, `import:FILE#ROW` … (exact).
    source: Option<String>,
    /// `project`, `user`, `token`, `approval`, `targets`, `weekly_report`, `town_layer`, `import_mapping` …
    entity: Option<String>,
    /// `create`, `update`, `milestone.start`, `report`, `suspend`, `approve` …
    action: Option<String>,
    /// From this day (Beijing time), inclusive.
    #[param(value_type = Option<NaiveDate>)]
    from: Option<String>,
    /// To this day (Beijing time), inclusive.
    #[param(value_type = Option<NaiveDate>)]
    to: Option<String>,
    /// At most this many records (1–1000; default 50; the workbook: up to 100000).
    #[param(minimum = 1)]
    limit: Option<i64>,
    #[param(minimum = 0)]
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
    local.map(|t| t.with_timezone(&Utc)).ok_or_else(|| ApiError::internal(format!("no Beijing midnight on {date}")))
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

/// A page of the audit trail, newest first.
#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    items: Vec<AuditRecord>,
    /// How many records match in all.
    total: i64,
}

#[utoipa::path(
    get,
    path = "/audit",
    tag = "admin",
    summary = "操作记录 / the audit trail: every change, who, when, through what, before and after",
    params(AuditParams),
    responses((status = 200, body = AuditPage), QueryErrors, (status = 422, description = "日期无效 / an invalid date",
        body = crate::http::error::ErrorBody), AuthErrors)
)]
async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<AuditParams>,
) -> Result<axum::Json<AuditPage>, ApiError> {
    caller.require(Ability::Administer)?;
    let filter = audit_filter(p, 1000)?;
    let (items, total) = state.store.audit(&filter).await?;
    Ok(axum::Json(AuditPage { items, total }))
}

/// Most rows one audit workbook holds; narrow the filter for more.
const AUDIT_EXPORT_MAX: i64 = 100_000;

#[utoipa::path(
    get,
    path = "/exports/audit.xlsx",
    tag = "admin",
    summary = "操作记录导出 / the audit trail as a workbook (字段: 旧 → 新)",
    params(AuditParams),
    responses(
        (status = 200, description = "操作记录.xlsx", content_type = XLSX, body = Vec<u8>),
        QueryErrors, (status = 422, description = "日期无效 / an invalid date", body = crate::http::error::ErrorBody),
        AuthErrors
    )
)]
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
