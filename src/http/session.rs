//! Sign-in and out, the caller's own account, and what an anonymous page may know.

use super::auth::{AccessSettings, Caller, SESSION_COOKIE, Via as AuthVia, client_address};
use super::error::{ErrorBody, ErrorCode};
use super::extract::{Json, Query};
use super::openapi::{AuthErrors, BodyErrors};
use super::{ApiError, AppState};
use crate::accounts::secrets::{hash_password, random_hex, token_hash, verify_password};
use crate::domain::FieldError;
use crate::domain::access::{Ability, Principal, Role, check_password};
use crate::geo::TownLayer;
use crate::store::NewSession;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
        .routes(routes!(config))
}

/// The client's address, for throttling logins.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(parts, state.access.trust_proxy)))
    }
}

/// A town by code and name.
#[derive(Serialize, ToSchema)]
pub struct TownName {
    code: String,
    name: String,
}

/// Town codes with their names, for people (a code no longer in the layer keeps its code).
pub(super) fn town_names(layer: &TownLayer, codes: &[String]) -> Vec<TownName> {
    codes
        .iter()
        .map(|c| TownName { code: c.clone(), name: layer.by_code(c).map_or_else(|| c.clone(), |t| t.name.clone()) })
        .collect()
}

/// What the caller may do (the web app shows and hides by it; the server checks regardless).
#[derive(Serialize, ToSchema)]
pub struct Can {
    read: bool,
    create: bool,
    edit: bool,
    import: bool,
    publish: bool,
    approve: bool,
    admin: bool,
}

/// How the caller is signed in.
#[derive(Serialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum CallerVia {
    /// The session cookie (writes need the CSRF token).
    Session,
    /// An API token.
    Token,
}

/// The caller: who, with which role and towns, and what they may do.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// The user's id (`null` for an API token).
    id: Option<i64>,
    /// The user name, or `token:NAME`.
    username: String,
    display_name: Option<String>,
    role: Role,
    role_label: &'static str,
    towns: Vec<TownName>,
    via: CallerVia,
    /// The CSRF token to send as `X-CSRF-Token` on writes (sessions only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    csrf_token: Option<String>,
    /// The caller's weighty changes wait for an editor's approval.
    approval_required: bool,
    can: Can,
}

async fn me_body(state: &AppState, caller: &Caller) -> Result<Me, ApiError> {
    let layer = state.store.town_layer().await?;
    let p: &Principal = &caller.principal;
    let (via, csrf_token) = match &caller.via {
        AuthVia::Session { csrf_token, .. } => (CallerVia::Session, Some(csrf_token.clone())),
        AuthVia::Token { .. } => (CallerVia::Token, None),
    };
    Ok(Me {
        id: p.user_id,
        username: p.name.clone(),
        display_name: caller.user.as_ref().and_then(|u| u.display_name.clone()),
        role: p.role,
        role_label: p.role.label_zh(),
        towns: town_names(&layer, &p.towns),
        via,
        csrf_token,
        approval_required: p.needs_approval(state.access.approvals),
        can: Can {
            read: p.can(Ability::Read),
            create: p.can(Ability::Create),
            edit: p.can(Ability::EditIn),
            import: p.can(Ability::Import),
            publish: p.can(Ability::Publish),
            approve: p.can(Ability::Approve),
            admin: p.can(Ability::Administer),
        },
    })
}

/// `POST /api/login`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    username: String,
    password: String,
}

/// argon2 takes 19 MiB and tens of milliseconds per check: at most this many at once, so a
/// flood of sign-ins cannot exhaust memory or the blocking threads.
static PASSWORD_CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// `verify_password` off the async threads, a few at a time.
async fn check_password_hash(password: String, hash: Option<String>) -> bool {
    let Ok(_permit) = PASSWORD_CHECKS.acquire().await else { return false };
    tokio::task::spawn_blocking(move || verify_password(&password, hash.as_deref())).await.unwrap_or(false)
}

fn login_failed() -> ApiError {
    ApiError::new(ErrorCode::LoginFailed, "用户名或密码错误", "wrong username or password")
}

/// A successful sign-in: the user, and the CSRF token its writes must carry.
#[derive(Serialize, ToSchema)]
pub struct SignedIn {
    user: Me,
    /// Send as `X-CSRF-Token` with every write of this session.
    csrf_token: String,
}

/// `Secure` when the server is told to, or when the reverse proxy says the request was HTTPS.
fn secure(access: &AccessSettings, headers: &HeaderMap) -> bool {
    access.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn cookie(value: &str, max_age_secs: u64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    ))
    .unwrap_or(HeaderValue::from_static("keyproj_session=; Path=/; Max-Age=0"))
}

#[utoipa::path(
    post,
    path = "/login",
    tag = "session",
    summary = "登录 / sign in: sets the session cookie (HttpOnly, SameSite=Strict)",
    description = "After 5 failures for one account, or 20 from one address, sign-in waits 2 s, 4 s, 8 s … up to \
15 min (429 with Retry-After). An unknown user and a wrong password get the same answer.",
    security(()),
    request_body = LoginInput,
    responses(
        (status = 200, body = SignedIn, headers(("Set-Cookie" = String, description = "the session cookie"))),
        (status = 401, description = "用户名或密码错误 / wrong username or password", body = ErrorBody),
        (status = 429, description = "尝试过于频繁 / too many failures: wait", body = ErrorBody,
            headers(("Retry-After" = i64, description = "seconds"))),
        (status = 503, description = "数据库繁忙 / the database is busy", body = ErrorBody),
        BodyErrors,
    )
)]
async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Json(input): Json<LoginInput>,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let username = input.username.trim().to_lowercase();
    // No real name is this long or holds control characters: refuse before it reaches the
    // throttle table or the log.
    if username.chars().count() > crate::domain::access::USERNAME_MAX || username.chars().any(char::is_control) {
        return Err(login_failed());
    }
    // Keyed by the name as typed, whether or not it exists, so throttling reveals nothing.
    let keys = vec![format!("user:{username}"), format!("addr:{address}")];
    if let Some(until) = state.store.login_locked_until(&keys, now).await? {
        let wait = (until - now).num_seconds().max(1);
        return Err(ApiError::new(
            ErrorCode::Throttled,
            format!("登录失败次数过多,请{wait}秒后再试"),
            format!("too many failed sign-ins; try again in {wait} s"),
        )
        .retry_after(wait.unsigned_abs()));
    }
    let found = state.store.user_for_login(&username).await?;
    let (user, hash) = match found {
        Some((u, h)) => (Some(u), Some(h)),
        None => (None, None),
    };
    let matches = check_password_hash(input.password, hash).await;
    let user = match user {
        Some(u) if matches && !u.disabled => u,
        _ => {
            state.store.record_login_failure(&keys, now).await?;
            tracing::warn!(username = ?username, address = %address, "failed sign-in");
            return Err(login_failed());
        }
    };
    state.store.clear_login_failures(&keys[0]).await?;
    let secret = random_hex();
    let csrf_token = random_hex();
    let max = state.access.session_max;
    let expires_at = now + chrono::Duration::from_std(max).unwrap_or(chrono::Duration::hours(12));
    let session = NewSession {
        id_hash: token_hash(&secret),
        user_id: user.id,
        csrf_token: csrf_token.clone(),
        created_at: now,
        expires_at,
    };
    state.store.create_session(&session).await?;
    tracing::info!(username = ?username, address = %address, "signed in");
    let principal =
        Principal { user_id: Some(user.id), name: user.username.clone(), role: user.role, towns: user.towns.clone() };
    let caller = Caller {
        principal,
        via: AuthVia::Session { id_hash: session.id_hash, csrf_token: csrf_token.clone() },
        user: Some(user),
    };
    let body = SignedIn { user: me_body(&state, &caller).await?, csrf_token };
    let set = cookie(&secret, max.as_secs(), secure(&state.access, &headers));
    Ok(([(header::SET_COOKIE, set)], axum::Json(body)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LogoutParams {
    /// End every session of this user, on every device.
    #[serde(default)]
    everywhere: bool,
}

#[utoipa::path(
    post,
    path = "/logout",
    tag = "session",
    summary = "退出登录 / sign out: end this session (or every session of the user)",
    params(LogoutParams),
    responses(
        (status = 204, description = "已退出 / signed out; the cookie is cleared"),
        (status = 400, description = "查询参数无效 / invalid query parameters", body = ErrorBody),
        AuthErrors
    )
)]
async fn logout(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Query(p): Query<LogoutParams>,
) -> Result<Response, ApiError> {
    if let AuthVia::Session { id_hash, .. } = &caller.via {
        match (p.everywhere, caller.principal.user_id) {
            (true, Some(user_id)) => {
                state.store.delete_user_sessions(user_id).await?;
            }
            _ => state.store.delete_session(id_hash).await?,
        }
    }
    let clear = cookie("", 0, secure(&state.access, &headers));
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}

#[utoipa::path(
    get,
    path = "/me",
    tag = "session",
    summary = "当前用户 / the caller: role, towns and what it may do",
    responses((status = 200, body = Me), AuthErrors)
)]
async fn me(State(state): State<AppState>, caller: Caller) -> Result<axum::Json<Me>, ApiError> {
    Ok(axum::Json(me_body(&state, &caller).await?))
}

/// `POST /api/me/password`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

#[utoipa::path(
    post,
    path = "/me/password",
    tag = "session",
    summary = "修改密码 / change one's own password (signed-in users; ends the user's other sessions)",
    description = "Wrong current passwords count like failed sign-ins.",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "已修改 / changed"),
        (status = 429, description = "尝试过于频繁 / too many failures: wait", body = ErrorBody),
        BodyErrors, AuthErrors
    )
)]
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<PasswordChange>,
) -> Result<Response, ApiError> {
    let (Some(user), AuthVia::Session { id_hash, .. }) = (&caller.user, &caller.via) else {
        return Err(ApiError::bad_request("API令牌没有密码", "an API token has no password"));
    };
    let Some((_, hash)) = state.store.user_for_login(&user.username).await? else {
        return Err(ApiError::unauthenticated());
    };
    // Guesses of the current password count like failed sign-ins, so a stolen session cannot
    // try passwords at leisure.
    let now = state.clock.now();
    let keys = vec![format!("user:{}", user.username)];
    if state.store.login_locked_until(&keys, now).await?.is_some() {
        return Err(ApiError::new(
            ErrorCode::Throttled,
            "失败次数过多,请稍后再试",
            "too many failed attempts; try again later",
        ));
    }
    if !check_password_hash(input.current_password, Some(hash)).await {
        state.store.record_login_failure(&keys, now).await?;
        return Err(ApiError::field(FieldError::new(
            "current_password",
            "当前密码不正确",
            "the current password is wrong",
        )));
    }
    check_password(&input.new_password, &user.username)
        .map_err(|e| ApiError::field(FieldError { field: "new_password".into(), ..e }))?;
    let new = input.new_password;
    let hash = tokio::task::spawn_blocking(move || hash_password(&new)).await.map_err(ApiError::internal)?;
    state.store.set_password(user.id, &hash, Some(id_hash), &caller.actor(), state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// What a page must know before anyone signs in.
#[derive(Serialize, ToSchema)]
pub struct PublicConfig {
    /// Anonymous visitors may see the map.
    public_map: bool,
}

#[utoipa::path(
    get,
    path = "/config",
    tag = "session",
    summary = "公开配置 / what the sign-in page must know (is the public map on?)",
    security(()),
    responses((status = 200, body = PublicConfig))
)]
async fn config(State(state): State<AppState>) -> axum::Json<PublicConfig> {
    axum::Json(PublicConfig { public_map: state.access.public_map })
}
