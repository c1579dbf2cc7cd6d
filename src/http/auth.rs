//! Who is calling: a session cookie (with its CSRF token on writes) or an API token, resolved
//! to a `Principal` before any handler runs. Handlers take a `Caller` and ask it for what they
//! need; an anonymous request never reaches a handler that takes one.

use super::error::ErrorCode;
use super::{ApiError, AppState};
use crate::accounts::secrets::{constant_time_eq, token_hash};
use crate::domain::access::{Ability, Principal};
use crate::domain::approval::ApprovalSource;
use crate::store::{Actor, User};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use chrono::{DateTime, Utc};
use std::net::SocketAddr;
use std::time::Duration;

pub const SESSION_COOKIE: &str = "keyproj_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Touch `last_seen_at` / `last_used_at` at most this often (each touch is a write).
const TOUCH_EVERY: chrono::Duration = chrono::Duration::seconds(60);

/// How the server treats sign-in, sessions and approvals (`keyproj serve` flags).
#[derive(Debug, Clone)]
pub struct AccessSettings {
    /// Anonymous visitors may see the map (name, town, chain, tier, status only).
    pub public_map: bool,
    /// Town editors' sensitive changes wait for an editor.
    pub approvals: bool,
    pub session_idle: Duration,
    pub session_max: Duration,
    /// Always mark the cookie `Secure` (otherwise only when the proxy says HTTPS).
    pub secure_cookies: bool,
    /// Take the client address from the last `X-Forwarded-For` entry (behind a reverse proxy).
    pub trust_proxy: bool,
    /// Other origins the browser may load map tiles from (an intranet tile server), added to
    /// the Content-Security-Policy. Empty: the app loads nothing from any other host.
    pub tile_origins: Vec<String>,
}

impl Default for AccessSettings {
    fn default() -> Self {
        AccessSettings {
            public_map: false,
            approvals: true,
            session_idle: Duration::from_secs(4 * 3600),
            session_max: Duration::from_secs(12 * 3600),
            secure_cookies: false,
            trust_proxy: false,
            tile_origins: vec![],
        }
    }
}

#[derive(Debug, Clone)]
pub enum Via {
    Session { id_hash: String, csrf_token: String },
    Token { id: i64 },
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub via: Via,
    /// The signed-in user (None for a token).
    pub user: Option<User>,
}

impl Caller {
    /// The name and source recorded in the audit trail.
    pub fn actor(&self) -> Actor {
        // The same codes an approval records as where it was requested from.
        let source = match self.via {
            Via::Session { .. } => ApprovalSource::Web,
            Via::Token { .. } => ApprovalSource::Api,
        };
        Actor::new(self.principal.name.clone(), source.code())
    }

    /// `ability`, or 403 (the rules are `Principal`'s, in `domain::access`).
    pub fn require(&self, ability: Ability) -> Result<(), ApiError> {
        Ok(self.principal.require(ability)?)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        authenticate(parts, state).await?.ok_or_else(ApiError::unauthenticated)
    }
}

/// A reader: any caller, or nobody when the public map is on (the handler then shows less).
pub struct Reader(pub Option<Caller>);

impl FromRequestParts<AppState> for Reader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match authenticate(parts, state).await {
            Ok(Some(c)) => Ok(Reader(Some(c))),
            // A visitor of the public map with a stale cookie is simply anonymous.
            Ok(None) => state.access.public_map.then_some(Reader(None)).ok_or_else(ApiError::unauthenticated),
            Err(e) if state.access.public_map && e.code() == ErrorCode::Unauthenticated => Ok(Reader(None)),
            Err(e) => Err(e),
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

/// The value of the session cookie, if the request carries one.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The client's address: the socket peer, or behind a trusted proxy the address it appended.
pub fn client_address(parts: &Parts, trust_proxy: bool) -> String {
    if trust_proxy {
        // The entry the proxy appended is the last one, across every header line (a client
        // can send its own line first).
        if let Some(last) = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| !v.is_empty())
        {
            return last.to_string();
        }
    }
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string())
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a session seen at `last_seen`, started to expire at `expires_at`, is still valid.
pub fn session_alive(now: DateTime<Utc>, last_seen: DateTime<Utc>, expires_at: DateTime<Utc>, idle: Duration) -> bool {
    let idle = chrono::Duration::from_std(idle).unwrap_or(chrono::Duration::MAX);
    now < expires_at && now - last_seen < idle
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<Caller>, ApiError> {
    let now = state.clock.now();
    if let Some(secret) = bearer(&parts.headers) {
        let Some(token) = state.store.live_token(&token_hash(secret)).await? else {
            return Err(ApiError::unauthenticated_because(
                "API令牌无效或已吊销",
                "the API token is invalid or revoked",
            ));
        };
        if token.last_used_at.is_none_or(|t| now - t > TOUCH_EVERY) {
            state.store.touch_token(token.id, now).await?;
        }
        let principal =
            Principal { user_id: None, name: format!("token:{}", token.name), role: token.role, towns: token.towns };
        super::trace::record_caller(&principal.name);
        return Ok(Some(Caller { principal, via: Via::Token { id: token.id }, user: None }));
    }
    let Some(secret) = session_cookie(&parts.headers) else { return Ok(None) };
    let id_hash = token_hash(&secret);
    let Some(session) = state.store.session(&id_hash).await? else {
        return Err(ApiError::session_expired());
    };
    if !session_alive(now, session.last_seen_at, session.expires_at, state.access.session_idle) {
        state.store.delete_session(&id_hash).await?;
        return Err(ApiError::session_expired());
    }
    if session.user.disabled {
        return Err(ApiError::session_expired());
    }
    if !is_safe(&parts.method) {
        let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if !constant_time_eq(sent, &session.csrf_token) {
            return Err(ApiError::csrf());
        }
    }
    if now - session.last_seen_at > TOUCH_EVERY {
        state.store.touch_session(&id_hash, now).await?;
    }
    let user = session.user;
    let principal =
        Principal { user_id: Some(user.id), name: user.username.clone(), role: user.role, towns: user.towns.clone() };
    super::trace::record_caller(&principal.name);
    Ok(Some(Caller { principal, via: Via::Session { id_hash, csrf_token: session.csrf_token }, user: Some(user) }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use chrono::TimeZone;

    #[test]
    fn cookies_and_bearer_tokens_are_found() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; keyproj_session=abc ; b=2"));
        assert_eq!(session_cookie(&h).as_deref(), Some("abc"));
        h.insert(header::COOKIE, HeaderValue::from_static("keyproj_session="));
        assert_eq!(session_cookie(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer kp_123"));
        assert_eq!(bearer(&h), Some("kp_123"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic xyz"));
        assert_eq!(bearer(&h), None);
    }

    #[test]
    fn behind_a_proxy_the_address_is_the_last_one_appended() {
        let (mut parts, ()) = axum::http::Request::builder()
            .header("x-forwarded-for", "6.6.6.6")
            .header("x-forwarded-for", "10.0.0.7, 10.0.0.8")
            .body(())
            .unwrap_or_default()
            .into_parts();
        assert_eq!(client_address(&parts, true), "10.0.0.8");
        parts.extensions.insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 9))));
        assert_eq!(client_address(&parts, false), "127.0.0.1", "without --trust-proxy the header is ignored");
    }

    #[test]
    fn sessions_expire_when_idle_or_old() {
        let t = |h: u32| Utc.with_ymd_and_hms(2026, 11, 27, h, 0, 0).single().unwrap_or_default();
        let idle = Duration::from_secs(4 * 3600);
        assert!(session_alive(t(5), t(2), t(12), idle));
        assert!(!session_alive(t(7), t(2), t(12), idle), "idle for 5 hours");
        assert!(!session_alive(t(12), t(11), t(12), idle), "past the absolute limit");
    }
}
