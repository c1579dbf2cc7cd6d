//! Print-ready HTML pages: self-contained (inline CSS, no fonts, scripts or other requests), so
//! the page can be saved, mailed or printed to PDF from any browser as it is.

use super::{
    Cell, LAGGARD_HEADERS, Table, as_of_line, bulletin_laggard_table, date_zh, diff_table, inactive_table,
    laggard_cells, progress_table, start_table, summary_items, weekly_basis,
};
use crate::domain::lights::Light;
use crate::report::bulletin::Bulletin;
use crate::report::weekly::{LaggardGroup, WeeklyReport};
use chrono::{DateTime, FixedOffset, Utc};
use std::fmt::Write as _;

const FONTS: &str = r#""Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","SimSun",sans-serif"#;

/// Styles shared by both pages; `@page` is added per page.
const BASE_CSS: &str = "
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; box-sizing: border-box }
body { color: #000; background: #fff; margin: 0 auto; padding: 4mm; line-height: 1.5 }
h1 { font-size: 18pt; text-align: center; margin: 0 0 2mm }
h2 { font-size: 13pt; margin: 5mm 0 2mm }
h3 { font-size: 11pt; margin: 4mm 0 1mm }
h2, h3 { break-after: avoid; page-break-after: avoid }
.meta { text-align: center; margin: 0 0 1mm; color: #333 }
.empty { color: #333 }
table { border-collapse: collapse; width: 100%; margin: 0 0 3mm }
th, td { border: 0.5pt solid #000; padding: 0.8mm 1.5mm; vertical-align: top; text-align: left }
th { background: #d9e1f2; font-weight: bold; text-align: center }
thead { display: table-header-group }
tr { break-inside: avoid; page-break-inside: avoid }
td.num { text-align: right; white-space: nowrap }
td.date, td.light { text-align: center; white-space: nowrap }
td.red { background: #ff0000; color: #fff; font-weight: bold }
td.yellow { background: #ffff00 }
td.blue { background: #bdd7ee }
td.green { background: #c6efce }
footer { margin-top: 4mm; font-size: 8pt; color: #555 }
";

/// Escape text for HTML content and attribute values: `& < > " '`.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The weekly laggard report as one A4-landscape page set.
pub fn weekly_html(r: &WeeklyReport) -> String {
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>{}</h1>\n<p class=\"meta\">{}</p>\n<p class=\"meta\">{}</p>\n",
        html_escape(&r.title()),
        html_escape(&as_of_line(r.as_of)),
        html_escape(&weekly_basis(r)),
    );

    body.push_str("<h2>一、总体情况</h2>\n");
    let items = summary_items(&r.summary);
    let counts: Vec<Cell> = items.iter().map(|(_, n)| Cell::Int(*n)).collect();
    body.push_str(&table(&items.map(|(label, _)| label), &[counts]));

    body.push_str("<h2>二、滞后项目（按镇街）</h2>\n");
    if r.laggards.is_empty() {
        body.push_str("<p class=\"empty\">本周无滞后项目。</p>\n");
    }
    for town in &r.by_town {
        body.push_str(&town_section(r, town));
    }

    body.push_str("<h2>三、变化情况</h2>\n");
    body.push_str(&table_or(&diff_table(r), "与上周相比无变化。"));

    body.push_str("<h2>四、暂停或退出项目</h2>\n");
    body.push_str(&table_or(&inactive_table(r), "无。"));

    let _ = writeln!(body, "<footer>生成时间：{}</footer>", beijing_time(r.generated_at));
    page(&r.title(), "size: A4 landscape; margin: 12mm", "font-size: 10pt", &body)
}

/// A timestamp as readers in the county expect it: Beijing time (UTC+8).
fn beijing_time(t: DateTime<Utc>) -> String {
    match FixedOffset::east_opt(8 * 3600) {
        Some(tz) => format!("{}（北京时间）", t.with_timezone(&tz).format("%Y-%m-%d %H:%M")),
        None => format!("{} UTC", t.format("%Y-%m-%d %H:%M")),
    }
}

/// The columns of the per-town tables: the laggard sheet's, without the town (it is the
/// heading) and the chain and tier (to fit a landscape page).
const TOWN_COLUMNS: [&str; 14] = [
    "序号",
    "项目编号",
    "项目名称",
    "责任单位",
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

/// One town's heading and its laggards, numbered from 1 within the town.
fn town_section(r: &WeeklyReport, town: &LaggardGroup) -> String {
    let picks: Vec<usize> = TOWN_COLUMNS.iter().filter_map(|c| LAGGARD_HEADERS.iter().position(|h| h == c)).collect();
    let rows: Vec<Vec<Cell>> = r
        .laggards
        .iter()
        .filter(|l| town.project_ids.contains(&l.project_id))
        .enumerate()
        .map(|(i, l)| {
            let cells = laggard_cells(i + 1, l);
            picks.iter().filter_map(|&p| cells.get(p).cloned()).collect()
        })
        .collect();
    let heading =
        format!("{}（滞后{}个：红灯{}个、黄灯{}个）", town.label, town.red + town.yellow, town.red, town.yellow);
    format!("<h3>{}</h3>\n{}", html_escape(&heading), table(&TOWN_COLUMNS, &rows))
}

/// The monthly bulletin: title, the four sections, then the tables behind them.
pub fn bulletin_html(b: &Bulletin) -> String {
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>{}</h1>\n<p class=\"meta\">{}　序时进度{}%</p>\n",
        html_escape(&b.title()),
        html_escape(&as_of_line(b.as_of)),
        html_escape(&super::super::pct(b.time_share_percent)),
    );
    for p in &b.paragraphs {
        let _ = writeln!(body, "<p class=\"para\">{}</p>", html_escape(p));
    }
    for t in [progress_table(b), start_table(b)] {
        let _ = writeln!(body, "<h2>{}</h2>", html_escape(&t.title));
        body.push_str(&table(&t.headers, &t.rows));
    }
    let laggards = bulletin_laggard_table(b);
    let _ = writeln!(body, "<h2>{}</h2>", html_escape(&laggards.title));
    body.push_str(&table_or(&laggards, "无。"));
    let _ = writeln!(body, "<footer>数据截至{}</footer>", html_escape(&date_zh(b.as_of)));
    page(&b.title(), "size: A4; margin: 25mm 20mm", "font-size: 12pt; max-width: 170mm", &body)
}

fn page(title: &str, page_rule: &str, body_rule: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n\
         <style>\n@page {{ {page_rule} }}\nbody {{ font-family: {FONTS}; {body_rule} }}{BASE_CSS}\
         p.para {{ text-indent: 2em; margin: 0 0 2mm; text-align: justify }}\n</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        html_escape(title)
    )
}

fn table_or(t: &Table, empty: &str) -> String {
    if t.rows.is_empty() {
        format!("<p class=\"empty\">{}</p>\n", html_escape(empty))
    } else {
        table(&t.headers, &t.rows)
    }
}

fn table(headers: &[&str], rows: &[Vec<Cell>]) -> String {
    let mut out = String::from("<table>\n<thead><tr>");
    for h in headers {
        let _ = write!(out, "<th>{}</th>", html_escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for c in row {
            let _ = write!(out, "<td{}>{}</td>", class_of(c), html_escape(&c.text()));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn class_of(c: &Cell) -> &'static str {
    match c {
        Cell::Int(_) | Cell::Yi { .. } | Cell::Num { .. } => " class=\"num\"",
        Cell::Date(_) => " class=\"date\"",
        Cell::Light(Light::Red) => " class=\"light red\"",
        Cell::Light(Light::Yellow) => " class=\"light yellow\"",
        Cell::Light(Light::Blue) => " class=\"light blue\"",
        Cell::Light(Light::Green) => " class=\"light green\"",
        Cell::Light(Light::Grey) => " class=\"light\"",
        Cell::Text(_) | Cell::Empty => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures::{self, FORMULA, QUOTED, RED_WEST, SCRIPT};

    #[test]
    fn generation_time_is_beijing_time() {
        let t = DateTime::parse_from_rfc3339("2026-11-29T16:30:00Z").expect("time").with_timezone(&Utc);
        assert_eq!(beijing_time(t), "2026-11-30 00:30（北京时间）");
    }

    #[test]
    fn escapes_the_five_characters() {
        assert_eq!(html_escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(html_escape("滕州市"), "滕州市");
    }

    #[test]
    fn weekly_page_is_complete_self_contained_and_print_ready() {
        let html = weekly_html(&fixtures::weekly());
        assert!(html.starts_with("<!doctype html>"));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains("size: A4 landscape; margin: 12mm"));
        assert!(html.contains(FONTS));
        assert!(html.contains("滕州市重点项目滞后情况周报（2026-W48）"));
        assert!(html.contains("截至2026年11月29日"));
        for external in ["<script", "<link", "src=", "http://", "https://", "@import", "url("] {
            assert!(!html.contains(external), "external reference {external}");
        }
    }

    #[test]
    fn weekly_page_lists_every_laggard_escaped_and_grouped_by_town() {
        let r = fixtures::weekly();
        let html = weekly_html(&r);
        assert_eq!(r.laggards.len(), 4);
        for l in &r.laggards {
            assert!(html.contains(&html_escape(&l.name)), "{}", l.name);
            assert!(html.contains(&l.code));
        }
        assert!(html.contains(RED_WEST) && html.contains(FORMULA.replace('\'', "&#39;").as_str()));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains(SCRIPT) && !html.contains("<script>alert"));
        assert!(html.contains("锂电&quot;储能&quot;,二期") && !html.contains(QUOTED));
        assert!(html.contains("<h3>西岗镇（滞后2个：红灯1个、黄灯1个）</h3>"));
        assert!(html.contains("<h3>龙泉街道（滞后2个：红灯1个、黄灯1个）</h3>"));
        assert!(html.contains("class=\"light red\">红灯") && html.contains("class=\"light yellow\">黄灯"));
        assert!(html.contains("用地指标未落实"));
    }

    #[test]
    fn weekly_page_has_the_diff_and_the_suspended_projects() {
        let html = weekly_html(&fixtures::weekly());
        let diff = html.split("三、变化情况").nth(1).expect("diff section");
        assert!(diff.contains("新增") && diff.contains("销号") && diff.contains("已开工项目"));
        let inactive = html.split("四、暂停或退出项目").nth(1).expect("inactive section");
        assert!(inactive.contains("暂停项目") && inactive.contains("资金未到位"));
    }

    #[test]
    fn bulletin_page_has_the_paragraphs_and_tables() {
        let b = fixtures::bulletin_nov();
        let html = bulletin_html(&b);
        assert!(html.starts_with("<!doctype html>"));
        assert!(html.contains("滕州市重点项目建设进展情况通报（2026年11月）"));
        assert_eq!(b.paragraphs.len(), 4);
        for p in &b.paragraphs {
            assert!(html.contains(&html_escape(p)), "{p}");
        }
        for h in ["类别", "项目数", "完成投资(亿元)", "占年度计划%", "超/慢序时进度(百分点)", "已开工", "开工率%"]
        {
            assert!(html.contains(&format!("<th>{h}</th>")), "{h}");
        }
        assert!(!b.not_started.is_empty());
        assert!(html.contains("尚未开工") && html.contains("&lt;script&gt;") && !html.contains("<script>"));
    }
}
