//! The ledger (项目台账) of any filtered view as a workbook, in the columns offices keep.

use super::xlsx::table_workbook;
use super::{Cell, RenderError, Table};
use crate::domain::Chain;
use crate::domain::calendar::TimeShareMode;
use crate::domain::lights::{Evaluation, annual_plan, ytd_completed};
use crate::domain::lists::{BuildType, ListKind, ListLevel};
use crate::domain::project::Project;
use chrono::NaiveDate;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula, Workbook, XlsxError,
};

pub const LEDGER_HEADERS: [&str; 21] = [
    "序号",
    "项目编号",
    "项目名称",
    "建设单位",
    "所在镇街",
    "园区",
    "产业链",
    "投资档次",
    "总投资(亿元)",
    "年度计划投资(亿元)",
    "本年完成投资(亿元)",
    "项目类别",
    "计划开工",
    "实际开工",
    "计划竣工",
    "实际竣工",
    "状态",
    "灯号",
    "责任单位",
    "包保领导",
    "示例数据",
];

fn date(d: Option<NaiveDate>) -> Cell {
    d.map_or(Cell::Empty, Cell::Date)
}

fn text(s: Option<&str>) -> Cell {
    s.filter(|s| !s.is_empty()).map_or(Cell::Empty, |s| Cell::Text(s.to_string()))
}

/// One row per project, then a 合计 row with the money columns summed.
/// The unit of the money columns: 亿元 (two decimals) or 万元, as each office keeps its ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerUnit {
    Yi,
    Wan,
}

impl LedgerUnit {
    fn cell(self, yuan: i64) -> Cell {
        match self {
            LedgerUnit::Yi => Cell::Yi { yuan, places: 2 },
            LedgerUnit::Wan => Cell::Num { value: yuan as f64 / 10_000.0, places: 2, signed: false },
        }
    }

    fn header(self, h: &'static str) -> &'static str {
        match (self, h) {
            (LedgerUnit::Wan, "总投资(亿元)") => "总投资(万元)",
            (LedgerUnit::Wan, "年度计划投资(亿元)") => "年度计划投资(万元)",
            (LedgerUnit::Wan, "本年完成投资(亿元)") => "本年完成投资(万元)",
            _ => h,
        }
    }
}

pub(crate) fn ledger_table(projects: &[(Project, Evaluation)], year: i32, as_of: NaiveDate, unit: LedgerUnit) -> Table {
    let mut totals = [0i64; 3];
    let mut rows: Vec<Vec<Cell>> = projects
        .iter()
        .enumerate()
        .map(|(i, (p, e))| {
            let plan = annual_plan(p, year, as_of);
            let done = ytd_completed(p, year, as_of, TimeShareMode::Day);
            for (t, v) in totals.iter_mut().zip([p.total_investment_yuan.0, plan, done]) {
                *t += v;
            }
            let lists: Vec<String> = p
                .lists
                .iter()
                .filter(|m| m.year == year)
                .map(|m| format!("{}({}、{})", m.list.label_zh(), m.kind.label_zh(), m.build_type.label_zh()))
                .collect();
            let ms = &p.milestones;
            vec![
                Cell::Int(i as i64 + 1),
                Cell::Text(p.code.clone()),
                Cell::Text(p.name.clone()),
                text(p.company.as_deref()),
                Cell::Text(p.town.name.clone()),
                text(p.zone.as_deref()),
                Cell::Text(p.chain.label_zh().to_string()),
                Cell::Text(p.tier.label_zh().to_string()),
                unit.cell(p.total_investment_yuan.0),
                unit.cell(plan),
                unit.cell(done),
                Cell::Text(lists.join(";")),
                date(ms.start.planned),
                date(ms.start.actual),
                date(ms.completion.planned),
                date(ms.completion.actual),
                Cell::Text(p.status.label_zh().to_string()),
                Cell::Light(e.light),
                text(p.responsible_unit.as_deref()),
                text(p.responsible_leader.as_deref()),
                Cell::Text(if p.sample { "是" } else { "" }.to_string()),
            ]
        })
        .collect();
    let mut total_row = vec![Cell::Empty; LEDGER_HEADERS.len()];
    // "合计" alone in the name column, so the row reads back as a total when re-imported.
    total_row[1] = Cell::Text(format!("共{}个", projects.len()));
    total_row[2] = Cell::Text("合计".to_string());
    for (col, t) in [8, 9, 10].into_iter().zip(totals) {
        total_row[col] = unit.cell(t);
    }
    rows.push(total_row);
    Table {
        sheet: "项目台账",
        title: format!("{year}年项目台账(截至{})", super::date_zh(as_of)),
        headers: LEDGER_HEADERS.iter().map(|h| unit.header(h)).collect(),
        rows,
    }
}

pub fn ledger_xlsx(
    projects: &[(Project, Evaluation)],
    year: i32,
    as_of: NaiveDate,
    unit: LedgerUnit,
) -> Result<Vec<u8>, RenderError> {
    let table = ledger_table(projects, year, as_of, unit);
    table_workbook(&table)
}

/// The columns of the blank template: the ledger's, less what keyproj derives (tier, status,
/// light) and the sample flag. The template imports back through the same dictionary.
pub const TEMPLATE_HEADERS: [&str; 17] = [
    "序号",
    "项目编号",
    "项目名称",
    "建设单位",
    "所在镇街",
    "园区",
    "产业链",
    "总投资(亿元)",
    "年度计划投资(亿元)",
    "本年完成投资(亿元)",
    "项目类别",
    "计划开工",
    "实际开工",
    "计划竣工",
    "实际竣工",
    "责任单位",
    "包保领导",
];

const TEMPLATE_ROWS: u32 = 1000;

/// The name of the county's own list level as the template offers it: `滕州市级重点项目`, when
/// the ledger reader takes that back as the county level; otherwise the generic `县级重点项目`
/// (a county named `…市` would otherwise read back as a municipal list).
fn county_level_name(county: &str) -> String {
    let own = format!("{county}级重点项目");
    if !county.is_empty() && ListLevel::from_name(&own) == Some(ListLevel::County) {
        own
    } else {
        "县级重点项目".to_string()
    }
}

/// A list level as the template names it.
fn level_name(county: &str, level: ListLevel) -> String {
    match level {
        ListLevel::County => county_level_name(county),
        other => other.label_zh().to_string(),
    }
}

/// The 项目类别 choices: every level × kind × build type, `滕州市级重点项目 实施类 新开工`.
fn categories(county: &str) -> Vec<String> {
    ListLevel::ALL
        .iter()
        .flat_map(|&l| {
            let level = level_name(county, l);
            ListKind::ALL.iter().flat_map(move |k| {
                let level = level.clone();
                BuildType::ALL.iter().map(move |b| format!("{level} {} {}", k.label_zh(), b.label_zh()))
            })
        })
        .collect()
}

/// The official-style blank ledger: Chinese headers, drop-down lists for town, chain and
/// category (from a hidden 选项 sheet), date and number checks, and an instruction sheet. The
/// examples name the county's own list (`county`, from the town layer).
pub fn ledger_template(year: i32, county: &str, towns: &[String]) -> Result<Vec<u8>, RenderError> {
    let choices = [
        Choices {
            title: "镇街",
            column: "所在镇街",
            prompt: "请选择镇街(园区填在“园区”列)".into(),
            values: towns.to_vec(),
        },
        Choices {
            title: "产业链",
            column: "产业链",
            prompt: "请选择产业链".into(),
            values: Chain::ALL.iter().map(|c| c.label_zh().to_string()).collect(),
        },
        Choices {
            title: "项目类别",
            column: "项目类别",
            prompt: format!("级别 类别 建设性质,如:{} 实施类 新开工", county_level_name(county)),
            values: categories(county),
        },
    ];
    let mut wb = Workbook::new();
    template_sheet(&mut wb, year, &choices)?;
    instruction_sheet(&mut wb, year, county)?;
    choices_sheet(&mut wb, &choices)?;
    Ok(wb.save_to_buffer()?)
}

/// A drop-down list of a template column: its values are a titled column of the hidden 选项
/// sheet.
struct Choices {
    title: &'static str,
    column: &'static str,
    prompt: String,
    values: Vec<String>,
}

/// The 项目台账 sheet: title, headers, and checks on the first `TEMPLATE_ROWS` rows.
fn template_sheet(wb: &mut Workbook, year: i32, choices: &[Choices]) -> Result<(), XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(0xD9E1F2)
        .set_text_wrap()
        .set_align(FormatAlign::Center);
    let title = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let last = TEMPLATE_ROWS + 2;
    let ws = wb.add_worksheet().set_name("项目台账")?;
    ws.merge_range(0, 0, 0, (TEMPLATE_HEADERS.len() - 1) as u16, &format!("{year}年重点项目台账"), &title)?;
    for (col, h) in TEMPLATE_HEADERS.iter().enumerate() {
        ws.write_string_with_format(1, col as u16, *h, &header)?;
        let width = if *h == "项目名称" || *h == "建设单位" { 30.0 } else { 14.0 };
        ws.set_column_width(col as u16, width)?;
    }
    ws.set_freeze_panes(2, 0)?;
    let column = |name: &str| TEMPLATE_HEADERS.iter().position(|h| *h == name).unwrap_or(0) as u16;
    // The choices are columns A, B, C … of the 选项 sheet, in order.
    for (letter, choice) in ('A'..='Z').zip(choices) {
        let col = column(choice.column);
        let range = format!("=选项!${letter}$2:${letter}${}", choice.values.len() + 1);
        let dv = DataValidation::new()
            .allow_list_formula(Formula::new(range))
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_input_message(&choice.prompt)?;
        ws.add_data_validation(2, col, last, col, &dv)?;
    }
    let money = DataValidation::new()
        .allow_decimal_number(rust_xlsxwriter::DataValidationRule::GreaterThanOrEqualTo(0.0))
        .set_input_message("单位:亿元")?;
    for name in ["总投资(亿元)", "年度计划投资(亿元)", "本年完成投资(亿元)"] {
        let c = column(name);
        ws.add_data_validation(2, c, last, c, &money)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(1, 1)?;
    Ok(())
}

/// The 填表说明 sheet: how to fill each column, with examples of the county's own list.
fn instruction_sheet(wb: &mut Workbook, year: i32, county: &str) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("填表说明")?;
    ws.set_column_width(0, 100)?;
    let county_level = county_level_name(county);
    let lines = [
        "填表说明 / Instructions".to_string(),
        "1. 每行一个项目;第2行为表头,请勿修改表头文字。合计行、空行会被自动跳过。".to_string(),
        "2. 金额单位为亿元,可填写小数(如 12.5);也可在单元格中写明单位,如“10500万元”“约3亿元”。".to_string(),
        "3. 日期可写作 2026-03-01、2026.3、2026年3月、2026年下半年、2026年底;只写到月或半年的计划按该期末计算。".to_string(),
        "4. 所在镇街请从下拉列表选择(也接受常见别名,如“西港”“张旺”“东沙河镇”);开发区、化工园区等请填在“园区”列。".to_string(),
        format!("5. 项目类别写级别、类别和建设性质,如“省重大项目 实施类 续建”“{county_level} 准备类 前期推进”。"),
        "6. 已有项目以“项目编号”匹配;没有编号时按项目名称和建设单位匹配。导入前先预览,核对新增、更新和错误后再确认导入。".to_string(),
        format!("7. 本模板年度:{year}年。导入时请选择相同年度。"),
        "Fill one project per row; amounts in 亿元; dates as 2026-03-01 or 2026年3月; pick the town from the list; preview before importing.".to_string(),
    ];
    for (i, line) in lines.iter().enumerate() {
        ws.write_string(i as u32, 0, line)?;
    }
    Ok(())
}

/// The hidden 选项 sheet the drop-down lists read.
fn choices_sheet(wb: &mut Workbook, choices: &[Choices]) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("选项")?;
    for (col, choice) in choices.iter().enumerate() {
        ws.write_string(0, col as u16, choice.title)?;
        for (i, v) in choice.values.iter().enumerate() {
            ws.write_string(i as u32 + 1, col as u16, v)?;
        }
    }
    ws.set_hidden(true);
    Ok(())
}

/// The monthly progress sheet (月度进度表) in the form towns return it: one row per project on
/// the year's lists, the month's figures in 万元 and the year to date.
pub fn monthly_xlsx(projects: &[Project], month: crate::domain::report::Period) -> Result<Vec<u8>, RenderError> {
    let wan = |yuan: i64| Cell::Num { value: yuan as f64 / 10_000.0, places: 2, signed: false };
    let mut rows = Vec::new();
    for p in projects.iter().filter(|p| p.lists.iter().any(|m| m.year == month.year)) {
        let reports = p.reports.as_deref().unwrap_or_default();
        let this = reports.iter().find(|r| r.report.period == month).map(|r| &r.report);
        let ytd: i64 = reports
            .iter()
            .filter(|r| r.report.period.year == month.year && r.report.period <= month)
            .map(|r| r.report.completed_yuan.0)
            .sum();
        let plan = annual_plan(p, month.year, month.last_day());
        let problem = this.and_then(|r| r.problems.first());
        rows.push(vec![
            Cell::Int(rows.len() as i64 + 1),
            Cell::Text(p.code.clone()),
            Cell::Text(p.name.clone()),
            Cell::Text(p.town.name.clone()),
            text(p.responsible_unit.as_deref()),
            wan(plan),
            this.map_or(Cell::Empty, |r| wan(r.completed_yuan.0)),
            wan(ytd),
            crate::domain::indicators::permille(ytd, plan).map_or(Cell::Empty, |pm| Cell::Num {
                value: pm as f64 / 10.0,
                places: 1,
                signed: false,
            }),
            this.map_or(Cell::Empty, |r| wan(r.funds_arrived_yuan.0)),
            text(this.and_then(|r| r.note.as_deref())),
            problem.map_or(Cell::Empty, |pr| Cell::Text(pr.factor.label_zh().to_string())),
            problem.map_or(Cell::Empty, |pr| Cell::Text(pr.text.clone())),
            Cell::Text(if this.is_some() { "已报" } else { "未报" }.to_string()),
        ]);
    }
    let m = month.month;
    let table = Table {
        sheet: "月度进度",
        title: format!("{}年{m}月重点项目建设进度表(单位:万元)", month.year),
        headers: vec![
            "序号",
            "项目编号",
            "项目名称",
            "所在镇街",
            "责任单位",
            "年度计划投资",
            "本月完成投资",
            "本年累计完成投资",
            "占年度计划(%)",
            "本月到位资金",
            "进展情况",
            "问题类型",
            "存在问题",
            "填报状态",
        ],
        rows,
    };
    table_workbook(&table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    fn sheet_text(bytes: Vec<u8>, name: &str) -> Vec<String> {
        let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).expect("xlsx opens");
        let range = wb.worksheet_range(name).expect("sheet");
        range.rows().flat_map(|r| r.iter().map(Data::to_string)).filter(|s| !s.is_empty()).collect()
    }

    #[test]
    fn the_template_names_the_county_of_the_town_layer() {
        let towns = vec!["荆河街道".to_string(), "西岗镇".to_string()];
        let bytes = ledger_template(2026, "滕州市", &towns).expect("template");
        let help = sheet_text(bytes.clone(), "填表说明");
        assert!(help.iter().any(|l| l.contains("“滕州市级重点项目 准备类 前期推进”")), "{help:?}");
        let choices = sheet_text(bytes, "选项");
        assert!(choices.iter().any(|c| c == "滕州市级重点项目 实施类 新开工"));
        assert!(choices.iter().any(|c| c == "西岗镇"));
        // Every level offered reads back as the level it names.
        for county in ["滕州市", "邹城市"] {
            for &l in ListLevel::ALL {
                assert_eq!(ListLevel::from_name(&level_name(county, l)), Some(l), "{county} {l}");
            }
        }
    }

    #[test]
    fn a_county_whose_own_list_would_read_back_wrong_gets_the_generic_name() {
        // 邹城市级 contains 市级: the reader would take it for a municipal list.
        assert_eq!(ListLevel::from_name("邹城市级重点项目"), Some(ListLevel::Municipal));
        assert_eq!(county_level_name("邹城市"), "县级重点项目");
        assert_eq!(county_level_name("滕州市"), "滕州市级重点项目");
        assert_eq!(county_level_name(""), "县级重点项目");
        let help = sheet_text(ledger_template(2026, "邹城市", &[]).expect("template"), "填表说明");
        assert!(help.iter().any(|l| l.contains("“县级重点项目 准备类 前期推进”")), "{help:?}");
        assert!(!help.iter().any(|l| l.contains("滕州")), "{help:?}");
    }
}
