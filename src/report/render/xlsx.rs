//! Excel workbooks (rust_xlsxwriter) laid out the way a county office sends them: a title row,
//! a bordered table with a filled bold header, real numbers and dates, A4 pages with the
//! header repeated. User text is always written with `write_string`, so a project named
//! `=…` stays text and never becomes a formula.

use super::{
    Cell, RenderError, Table, as_of_line, bulletin_laggard_table, diff_table, inactive_table, laggard_table,
    progress_table, start_table, summary_items, unit_table, weekly_basis,
};
use crate::domain::lights::Light;
use crate::domain::money::YI;
use crate::report::bulletin::Bulletin;
use crate::report::weekly::WeeklyReport;
use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartFont, ChartFormat, ChartLegendPosition, ChartSolidFill, ChartType, DocProperties,
    Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

impl From<XlsxError> for RenderError {
    fn from(e: XlsxError) -> Self {
        RenderError::Xlsx(e.to_string())
    }
}

type RowNum = u32;
type ColNum = u16;

const BODY_FONT: &str = "宋体";
const TITLE_FONT: &str = "黑体";
/// GB2312: lets Excel pick the Chinese font without substitution.
const GB2312: u8 = 134;
const RED: u32 = 0xFF0000;
const YELLOW: u32 = 0xFFFF00;
/// Chart bars: amber reads better than pure yellow on white paper.
const CHART_YELLOW: u32 = 0xFFC000;
const HEADER_FILL: u32 = 0xD9E1F2;
const PAPER_A4: u8 = 9;
/// Columns wider than this (in Excel width units) wrap instead of growing.
const MAX_COL_WIDTH: usize = 40;
/// A header wider than this wraps onto a second line rather than widening a number column.
const MAX_HEADER_WIDTH: usize = 12;
const MIN_COL_WIDTH: usize = 6;
/// Table sheets: title in row 0, header in row 1, data from row 2.
const HEADER_ROW: RowNum = 1;

/// The cell formats of a workbook.
struct Styles {
    title: Format,
    subtitle: Format,
    note: Format,
    header: Format,
    body: Format,
    paragraph: Format,
}

impl Styles {
    fn new() -> Styles {
        let font = |f: Format| f.set_font_name(BODY_FONT).set_font_charset(GB2312).set_font_size(11);
        let body = font(Format::new()).set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
        Styles {
            title: Format::new()
                .set_font_name(TITLE_FONT)
                .set_font_charset(GB2312)
                .set_font_size(16)
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: font(Format::new()).set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter),
            note: font(Format::new()).set_font_size(9).set_font_color(0x595959),
            header: body
                .clone()
                .set_bold()
                .set_background_color(HEADER_FILL)
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            paragraph: font(Format::new()).set_font_size(12).set_text_wrap().set_align(FormatAlign::Top),
            body,
        }
    }

    /// The format of one data cell; `wrap` for columns of long text.
    fn cell(&self, c: &Cell, wrap: bool) -> Format {
        let center = |f: Format| f.set_align(FormatAlign::Center);
        match c {
            Cell::Text(_) | Cell::Empty if wrap => self.body.clone().set_text_wrap(),
            Cell::Text(_) | Cell::Empty => self.body.clone(),
            Cell::Int(_) => self.body.clone().set_num_format("0"),
            Cell::Yi { places, .. } => self.body.clone().set_num_format(decimals(*places, false)),
            Cell::Num { places, signed, .. } => self.body.clone().set_num_format(decimals(*places, *signed)),
            Cell::Date(_) => center(self.body.clone().set_num_format("yyyy-mm-dd")),
            Cell::Light(Light::Red) => {
                center(self.body.clone().set_background_color(RED).set_font_color(0xFFFFFF).set_bold())
            }
            Cell::Light(Light::Yellow) => center(self.body.clone().set_background_color(YELLOW)),
            Cell::Light(_) => center(self.body.clone()),
        }
    }
}

/// An Excel number format with `places` decimals: `0.00`; signed: `+0.0;-0.0;0.0`.
fn decimals(places: u8, signed: bool) -> String {
    let d = if places == 0 { "0".to_string() } else { format!("0.{}", "0".repeat(usize::from(places))) };
    if signed { format!("+{d};-{d};{d}") } else { d }
}

/// Display width in Excel column units: a CJK or full-width character takes about two.
fn display_width(s: &str) -> usize {
    let line_width = |l: &str| l.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum::<usize>();
    s.lines().map(line_width).max().unwrap_or(0)
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

fn write_cell(ws: &mut Worksheet, row: RowNum, col: ColNum, c: &Cell, f: &Format) -> Result<(), XlsxError> {
    match c {
        Cell::Text(s) => ws.write_string_with_format(row, col, s, f)?,
        Cell::Int(n) => ws.write_number_with_format(row, col, *n as f64, f)?,
        Cell::Yi { yuan, .. } => ws.write_number_with_format(row, col, *yuan as f64 / YI as f64, f)?,
        Cell::Num { value, .. } => ws.write_number_with_format(row, col, *value, f)?,
        Cell::Date(d) => ws.write_date_with_format(row, col, d, f)?,
        Cell::Light(l) => ws.write_string_with_format(row, col, l.label_zh(), f)?,
        Cell::Empty => ws.write_blank(row, col, f)?,
    };
    Ok(())
}

/// A title across `cols` columns (merged when there is more than one).
fn write_banner(ws: &mut Worksheet, row: RowNum, cols: ColNum, text: &str, f: &Format) -> Result<(), XlsxError> {
    if cols > 1 {
        ws.merge_range(row, 0, row, cols - 1, text, f)?;
    } else {
        ws.write_string_with_format(row, 0, text, f)?;
    }
    Ok(())
}

/// A4, fit to one page wide, centred, page numbers in the footer.
fn print_setup(ws: &mut Worksheet, landscape: bool) {
    if landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_paper_size(PAPER_A4);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_footer("&C第 &P 页，共 &N 页");
}

/// A sheet with the table's title, header and rows, ready to filter and to print.
fn table_sheet(wb: &mut Workbook, st: &Styles, t: &Table, landscape: bool) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(t.sheet)?;
    let cols = t.headers.len() as ColNum;
    let last_row = HEADER_ROW + t.rows.len() as RowNum;
    write_banner(ws, 0, cols, &t.title, &st.title)?;
    ws.set_row_height(0, 30)?;
    ws.set_row_height(HEADER_ROW, 30)?;

    let widths = column_widths(t);
    for (col, (header, width)) in t.headers.iter().zip(&widths).enumerate() {
        let col = col as ColNum;
        ws.write_string_with_format(HEADER_ROW, col, *header, &st.header)?;
        ws.set_column_width(col, *width as f64)?;
    }
    for (i, row) in t.rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + i as RowNum;
        for (col, cell) in row.iter().enumerate() {
            let wrap = widths.get(col).is_some_and(|w| *w >= MAX_COL_WIDTH);
            write_cell(ws, r, col as ColNum, cell, &st.cell(cell, wrap))?;
        }
    }

    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.autofilter(HEADER_ROW, 0, last_row, cols.saturating_sub(1))?;
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    print_setup(ws, landscape);
    Ok(())
}

/// Widths that fit the longest cell of each column (headers wrap beyond
/// [`MAX_HEADER_WIDTH`], long text wraps at [`MAX_COL_WIDTH`]).
fn column_widths(t: &Table) -> Vec<usize> {
    (0..t.headers.len())
        .map(|col| {
            let header = t.headers.get(col).map_or(0, |h| display_width(h).min(MAX_HEADER_WIDTH));
            let data = t.rows.iter().filter_map(|r| r.get(col)).map(|c| display_width(&c.text())).max().unwrap_or(0);
            (header.max(data) + 2).clamp(MIN_COL_WIDTH, MAX_COL_WIDTH)
        })
        .collect()
}

/// A workbook of one table sheet (the ledger export).
pub(crate) fn table_workbook(t: &Table) -> Result<Vec<u8>, RenderError> {
    let st = Styles::new();
    let mut wb = Workbook::new();
    table_sheet(&mut wb, &st, t, true)?;
    finish(&mut wb, &t.title)
}

fn finish(wb: &mut Workbook, title: &str) -> Result<Vec<u8>, RenderError> {
    wb.set_properties(&DocProperties::new().set_title(title));
    Ok(wb.save_to_buffer()?)
}

/// The weekly laggard report: 汇总 (with a chart), 滞后项目, 变化情况, 按责任单位, 暂停退出.
pub fn weekly_xlsx(r: &WeeklyReport) -> Result<Vec<u8>, RenderError> {
    let st = Styles::new();
    let mut wb = Workbook::new();
    summary_sheet(&mut wb, &st, r)?;
    for t in [laggard_table(r), diff_table(r), unit_table(r), inactive_table(r)] {
        table_sheet(&mut wb, &st, &t, true)?;
    }
    finish(&mut wb, &r.title())
}

const SUMMARY_SHEET: &str = "汇总";
/// The summary sheet: counts in A:B, laggards by town in D:G, the chart below both.
const SUMMARY_TOP: RowNum = 4;
const TOWN_COL: ColNum = 3;

fn summary_sheet(wb: &mut Workbook, st: &Styles, r: &WeeklyReport) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(SUMMARY_SHEET)?;
    let cols = TOWN_COL + 4;
    write_banner(ws, 0, cols, &r.title(), &st.title)?;
    ws.set_row_height(0, 30)?;
    write_banner(ws, 1, cols, &as_of_line(r.as_of), &st.subtitle)?;
    ws.write_string_with_format(2, 0, weekly_basis(r), &st.note)?;
    for (col, width) in [14, 10, 3, 16, 9, 9, 9].into_iter().enumerate() {
        ws.set_column_width(col as ColNum, width)?;
    }

    ws.write_string_with_format(SUMMARY_TOP, 0, "指标", &st.header)?;
    ws.write_string_with_format(SUMMARY_TOP, 1, "数量", &st.header)?;
    for (i, (label, n)) in summary_items(&r.summary).iter().enumerate() {
        let row = SUMMARY_TOP + 1 + i as RowNum;
        ws.write_string_with_format(row, 0, *label, &st.body)?;
        write_cell(ws, row, 1, &Cell::Int(*n), &st.cell(&Cell::Int(*n), false))?;
    }
    let towns_end = town_table(ws, st, r)?;

    let chart_row = towns_end.max(SUMMARY_TOP + summary_items(&r.summary).len() as RowNum) + 2;
    if r.by_town.is_empty() {
        ws.write_string_with_format(chart_row, 0, "本周无滞后项目。", &st.body)?;
    } else {
        ws.insert_chart(chart_row, 0, &town_chart(r.by_town.len() as RowNum))?;
    }
    print_setup(ws, true);
    Ok(())
}

/// Laggards by town (镇街, 红灯, 黄灯, 合计) and a total row; returns the last row written.
fn town_table(ws: &mut Worksheet, st: &Styles, r: &WeeklyReport) -> Result<RowNum, XlsxError> {
    for (i, h) in ["镇街", "红灯", "黄灯", "合计"].into_iter().enumerate() {
        ws.write_string_with_format(SUMMARY_TOP, TOWN_COL + i as ColNum, h, &st.header)?;
    }
    let mut row = SUMMARY_TOP;
    for g in &r.by_town {
        row += 1;
        town_line(ws, st, row, &g.label, (g.red, g.yellow), &st.body)?;
    }
    row += 1;
    town_line(ws, st, row, "合计", (r.summary.red, r.summary.yellow), &st.body.clone().set_bold())?;
    Ok(row)
}

fn town_line(
    ws: &mut Worksheet,
    st: &Styles,
    row: RowNum,
    label: &str,
    (red, yellow): (i64, i64),
    label_format: &Format,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, TOWN_COL, label, label_format)?;
    for (i, n) in [red, yellow, red + yellow].into_iter().enumerate() {
        let cell = Cell::Int(n);
        write_cell(ws, row, TOWN_COL + 1 + i as ColNum, &cell, &st.cell(&cell, false))?;
    }
    Ok(())
}

/// A stacked column chart of red and yellow laggards per town, from the town table's rows.
fn town_chart(towns: RowNum) -> Chart {
    let (first, last) = (SUMMARY_TOP + 1, SUMMARY_TOP + towns);
    let mut chart = Chart::new(ChartType::ColumnStacked);
    let font = ChartFont::new().set_name(BODY_FONT).clone();
    for (offset, color) in [(1, RED), (2, CHART_YELLOW)] {
        let col = TOWN_COL + offset;
        chart
            .add_series()
            .set_name((SUMMARY_SHEET, SUMMARY_TOP, col))
            .set_categories((SUMMARY_SHEET, first, TOWN_COL, last, TOWN_COL))
            .set_values((SUMMARY_SHEET, first, col, last, col))
            .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(color)))
            .set_data_label(ChartDataLabel::new().show_value().set_font(&font))
            .set_gap(80);
    }
    chart.title().set_name("各镇街滞后项目数").set_font(ChartFont::new().set_name(TITLE_FONT).set_size(14));
    chart.x_axis().set_font(&font);
    chart.y_axis().set_name("项目数(个)").set_name_font(&font).set_num_format("0").set_min(0);
    chart.legend().set_position(ChartLegendPosition::Bottom).set_font(&font);
    chart.set_width(640).set_height(320);
    chart
}

/// The monthly bulletin: 通报 (the text), 分级进度, 开工情况 and the laggard list.
pub fn bulletin_xlsx(b: &Bulletin) -> Result<Vec<u8>, RenderError> {
    let st = Styles::new();
    let mut wb = Workbook::new();
    text_sheet(&mut wb, &st, b)?;
    for t in [progress_table(b), start_table(b), bulletin_laggard_table(b)] {
        table_sheet(&mut wb, &st, &t, false)?;
    }
    finish(&mut wb, &b.title())
}

/// Columns the 通报 text spans, and their width (8 × 11 ≈ 44 Chinese characters a line).
const TEXT_COLS: ColNum = 8;
const TEXT_COL_WIDTH: usize = 11;

fn text_sheet(wb: &mut Workbook, st: &Styles, b: &Bulletin) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("通报")?;
    for col in 0..TEXT_COLS {
        ws.set_column_width(col, TEXT_COL_WIDTH as f64)?;
    }
    write_banner(ws, 0, TEXT_COLS, &b.title(), &st.title)?;
    ws.set_row_height(0, 36)?;
    let sub = format!("{}　序时进度{}%", as_of_line(b.as_of), super::super::pct(b.time_share_percent));
    write_banner(ws, 1, TEXT_COLS, &sub, &st.subtitle)?;
    for (i, p) in b.paragraphs.iter().enumerate() {
        let row = 2 + i as RowNum;
        // Two full-width spaces: the first-line indent of Chinese official text.
        let text = format!("　　{p}");
        write_banner(ws, row, TEXT_COLS, &text, &st.paragraph)?;
        ws.set_row_height(row, paragraph_height(&text))?;
    }
    print_setup(ws, false);
    Ok(())
}

/// Excel never grows a row to fit wrapped text in merged cells, so the height is estimated
/// from the text's width against the merged width (18 points a line at 12 pt, plus padding).
fn paragraph_height(text: &str) -> f64 {
    // Keep a little slack per line: Excel breaks lines at whole characters.
    let per_line = (usize::from(TEXT_COLS) * TEXT_COL_WIDTH).saturating_sub(4).max(1);
    let lines = display_width(text).div_ceil(per_line).max(1);
    lines as f64 * 18.0 + 6.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures::{self, FORMULA, QUOTED, RED_WEST, SCRIPT};
    use crate::report::render::LAGGARD_HEADERS;
    use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
    use std::io::Cursor;

    fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes)).expect("a valid xlsx")
    }

    fn sheet(wb: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Range<Data> {
        wb.worksheet_range(name).expect(name)
    }

    /// Cells by absolute position (row, col), 0-based as in rust_xlsxwriter.
    fn at(r: &Range<Data>, row: u32, col: u32) -> Data {
        r.get_value((row, col)).cloned().unwrap_or(Data::Empty)
    }

    fn row_text(r: &Range<Data>, row: u32) -> Vec<String> {
        (0..r.end().map_or(0, |e| e.1 + 1)).map(|c| at(r, row, c).to_string()).collect()
    }

    fn all_text(r: &Range<Data>) -> String {
        r.rows().flatten().map(|c| c.to_string()).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn weekly_workbook_has_the_chinese_sheets() {
        let wb = open(weekly_xlsx(&fixtures::weekly()).expect("xlsx"));
        assert_eq!(wb.sheet_names(), ["汇总", "滞后项目", "变化情况", "按责任单位", "暂停退出"]);
    }

    #[test]
    fn summary_sheet_has_title_counts_and_towns() {
        let r = fixtures::weekly();
        let mut wb = open(weekly_xlsx(&r).expect("xlsx"));
        let s = sheet(&mut wb, "汇总");
        assert_eq!(at(&s, 0, 0), Data::String("滕州市重点项目滞后情况周报（2026-W48）".into()));
        assert_eq!(at(&s, 1, 0), Data::String("截至2026年11月29日".into()));
        let text = all_text(&s);
        for label in
            ["项目总数", "滞后项目", "红灯", "黄灯", "蓝灯", "绿灯", "暂停/退出", "新增", "加重", "好转", "销号"]
        {
            assert!(text.contains(label), "{label}");
        }
        assert_eq!(at(&s, SUMMARY_TOP + 1, 0), Data::String("项目总数".into()));
        assert_eq!(at(&s, SUMMARY_TOP + 1, 1), Data::Float(r.summary.projects as f64));
        assert_eq!(at(&s, SUMMARY_TOP + 2, 1), Data::Float(4.0), "4 laggards");
        let town_header: Vec<String> = (3..7).map(|c| at(&s, SUMMARY_TOP, c).to_string()).collect();
        assert_eq!(town_header, ["镇街", "红灯", "黄灯", "合计"]);
        assert!(text.contains("西岗镇") && text.contains("龙泉街道"));
    }

    #[test]
    fn summary_sheet_has_the_stacked_town_chart() {
        let bytes = weekly_xlsx(&fixtures::weekly()).expect("xlsx");
        let chart = package_part(&bytes, "xl/charts/chart1.xml");
        assert!(chart.contains("<c:grouping val=\"stacked\"/>"), "{chart}");
        assert!(chart.contains("汇总!$D$6:$D$7"), "categories from the town table: {chart}");
        assert!(chart.contains("汇总!$E$6:$E$7") && chart.contains("汇总!$F$6:$F$7"));
    }

    #[test]
    fn laggard_sheet_has_headers_rows_and_typed_cells() {
        let r = fixtures::weekly();
        let mut wb = open(weekly_xlsx(&r).expect("xlsx"));
        let s = sheet(&mut wb, "滞后项目");
        assert_eq!(row_text(&s, HEADER_ROW), LAGGARD_HEADERS);
        let col = |h: &str| LAGGARD_HEADERS.iter().position(|x| *x == h).expect(h) as u32;
        for (i, l) in r.laggards.iter().enumerate() {
            let row = HEADER_ROW + 1 + i as u32;
            assert_eq!(at(&s, row, col("项目编号")), Data::String(l.code.clone()));
            assert_eq!(at(&s, row, col("项目名称")), Data::String(l.name.clone()));
            assert_eq!(at(&s, row, col("序号")), Data::Float((i + 1) as f64));
        }
        let row_of = |name: &str| HEADER_ROW + 1 + r.laggards.iter().position(|l| l.name == name).expect(name) as u32;
        let red = row_of(RED_WEST);
        assert_eq!(at(&s, red, col("总投资(亿元)")), Data::Float(10.0));
        assert_eq!(at(&s, row_of(QUOTED), col("总投资(亿元)")), Data::Float(2.5));
        assert_eq!(at(&s, red, col("灯号")), Data::String("红灯".into()));
        assert_eq!(at(&s, red, col("滞后类型")), Data::String("开工滞后".into()));
        assert_eq!(at(&s, red, col("滞后天数")), Data::Float(89.0));
        assert_eq!(at(&s, red, col("问题类型")), Data::String("土地".into()));
        assert_eq!(at(&s, red, col("问题描述")), Data::String("用地指标未落实".into()));
        let gap = r.laggards.iter().find(|l| l.name == RED_WEST).and_then(|l| l.gap_points).expect("behind");
        assert_eq!(at(&s, red, col("慢于序时(百分点)")), Data::Float(gap));
        // Excel's day serial: days since 1899-12-30.
        let serial = (chrono::NaiveDate::from_ymd_opt(2026, 9, 1).expect("date")
            - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("date"))
        .num_days() as f64;
        match at(&s, red, col("计划日期")) {
            Data::DateTime(d) => assert_eq!(d.as_f64(), serial),
            other => panic!("计划日期 is not a date: {other:?}"),
        }
        assert_eq!(at(&s, row_of(FORMULA), col("项目名称")), Data::String(FORMULA.into()), "literal text, no formula");
        assert_eq!(at(&s, row_of(SCRIPT), col("灯号")), Data::String("红灯".into()));
        let yellow = at(&s, row_of(FORMULA), col("灯号"));
        assert_eq!(yellow, Data::String("黄灯".into()));
    }

    #[test]
    fn formula_names_are_stored_as_strings_not_formulas() {
        let mut wb = open(weekly_xlsx(&fixtures::weekly()).expect("xlsx"));
        let formulas = wb.worksheet_formula("滞后项目").expect("formula range");
        assert!(formulas.rows().flatten().all(|f| f.is_empty()), "no formulas at all");
    }

    #[test]
    fn diff_unit_and_inactive_sheets() {
        let mut wb = open(weekly_xlsx(&fixtures::weekly()).expect("xlsx"));
        let diff = sheet(&mut wb, "变化情况");
        assert_eq!(
            row_text(&diff, HEADER_ROW),
            ["变化", "项目编号", "项目名称", "镇街", "上周灯号", "本周灯号", "上周滞后类型", "本周滞后类型"]
        );
        let text = all_text(&diff);
        assert!(text.contains("新增") && text.contains("销号") && text.contains(FORMULA));
        let units = sheet(&mut wb, "按责任单位");
        assert!(all_text(&units).contains("市化工产业专班"));
        let inactive = sheet(&mut wb, "暂停退出");
        assert!(all_text(&inactive).contains("资金未到位"));
    }

    #[test]
    fn data_sheets_are_set_up_for_print_and_filtering() {
        let bytes = weekly_xlsx(&fixtures::weekly()).expect("xlsx");
        let laggards = package_part(&bytes, "xl/worksheets/sheet2.xml");
        assert!(laggards.contains("<pane ySplit=\"2\" topLeftCell=\"A3\""), "frozen below the header");
        assert!(laggards.contains("<autoFilter ref=\"A2:Q6\"/>"), "{laggards}");
        assert!(laggards.contains("orientation=\"landscape\"") && laggards.contains("paperSize=\"9\""));
        assert!(laggards.contains("fitToHeight=\"0\""));
        let workbook = package_part(&bytes, "xl/workbook.xml");
        assert!(workbook.contains("滞后项目!$2:$2"), "header repeated on each page: {workbook}");
    }

    #[test]
    fn column_widths_count_chinese_as_two() {
        assert_eq!(display_width("滕州abc"), 7);
        assert_eq!(display_width("（全角）"), 8);
        let t = Table {
            sheet: "t",
            title: String::new(),
            headers: vec!["序号", "慢于序时(百分点)", "说明"],
            rows: vec![vec![
                Cell::Int(1),
                Cell::Num { value: 1.5, places: 1, signed: false },
                Cell::Text("很".repeat(60)),
            ]],
        };
        assert_eq!(column_widths(&t), [MIN_COL_WIDTH, MAX_HEADER_WIDTH + 2, MAX_COL_WIDTH]);
    }

    #[test]
    fn bulletin_workbook_has_the_text_and_tables() {
        let b = fixtures::bulletin_nov();
        let mut wb = open(bulletin_xlsx(&b).expect("xlsx"));
        assert_eq!(wb.sheet_names(), ["通报", "分级进度", "开工情况", "滞后项目"]);
        let text = sheet(&mut wb, "通报");
        assert_eq!(at(&text, 0, 0), Data::String("滕州市重点项目建设进展情况通报（2026年11月）".into()));
        let all = all_text(&text);
        for p in &b.paragraphs {
            assert!(all.contains(p.as_str()), "{p}");
        }
        let progress = sheet(&mut wb, "分级进度");
        assert_eq!(
            row_text(&progress, HEADER_ROW),
            ["类别", "项目数", "完成投资(亿元)", "占年度计划%", "超/慢序时进度(百分点)"]
        );
        assert_eq!(at(&progress, HEADER_ROW + 1, 0), Data::String("省市县三级重点项目".into()));
        assert_eq!(at(&progress, HEADER_ROW + 1, 1), Data::Float(b.progress[0].projects as f64));
        assert_eq!(at(&progress, HEADER_ROW + 1, 2), Data::Float(1.0), "完成投资 1亿");
        let percent = b.progress[0].percent.expect("a plan");
        assert_eq!(at(&progress, HEADER_ROW + 1, 3), Data::Float(percent));
        let points = b.progress[0].points.expect("a plan");
        assert!(points < 0.0);
        assert_eq!(at(&progress, HEADER_ROW + 1, 4), Data::Float(points));
        let start = sheet(&mut wb, "开工情况");
        assert_eq!(row_text(&start, HEADER_ROW), ["类别", "项目数", "已开工", "开工率%"]);
        assert_eq!(at(&start, HEADER_ROW + 1, 2), Data::Float(b.start[0].started as f64));
        let laggards = sheet(&mut wb, "滞后项目");
        assert!(all_text(&laggards).contains(SCRIPT), "Excel shows the name as typed");
    }

    #[test]
    fn paragraph_rows_grow_with_the_text() {
        assert_eq!(paragraph_height("短"), 24.0);
        assert!(paragraph_height(&"长".repeat(100)) >= 18.0 * 3.0);
    }

    /// The XML text of one part of the xlsx package (a zip), for settings calamine does not
    /// read (panes, print setup, charts). Walks the local file headers; rust_xlsxwriter writes
    /// sizes into them, since it saves to a seekable buffer.
    fn package_part(bytes: &[u8], name: &str) -> String {
        zip_entry(bytes, name).unwrap_or_else(|| panic!("{name} is not in the package"))
    }

    fn zip_entry(bytes: &[u8], name: &str) -> Option<String> {
        use std::io::Read;
        let mut i = 0;
        while i + 30 <= bytes.len() {
            if bytes[i..i + 4] != [0x50, 0x4B, 0x03, 0x04] {
                i += 1;
                continue;
            }
            let u16_at = |o: usize| usize::from(u16::from_le_bytes([bytes[o], bytes[o + 1]]));
            let u32_at = |o: usize| u32::from_le_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]) as usize;
            let (method, size, name_len, extra) = (u16_at(i + 8), u32_at(i + 18), u16_at(i + 26), u16_at(i + 28));
            let start = i + 30 + name_len + extra;
            if &bytes[i + 30..i + 30 + name_len] == name.as_bytes() {
                let data = &bytes[start..start + size];
                let mut out = String::new();
                match method {
                    0 => out = String::from_utf8_lossy(data).into_owned(),
                    _ => {
                        flate2::read::DeflateDecoder::new(data).read_to_string(&mut out).ok()?;
                    }
                }
                return Some(out);
            }
            i = start + size;
        }
        None
    }
}
