//! `POST /api/imports`: a spreadsheet ledger in, dry run first (a preview of what would change,
//! with every error by row and column), then an all-or-nothing commit. `/api/import-mappings`:
//! column mappings saved by name, applied with `POST /api/imports?mapping=NAME`.

use super::AppState;
use super::auth::Caller;
use super::error::ApiError;
use super::extract::Query;
use crate::domain::access::Ability;
use crate::import::plan::plan;
use crate::import::{ImportOptions, interpret, read_table};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::Datelike;
use serde::Deserialize;

/// Spreadsheet uploads may be larger than JSON bodies.
pub const UPLOAD_LIMIT: usize = 21 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/imports", post(import).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
        .route("/templates/ledger.xlsx", axum::routing::get(template))
        .route("/import-mappings", axum::routing::get(list_mappings))
        .route("/import-mappings/{name}", axum::routing::put(save_mapping).delete(delete_mapping))
}

#[derive(Deserialize)]
struct ImportParams {
    dry_run: Option<String>,
    valid_only: Option<String>,
    year: Option<String>,
    /// The name of a saved column mapping to apply.
    mapping: Option<String>,
}

fn flag(v: Option<&str>, default: bool) -> bool {
    v.map_or(default, |v| matches!(v, "true" | "1" | "yes"))
}

fn bad_upload(zh: &str, en: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "bad_upload", zh, en)
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
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "文件过大(上限20MB)",
                    "the file is too large (limit 20 MB)",
                )
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
    let table = read_table(&file, &bytes).map_err(|e| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unreadable_file", e.message_zh(), e.message_en())
    })?;
    let towns = state.store.town_layer().await?;
    let interpretation = interpret(&table, &towns, &ImportOptions { year, mapping });
    let existing = state.store.all_projects().await?;
    let now = state.clock.now();
    let planned = plan(&file, &table.sheet, &interpretation, &existing, &towns, year, now);
    if dry_run {
        return Ok(axum::Json(
            serde_json::json!({ "dry_run": true, "plan": planned, "mapping": interpretation.mapping, "mapping_name": mapping_name }),
        )
        .into_response());
    }
    if !planned.is_clean() && !valid_only {
        let body = serde_json::json!({
            "error": "import_has_errors",
            "message": format!("文件有{}处错误、{}个疑似重复项目,未导入任何数据;请修正后重试,或选择只导入无误的行 / the file has {} error(s) and {} likely duplicate(s): nothing was imported; fix them, or import only the valid rows", planned.errors.len(), planned.duplicates.len(), planned.errors.len(), planned.duplicates.len()),
            "plan": planned,
        });
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response());
    }
    let user = caller.actor().name;
    let changes = planned.changes(&user);
    state.store.apply_changes(changes, now).await?;
    Ok(axum::Json(serde_json::json!({
        "dry_run": false,
        "created": planned.create.len(),
        "updated": planned.update.len(),
        "unchanged": planned.unchanged.len(),
        "plan": planned,
    }))
    .into_response())
}

#[derive(Deserialize)]
struct TemplateParams {
    year: Option<String>,
}

/// The blank ledger template, with the current town layer in its drop-down list.
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
    Ok(super::reports::download(bytes, crate::report::produce::Format::Xlsx, "项目台账模板", "ledger-template"))
}

/// A column mapping sent as JSON (the `mapping` part of an upload, or a mapping to save):
/// malformed JSON, unknown field names, empty or repeated headers are a 400 naming each column.
fn mapping_from_json(bytes: &[u8]) -> Result<crate::import::ColumnMapping, ApiError> {
    let value: serde_json::Value = super::extract::parse_json(bytes)?;
    crate::import::parse_mapping(&value).map_err(|problems| {
        let (zh, en): (Vec<&str>, Vec<&str>) =
            problems.iter().map(|p| (p.message_zh.as_str(), p.message_en.as_str())).unzip();
        ApiError {
            details: problems
                .iter()
                .map(|p| crate::domain::error::FieldError::new(&p.path, &p.message_zh, &p.message_en))
                .collect(),
            ..ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_mapping",
                format!("列映射有误:{}", zh.join(";")),
                format!("invalid column mapping: {}", en.join("; ")),
            )
        }
    })
}

fn mapping_not_found(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "mapping_not_found",
        format!("没有名为“{name}”的已保存列映射"),
        format!("no saved column mapping named \"{name}\""),
    )
}

fn mapping_name(name: &str) -> Result<String, ApiError> {
    crate::import::check_mapping_name(name)
        .map_err(|p| ApiError::new(StatusCode::BAD_REQUEST, "invalid_mapping_name", p.message_zh, p.message_en))
}

/// `GET /api/import-mappings`: the saved column mappings, by name.
async fn list_mappings(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.require(Ability::Read)?;
    let items = state.store.import_mappings().await?;
    Ok(axum::Json(serde_json::json!({ "items": items })).into_response())
}

/// `PUT /api/import-mappings/{name}`: save a column mapping (as a dry run returns it, possibly
/// corrected) under a name, replacing one of the same name.
async fn save_mapping(
    State(state): State<AppState>,
    caller: Caller,
    super::extract::Path(name): super::extract::Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    // The role first: a caller who may not import learns nothing from validating the body.
    caller.require(Ability::Import)?;
    let name = mapping_name(&name)?;
    let is_json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "请求体必须是JSON(Content-Type: application/json)",
            "the request body must be JSON (Content-Type: application/json)",
        ));
    }
    let mapping = mapping_from_json(&body)?;
    let saved = state.store.put_import_mapping(&name, &mapping, &caller.actor(), state.clock.now()).await?;
    Ok(axum::Json(saved).into_response())
}

/// `DELETE /api/import-mappings/{name}`.
async fn delete_mapping(
    State(state): State<AppState>,
    caller: Caller,
    super::extract::Path(name): super::extract::Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Ability::Import)?;
    let name = mapping_name(&name)?;
    if state.store.delete_import_mapping(&name, &caller.actor(), state.clock.now()).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(mapping_not_found(&name))
    }
}
