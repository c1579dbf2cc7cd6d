//! One error type for every endpoint, rendered as
//! `{"error": code, "message": "中文 / English", "message_zh", "message_en", "details": […]}`.
//! The code decides the HTTP status (one status per code, never patched afterwards); what went
//! wrong underneath is kept for the log and never sent.

use crate::code_enum;
use crate::domain::access::Refusal;
use crate::domain::error::{Entity, FieldError, Invalid};
use crate::store::StoreError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

code_enum! {
    /// Every `error` code the API answers with.
    pub enum ErrorCode {
        BadRequest = ("bad_request", "请求无效"),
        InvalidQuery = ("invalid_query", "查询参数无效"),
        InvalidJson = ("invalid_json", "JSON格式错误"),
        BadUpload = ("bad_upload", "上传内容无效"),
        InvalidMapping = ("invalid_mapping", "列映射无效"),
        InvalidMappingName = ("invalid_mapping_name", "列映射名称无效"),
        ValidationFailed = ("validation_failed", "输入有误"),
        UnreadableFile = ("unreadable_file", "无法读取文件"),
        UnsupportedMediaType = ("unsupported_media_type", "请求体类型不支持"),
        BodyTooLarge = ("body_too_large", "请求体过大"),
        Unauthenticated = ("unauthenticated", "未登录"),
        LoginFailed = ("login_failed", "用户名或密码错误"),
        Csrf = ("csrf", "缺少CSRF令牌"),
        Forbidden = ("forbidden", "无权限"),
        NotFound = ("not_found", "不存在"),
        NoProjects = ("no_projects", "没有符合条件的项目"),
        VersionConflict = ("version_conflict", "版本冲突"),
        DuplicateCode = ("duplicate_code", "项目编号重复"),
        UserExists = ("user_exists", "用户名已存在"),
        NotPending = ("not_pending", "审批已处理"),
        StaleApproval = ("stale_approval", "申请后数据已变"),
        TownsInUse = ("towns_in_use", "镇街仍有项目"),
        AlreadyPublished = ("already_published", "周报已发布"),
        Throttled = ("throttled", "尝试过于频繁"),
        Busy = ("busy", "数据库繁忙"),
        Internal = ("internal", "服务器内部错误"),
    }
}

impl ErrorCode {
    pub fn status(self) -> StatusCode {
        use ErrorCode::*;
        match self {
            BadRequest | InvalidQuery | InvalidJson | BadUpload | InvalidMapping | InvalidMappingName => {
                StatusCode::BAD_REQUEST
            }
            ValidationFailed | UnreadableFile => StatusCode::UNPROCESSABLE_ENTITY,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Unauthenticated | LoginFailed => StatusCode::UNAUTHORIZED,
            Csrf | Forbidden => StatusCode::FORBIDDEN,
            NotFound | NoProjects => StatusCode::NOT_FOUND,
            VersionConflict | DuplicateCode | UserExists | NotPending | StaleApproval | TownsInUse
            | AlreadyPublished => StatusCode::CONFLICT,
            Throttled => StatusCode::TOO_MANY_REQUESTS,
            Busy => StatusCode::SERVICE_UNAVAILABLE,
            Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    message_zh: String,
    message_en: String,
    details: Vec<FieldError>,
    /// Seconds to wait before retrying (`Retry-After`, for `throttled`).
    retry_after: Option<u64>,
    /// What went wrong underneath, for the log only.
    cause: Option<String>,
}

/// One failing field of an error answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Dotted path of the field or parameter, e.g. `milestones.start.planned` or `tier`.
    pub field: String,
    /// `中文 / English`.
    pub message: String,
    pub message_zh: String,
    pub message_en: String,
}

/// Every error answer of the API.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    pub error: ErrorCode,
    /// `中文 / English`.
    pub message: String,
    pub message_zh: String,
    pub message_en: String,
    /// The fields at fault (empty when the error is not about one field).
    pub details: Vec<ErrorDetail>,
}

impl ApiError {
    pub fn new(code: ErrorCode, zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError { code, message_zh: zh.into(), message_en: en.into(), details: vec![], retry_after: None, cause: None }
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn status(&self) -> StatusCode {
        self.code.status()
    }

    /// The same error with the fields at fault.
    pub fn with_details(mut self, details: Vec<FieldError>) -> ApiError {
        self.details = details;
        self
    }

    /// The same error with `Retry-After`.
    pub fn retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after = Some(seconds);
        self
    }

    /// The same error, remembering its cause for the log.
    pub fn caused_by(mut self, cause: impl std::fmt::Display) -> ApiError {
        self.cause = Some(cause.to_string());
        self
    }

    pub fn bad_request(zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::BadRequest, zh, en)
    }

    /// A request body that fails validation (422), each problem under its field.
    pub fn invalid(details: Invalid) -> ApiError {
        let n = details.0.len();
        ApiError::new(ErrorCode::ValidationFailed, format!("输入有{n}处错误"), format!("the input has {n} error(s)"))
            .with_details(details.0)
    }

    pub fn field(field: FieldError) -> ApiError {
        ApiError::invalid(Invalid(vec![field]))
    }

    /// Query parameters that fail their checks (400), each under its parameter.
    pub fn invalid_query(details: Vec<FieldError>) -> ApiError {
        let n = details.len();
        ApiError::new(
            ErrorCode::InvalidQuery,
            format!("查询参数有{n}处错误"),
            format!("{n} invalid query parameter(s)"),
        )
        .with_details(details)
    }

    /// One query parameter with an invalid value: `expected_zh` / `expected_en` say what it
    /// should be.
    pub fn query_param(name: &str, value: &str, expected_zh: &str, expected_en: &str) -> ApiError {
        ApiError::invalid_query(vec![FieldError::new(
            name,
            format!("参数{name}的值“{value}”无效:{expected_zh}"),
            format!("invalid {name} \"{value}\": {expected_en}"),
        )])
    }

    pub fn not_found(what: Entity) -> ApiError {
        ApiError::new(
            ErrorCode::NotFound,
            format!("{}不存在", what.label_zh()),
            format!("no such {}", what.code().replace('_', " ")),
        )
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::unauthenticated_because("请先登录", "sign in first")
    }

    pub fn unauthenticated_because(zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Unauthenticated, zh, en)
    }

    pub fn session_expired() -> ApiError {
        ApiError::unauthenticated_because("登录已过期,请重新登录", "the session has expired; sign in again")
    }

    pub fn csrf() -> ApiError {
        ApiError::new(
            ErrorCode::Csrf,
            "缺少或错误的X-CSRF-Token请求头,请刷新页面后重试",
            "missing or wrong X-CSRF-Token header; reload the page and try again",
        )
    }

    pub fn forbidden() -> ApiError {
        ApiError::new(ErrorCode::Forbidden, "您的角色无权执行此操作", "your role is not allowed to do this")
    }

    pub fn outside_towns(town_code: &str) -> ApiError {
        ApiError::new(
            ErrorCode::Forbidden,
            format!("项目所在镇街({town_code})不在您负责的范围内"),
            format!("the project's town ({town_code}) is not one of your towns"),
        )
    }

    pub fn unsupported_media_type() -> ApiError {
        ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "请求体必须是JSON(Content-Type: application/json)",
            "the request body must be JSON (Content-Type: application/json)",
        )
    }

    /// A failure that is the server's, not the caller's: logged with its cause, answered 500.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        ApiError::new(ErrorCode::Internal, "服务器内部错误,请稍后重试", "internal server error; please retry later")
            .caused_by(cause)
    }

    /// A version conflict on `what` (now at `current`).
    pub fn conflict(what: Entity, current: i64) -> ApiError {
        let label = what.label_zh();
        ApiError::new(
            ErrorCode::VersionConflict,
            format!("{label}已被他人修改(当前版本{current}),请刷新后重新提交"),
            format!(
                "the {} was changed by someone else (now at version {current}); reload and apply your change again",
                what.code().replace('_', " ")
            ),
        )
    }
}

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> Self {
        ApiError::invalid(e)
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Role => ApiError::forbidden(),
            Refusal::OutsideTowns(code) => ApiError::outside_towns(&code),
            Refusal::EditorsOnly => ApiError::new(
                ErrorCode::Forbidden,
                "此操作须由招商中心编辑执行(如恢复已退出的项目)",
                "only an editor can do this (e.g. restore a withdrawn project)",
            ),
            Refusal::SelfLockout => ApiError::bad_request(
                "不能停用自己或取消自己的管理员角色",
                "you cannot disable yourself or give up your own admin role",
            ),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::not_found(what),
            StoreError::Conflict { what, current } => ApiError::conflict(what, current),
            StoreError::DuplicateCode(code) => {
                let detail = FieldError::new(
                    "code",
                    format!("项目编号{code}已存在"),
                    format!("project code {code} already exists"),
                );
                ApiError::new(ErrorCode::DuplicateCode, &detail.message_zh, &detail.message_en)
                    .with_details(vec![detail])
            }
            StoreError::Invalid(i) => ApiError::invalid(i),
            StoreError::UserExists(name) => {
                let detail =
                    FieldError::new("username", format!("用户名{name}已存在"), format!("user {name} already exists"));
                ApiError::new(ErrorCode::UserExists, &detail.message_zh, &detail.message_en).with_details(vec![detail])
            }
            StoreError::NotPending(status) => ApiError::new(
                ErrorCode::NotPending,
                format!("该审批已处理(状态:{status})"),
                format!("this approval was already decided ({status})"),
            ),
            StoreError::StaleApproval => ApiError::new(
                ErrorCode::StaleApproval,
                "申请提交后项目的相关数据已被修改,请驳回后由申请人重新提交",
                "the project changed since this was requested; reject it and have it requested again",
            ),
            StoreError::Refused(r) => r.into(),
            StoreError::TownsInUse(msg) => ApiError::new(ErrorCode::TownsInUse, msg.clone(), msg),
            StoreError::AlreadyPublished(week) => ApiError::new(
                ErrorCode::AlreadyPublished,
                format!("{week}周报已发布,发布后不可更改"),
                format!("the report for {week} is already published and cannot change"),
            ),
            StoreError::Database(sqlx::Error::PoolTimedOut) => {
                ApiError::new(ErrorCode::Busy, "数据库繁忙,请稍后重试", "the database is busy; please retry")
                    .caused_by("database pool timed out")
            }
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let Some(cause) = &self.cause {
            if status.is_server_error() {
                tracing::error!(error = self.code.code(), %cause, "request failed");
            } else {
                tracing::debug!(error = self.code.code(), %cause, "request refused");
            }
        }
        let body = ErrorBody {
            error: self.code,
            message: format!("{} / {}", self.message_zh, self.message_en),
            details: self
                .details
                .into_iter()
                .map(|d| ErrorDetail {
                    message: format!("{} / {}", d.message_zh, d.message_en),
                    field: d.field,
                    message_zh: d.message_zh,
                    message_en: d.message_en,
                })
                .collect(),
            message_zh: self.message_zh,
            message_en: self.message_en,
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_status_and_4xx_or_5xx() {
        for code in ErrorCode::ALL {
            let s = code.status();
            assert!(s.is_client_error() || s.is_server_error(), "{code}: {s}");
        }
        assert_eq!(ErrorCode::InvalidQuery.status(), StatusCode::BAD_REQUEST);
        assert_eq!(ErrorCode::ValidationFailed.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(ErrorCode::Throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    }

    #[test]
    fn not_found_names_what() {
        let e = ApiError::not_found(Entity::User);
        assert_eq!((e.message_zh.as_str(), e.message_en.as_str()), ("用户不存在", "no such user"));
        let e = ApiError::not_found(Entity::ImportMapping);
        assert_eq!(e.message_en, "no such import mapping");
    }

    #[test]
    fn a_store_conflict_on_a_user_says_user() {
        let e: ApiError = StoreError::Conflict { what: Entity::User, current: 3 }.into();
        assert_eq!(e.status(), StatusCode::CONFLICT);
        assert!(e.message_zh.starts_with("用户已被他人修改"), "{}", e.message_zh);
    }
}
