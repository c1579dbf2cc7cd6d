//! `GET /api/openapi.json`: the API described for scripts and other tools. The document is
//! kept beside the code (`openapi.json`); a test checks every route appears in it.

use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;

pub const DOCUMENT: &str = include_str!("openapi.json");

pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], DOCUMENT)
}
