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

    pub fn unauthenticated() -> ApiError {
        ApiError::unauthenticated_because("请先登录", "sign in first")
    }

    pub fn unauthenticated_because(zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", zh, en)
    }

    pub fn session_expired() -> ApiError {
        ApiError::unauthenticated_because("登录已过期,请重新登录", "the session has expired; sign in again")
    }

    pub fn csrf() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "缺少或错误的X-CSRF-Token请求头,请刷新页面后重试",
            "missing or wrong X-CSRF-Token header; reload the page and try again",
        )
    }

    pub fn forbidden() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "您的角色无权执行此操作",
            "your role is not allowed to do this",
        )
    }

    pub fn outside_towns(town_code: &str) -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("项目所在镇街({town_code})不在您负责的范围内"),
            format!("the project's town ({town_code}) is not one of your towns"),
        )
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
            StoreError::UserExists(name) => ApiError {
                details: vec![FieldError::new(
                    "username",
                    format!("用户名{name}已存在"),
                    format!("user {name} already exists"),
                )],
                ..ApiError::new(
                    StatusCode::CONFLICT,
                    "user_exists",
                    format!("用户名{name}已存在"),
                    format!("user {name} already exists"),
                )
            },
            StoreError::NotPending(status) => ApiError::new(
                StatusCode::CONFLICT,
                "not_pending",
                format!("该审批已处理(状态:{status})"),
                format!("this approval was already decided ({status})"),
            ),
            StoreError::StaleApproval => ApiError::new(
                StatusCode::CONFLICT,
                "stale_approval",
                "申请提交后项目的相关数据已被修改,请驳回后由申请人重新提交",
                "the project changed since this was requested; reject it and have it requested again",
            ),
            StoreError::OutsideTowns(code) => ApiError::outside_towns(&code),
            StoreError::EditorsOnly => ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "此操作须由招商中心编辑执行(如恢复已退出的项目)",
                "only an editor can do this (e.g. restore a withdrawn project)",
            ),
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
