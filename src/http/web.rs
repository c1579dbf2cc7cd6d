//! The web app, embedded in the binary: built files from `web/dist`, and `index.html` for the
//! app's own routes (`/ledger`, `/projects/12` …). A missing file is a 404, never the app page.

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::Embed)]
#[folder = "web/dist"]
struct Assets;

fn file(path: &str) -> Option<Response> {
    let asset = Assets::get(path)?;
    let mime = asset.metadata.mimetype();
    let mut response = (StatusCode::OK, asset.data.into_owned()).into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    // Vite names built assets by content hash: they never change under the same name.
    let cache = if path.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Some(response)
}

pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path == "api" || path.starts_with("api/") {
        return super::ApiError::not_found(crate::domain::error::Entity::Endpoint).into_response();
    }
    if let Some(r) = file(path).filter(|_| !path.is_empty()) {
        return r;
    }
    let last = path.rsplit('/').next().unwrap_or_default();
    let looks_like_file = last.contains('.') || path.starts_with("assets/");
    // `..` in any spelling is never an app route (nor a file: only embedded files are served).
    if looks_like_file || path.contains("..") || path.to_ascii_lowercase().contains("%2e") {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "404 未找到 / not found",
        )
            .into_response();
    }
    file("index.html").unwrap_or_else(|| (StatusCode::NOT_FOUND, "404").into_response())
}
