//! The ledger (项目台账) of any filtered view as a workbook, in the columns offices keep.

use super::xlsx::table_workbook;
use super::{Cell, RenderError, Table};
use crate::domain::calendar::TimeShareMode;
use crate::domain::lights::{Evaluation, annual_plan, ytd_completed};
use crate::domain::project::Project;
use chrono::NaiveDate;

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

/// The official-style blank ledger: Chinese headers, drop-down lists for town, chain and
/// category (from a hidden 选项 sheet), date and number checks, and an instruction sheet.
pub fn ledger_template(year: i32, towns: &[String]) -> Result<Vec<u8>, RenderError> {
    use crate::domain::Chain;
    use crate::domain::lists::{BuildType, ListKind, ListLevel};
    use rust_xlsxwriter::{
        DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula, Workbook,
    };

    let mut wb = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(0xD9E1F2)
        .set_text_wrap()
        .set_align(FormatAlign::Center);
    let title = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let categories: Vec<String> = ListLevel::ALL
        .iter()
        .flat_map(|l| {
            ListKind::ALL.iter().flat_map(move |k| {
                BuildType::ALL.iter().map(move |b| format!("{} {} {}", l.label_zh(), k.label_zh(), b.label_zh()))
            })
        })
        .collect();
    let chains: Vec<&str> = Chain::ALL.iter().map(|c| c.label_zh()).collect();
    let last = TEMPLATE_ROWS + 2;
    {
        let ws = wb.add_worksheet().set_name("项目台账")?;
        ws.merge_range(0, 0, 0, (TEMPLATE_HEADERS.len() - 1) as u16, &format!("{year}年重点项目台账"), &title)?;
        for (col, h) in TEMPLATE_HEADERS.iter().enumerate() {
            ws.write_string_with_format(1, col as u16, *h, &header)?;
            let width = if *h == "项目名称" || *h == "建设单位" { 30.0 } else { 14.0 };
            ws.set_column_width(col as u16, width)?;
        }
        ws.set_freeze_panes(2, 0)?;
        let list =
            |col: &str, range: String, prompt: &str| -> Result<(u16, DataValidation), rust_xlsxwriter::XlsxError> {
                let col = TEMPLATE_HEADERS.iter().position(|h| *h == col).unwrap_or(0) as u16;
                let dv = DataValidation::new()
                    .allow_list_formula(Formula::new(range))
                    .set_error_style(DataValidationErrorStyle::Warning)
                    .set_input_message(prompt)?;
                Ok((col, dv))
            };
        for (col, dv) in [
            list("所在镇街", format!("=选项!$A$2:$A${}", towns.len() + 1), "请选择镇街(园区填在“园区”列)")?,
            list("产业链", format!("=选项!$B$2:$B${}", chains.len() + 1), "请选择产业链")?,
            list(
                "项目类别",
                format!("=选项!$C$2:$C${}", categories.len() + 1),
                "级别 类别 建设性质,如:滕州市级重点项目 实施类 新开工",
            )?,
        ] {
            ws.add_data_validation(2, col, last, col, &dv)?;
        }
        let money = DataValidation::new()
            .allow_decimal_number(rust_xlsxwriter::DataValidationRule::GreaterThanOrEqualTo(0.0))
            .set_input_message("单位:亿元")?;
        for col in ["总投资(亿元)", "年度计划投资(亿元)", "本年完成投资(亿元)"] {
            let c = TEMPLATE_HEADERS.iter().position(|h| *h == col).unwrap_or(0) as u16;
            ws.add_data_validation(2, c, last, c, &money)?;
        }
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(1, 1)?;
    }
    {
        let ws = wb.add_worksheet().set_name("填表说明")?;
        ws.set_column_width(0, 100)?;
        let lines = [
            "填表说明 / Instructions".to_string(),
            "1. 每行一个项目;第2行为表头,请勿修改表头文字。合计行、空行会被自动跳过。".to_string(),
            "2. 金额单位为亿元,可填写小数(如 12.5);也可在单元格中写明单位,如“10500万元”“约3亿元”。".to_string(),
            "3. 日期可写作 2026-03-01、2026.3、2026年3月、2026年下半年、2026年底;只写到月或半年的计划按该期末计算。".to_string(),
            "4. 所在镇街请从下拉列表选择(也接受常见别名,如“西港”“张旺”“东沙河镇”);开发区、化工园区等请填在“园区”列。".to_string(),
            "5. 项目类别写级别、类别和建设性质,如“省重大项目 实施类 续建”“滕州市级重点项目 准备类 前期推进”。".to_string(),
            "6. 已有项目以“项目编号”匹配;没有编号时按项目名称和建设单位匹配。导入前先预览,核对新增、更新和错误后再确认导入。".to_string(),
            format!("7. 本模板年度:{year}年。导入时请选择相同年度。"),
            "Fill one project per row; amounts in 亿元; dates as 2026-03-01 or 2026年3月; pick the town from the list; preview before importing.".to_string(),
        ];
        for (i, line) in lines.iter().enumerate() {
            ws.write_string(i as u32, 0, line)?;
        }
    }
    {
        let ws = wb.add_worksheet().set_name("选项")?;
        for (col, (title_text, values)) in [
            ("镇街", towns.to_vec()),
            ("产业链", chains.iter().map(|s| s.to_string()).collect()),
            ("项目类别", categories),
        ]
        .into_iter()
        .enumerate()
        {
            ws.write_string(0, col as u16, title_text)?;
            for (i, v) in values.iter().enumerate() {
                ws.write_string(i as u32 + 1, col as u16, v)?;
            }
        }
        ws.set_hidden(true);
    }
    Ok(wb.save_to_buffer()?)
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
