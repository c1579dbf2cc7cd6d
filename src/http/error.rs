//! One error type for every endpoint, rendered as
//! `{"error": code, "message": "中文 / English", "message_zh", "message_en", "details": […]}`.
//! Internal failures are logged, never echoed.

use crate::domain::error::{FieldError, Invalid};
use crate::store::StoreError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message_zh: String,
    pub message_en: String,
    pub details: Vec<FieldError>,
}

#[derive(Serialize)]
struct Detail<'a> {
    field: &'a str,
    message: String,
    message_zh: &'a str,
    message_en: &'a str,
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    message: String,
    message_zh: &'a str,
    message_en: &'a str,
    details: Vec<Detail<'a>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError { status, code, message_zh: zh.into(), message_en: en.into(), details: vec![] }
    }

    pub fn bad_request(zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", zh, en)
    }

    pub fn invalid(details: Invalid) -> ApiError {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "validation_failed",
            message_zh: format!("输入有{}处错误", details.0.len()),
            message_en: format!("the input has {} error(s)", details.0.len()),
            details: details.0,
        }
    }

    pub fn field(field: FieldError) -> ApiError {
        ApiError::invalid(Invalid(vec![field]))
    }

    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "未找到", "not found")
    }

    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务器内部错误,请稍后重试",
            "internal server error; please retry later",
        )
    }
}

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> Self {
        ApiError::invalid(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::new(StatusCode::NOT_FOUND, "not_found", "项目不存在", "no such project"),
            StoreError::Conflict { current } => ApiError::new(
                StatusCode::CONFLICT,
                "version_conflict",
                format!("项目已被他人修改(当前版本{current}),请刷新后重新提交"),
                format!(
                    "the project was changed by someone else (now at version {current}); reload and apply your change again"
                ),
            ),
            StoreError::DuplicateCode(code) => ApiError {
                details: vec![FieldError::new(
                    "code",
                    format!("项目编号{code}已存在"),
                    format!("project code {code} already exists"),
                )],
                ..ApiError::new(
                    StatusCode::CONFLICT,
                    "duplicate_code",
                    format!("项目编号{code}已存在"),
                    format!("project code {code} already exists"),
                )
            },
            StoreError::Invalid(i) => ApiError::invalid(i),
            StoreError::TownsInUse(msg) => ApiError::new(StatusCode::CONFLICT, "towns_in_use", msg.clone(), msg),
            StoreError::Database(sqlx::Error::PoolTimedOut) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "数据库繁忙,请稍后重试",
                "the database is busy; please retry",
            ),
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: self.code,
            message: format!("{} / {}", self.message_zh, self.message_en),
            message_zh: &self.message_zh,
            message_en: &self.message_en,
            details: self
                .details
                .iter()
                .map(|d| Detail {
                    field: &d.field,
                    message: format!("{} / {}", d.message_zh, d.message_en),
                    message_zh: &d.message_zh,
                    message_en: &d.message_en,
                })
                .collect(),
        };
        (self.status, Json(body)).into_response()
    }
}
