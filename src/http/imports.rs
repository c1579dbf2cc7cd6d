//! `POST /api/imports`: a spreadsheet ledger in, dry run first (a preview of what would change,
//! with every error by row and column), then an all-or-nothing commit. `/api/import-mappings`:
//! column mappings saved by name, applied with `POST /api/imports?mapping=NAME`.

use super::AppState;
use super::auth::Caller;
use super::download::{XLSX, download};
use super::error::{ApiError, ErrorBody, ErrorCode};
use super::extract::{Path, Query};
use super::openapi::{AuthErrors, NotFoundErrors};
use crate::domain::access::Ability;
use crate::import::plan::plan;
use crate::import::{ImportOptions, interpret, read_table};
use crate::store::SavedMapping;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Spreadsheet uploads may be larger than JSON bodies.
pub const UPLOAD_LIMIT: usize = 21 * 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(OpenApiRouter::new().routes(routes!(import)).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
        .routes(routes!(template))
        .routes(routes!(list_mappings))
        .routes(routes!(save_mapping, delete_mapping))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportParams {
    /// Preview only (default `true`): what would be created and updated, and every error.
    #[param(value_type = Option<bool>)]
    dry_run: Option<String>,
    /// Commit the valid rows even if other rows have errors (default `false`).
    #[param(value_type = Option<bool>)]
    valid_only: Option<String>,
    /// The sheet's year, for dates like 3月29日 and the list memberships (default: this year).
    #[param(value_type = Option<i32>, minimum = 2000, maximum = 2100)]
    year: Option<String>,
    /// The name of a saved column mapping to apply.
    mapping: Option<String>,
}

/// The upload: the ledger file, and optionally a corrected column mapping.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportUpload {
    /// The workbook (XLSX) or CSV (UTF-8 or GB18030), at most 20 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// A column mapping as JSON (as a dry run returns it, corrected), over the saved one.
    #[schema(value_type = Option<String>)]
    mapping: Option<String>,
}

/// A dry run's preview, or what a commit wrote.
#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    dry_run: bool,
    /// What the file holds: creations, updates (field by field), unchanged rows, skipped rows,
    /// errors by row and column, likely duplicates.
    plan: crate::import::plan::ImportPlan,
    /// The column mapping used (dry runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    mapping: Option<crate::import::ColumnMapping>,
    /// The saved mapping applied, if one was named (dry runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    mapping_name: Option<String>,
    /// Projects created, updated, unchanged (commits).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    created: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    updated: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    unchanged: Option<usize>,
}

crate::http::openapi::any_of!(
    /// Why an import was not written: the file is unreadable (an error), or it has errors (the preview).
    ImportRejection: ErrorBody, ImportRefused
);

/// The one code of a refused import.
#[derive(Serialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum ImportRefusal {
    /// Rows have errors or likely duplicates; nothing was written.
    ImportHasErrors,
}

/// A commit refused because the file has errors: nothing was written.
#[derive(Serialize, ToSchema)]
pub struct ImportRefused {
    error: ImportRefusal,
    /// `中文 / English`.
    message: String,
    plan: crate::import::plan::ImportPlan,
}

fn flag(v: Option<&str>, default: bool) -> bool {
    v.map_or(default, |v| matches!(v, "true" | "1" | "yes"))
}

fn bad_upload(zh: &str, en: &str) -> ApiError {
    ApiError::new(ErrorCode::BadUpload, zh, en)
}

/// The `file` part (and an optional `mapping` part with a corrected column mapping as JSON).
async fn read_parts(
    mut multipart: Multipart,
) -> Result<(String, Vec<u8>, Option<crate::import::ColumnMapping>), ApiError> {
    let mut file = None;
    let mut mapping = None;
    loop {
        let field = multipart.next_field().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(ErrorCode::BodyTooLarge, "文件过大(上限20MB)", "the file is too large (limit 20 MB)")
            } else {
                bad_upload(
                    "上传内容无法读取(应为multipart/form-data,文件字段名为file)",
                    "unreadable upload (expected multipart/form-data with a `file` field)",
                )
            }
        })?;
        let Some(field) = field else { break };
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload.xlsx").to_string();
                let bytes = field.bytes().await.map_err(|_| bad_upload("文件读取失败", "could not read the file"))?;
                file = Some((name, bytes.to_vec()));
            }
            Some("mapping") => {
                let text =
                    field.text().await.map_err(|_| bad_upload("列映射读取失败", "could not read the mapping"))?;
                mapping = Some(mapping_from_json(text.as_bytes())?);
            }
            _ => {}
        }
    }
    let (name, bytes) = file.ok_or_else(|| bad_upload("缺少文件(字段名file)", "no file (field `file`)"))?;
    Ok((name, bytes, mapping))
}

#[utoipa::path(
    post,
    path = "/imports",
    tag = "imports",
    summary = "台账导入 / import a spreadsheet ledger: a dry run first, then all or nothing",
    description = "Editors. The dry run (default) answers the preview; `dry_run=false` commits every row in one \
transaction, or nothing (422 with the preview) when a row has errors, unless `valid_only=true`.",
    params(ImportParams),
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, body = ImportResult),
        (status = 400, description = "上传内容无效 / not a multipart upload with a `file`, a bad mapping or year", body = ErrorBody),
        (status = 404, description = "没有这个已保存的列映射 / no saved mapping of that name", body = ErrorBody),
        (status = 409, description = "台账在预览后被修改 / the ledger changed since the preview", body = ErrorBody),
        (status = 413, description = "文件过大 / the file is too large", body = ErrorBody),
        (status = 422, description = "无法读取文件,或文件有错误未导入 / the file is unreadable, or has errors and nothing was written",
            body = ImportRejection),
        AuthErrors
    )
)]
async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<ImportParams>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    // The role first: a caller who may not import learns nothing from parsing the upload.
    caller.require(Ability::Import)?;
    let multipart = {
        use axum::extract::FromRequest;
        Multipart::from_request(request, &state).await.map_err(|e| {
            bad_upload(
                &format!("请以multipart/form-data上传文件(字段名file):{e}"),
                &format!("upload the file as multipart/form-data (field `file`): {e}"),
            )
        })?
    };
    let dry_run = flag(params.dry_run.as_deref(), true);
    let valid_only = flag(params.valid_only.as_deref(), false);
    let today = state.clock.today();
    let year = match params.year.as_deref() {
        Some(y) => y
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| bad_upload("参数year应为2000至2100之间的年份", "year must be from 2000 to 2100"))?,
        None => today.year(),
    };
    let (file, bytes, corrected) = read_parts(multipart).await?;
    // A saved mapping, under the corrections sent with the file (they win for their headers).
    let mapping_name = params.mapping.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let saved = match mapping_name {
        Some(name) => Some(state.store.import_mapping(name).await?.ok_or_else(|| mapping_not_found(name))?.mapping),
        None => None,
    };
    let mapping = crate::import::overlay(corrected, saved);
    let table = read_table(&file, &bytes)
        .map_err(|e| ApiError::new(ErrorCode::UnreadableFile, e.message_zh(), e.message_en()))?;
    let towns = state.store.town_layer().await?;
    let interpretation = interpret(&table, &towns, &ImportOptions { year, mapping });
    let existing = state.store.all_projects().await?;
    let now = state.clock.now();
    let planned = plan(&file, &table.sheet, &interpretation, &existing, &towns, year, now);
    if dry_run {
        return Ok(axum::Json(ImportResult {
            dry_run: true,
            plan: planned,
            mapping: Some(interpretation.mapping),
            mapping_name: mapping_name.map(str::to_string),
            created: None,
            updated: None,
            unchanged: None,
        })
        .into_response());
    }
    if !planned.is_clean() && !valid_only {
        let (errors, duplicates) = (planned.errors.len(), planned.duplicates.len());
        let body = ImportRefused {
            error: ImportRefusal::ImportHasErrors,
            message: format!(
                "文件有{errors}处错误、{duplicates}个疑似重复项目,未导入任何数据;请修正后重试,或选择只导入无误的行 / the file has {errors} error(s) and {duplicates} likely duplicate(s): nothing was imported; fix them, or import only the valid rows"
            ),
            plan: planned,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response());
    }
    let user = caller.actor().name;
    let changes = planned.changes(&user);
    state.store.apply_changes(changes, now).await?;
    let (created, updated, unchanged) = (planned.create.len(), planned.update.len(), planned.unchanged.len());
    Ok(axum::Json(ImportResult {
        dry_run: false,
        plan: planned,
        mapping: None,
        mapping_name: None,
        created: Some(created),
        updated: Some(updated),
        unchanged: Some(unchanged),
    })
    .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TemplateParams {
    /// The year printed in the template (default: this year).
    #[param(value_type = Option<i32>, minimum = 2000, maximum = 2100)]
    year: Option<String>,
}

#[utoipa::path(
    get,
    path = "/templates/ledger.xlsx",
    tag = "imports",
    summary = "台账模板 / the blank ledger template, with the towns in its drop-down list",
    params(TemplateParams),
    responses(
        (status = 200, description = "项目台账模板.xlsx", content_type = XLSX, body = Vec<u8>),
        (status = 400, description = "年份无效 / invalid year", body = ErrorBody),
        AuthErrors
    )
)]
async fn template(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<TemplateParams>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    let year = match params.year.as_deref() {
        Some(y) => y
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| bad_upload("参数year应为2000至2100之间的年份", "year must be from 2000 to 2100"))?,
        None => state.clock.today().year(),
    };
    let layer = state.store.town_layer().await?;
    let towns: Vec<String> = layer.towns.iter().map(|t| t.name.clone()).collect();
    let bytes = crate::report::render::ledger_template(year, &layer.county_name, &towns)?;
    Ok(download(bytes, crate::report::produce::Format::Xlsx, "项目台账模板", "ledger-template"))
}

/// A column mapping sent as JSON (the `mapping` part of an upload, or a mapping to save):
/// malformed JSON, unknown field names, empty or repeated headers are a 400 naming each column.
fn mapping_from_json(bytes: &[u8]) -> Result<crate::import::ColumnMapping, ApiError> {
    let value: serde_json::Value = super::extract::parse_json(bytes)?;
    crate::import::parse_mapping(&value).map_err(|problems| {
        let (zh, en): (Vec<&str>, Vec<&str>) =
            problems.iter().map(|p| (p.message_zh.as_str(), p.message_en.as_str())).unzip();
        ApiError::new(
            ErrorCode::InvalidMapping,
            format!("列映射有误:{}", zh.join(";")),
            format!("invalid column mapping: {}", en.join("; ")),
        )
        .with_details(
            problems
                .iter()
                .map(|p| crate::domain::error::FieldError::new(&p.path, &p.message_zh, &p.message_en))
                .collect(),
        )
    })
}

fn mapping_not_found(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        format!("没有名为“{name}”的已保存列映射"),
        format!("no saved column mapping named \"{name}\""),
    )
}

fn mapping_name(name: &str) -> Result<String, ApiError> {
    crate::import::check_mapping_name(name)
        .map_err(|p| ApiError::new(ErrorCode::InvalidMappingName, p.message_zh, p.message_en))
}

#[derive(Serialize, ToSchema)]
pub struct MappingList {
    items: Vec<SavedMapping>,
}

#[utoipa::path(
    get,
    path = "/import-mappings",
    tag = "imports",
    summary = "已保存的列映射 / the saved column mappings, by name",
    responses((status = 200, body = MappingList), AuthErrors)
)]
async fn list_mappings(State(state): State<AppState>, caller: Caller) -> Result<axum::Json<MappingList>, ApiError> {
    caller.require(Ability::Read)?;
    Ok(axum::Json(MappingList { items: state.store.import_mappings().await? }))
}

#[utoipa::path(
    put,
    path = "/import-mappings/{name}",
    tag = "imports",
    summary = "保存列映射 / save a column mapping (as a dry run returns it, possibly corrected) under a name",
    description = "Replaces a mapping of the same name.",
    params(("name" = String, Path, description = "1–64 characters")),
    request_body(content = crate::domain::column_mapping::ColumnMapping, description = "A column mapping, as a dry run answers it"),
    responses(
        (status = 200, body = SavedMapping),
        (status = 400, description = "列映射或名称无效 / invalid mapping or name (each problem in details)", body = ErrorBody),
        (status = 413, description = "请求体过大 / the body is too large", body = ErrorBody),
        (status = 415, description = "请求体须为JSON / the body must be application/json", body = ErrorBody),
        AuthErrors
    )
)]
async fn save_mapping(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<axum::Json<SavedMapping>, ApiError> {
    // The role first: a caller who may not import learns nothing from validating the body.
    caller.require(Ability::Import)?;
    let name = mapping_name(&name)?;
    let is_json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
    if !is_json {
        return Err(ApiError::unsupported_media_type());
    }
    let mapping = mapping_from_json(&body)?;
    let saved = state.store.put_import_mapping(&name, &mapping, &caller.actor(), state.clock.now()).await?;
    Ok(axum::Json(saved))
}

#[utoipa::path(
    delete,
    path = "/import-mappings/{name}",
    tag = "imports",
    summary = "删除列映射 / delete a saved column mapping",
    params(("name" = String, Path, description = "1–64 characters")),
    responses(
        (status = 204, description = "已删除 / deleted"),
        (status = 400, description = "名称无效 / invalid name", body = ErrorBody),
        NotFoundErrors, AuthErrors
    )
)]
async fn delete_mapping(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(Ability::Import)?;
    let name = mapping_name(&name)?;
    if state.store.delete_import_mapping(&name, &caller.actor(), state.clock.now()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(mapping_not_found(&name))
    }
}
