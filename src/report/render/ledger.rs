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
pub(crate) fn ledger_table(projects: &[(Project, Evaluation)], year: i32, as_of: NaiveDate) -> Table {
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
                Cell::Yi { yuan: p.total_investment_yuan.0, places: 2 },
                Cell::Yi { yuan: plan, places: 2 },
                Cell::Yi { yuan: done, places: 2 },
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
        total_row[col] = Cell::Yi { yuan: t, places: 2 };
    }
    rows.push(total_row);
    Table {
        sheet: "项目台账",
        title: format!("{year}年项目台账(截至{})", super::date_zh(as_of)),
        headers: LEDGER_HEADERS.to_vec(),
        rows,
    }
}

pub fn ledger_xlsx(projects: &[(Project, Evaluation)], year: i32, as_of: NaiveDate) -> Result<Vec<u8>, RenderError> {
    let table = ledger_table(projects, year, as_of);
    table_workbook(&table)
}
