//! Renderings of the reports for the people who read them: the weekly laggard report as an
//! Excel workbook, a CSV and a print-ready HTML page; the monthly bulletin as HTML and Excel.
//!
//! The tables are described once here as typed [`Cell`]s, so that Excel gets real numbers and
//! dates while CSV and HTML print the same values as text.

mod audit;
mod csv;
mod html;
mod ledger;
mod xlsx;

pub use audit::{audit_xlsx, changed_fields};
pub use csv::weekly_csv;
pub use html::{bulletin_html, html_escape, weekly_html};
pub use ledger::{LedgerUnit, ledger_template, ledger_xlsx, monthly_xlsx};
pub use xlsx::{bulletin_xlsx, weekly_xlsx};

use super::bulletin::{Bulletin, LaggardLine};
use super::weekly::{LaggardRow, Summary, WeeklyReport};
use crate::domain::lights::{Light, RuleId};
use crate::domain::money::{YI, format_scaled};
use chrono::{Datelike, NaiveDate};

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("生成Excel文件失败 / could not write the Excel file: {0}")]
    Xlsx(String),
}

/// One cell of a report table: typed for Excel, printed as text for CSV and HTML.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Int(i64),
    /// Money in 亿元 with `places` decimals (exact decimal rounding for the text).
    Yi {
        yuan: i64,
        places: u8,
    },
    /// A decimal number; `signed` prints a `+` before positive values (超/慢序时进度).
    Num {
        value: f64,
        places: u8,
        signed: bool,
    },
    Date(NaiveDate),
    Light(Light),
    Empty,
}

impl Cell {
    pub(crate) fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Yi { yuan, places } => format_scaled(*yuan, YI, u32::from(*places)),
            Cell::Num { value, places, signed } => {
                let sign = if *signed && *value > 0.0 { "+" } else { "" };
                format!("{sign}{value:.*}", usize::from(*places))
            }
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Light(l) => l.label_zh().to_string(),
            Cell::Empty => String::new(),
        }
    }

    fn opt_text(s: Option<&str>) -> Cell {
        s.filter(|s| !s.is_empty()).map_or(Cell::Empty, |s| Cell::Text(s.to_string()))
    }

    fn opt_int(n: Option<i64>) -> Cell {
        n.map_or(Cell::Empty, Cell::Int)
    }

    fn opt_num(v: Option<f64>, signed: bool) -> Cell {
        v.map_or(Cell::Empty, |value| Cell::Num { value, places: 1, signed })
    }
}

/// A titled table: the laggard list, the diff, … Every rendering prints the same columns.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    /// Sheet name in the workbook (Excel allows at most 31 characters, no `[]:*?/\`).
    pub sheet: &'static str,
    pub title: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// `2026年11月29日`, as official documents write dates.
pub(crate) fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

pub(crate) fn as_of_line(as_of: NaiveDate) -> String {
    format!("截至{}", date_zh(as_of))
}

/// Where last week's lights come from, so readers know what the changes compare against.
pub(crate) fn weekly_basis(r: &WeeklyReport) -> String {
    let source = if r.previous.published { "已发布周报" } else { "按数据推算" };
    format!("评价规则：{}；变化情况对比上周（{}，{source}）", r.rules, r.previous.week)
}

pub(crate) fn summary_items(s: &Summary) -> [(&'static str, i64); 11] {
    [
        ("项目总数", s.projects),
        ("滞后项目", s.laggards),
        ("红灯", s.red),
        ("黄灯", s.yellow),
        ("蓝灯", s.blue),
        ("绿灯", s.green),
        ("暂停/退出", s.suspended_or_withdrawn),
        ("新增", s.new),
        ("加重", s.worsened),
        ("好转", s.improved),
        ("销号", s.cleared),
    ]
}

pub(crate) const LAGGARD_HEADERS: [&str; 17] = [
    "序号",
    "项目编号",
    "项目名称",
    "镇街",
    "责任单位",
    "产业链",
    "投资档次",
    "总投资(亿元)",
    "灯号",
    "滞后类型",
    "计划日期",
    "滞后天数",
    "慢于序时(百分点)",
    "问题类型",
    "问题描述",
    "连续滞后周数",
    "说明",
];

/// One laggard as a row under [`LAGGARD_HEADERS`]; `seq` is the 1-based 序号.
pub(crate) fn laggard_cells(seq: usize, l: &LaggardRow) -> Vec<Cell> {
    let problem = l.problem.as_ref();
    vec![
        Cell::Int(seq as i64),
        Cell::Text(l.code.clone()),
        Cell::Text(l.name.clone()),
        Cell::Text(l.town.clone()),
        Cell::Text(l.responsible_unit.clone()),
        Cell::Text(l.chain.label_zh().to_string()),
        Cell::Text(l.tier.label_zh().to_string()),
        Cell::Yi { yuan: l.total_investment_yuan, places: 2 },
        Cell::Light(l.light),
        Cell::Text(l.rule.label_zh().to_string()),
        l.due.map_or(Cell::Empty, Cell::Date),
        Cell::opt_int(l.days_late),
        Cell::opt_num(l.gap_points, false),
        Cell::opt_text(problem.map(|p| p.factor_label.as_str())),
        Cell::opt_text(problem.map(|p| p.text.as_str())),
        Cell::Int(i64::from(l.weeks_in_a_row)),
        Cell::Text(l.message.clone()),
    ]
}

pub(crate) fn laggard_table(r: &WeeklyReport) -> Table {
    Table {
        sheet: "滞后项目",
        title: format!("滞后项目清单（{}）", r.week),
        headers: LAGGARD_HEADERS.to_vec(),
        rows: r.laggards.iter().enumerate().map(|(i, l)| laggard_cells(i + 1, l)).collect(),
    }
}

pub(crate) fn diff_table(r: &WeeklyReport) -> Table {
    let rule = |r: &Option<RuleId>| Cell::opt_text(r.map(RuleId::label_zh));
    Table {
        sheet: "变化情况",
        title: format!("滞后项目变化情况（{}对比{}）", r.week, r.previous.week),
        headers: vec!["变化", "项目编号", "项目名称", "镇街", "上周灯号", "本周灯号", "上周滞后类型", "本周滞后类型"],
        rows: r
            .diff
            .iter()
            .map(|d| {
                vec![
                    Cell::Text(d.change.label_zh().to_string()),
                    Cell::Text(d.code.clone()),
                    Cell::Text(d.name.clone()),
                    Cell::Text(d.town.clone()),
                    d.before.map_or(Cell::Empty, Cell::Light),
                    d.after.map_or(Cell::Empty, Cell::Light),
                    rule(&d.rule_before),
                    rule(&d.rule_after),
                ]
            })
            .collect(),
    }
}

/// Laggards by responsible unit, with the names of their laggard projects.
pub(crate) fn unit_table(r: &WeeklyReport) -> Table {
    let name_of = |id: &i64| r.laggards.iter().find(|l| l.project_id == *id).map(|l| l.name.as_str());
    Table {
        sheet: "按责任单位",
        title: format!("滞后项目按责任单位统计（{}）", r.week),
        headers: vec!["序号", "责任单位", "红灯", "黄灯", "合计", "滞后项目"],
        rows: r
            .by_unit
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let names: Vec<&str> = g.project_ids.iter().filter_map(name_of).collect();
                vec![
                    Cell::Int(i as i64 + 1),
                    Cell::Text(g.label.clone()),
                    Cell::Int(g.red),
                    Cell::Int(g.yellow),
                    Cell::Int(g.red + g.yellow),
                    Cell::Text(names.join("、")),
                ]
            })
            .collect(),
    }
}

pub(crate) fn inactive_table(r: &WeeklyReport) -> Table {
    Table {
        sheet: "暂停退出",
        title: format!("暂停或退出项目（{}）", r.week),
        headers: vec!["序号", "项目编号", "项目名称", "镇街", "状态", "原因"],
        rows: r
            .inactive
            .iter()
            .enumerate()
            .map(|(i, p)| {
                vec![
                    Cell::Int(i as i64 + 1),
                    Cell::Text(p.code.clone()),
                    Cell::Text(p.name.clone()),
                    Cell::Text(p.town.clone()),
                    Cell::Text(p.state.label_zh().to_string()),
                    Cell::opt_text(Some(&p.reason)),
                ]
            })
            .collect(),
    }
}

pub(crate) fn progress_table(b: &Bulletin) -> Table {
    Table {
        sheet: "分级进度",
        title: format!("重点项目投资完成情况（序时进度{}%）", super::pct(b.time_share_percent)),
        headers: vec!["类别", "项目数", "完成投资(亿元)", "占年度计划%", "超/慢序时进度(百分点)"],
        rows: b
            .progress
            .iter()
            .map(|l| {
                vec![
                    Cell::Text(l.label.clone()),
                    Cell::Int(l.projects),
                    Cell::Yi { yuan: l.completed_yuan, places: 1 },
                    Cell::opt_num(l.percent, false),
                    Cell::opt_num(l.points, true),
                ]
            })
            .collect(),
    }
}

pub(crate) fn start_table(b: &Bulletin) -> Table {
    Table {
        sheet: "开工情况",
        title: "重点项目开工情况".to_string(),
        headers: vec!["类别", "项目数", "已开工", "开工率%"],
        rows: b
            .start
            .iter()
            .map(|l| {
                vec![
                    Cell::Text(l.label.clone()),
                    Cell::Int(l.projects),
                    Cell::Int(l.started),
                    Cell::opt_num(l.start_percent, false),
                ]
            })
            .collect(),
    }
}

/// Not-started key projects, then those behind the time share (section 四 of the bulletin).
pub(crate) fn bulletin_laggard_table(b: &Bulletin) -> Table {
    let line = |kind: &str, l: &LaggardLine| {
        vec![
            Cell::Text(kind.to_string()),
            Cell::Text(l.name.clone()),
            Cell::Text(l.town.clone()),
            Cell::opt_text(l.factor.map(|f| f.label_zh())),
            Cell::opt_text(Some(&l.detail)),
        ]
    };
    let rows =
        b.not_started.iter().map(|l| line("尚未开工", l)).chain(b.behind.iter().map(|l| line("慢于序时进度", l)));
    Table {
        sheet: "滞后项目",
        title: "尚未开工及投资慢于序时进度项目".to_string(),
        headers: vec!["序号", "类别", "项目名称", "镇街", "问题类型", "情况说明"],
        rows: rows
            .enumerate()
            .map(|(i, mut row)| {
                row.insert(0, Cell::Int(i as i64 + 1));
                row
            })
            .collect(),
    }
}
