//! A sheet, stage by stage: find the header, read the notes above it, map the columns, check
//! that the required columns are there, then read the data rows, setting aside blank rows,
//! total rows and section headings (which set the list level of the rows below them).

use super::row::{self, Sheet};
use super::{
    CellError, ColumnMapping, Field, ImportOptions, Interpretation, MAX_CELL_CHARS, PROGRESS_EVERY, RawTable, Skipped,
    err, long_cell_error, mapping,
};
use crate::domain::lists::ListLevel;
use crate::domain::money::MoneyUnit;
use crate::geo::towns::TownLayer;

const TOTAL_WORDS: &[&str] = &["合计", "总计", "小计", "合計", "總計", "小計", "总 计", "合 计"];

/// Interpret a table, calling `progress` with the sheet row reached every `PROGRESS_EVERY` rows.
pub(super) fn interpret_rows(
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
    let notes = Notes::above_header(&rows[..at]);
    out.unit = notes.unit;
    let headers = mapping::header_texts(rows, at, two_rows);
    let (map, unmapped) = mapping::map_columns(&headers, options.mapping.as_ref());
    out.unmapped = unmapped;
    out.errors = missing_required_columns(&map, out.header_row);
    if out.errors.is_empty() {
        let sheet = Sheet { map: &map, unit: out.unit, towns, year: options.year };
        let first_data = at + if two_rows { 2 } else { 1 };
        read_data_rows(&sheet, &headers, notes.level, rows, first_data, &mut out, progress);
    }
    out.mapping = map;
    out
}

/// What the title and notes above the header say about the whole sheet.
struct Notes {
    /// The money unit (`单位:万元`, or a group header over the money columns: `投资情况(万元)`).
    unit: Option<MoneyUnit>,
    /// The list level named in the title (`2026年省重大项目表`).
    level: Option<ListLevel>,
}

impl Notes {
    /// The first unit and the first level found, reading row by row, left to right.
    fn above_header(rows: &[Vec<String>]) -> Notes {
        let mut notes = Notes { unit: None, level: None };
        for c in rows.iter().flatten() {
            let k = mapping::header_key(c);
            let note = k.contains("单位") || k.contains("單位") || k.starts_with('(');
            let group = (k.contains("投资") || k.contains("投資") || k.contains("金额")) && k.contains('(');
            if (note || group) && notes.unit.is_none() {
                notes.unit = MoneyUnit::from_header(&k);
            }
            if notes.level.is_none() && k.chars().count() > 3 {
                notes.level = ListLevel::from_name(&k);
            }
        }
        notes
    }
}

/// Without a name and a total investment no row can become a project: say so once, at the
/// header, instead of once per row.
fn missing_required_columns(map: &ColumnMapping, header_row: usize) -> Vec<CellError> {
    let mut errors = Vec::new();
    if map.column(Field::Name).is_none() {
        errors.push(err(header_row, "", "", "缺少“项目名称”列", "no 项目名称 (project name) column"));
    }
    if map.column(Field::TotalInvestment).is_none() {
        errors.push(err(header_row, "", "", "缺少“总投资”列", "no 总投资 (total investment) column"));
    }
    errors
}

/// What a row below the header is.
enum RowKind<'a> {
    Blank,
    /// 合计 / 小计: a sum of the rows above, not a project.
    Total,
    /// 一、省重大项目(32个): one filled cell; the text, which may name a list level.
    SectionHeading(&'a str),
    Project,
}

impl<'a> RowKind<'a> {
    fn of(r: &'a [String], map: &ColumnMapping) -> RowKind<'a> {
        let filled: Vec<&String> = r.iter().filter(|c| !c.trim().is_empty()).collect();
        if filled.is_empty() {
            return RowKind::Blank;
        }
        if r.iter().any(|c| {
            let k = mapping::header_key(c);
            TOTAL_WORDS.iter().any(|w| k == *w || (k.starts_with(w) && !k.contains("项目") && k.chars().count() <= 20))
        }) {
            return RowKind::Total;
        }
        let mapped_filled = map
            .columns
            .iter()
            .filter(|c| c.field != Field::Sequence && r.get(c.index).is_some_and(|v| !v.trim().is_empty()))
            .count();
        if filled.len() == 1 && mapped_filled <= 1 { RowKind::SectionHeading(filled[0]) } else { RowKind::Project }
    }
}

/// The data rows (from index `first_data` on): projects into `out.rows`, their problems into
/// `out.errors`, the rest into `out.skipped`.
fn read_data_rows(
    sheet: &Sheet,
    headers: &[String],
    sheet_level: Option<ListLevel>,
    rows: &[Vec<String>],
    first_data: usize,
    out: &mut Interpretation,
    progress: &mut dyn FnMut(usize),
) {
    let mut section_level: Option<ListLevel> = None;
    for (i, r) in rows.iter().enumerate().skip(first_data) {
        let row_no = i + 1;
        if row_no % PROGRESS_EVERY == 0 {
            progress(row_no);
        }
        let skipped = |reason: String| Skipped { row: row_no, reason };
        match RowKind::of(r, sheet.map) {
            RowKind::Blank => out.skipped.push(skipped("空行 / blank row".into())),
            RowKind::Total => out.skipped.push(skipped("合计行 / total row".into())),
            RowKind::SectionHeading(text) => {
                // The heading sets the level of the rows below it.
                if let Some(l) = ListLevel::from_name(text) {
                    section_level = Some(l);
                }
                out.skipped.push(skipped(format!("分组标题行“{}” / section heading", text.trim())));
            }
            RowKind::Project => {
                let long = long_cells_not_imported(sheet.map, headers, row_no, r);
                match row::interpret_row(row_no, r, sheet, section_level.or(sheet_level)) {
                    Ok(result) if long.is_empty() => out.rows.push(result),
                    Ok(_) => out.errors.extend(long),
                    Err(mut errors) => {
                        out.errors.append(&mut errors);
                        out.errors.extend(long);
                    }
                }
            }
        }
    }
}

/// Over-long cells in columns that are not imported: they still make the row suspect (a
/// pasted document, a shifted column), so the row is reported rather than imported.
fn long_cells_not_imported(map: &ColumnMapping, headers: &[String], row_no: usize, r: &[String]) -> Vec<CellError> {
    r.iter()
        .enumerate()
        .filter(|(ci, c)| !map.columns.iter().any(|m| m.index == *ci) && c.chars().count() > MAX_CELL_CHARS)
        .map(|(ci, c)| {
            let header = headers.get(ci).map_or("", String::as_str);
            long_cell_error(row_no, header, c)
        })
        .collect()
}
