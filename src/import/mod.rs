//! Spreadsheet ledgers (XLSX, CSV): reading, header mapping, value parsing and row errors.
//! No database and no HTTP here: `read_table` turns bytes into text cells, `interpret` turns
//! cells into `ProjectInput`s and bilingual cell errors.

mod mapping;
pub mod plan;
mod read;
pub mod values;

#[cfg(test)]
mod tests;

// The mapping types are the domain's (the store saves mappings); the importer names them as its own.
pub use crate::domain::column_mapping::{ColumnMapping, Field, MappedColumn};
pub use mapping::{MappingProblem, check_mapping_name, field_for_header, overlay, parse_mapping};
pub use values::{DatePrecision, DateValue, PlannedDate, normalize_name};

use crate::domain::chain::Chain;
use crate::domain::lists::{BuildType, ListKind, ListLevel, Membership};
use crate::domain::money::{MoneyUnit, Yuan};
use crate::domain::project::{MilestoneDates, MilestonesInput, ProjectInput};
use crate::geo::towns::TownLayer;
use chrono::Datelike;
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// 1-based sheet row.
    pub row: usize,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

const TOTAL_WORDS: &[&str] = &["合计", "总计", "小计", "合計", "總計", "小計", "总 计", "合 计"];

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
    let out = interpret_rows(table, towns, options, progress);
    progress(table.rows.len());
    out
}

fn interpret_rows(
    table: &RawTable,
    towns: &TownLayer,
    options: &ImportOptions,
    progress: &mut dyn FnMut(usize),
) -> Interpretation {
    let mut out = Interpretation {
        header_row: 0,
        mapping: ColumnMapping::default(),
        unmapped: vec![],
        unit: None,
        rows: vec![],
        skipped: vec![],
        errors: vec![],
    };
    let rows = &table.rows;
    let Some((at, two_rows)) = mapping::find_header(rows, options.mapping.as_ref()) else {
        out.errors.push(err(
            0,
            "",
            "",
            "在前15行中未找到表头(至少需要两列可识别的列名,如“项目名称”“总投资”)",
            "no header row found in the first 15 rows (at least two known column names such as 项目名称 and 总投资 are needed)",
        ));
        return out;
    };
    out.header_row = at + 1;
    // Notes and the title above the header: the sheet's unit and default list level.
    let mut sheet_level = None;
    for r in &rows[..at] {
        for c in r {
            let k = mapping::header_key(c);
            let note = k.contains("单位") || k.contains("單位") || k.starts_with('(');
            // A group header over the money columns: 投资情况(万元).
            let group = (k.contains("投资") || k.contains("投資") || k.contains("金额")) && k.contains('(');
            if (note || group) && out.unit.is_none() {
                out.unit = MoneyUnit::from_header(&k);
            }
            if sheet_level.is_none() && k.chars().count() > 3 {
                sheet_level = ListLevel::from_name(&k);
            }
        }
    }
    let headers = mapping::header_texts(rows, at, two_rows);
    let (map, unmapped) = mapping::map_columns(&headers, options.mapping.as_ref());
    out.unmapped = unmapped;
    for needed in [Field::Name, Field::TotalInvestment] {
        if map.column(needed).is_none() {
            let (zh, en) = match needed {
                Field::Name => ("缺少“项目名称”列", "no 项目名称 (project name) column"),
                _ => ("缺少“总投资”列", "no 总投资 (total investment) column"),
            };
            out.errors.push(err(out.header_row, "", "", zh, en));
        }
    }
    if !out.errors.is_empty() {
        out.mapping = map;
        return out;
    }
    let first_data = at + if two_rows { 2 } else { 1 };
    let mut section_level: Option<ListLevel> = None;
    for (i, r) in rows.iter().enumerate().skip(first_data) {
        let row_no = i + 1;
        if row_no % PROGRESS_EVERY == 0 {
            progress(row_no);
        }
        let filled: Vec<&String> = r.iter().filter(|c| !c.trim().is_empty()).collect();
        if filled.is_empty() {
            out.skipped.push(Skipped { row: row_no, reason: "空行 / blank row".into() });
            continue;
        }
        if r.iter().any(|c| {
            let k = mapping::header_key(c);
            TOTAL_WORDS.iter().any(|w| k == *w || (k.starts_with(w) && !k.contains("项目") && k.chars().count() <= 20))
        }) {
            out.skipped.push(Skipped { row: row_no, reason: "合计行 / total row".into() });
            continue;
        }
        let mapped_filled = map
            .columns
            .iter()
            .filter(|c| c.field != Field::Sequence && r.get(c.index).is_some_and(|v| !v.trim().is_empty()))
            .count();
        if filled.len() == 1 && mapped_filled <= 1 {
            // 一、省重大项目(32个): a section heading; it sets the level of the rows below.
            if let Some(l) = ListLevel::from_name(filled[0]) {
                section_level = Some(l);
            }
            out.skipped
                .push(Skipped {
                    row: row_no, reason: format!("分组标题行“{}” / section heading", filled[0].trim())
                });
            continue;
        }
        // Over-long cells in columns that are not imported still make the row suspect.
        let long: Vec<CellError> = r
            .iter()
            .enumerate()
            .filter(|(ci, c)| !map.columns.iter().any(|m| m.index == *ci) && c.chars().count() > MAX_CELL_CHARS)
            .map(|(ci, c)| {
                let header = headers.get(ci).map_or("", String::as_str);
                long_cell_error(row_no, header, c)
            })
            .collect();
        match interpret_row(row_no, r, &map, out.unit, towns, options, section_level.or(sheet_level)) {
            Ok(result) if long.is_empty() => out.rows.push(result),
            Ok(_) => out.errors.extend(long),
            Err(mut errors) => {
                out.errors.append(&mut errors);
                out.errors.extend(long);
            }
        }
    }
    out.mapping = map;
    out
}

fn interpret_row(
    row_no: usize,
    r: &[String],
    map: &ColumnMapping,
    sheet_unit: Option<MoneyUnit>,
    towns: &TownLayer,
    options: &ImportOptions,
    default_level: Option<ListLevel>,
) -> Result<RowResult, Vec<CellError>> {
    let mut errors = Vec::new();
    let mut cell = |c: &MappedColumn| -> String {
        let raw = r.get(c.index).map_or("", String::as_str);
        if raw.chars().count() > MAX_CELL_CHARS {
            errors.push(long_cell_error(row_no, &c.header, raw));
            return raw.chars().take(MAX_CELL_CHARS).collect();
        }
        raw.to_string()
    };
    let mut values: Vec<(&MappedColumn, String)> = Vec::new();
    for c in &map.columns {
        let v = cell(c);
        values.push((c, v));
    }
    let get =
        |f: Field| values.iter().find(|(c, v)| c.field == f && !v.trim().is_empty()).map(|(c, v)| (*c, v.as_str()));
    let text = |f: Field| get(f).map(|(_, v)| values::clean_text(v)).filter(|s| !s.is_empty());

    let name = text(Field::Name).unwrap_or_default();
    if name.is_empty() {
        errors.push(err(
            row_no,
            map.column(Field::Name).map_or("", |c| &c.header),
            "",
            "请填写项目名称",
            "the project name is missing",
        ));
    }
    let company = text(Field::Company);
    let code = text(Field::Code);

    // Town and zone.
    let mut zone = text(Field::Zone);
    let mut town = String::new();
    let town_header = map.column(Field::Town).map_or("所在镇街", |c| c.header.as_str());
    match get(Field::Town) {
        Some((c, raw)) => match values::resolve_town(towns, raw) {
            Some(t) => {
                town = t.code.clone();
                if values::looks_like_zone(raw) && zone.is_none() {
                    zone = Some(values::zone_name(raw));
                }
            }
            None if values::looks_like_zone(raw) => {
                zone = zone.or_else(|| Some(values::zone_name(raw)));
                errors.push(err(
                    row_no,
                    &c.header,
                    raw,
                    "请填写所在镇街(园区不是镇街)",
                    "fill in the town (a zone is not a town)",
                ));
            }
            None => errors.push(err(
                row_no,
                &c.header,
                raw,
                format!("无法识别的镇街“{}”", raw.trim()),
                format!("unknown town \"{}\"", raw.trim()),
            )),
        },
        None => {
            // A town may be named in the zone text (鲁南高科技化工园区(木石镇)).
            match zone.as_deref().and_then(|z| values::resolve_town(towns, z)) {
                Some(t) => town = t.code.clone(),
                None => errors.push(err(row_no, town_header, "", "请填写所在镇街", "fill in the town")),
            }
        }
    }

    let money = |f: Field, errors: &mut Vec<CellError>| -> Option<i64> {
        let (c, raw) = get(f)?;
        match values::parse_amount(raw, c.unit.or(sheet_unit)) {
            Ok(p) => Some(p.yuan.0),
            Err(e) => {
                let (zh, en) = split_message(&e.to_string());
                errors.push(err(row_no, &c.header, raw, zh, en));
                None
            }
        }
    };
    let total = money(Field::TotalInvestment, &mut errors);
    if total.is_none() && get(Field::TotalInvestment).is_none() {
        let h = map.column(Field::TotalInvestment).map_or("", |c| c.header.as_str());
        errors.push(err(row_no, h, "", "请填写总投资", "the total investment is missing"));
    }
    let annual = money(Field::AnnualPlan, &mut errors);
    let completed = money(Field::CompletedYtd, &mut errors);

    let chain = match get(Field::Chain) {
        None => Chain::Other,
        Some((c, raw)) => Chain::from_name(&values::clean_cell(raw)).unwrap_or_else(|| {
            errors.push(err(
                row_no,
                &c.header,
                raw,
                format!("无法识别的产业链“{}”", raw.trim()),
                format!("unknown industry chain \"{}\"", raw.trim()),
            ));
            Chain::Other
        }),
    };

    // Dates.
    let mut milestones = MilestonesInput::default();
    let mut planned_display = Vec::new();
    let date = |f: Field, errors: &mut Vec<CellError>| -> Option<DateValue> {
        let (c, raw) = get(f)?;
        match values::parse_date(raw, options.year) {
            Ok(v) => Some(v),
            Err(e) => {
                let (zh, en) = split_message(&e.to_string());
                errors.push(err(row_no, &c.header, raw, zh, en));
                None
            }
        }
    };
    let first = |v: DateValue| match v {
        DateValue::Single(p) | DateValue::Range(p, _) => p,
    };
    let mut start_planned = None;
    let mut completion_planned = None;
    if let Some(v) = date(Field::StartToCompletion, &mut errors) {
        match v {
            DateValue::Range(a, b) => {
                start_planned = Some(a);
                completion_planned = Some(b);
            }
            DateValue::Single(p) => completion_planned = Some(p),
        }
    }
    if let Some(v) = date(Field::StartPlanned, &mut errors) {
        match v {
            DateValue::Range(a, b) => {
                start_planned = Some(a);
                completion_planned = completion_planned.or(Some(b));
            }
            DateValue::Single(p) => start_planned = Some(p),
        }
    }
    if let Some(v) = date(Field::CompletionPlanned, &mut errors) {
        completion_planned = Some(match v {
            DateValue::Range(_, b) => b,
            DateValue::Single(p) => p,
        });
    }
    let start_actual = date(Field::StartActual, &mut errors).map(first);
    let completion_actual = date(Field::CompletionActual, &mut errors).map(first);
    if let Some(p) = start_planned {
        planned_display.push(format!("开工:{}", p.display_planned()));
    }
    if let Some(p) = completion_planned {
        planned_display.push(format!("竣工:{}", p.display_planned()));
    }
    let md = |p: Option<PlannedDate>, a: Option<PlannedDate>| {
        (p.is_some() || a.is_some()).then(|| MilestoneDates { planned: p.map(|x| x.date), actual: a.map(|x| x.date) })
    };
    milestones.start = md(start_planned, start_actual);
    milestones.completion = md(completion_planned, completion_actual);

    // List membership.
    let category = get(Field::Category).map(|(_, v)| values::parse_category(v));
    if let (Some(c), Some((col, raw))) = (category, get(Field::Category)) {
        if c.level.is_none() && default_level.is_none() {
            errors.push(err(
                row_no,
                &col.header,
                raw,
                format!("无法识别的项目类别“{}”", raw.trim()),
                format!("unknown project category \"{}\"", raw.trim()),
            ));
        }
    }
    let level = category.and_then(|c| c.level).or(default_level).unwrap_or(ListLevel::County);
    let build_type =
        category.and_then(|c| c.build_type).unwrap_or(if start_actual.is_some_and(|a| a.date.year() < options.year) {
            BuildType::Continuing
        } else {
            BuildType::NewStart
        });
    let kind = category.map_or(ListKind::Implementation, |c| c.kind);
    let lists = vec![Membership {
        year: options.year,
        list: level,
        kind,
        build_type,
        annual_plan_yuan: Yuan(annual.unwrap_or(0)),
        effective_from: None,
        effective_to: None,
    }];

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(RowResult {
        row: row_no,
        input: ProjectInput {
            code,
            name,
            company,
            town,
            zone,
            chain,
            total_investment_yuan: total.unwrap_or(0),
            location: None,
            address: None,
            responsible_unit: text(Field::ResponsibleUnit),
            responsible_leader: text(Field::ResponsibleLeader),
            milestones,
            lists,
            sample: false,
        },
        completed_ytd_yuan: completed,
        planned_display,
    })
}
