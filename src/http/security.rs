//! Response headers a government network expects: the app may load only its own scripts,
//! styles, images and workers, and may not be framed or leak its addresses in referrers.

use super::AppState;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// `'self'` only (plus the tile servers an operator allows). Styles allow inline `style`
/// attributes (the UI library sets them); scripts do not. MapLibre starts its worker from a
/// `blob:` URL and draws from `data:`/`blob:` images.
pub fn content_security_policy(tile_origins: &[String]) -> String {
    let tiles: String = tile_origins.iter().map(|o| format!(" {o}")).collect();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:{tiles}; font-src 'self' data:; connect-src 'self'{tiles}; \
         worker-src 'self' blob:; child-src 'self' blob:; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// An origin an operator may allow for tiles: `http(s)://host[:port]`, nothing else (it goes
/// into a header).
pub fn check_origin(origin: &str) -> Result<String, String> {
    let o = origin.trim().trim_end_matches('/');
    let rest = o.strip_prefix("https://").or_else(|| o.strip_prefix("http://"));
    let valid = rest
        .is_some_and(|host| !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)));
    if valid {
        Ok(o.to_string())
    } else {
        Err(format!("瓦片服务地址应为 http(s)://主机[:端口] / a tile origin must be http(s)://host[:port]: {origin:?}"))
    }
}

pub fn headers(router: Router<AppState>, tile_origins: &[String]) -> Router<AppState> {
    let csp = HeaderValue::from_str(&content_security_policy(tile_origins))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    let fixed: [(HeaderName, &'static str); 6] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (HeaderName::from_static("cross-origin-resource-policy"), "same-origin"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), payment=()"),
    ];
    let router = router.layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, csp));
    fixed.into_iter().fold(router, |r, (name, value)| {
        r.layer(SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_origins_are_allowed() {
        assert_eq!(check_origin("http://10.1.2.3:8080/").as_deref(), Ok("http://10.1.2.3:8080"));
        assert_eq!(check_origin("https://tiles.gov.example").as_deref(), Ok("https://tiles.gov.example"));
        assert!(check_origin("tiles.example").is_err());
        assert!(check_origin("https://a.example/path").is_err());
        assert!(check_origin("https://a.example; script-src *").is_err());
        assert!(check_origin("https://").is_err());
    }

    #[test]
    fn tile_origins_extend_images_and_connections_only() {
        let plain = content_security_policy(&[]);
        assert!(plain.contains("img-src 'self' data: blob:;") && plain.contains("connect-src 'self';"));
        let with = content_security_policy(&["http://10.1.2.3:8080".into()]);
        assert!(with.contains("img-src 'self' data: blob: http://10.1.2.3:8080;"));
        assert!(with.contains("connect-src 'self' http://10.1.2.3:8080;"));
        assert!(with.contains("script-src 'self';"));
    }
}
