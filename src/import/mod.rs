//! Spreadsheet ledgers (XLSX, CSV): reading, header mapping, value parsing and row errors.
//! No database and no HTTP here: `read_table` turns bytes into text cells, `interpret` turns
//! cells into `ProjectInput`s and bilingual cell errors.

mod mapping;
pub mod plan;
mod read;
mod row;
mod sheet;
pub mod values;

#[cfg(test)]
mod tests;

// The mapping types are the domain's (the store saves mappings); the importer names them as its own.
pub use crate::domain::column_mapping::{ColumnMapping, Field, MappedColumn};
pub use mapping::{MappingProblem, check_mapping_name, field_for_header, overlay, parse_mapping};
pub use values::{DatePrecision, DateValue, PlannedDate, normalize_name};

use crate::domain::money::MoneyUnit;
use crate::domain::project::{MilestoneDates, ProjectInput};
use crate::geo::towns::TownLayer;
use serde::{Deserialize, Serialize};

/// Files larger than this are refused.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// More data rows than this are refused.
pub const MAX_ROWS: usize = 200_000;
/// More columns than this are refused.
pub const MAX_COLUMNS: usize = 200;
/// Longer cells are truncated, and their row is reported.
pub const MAX_CELL_CHARS: usize = 10_000;

/// Why a file cannot be read as a ledger.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("文件过大({bytes}字节,上限20MB) / the file is too large ({bytes} bytes, limit 20 MB)")]
    TooLarge { bytes: usize },
    #[error("文件为空 / the file is empty")]
    Empty,
    #[error("不是可识别的表格文件(请上传 .xlsx 或 .csv):{0} / not a spreadsheet (upload .xlsx or .csv): {0}")]
    NotSpreadsheet(String),
    #[error("不支持旧版 .xls/.et 格式,请另存为 .xlsx / legacy .xls/.et files are not supported; save as .xlsx")]
    LegacyFormat,
    #[error("行数超过上限200000行 / more than 200 000 rows")]
    TooManyRows,
    #[error("列数超过上限200列 / more than 200 columns")]
    TooManyColumns,
}

impl ImportError {
    pub fn message_zh(&self) -> String {
        let s = self.to_string();
        s.split(" / ").next().unwrap_or(&s).to_string()
    }

    pub fn message_en(&self) -> String {
        let s = self.to_string();
        s.split_once(" / ").map_or(s.clone(), |(_, en)| en.to_string())
    }
}

/// A sheet as text cells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawTable {
    pub sheet: String,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOptions {
    /// The sheet's year: completes `3月29日` and is the year of the list memberships.
    pub year: i32,
    /// A user-corrected mapping (header text → field).
    #[serde(default)]
    pub mapping: Option<ColumnMapping>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Skipped {
    /// 1-based sheet row.
    pub row: usize,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CellError {
    /// 1-based sheet row (0 for the sheet as a whole).
    pub row: usize,
    /// Header text of the column ("" for the row or the sheet).
    pub column: String,
    pub value: String,
    pub message_zh: String,
    pub message_en: String,
}

/// A row that became a project input. Serialized with `input` in the shape that
/// `POST /api/projects` accepts (`ProjectInput` itself is deserialize-only).
#[derive(Debug, Clone)]
pub struct RowResult {
    /// 1-based sheet row.
    pub row: usize,
    pub input: ProjectInput,
    pub completed_ytd_yuan: Option<i64>,
    /// Plans as written: `开工:计划2025年下半年`.
    pub planned_display: Vec<String>,
}

impl RowResult {
    /// `input` as JSON that deserializes back into a `ProjectInput`.
    pub fn input_json(&self) -> serde_json::Value {
        let i = &self.input;
        let dates =
            |d: Option<MilestoneDates>| d.map(|d| serde_json::json!({ "planned": d.planned, "actual": d.actual }));
        let m = &i.milestones;
        let mut milestones = serde_json::Map::new();
        for (k, v) in [
            ("signed", m.signed),
            ("land", m.land),
            ("permit", m.permit),
            ("start", m.start),
            ("completion", m.completion),
            ("production", m.production),
        ] {
            if let Some(v) = dates(v) {
                milestones.insert(k.to_string(), v);
            }
        }
        serde_json::json!({
            "code": i.code,
            "name": i.name,
            "company": i.company,
            "town": i.town,
            "zone": i.zone,
            "chain": i.chain,
            "total_investment_yuan": i.total_investment_yuan,
            "address": i.address,
            "responsible_unit": i.responsible_unit,
            "responsible_leader": i.responsible_leader,
            "milestones": milestones,
            "lists": i.lists,
            "sample": i.sample,
        })
    }
}

impl Serialize for RowResult {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde_json::json!({
            "row": self.row,
            "input": self.input_json(),
            "completed_ytd_yuan": self.completed_ytd_yuan,
            "planned_display": self.planned_display,
        })
        .serialize(s)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Interpretation {
    /// 1-based sheet row of the header (its first row for a two-row header); 0 if none.
    pub header_row: usize,
    pub mapping: ColumnMapping,
    pub unmapped: Vec<String>,
    /// The unit from a note above the header (`单位:万元`).
    pub unit: Option<MoneyUnit>,
    pub rows: Vec<RowResult>,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<CellError>,
}

/// Read an XLSX (first non-empty sheet) or CSV (UTF-8, UTF-8 with BOM, GB18030) file.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<RawTable, ImportError> {
    read::read_table(file_name, bytes)
}

fn err(row: usize, column: &str, value: &str, zh: impl Into<String>, en: impl Into<String>) -> CellError {
    CellError {
        row,
        column: column.to_string(),
        value: value.to_string(),
        message_zh: zh.into(),
        message_en: en.into(),
    }
}

fn long_cell_error(row: usize, column: &str, raw: &str) -> CellError {
    err(
        row,
        column,
        &raw.chars().take(50).collect::<String>(),
        format!("单元格超过{MAX_CELL_CHARS}个字符,已截断"),
        format!("the cell is longer than {MAX_CELL_CHARS} characters and was truncated"),
    )
}

fn split_message(msg: &str) -> (String, String) {
    match msg.split_once(" / ") {
        Some((zh, en)) => (zh.to_string(), en.to_string()),
        None => (msg.to_string(), msg.to_string()),
    }
}

/// Interpret a table as a ledger of projects.
pub fn interpret(table: &RawTable, towns: &TownLayer, options: &ImportOptions) -> Interpretation {
    interpret_with_progress(table, towns, options, &mut |_| {})
}

/// How often (in rows) the progress callbacks of `interpret_with_progress` and
/// `plan::plan_with_progress` are called.
pub const PROGRESS_EVERY: usize = 500;

/// `interpret`, calling `progress` with the number of sheet rows done (every `PROGRESS_EVERY`
/// rows, and once at the end with `table.rows.len()`).
pub fn interpret_with_progress(
    table: &RawTable,
    towns: &TownLayer,
    options: &ImportOptions,
    progress: &mut dyn FnMut(usize),
) -> Interpretation {
    let out = sheet::interpret_rows(table, towns, options, progress);
    progress(table.rows.len());
    out
}
