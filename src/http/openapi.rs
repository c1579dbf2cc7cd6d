//! The API description (OpenAPI 3.1), generated from the code: every operation from its
//! handler's `#[utoipa::path]`, every schema from the types' `ToSchema` derives (the closed
//! vocabularies from `code_enum!`, with their Chinese labels). The router and the document
//! are built from the same `OpenApiRouter`, so a route cannot exist without its description.
//! Served at `/api/openapi.json`; `web/src/api/openapi.json` is a checked-in copy the web app's
//! TypeScript types are generated from (a test fails when it is stale).

use super::error::ErrorBody;
use std::collections::BTreeMap;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};

const INTRO: &str = "重点项目调度 API / the keyproj API.\n\n\
JSON in snake_case. Money is integer yuan (元); dates are civil dates in Asia/Shanghai \
(`YYYY-MM-DD`); coordinates are stored in WGS84 (inputs may say `crs`: `gcj02`, `bd09`).\n\n\
Authentication: `Authorization: Bearer kp_…` (an API token), or the session cookie from \
`POST /api/login` (every write then needs the `X-CSRF-Token` header). Without either: 401; a \
role that may not: 403.\n\n\
Errors: `{error, message (中文 / English), message_zh, message_en, details: [{field, message, \
message_zh, message_en}]}`; `error` is one of the `ErrorCode` values. Writes that carry a \
`version` are refused with 409 when someone else changed the record first.";

#[derive(OpenApi)]
#[openapi(
    info(title = "keyproj API", description = INTRO, license(name = "Apache-2.0")),
    modifiers(&SecuritySchemes),
    security(("token" = []), ("session" = [])),
    components(schemas(
        ErrorBody,
        super::error::ErrorCode,
        // Query parameters' vocabularies (parameters do not register their schemas).
        super::projects::UnitParam,
        super::reports::FormatParam,
        super::approvals::StatusParam,
        crate::domain::Chain,
        crate::domain::Tier,
        crate::domain::status::Status,
        crate::domain::lists::ListLevel,
        crate::domain::lights::Light,
        crate::domain::milestone::MilestoneKind,
        crate::domain::report::Period,
    )),
    tags(
        (name = "system", description = "运行状态与本文档 / health and this document"),
        (name = "session", description = "登录与当前用户 / sign-in and the caller's own account"),
        (name = "projects", description = "项目台账 / the ledger: projects, milestones, monthly reports"),
        (name = "map", description = "地图 / GeoJSON for the map"),
        (name = "exports", description = "导出 / workbooks and open data"),
        (name = "reports", description = "指标、周报、通报 / indicators, the weekly laggard report, the monthly bulletin"),
        (name = "imports", description = "台账导入 / spreadsheet imports and saved column mappings"),
        (name = "approvals", description = "审批 / changes held for an editor's approval"),
        (name = "admin", description = "管理 / users, API tokens and the audit trail"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("kp_…")
                    .description(Some("API令牌 / an API token (keyproj token create)"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                super::auth::SESSION_COOKIE,
                "登录会话 / the session cookie from POST /api/login; writes also need X-CSRF-Token",
            ))),
        );
    }
}

/// An error answer with the common error body.
fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("Error"))).build())
        .into()
}

/// A set of error answers an operation can give, named by what causes them.
macro_rules! error_responses {
    ($($(#[$meta:meta])* $name:ident { $($status:literal => $description:literal),+ $(,)? })+) => {
        $(
            $(#[$meta])*
            pub struct $name;

            impl IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
                    [$(($status, $description)),+]
                        .into_iter()
                        .map(|(status, description)| (status.to_string(), error_response(description)))
                        .collect()
                }
            }
        )+
    };
}

error_responses! {
    /// Every operation that needs a caller.
    AuthErrors {
        "401" => "未登录或登录已过期 / not signed in, or the session expired",
        "403" => "角色无权执行,或缺少CSRF令牌 / the role may not do this, or the CSRF token is missing",
        "503" => "数据库繁忙 / the database is busy; retry",
    }
    /// Operations with query parameters that are checked.
    QueryErrors {
        "400" => "查询参数无效(details列出每个参数) / invalid query parameters (each in details)",
    }
    /// Operations on one thing named in the path.
    NotFoundErrors {
        "404" => "不存在 / no such thing (the message says which)",
    }
    /// Operations with a JSON body.
    BodyErrors {
        "400" => "JSON格式错误 / malformed JSON",
        "413" => "请求体过大 / the body is too large",
        "415" => "请求体须为JSON / the body must be application/json",
        "422" => "输入有误(details列出每个字段) / validation failed (each field in details)",
    }
    /// Writes checked against the version the caller read, or against what is stored.
    ConflictErrors {
        "409" => "已被他人修改或与已有数据冲突 / changed by someone else, or conflicts with what is stored",
    }
}

/// A named schema for a body that has one of several shapes, decided by who asks (e.g. the map's
/// points for a signed-in caller or for an anonymous visitor of the public map). `anyOf`, since
/// one shape may be a subset of another.
macro_rules! any_of {
    ($(#[$meta:meta])* $name:ident: $($shape:ty),+) => {
        $(#[$meta])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::AnyOfBuilder::new()
                    $(.item(utoipa::openapi::Ref::from_schema_name(<$shape as utoipa::ToSchema>::name())))+
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn schemas(
                schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>,
            ) {
                $(
                    schemas.push((
                        <$shape as utoipa::ToSchema>::name().into_owned(),
                        <$shape as utoipa::PartialSchema>::schema(),
                    ));
                    <$shape as utoipa::ToSchema>::schemas(schemas);
                )+
            }
        }
    };
}

pub(crate) use any_of;

/// A schema that is a part of another (`allOf`, from `#[serde(flatten)]`) cannot also refuse
/// unknown properties (`deny_unknown_fields` on input types): the other parts' properties
/// would be unknown to it, and no answer could validate. Such parts are left open; the whole
/// they are part of is still exact.
pub fn open_flattened_parts(value: &mut serde_json::Value) {
    fn collect_parts(v: &serde_json::Value, parts: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Array(members)) = map.get("allOf") {
                    parts.extend(
                        members
                            .iter()
                            .filter_map(|m| m["$ref"].as_str())
                            .filter_map(|r| r.strip_prefix("#/components/schemas/"))
                            .map(str::to_string),
                    );
                }
                map.values().for_each(|x| collect_parts(x, parts));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|x| collect_parts(x, parts)),
            _ => {}
        }
    }
    let mut parts = Vec::new();
    collect_parts(value, &mut parts);
    for name in parts {
        if let Some(schema) = value["components"]["schemas"].get_mut(&name).and_then(|s| s.as_object_mut())
            && schema.get("additionalProperties") == Some(&serde_json::Value::Bool(false))
        {
            schema.remove("additionalProperties");
        }
    }
}

/// The document as JSON text (built once: it is the same for the life of the process).
pub fn document_json() -> &'static str {
    static JSON: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    JSON.get_or_init(|| {
        let mut value = serde_json::to_value(super::openapi()).unwrap_or_default();
        open_flattened_parts(&mut value);
        serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".to_string())
    })
}

#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "system",
    summary = "本文档 / this document (OpenAPI 3.1)",
    security(()),
    responses((status = 200, description = "OpenAPI 3.1", content_type = "application/json", body = Object))
)]
pub async fn document() -> impl axum::response::IntoResponse {
    use axum::http::{HeaderValue, header};
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], document_json())
}
