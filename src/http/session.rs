//! Sign-in and out, the caller's own account, and what an anonymous page may know.

use super::auth::{AccessSettings, Caller, SESSION_COOKIE, Via, client_address};
use super::extract::{Json, Query};
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
use axum::routing::{get, post};
use axum::{Router, response};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/me", get(me))
        .route("/me/password", post(change_password))
        .route("/config", get(config))
}

/// The client's address, for throttling logins.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(parts, state.access.trust_proxy)))
    }
}

#[derive(Serialize)]
pub(super) struct TownName {
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

#[derive(Serialize)]
struct Can {
    read: bool,
    create: bool,
    edit: bool,
    import: bool,
    publish: bool,
    approve: bool,
    admin: bool,
}

#[derive(Serialize)]
struct Me<'a> {
    id: Option<i64>,
    username: &'a str,
    display_name: Option<&'a str>,
    role: Role,
    role_label: &'static str,
    towns: Vec<TownName>,
    via: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    csrf_token: Option<&'a str>,
    approval_required: bool,
    can: Can,
}

async fn me_body(state: &AppState, caller: &Caller) -> Result<serde_json::Value, ApiError> {
    let layer = state.store.town_layer().await?;
    let p: &Principal = &caller.principal;
    let (via, csrf) = match &caller.via {
        Via::Session { csrf_token, .. } => ("session", Some(csrf_token.as_str())),
        Via::Token { .. } => ("token", None),
    };
    let me = Me {
        id: p.user_id,
        username: &p.name,
        display_name: caller.user.as_ref().and_then(|u| u.display_name.as_deref()),
        role: p.role,
        role_label: p.role.label_zh(),
        towns: town_names(&layer, &p.towns),
        via,
        csrf_token: csrf,
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
    };
    serde_json::to_value(me).map_err(|_| ApiError::internal())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginInput {
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
    ApiError::new(StatusCode::UNAUTHORIZED, "login_failed", "用户名或密码错误", "wrong username or password")
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
        let mut r = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            format!("登录失败次数过多,请{wait}秒后再试"),
            format!("too many failed sign-ins; try again in {wait} s"),
        )
        .into_response();
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return Ok(r);
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
        via: Via::Session { id_hash: session.id_hash, csrf_token: csrf_token.clone() },
        user: Some(user),
    };
    let body = serde_json::json!({ "user": me_body(&state, &caller).await?, "csrf_token": csrf_token });
    let set = cookie(&secret, max.as_secs(), secure(&state.access, &headers));
    Ok(([(header::SET_COOKIE, set)], response::Json(body)).into_response())
}

#[derive(Deserialize)]
struct LogoutParams {
    #[serde(default)]
    everywhere: bool,
}

async fn logout(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Query(p): Query<LogoutParams>,
) -> Result<Response, ApiError> {
    if let Via::Session { id_hash, .. } = &caller.via {
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

async fn me(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    Ok(response::Json(me_body(&state, &caller).await?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<PasswordChange>,
) -> Result<Response, ApiError> {
    let (Some(user), Via::Session { id_hash, .. }) = (&caller.user, &caller.via) else {
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
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
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
    let hash = tokio::task::spawn_blocking(move || hash_password(&new)).await.map_err(|_| ApiError::internal())?;
    state.store.set_password(user.id, &hash, Some(id_hash), &caller.actor(), state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn config(State(state): State<AppState>) -> Response {
    response::Json(serde_json::json!({ "public_map": state.access.public_map })).into_response()
}
