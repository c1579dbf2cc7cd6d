//! Extractors whose rejections are `ApiError`s (bilingual, with the failing field), instead of
//! axum's plain-text defaults.

use super::error::{ApiError, ErrorCode};
use crate::domain::error::FieldError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// A JSON body. Syntax errors are 400, type errors 422 with the path of the field.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
        if !is_json {
            return Err(ApiError::unsupported_media_type());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(ErrorCode::BodyTooLarge, "请求体过大", "the request body is too large")
            } else {
                ApiError::bad_request("无法读取请求体", "could not read the request body")
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let syntax = |e: &serde_json::Error| {
        let (line, column) = (e.line(), e.column());
        ApiError::new(
            ErrorCode::InvalidJson,
            format!("JSON格式错误(第{line}行第{column}列)"),
            format!("malformed JSON at line {line}, column {column}: {e}"),
        )
    };
    // Syntax first, so malformed JSON is always a 400 whatever the target type expects.
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).map_err(|e| syntax(&e))?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let text = inner.to_string();
                let field = if path == "." { named_field(&text).unwrap_or_default() } else { path };
                ApiError::field(FieldError::new(field, describe_zh(&text), text))
            }
            _ => syntax(&inner),
        }
    })?;
    // Trailing garbage after the document is malformed JSON too.
    de.end().map_err(|e| syntax(&e))?;
    Ok(value)
}

/// serde names a missing or unknown field only in its message: "missing field `town`".
fn named_field(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    (message.starts_with("missing field") || message.starts_with("unknown field"))
        .then(|| message[start..start + len].to_string())
}

/// A Chinese rendering of serde's (English) data errors; our own types already carry both
/// languages as "中文 / English".
fn describe_zh(en: &str) -> String {
    if let Some((zh, _)) = en.split_once(" / ")
        && !zh.is_ascii()
    {
        return zh.to_string();
    }
    let detail =
        |prefix: &str, stop: &str| en.trim_start_matches(prefix).split(stop).next().unwrap_or("").trim().to_string();
    if en.starts_with("missing field") {
        format!("缺少必填字段{}", detail("missing field", " at line"))
    } else if en.starts_with("unknown field") {
        format!("未知字段{}", detail("unknown field", ", expected"))
    } else if en.starts_with("invalid type") {
        "类型错误".to_string()
    } else if en.contains("premature end of input")
        || en.contains("input contains invalid characters")
        || en.contains("input is out of range")
    {
        "日期格式应为YYYY-MM-DD".to_string()
    } else {
        "取值无效".to_string()
    }
}

/// A path segment that must parse (e.g. a numeric id); otherwise 404, as for a missing one.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|_| ApiError::new(ErrorCode::NotFound, "路径无效或资源不存在", "invalid path or no such resource"))
    }
}

/// Query parameters; a malformed query string is a 400.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| ApiError::bad_request(format!("查询参数无效:{e}"), format!("invalid query parameters: {e}")))
    }
}
