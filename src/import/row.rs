//! One data row of a ledger → a `ProjectInput`, a column group at a time: name, town and zone,
//! amounts, chain, dates, list membership. Every problem of the row is collected (in that
//! order), so the preview shows all of a row's errors at once, not the first one only.

use super::values;
use super::{
    CellError, ColumnMapping, DateValue, Field, MAX_CELL_CHARS, MappedColumn, PlannedDate, RowResult, err,
    long_cell_error, split_message,
};
use crate::domain::chain::Chain;
use crate::domain::lists::{BuildType, ListKind, ListLevel, Membership};
use crate::domain::money::{MoneyUnit, Yuan};
use crate::domain::project::{MilestoneDates, MilestonesInput, ProjectInput};
use crate::geo::towns::TownLayer;
use chrono::Datelike;

/// What every data row of a sheet is read with.
pub(super) struct Sheet<'a> {
    pub map: &'a ColumnMapping,
    /// The unit from a note above the header, for money columns whose header names none.
    pub unit: Option<MoneyUnit>,
    pub towns: &'a TownLayer,
    /// The sheet's year: completes `3月29日` and is the year of the list membership.
    pub year: i32,
}

/// Interpret one data row (`row_no` is 1-based). `default_level` is the list level of the
/// section heading above the row, or of the sheet's title, for rows without a category.
pub(super) fn interpret_row(
    row_no: usize,
    r: &[String],
    sheet: &Sheet,
    default_level: Option<ListLevel>,
) -> Result<RowResult, Vec<CellError>> {
    let mut errors = Vec::new();
    let cells = RowCells::read(row_no, r, sheet.map, &mut errors);
    let name = required_name(&cells, &mut errors);
    let company = cells.text(Field::Company);
    let code = cells.text(Field::Code);
    let (town, zone) = town_and_zone(&cells, sheet.towns, &mut errors);
    let total = total_investment(&cells, sheet.unit, &mut errors);
    let annual = cells.money(Field::AnnualPlan, sheet.unit, &mut errors);
    let completed = cells.money(Field::CompletedYtd, sheet.unit, &mut errors);
    let chain = chain(&cells, &mut errors);
    let dates = RowDates::read(&cells, sheet.year, &mut errors);
    let membership = membership(&cells, sheet.year, default_level, annual, dates.start_actual, &mut errors);
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
            responsible_unit: cells.text(Field::ResponsibleUnit),
            responsible_leader: cells.text(Field::ResponsibleLeader),
            milestones: dates.milestones(),
            lists: vec![membership],
            sample: false,
        },
        completed_ytd_yuan: completed,
        planned_display: dates.planned_display(),
    })
}

/// The mapped cells of a row, each with its column. Read once, so that an over-long cell is
/// truncated and reported once, however many column groups look at it.
struct RowCells<'a> {
    row_no: usize,
    map: &'a ColumnMapping,
    values: Vec<(&'a MappedColumn, String)>,
}

impl<'a> RowCells<'a> {
    fn read(row_no: usize, r: &[String], map: &'a ColumnMapping, errors: &mut Vec<CellError>) -> RowCells<'a> {
        let values = map
            .columns
            .iter()
            .map(|c| {
                let raw = r.get(c.index).map_or("", String::as_str);
                if raw.chars().count() > MAX_CELL_CHARS {
                    errors.push(long_cell_error(row_no, &c.header, raw));
                    return (c, raw.chars().take(MAX_CELL_CHARS).collect());
                }
                (c, raw.to_string())
            })
            .collect();
        RowCells { row_no, map, values }
    }

    /// The first non-blank cell of a field, with its column (a sheet may map two columns to one
    /// field; the first one filled in counts).
    fn get(&self, f: Field) -> Option<(&MappedColumn, &str)> {
        self.values.iter().find(|(c, v)| c.field == f && !v.trim().is_empty()).map(|(c, v)| (*c, v.as_str()))
    }

    /// Free text (name, company, units) as written, cleaned of pinyin noise; None when blank.
    fn text(&self, f: Field) -> Option<String> {
        self.get(f).map(|(_, v)| values::clean_text(v)).filter(|s| !s.is_empty())
    }

    /// The header of the field's column, for errors about a missing value ("" if not mapped).
    fn header_of(&self, f: Field) -> &str {
        self.map.column(f).map_or("", |c| c.header.as_str())
    }

    fn error(&self, column: &str, value: &str, zh: impl Into<String>, en: impl Into<String>) -> CellError {
        err(self.row_no, column, value, zh, en)
    }

    /// An amount in yuan, in the unit written in the cell, else the column's, else the sheet's.
    fn money(&self, f: Field, sheet_unit: Option<MoneyUnit>, errors: &mut Vec<CellError>) -> Option<i64> {
        let (c, raw) = self.get(f)?;
        match values::parse_amount(raw, c.unit.or(sheet_unit)) {
            Ok(p) => Some(p.yuan.0),
            Err(e) => {
                let (zh, en) = split_message(&e.to_string());
                errors.push(self.error(&c.header, raw, zh, en));
                None
            }
        }
    }

    /// A date or date range; `year` completes dates written without one (`3月29日`).
    fn date(&self, f: Field, year: i32, errors: &mut Vec<CellError>) -> Option<DateValue> {
        let (c, raw) = self.get(f)?;
        match values::parse_date(raw, year) {
            Ok(v) => Some(v),
            Err(e) => {
                let (zh, en) = split_message(&e.to_string());
                errors.push(self.error(&c.header, raw, zh, en));
                None
            }
        }
    }
}

/// The project name: required, since a project without one cannot be found again.
fn required_name(cells: &RowCells, errors: &mut Vec<CellError>) -> String {
    let name = cells.text(Field::Name).unwrap_or_default();
    if name.is_empty() {
        errors.push(cells.error(cells.header_of(Field::Name), "", "请填写项目名称", "the project name is missing"));
    }
    name
}

/// The town (a code of the town layer) and the zone. Ledgers often put the zone in the town
/// column (鲁南高科技化工园区) or name the town inside the zone (…园区(木石镇)), so each column
/// can fill in the other; a zone alone is still an error, because a zone is not a town.
fn town_and_zone(cells: &RowCells, towns: &TownLayer, errors: &mut Vec<CellError>) -> (String, Option<String>) {
    let mut zone = cells.text(Field::Zone);
    let Some((c, raw)) = cells.get(Field::Town) else {
        // A town may be named in the zone text (鲁南高科技化工园区(木石镇)).
        return match zone.as_deref().and_then(|z| values::resolve_town(towns, z)) {
            Some(t) => (t.code.clone(), zone),
            None => {
                let header = cells.map.column(Field::Town).map_or("所在镇街", |c| c.header.as_str());
                errors.push(cells.error(header, "", "请填写所在镇街", "fill in the town"));
                (String::new(), zone)
            }
        };
    };
    match values::resolve_town(towns, raw) {
        Some(t) => {
            if values::looks_like_zone(raw) && zone.is_none() {
                zone = Some(values::zone_name(raw));
            }
            (t.code.clone(), zone)
        }
        None if values::looks_like_zone(raw) => {
            errors.push(cells.error(
                &c.header,
                raw,
                "请填写所在镇街(园区不是镇街)",
                "fill in the town (a zone is not a town)",
            ));
            (String::new(), zone.or_else(|| Some(values::zone_name(raw))))
        }
        None => {
            errors.push(cells.error(
                &c.header,
                raw,
                format!("无法识别的镇街“{}”", raw.trim()),
                format!("unknown town \"{}\"", raw.trim()),
            ));
            (String::new(), zone)
        }
    }
}

/// The total investment: required, since the tier is derived from it.
fn total_investment(cells: &RowCells, sheet_unit: Option<MoneyUnit>, errors: &mut Vec<CellError>) -> Option<i64> {
    let total = cells.money(Field::TotalInvestment, sheet_unit, errors);
    if total.is_none() && cells.get(Field::TotalInvestment).is_none() {
        let header = cells.header_of(Field::TotalInvestment);
        errors.push(cells.error(header, "", "请填写总投资", "the total investment is missing"));
    }
    total
}

/// The industry chain; `other` when the column is missing or blank.
fn chain(cells: &RowCells, errors: &mut Vec<CellError>) -> Chain {
    let Some((c, raw)) = cells.get(Field::Chain) else { return Chain::Other };
    Chain::from_name(&values::clean_cell(raw)).unwrap_or_else(|| {
        errors.push(cells.error(
            &c.header,
            raw,
            format!("无法识别的产业链“{}”", raw.trim()),
            format!("unknown industry chain \"{}\"", raw.trim()),
        ));
        Chain::Other
    })
}

/// The start and completion dates of a row, planned and actual.
struct RowDates {
    start_planned: Option<PlannedDate>,
    completion_planned: Option<PlannedDate>,
    start_actual: Option<PlannedDate>,
    completion_actual: Option<PlannedDate>,
}

impl RowDates {
    /// Planned dates come from a span column (建设起止年限 `2024-2026`), the start column (which
    /// may also hold a range) and the completion column, later columns winning; an actual date
    /// written as a range counts from its first day.
    fn read(cells: &RowCells, year: i32, errors: &mut Vec<CellError>) -> RowDates {
        let mut start_planned = None;
        let mut completion_planned = None;
        if let Some(v) = cells.date(Field::StartToCompletion, year, errors) {
            match v {
                DateValue::Range(a, b) => {
                    start_planned = Some(a);
                    completion_planned = Some(b);
                }
                DateValue::Single(p) => completion_planned = Some(p),
            }
        }
        if let Some(v) = cells.date(Field::StartPlanned, year, errors) {
            match v {
                DateValue::Range(a, b) => {
                    start_planned = Some(a);
                    completion_planned = completion_planned.or(Some(b));
                }
                DateValue::Single(p) => start_planned = Some(p),
            }
        }
        if let Some(v) = cells.date(Field::CompletionPlanned, year, errors) {
            completion_planned = Some(match v {
                DateValue::Range(_, b) => b,
                DateValue::Single(p) => p,
            });
        }
        let first = |v: DateValue| match v {
            DateValue::Single(p) | DateValue::Range(p, _) => p,
        };
        let start_actual = cells.date(Field::StartActual, year, errors).map(first);
        let completion_actual = cells.date(Field::CompletionActual, year, errors).map(first);
        RowDates { start_planned, completion_planned, start_actual, completion_actual }
    }

    fn milestones(&self) -> MilestonesInput {
        let dates = |p: Option<PlannedDate>, a: Option<PlannedDate>| {
            (p.is_some() || a.is_some())
                .then(|| MilestoneDates { planned: p.map(|x| x.date), actual: a.map(|x| x.date) })
        };
        MilestonesInput {
            start: dates(self.start_planned, self.start_actual),
            completion: dates(self.completion_planned, self.completion_actual),
            ..MilestonesInput::default()
        }
    }

    /// The plans as written (`开工:计划2025年下半年`): a half-year is stored as its last day,
    /// and the preview shows what the sheet said.
    fn planned_display(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(p) = self.start_planned {
            out.push(format!("开工:{}", p.display_planned()));
        }
        if let Some(p) = self.completion_planned {
            out.push(format!("竣工:{}", p.display_planned()));
        }
        out
    }
}

/// The row's list membership for the sheet's year: level, kind and build type from the
/// category column, else the level of the section or sheet (county if none), implementation,
/// and a build type from the actual start (before this year: continuing).
fn membership(
    cells: &RowCells,
    year: i32,
    default_level: Option<ListLevel>,
    annual_plan: Option<i64>,
    start_actual: Option<PlannedDate>,
    errors: &mut Vec<CellError>,
) -> Membership {
    let category = cells.get(Field::Category).map(|(col, raw)| (col, raw, values::parse_category(raw)));
    if let Some((col, raw, c)) = &category
        && c.level.is_none()
        && default_level.is_none()
    {
        errors.push(cells.error(
            &col.header,
            raw,
            format!("无法识别的项目类别“{}”", raw.trim()),
            format!("unknown project category \"{}\"", raw.trim()),
        ));
    }
    let category = category.map(|(_, _, c)| c);
    let level = category.and_then(|c| c.level).or(default_level).unwrap_or(ListLevel::County);
    let build_type =
        category.and_then(|c| c.build_type).unwrap_or(if start_actual.is_some_and(|a| a.date.year() < year) {
            BuildType::Continuing
        } else {
            BuildType::NewStart
        });
    let kind = category.map_or(ListKind::Implementation, |c| c.kind);
    Membership {
        year,
        list: level,
        kind,
        build_type,
        annual_plan_yuan: Yuan(annual_plan.unwrap_or(0)),
        effective_from: None,
        effective_to: None,
    }
}
