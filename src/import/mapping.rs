//! Column headers → fields, and header-row detection.

use crate::domain::money::{MoneyUnit, normalize_width};
use serde::{Deserialize, Serialize};

/// What a ledger column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 序号: row numbers, ignored.
    Sequence,
    Code,
    Name,
    Company,
    Town,
    Zone,
    TotalInvestment,
    AnnualPlan,
    CompletedYtd,
    StartPlanned,
    StartActual,
    CompletionPlanned,
    CompletionActual,
    /// 建设起止年限: `2024-2026` = planned start and planned completion.
    StartToCompletion,
    Chain,
    ResponsibleUnit,
    ResponsibleLeader,
    /// 项目类别: list level, kind and build type.
    Category,
    /// Known but not imported (建设内容); listed as unmapped.
    Ignore,
}

impl Field {
    pub fn is_money(self) -> bool {
        matches!(self, Field::TotalInvestment | Field::AnnualPlan | Field::CompletedYtd)
    }
}

/// One column of the header and what it maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedColumn {
    /// 0-based column index in the sheet.
    pub index: usize,
    /// The header text (two-row headers combined: `总投资(亿元)`).
    pub header: String,
    pub field: Field,
    /// The money unit named in the header, for money columns.
    #[serde(default)]
    pub unit: Option<MoneyUnit>,
}

/// Header text → field. Serializable so that a corrected mapping can be saved and passed back
/// through `ImportOptions::mapping`; columns are matched by header text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    pub columns: Vec<MappedColumn>,
}

impl ColumnMapping {
    pub fn field_of(&self, header: &str) -> Option<Field> {
        let h = header_key(header);
        self.columns.iter().find(|c| header_key(&c.header) == h).map(|c| c.field)
    }

    pub fn column(&self, field: Field) -> Option<&MappedColumn> {
        self.columns.iter().find(|c| c.field == field)
    }
}

/// A header normalised for matching: half-width, no whitespace or line breaks.
pub fn header_key(h: &str) -> String {
    super::values::to_half_width(&normalize_width(h)).chars().filter(|c| !c.is_whitespace()).collect()
}

fn any(h: &str, words: &[&str]) -> bool {
    words.iter().any(|w| h.contains(w))
}

/// The field a header names, from the dictionary of names seen in ledgers (简/繁).
pub fn field_for_header(header: &str) -> Option<Field> {
    let h = header_key(header);
    let h = h.as_str();
    if h.is_empty() {
        return None;
    }
    if matches!(h, "序号" | "序號" | "编号" | "編號" | "No." | "No") {
        return Some(Field::Sequence);
    }
    if any(h, &["项目编号", "項目編號", "项目代码", "項目代碼", "统一代码", "統一代碼", "项目编码"])
    {
        return Some(Field::Code);
    }
    if any(h, &["项目名称", "項目名稱"]) || matches!(h, "名称" | "名稱" | "项目" | "項目") {
        return Some(Field::Name);
    }
    if any(h, &["责任单位", "責任單位", "牵头单位", "牽頭單位", "专班", "專班"]) {
        return Some(Field::ResponsibleUnit);
    }
    if any(h, &["包保领导", "包保領導", "责任领导", "責任領導", "联系领导", "聯繫領導"]) {
        return Some(Field::ResponsibleLeader);
    }
    if any(
        h,
        &[
            "建设单位",
            "建設單位",
            "项目单位",
            "項目單位",
            "投资方",
            "投資方",
            "企业名称",
            "企業名稱",
            "实施主体",
            "實施主體",
        ],
    ) {
        return Some(Field::Company);
    }
    if any(h, &["园区", "園區"]) {
        return Some(Field::Zone);
    }
    if any(h, &["建设地点", "建設地點", "镇街", "鎮街", "所在镇", "所在鎮", "镇(街", "鎮(街", "属地", "屬地"])
    {
        return Some(Field::Town);
    }
    if any(h, &["起止", "年限", "建设周期", "建設週期"]) {
        return Some(Field::StartToCompletion);
    }
    if any(h, &["总投资", "總投資", "计划总投资", "投资总额", "投資總額"]) {
        return Some(Field::TotalInvestment);
    }
    let investment = any(h, &["投资", "投資"]);
    if investment && any(h, &["完成", "累计", "累計"]) {
        return Some(Field::CompletedYtd);
    }
    if investment && any(h, &["年度计划", "年度計劃", "计划投资", "計劃投資", "年计划", "年計劃"])
    {
        return Some(Field::AnnualPlan);
    }
    let actual = any(h, &["实际", "實際"]);
    if any(h, &["开工", "開工"]) {
        return Some(if actual { Field::StartActual } else { Field::StartPlanned });
    }
    if any(h, &["竣工", "建成"]) {
        return Some(if actual { Field::CompletionActual } else { Field::CompletionPlanned });
    }
    if any(h, &["产业链", "產業鏈", "所属产业", "所屬產業", "产业类别", "產業類別", "行业", "行業"])
    {
        return Some(Field::Chain);
    }
    if any(h, &["项目类别", "項目類別", "项目类型", "項目類型", "类别", "類別", "级别", "級別"])
    {
        return Some(Field::Category);
    }
    if any(h, &["建设内容", "建設內容", "建设规模", "建設規模", "备注", "備註", "进展", "進展"])
    {
        return Some(Field::Ignore);
    }
    None
}

/// A cell of a sub-header row: a unit, or 计划/实际 under a merged date group.
fn is_sub_header(cell: &str) -> bool {
    let h = header_key(cell);
    if h.is_empty() {
        return true;
    }
    let unit_only =
        h.chars().count() <= 6 && MoneyUnit::from_header(&h).is_some() && !h.chars().any(|c| c.is_ascii_digit());
    unit_only
        || matches!(
            h.as_str(),
            "计划" | "計劃" | "实际" | "實際" | "时间" | "時間" | "计划时间" | "实际时间" | "金额" | "金額"
        )
        || field_for_header(&h).is_some()
}

/// Where the header is: its first row (0-based) and whether the next row is a sub-header.
pub fn find_header(rows: &[Vec<String>]) -> Option<(usize, bool)> {
    let at = rows.iter().take(15).position(|r| r.iter().filter(|c| field_for_header(c).is_some()).count() >= 2)?;
    let two_rows = rows
        .get(at + 1)
        .is_some_and(|next| next.iter().any(|c| !c.trim().is_empty()) && next.iter().all(|c| is_sub_header(c)));
    Some((at, two_rows))
}

/// Header texts per column: a sub-header row is combined with the (merged) group above it.
pub fn header_texts(rows: &[Vec<String>], at: usize, two_rows: bool) -> Vec<String> {
    let top = rows.get(at).cloned().unwrap_or_default();
    if !two_rows {
        return top.iter().map(|c| header_key(c)).collect();
    }
    let sub = rows.get(at + 1).cloned().unwrap_or_default();
    let width = top.len().max(sub.len());
    let mut out = Vec::with_capacity(width);
    let mut group = String::new();
    for i in 0..width {
        let t = header_key(top.get(i).map_or("", String::as_str));
        let s = header_key(sub.get(i).map_or("", String::as_str));
        if !t.is_empty() {
            group = t.clone();
        }
        // A merged group cell is only in its first column: carry it right over sub-headers.
        let g = if t.is_empty() && !s.is_empty() { group.clone() } else { t };
        let combined = if s.is_empty() {
            g
        } else if g.is_empty() {
            s
        } else if MoneyUnit::from_header(&s).is_some() && field_for_header(&s).is_none() {
            format!("{g}({s})")
        } else if field_for_header(&s).is_some_and(|f| f != Field::Ignore)
            && !matches!(s.as_str(), "计划" | "實際" | "实际" | "計劃")
        {
            // The sub-header is a full name on its own (计划开工时间 under 时间节点).
            s
        } else {
            format!("{g}{s}")
        };
        out.push(combined);
    }
    out
}

/// Map header texts; a user-supplied mapping wins for the headers it names.
pub fn map_columns(headers: &[String], user: Option<&ColumnMapping>) -> (ColumnMapping, Vec<String>) {
    let mut columns = Vec::new();
    let mut unmapped = Vec::new();
    for (index, h) in headers.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        let field = user.and_then(|m| m.field_of(h)).or_else(|| field_for_header(h));
        match field {
            Some(Field::Ignore) | None => unmapped.push(h.clone()),
            Some(field) => {
                let unit = if field.is_money() { MoneyUnit::from_header(h) } else { None };
                columns.push(MappedColumn { index, header: h.clone(), field, unit });
            }
        }
    }
    (ColumnMapping { columns }, unmapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionary() {
        let cases = [
            ("序号", Field::Sequence),
            ("项目编号", Field::Code),
            ("项目代码", Field::Code),
            ("项目名称", Field::Name),
            ("名 称", Field::Name),
            ("項目名稱", Field::Name),
            ("建设单位", Field::Company),
            ("项目单位", Field::Company),
            ("投资方", Field::Company),
            ("企业名称", Field::Company),
            ("建设地点", Field::Town),
            ("所在镇街", Field::Town),
            ("镇街", Field::Town),
            ("所在镇(街)", Field::Town),
            ("所在鎮（街）", Field::Town),
            ("园区", Field::Zone),
            ("总投资", Field::TotalInvestment),
            ("总投资(亿元)", Field::TotalInvestment),
            ("總投資（萬元）", Field::TotalInvestment),
            ("年度计划投资", Field::AnnualPlan),
            ("2026年计划投资(万元)", Field::AnnualPlan),
            ("1-9月完成投资", Field::CompletedYtd),
            ("累计完成投资", Field::CompletedYtd),
            ("本年完成投资", Field::CompletedYtd),
            ("开工时间", Field::StartPlanned),
            ("计划开工时间", Field::StartPlanned),
            ("实际开工时间", Field::StartActual),
            ("竣工时间", Field::CompletionPlanned),
            ("计划竣工时间", Field::CompletionPlanned),
            ("实际竣工时间", Field::CompletionActual),
            ("建设起止年限", Field::StartToCompletion),
            ("产业链", Field::Chain),
            ("所属产业", Field::Chain),
            ("责任单位", Field::ResponsibleUnit),
            ("包保领导", Field::ResponsibleLeader),
            ("项目类别", Field::Category),
            ("建设内容", Field::Ignore),
        ];
        for (h, f) in cases {
            assert_eq!(field_for_header(h), Some(f), "{h}");
        }
        assert_eq!(field_for_header("联系电话"), None);
        assert_eq!(field_for_header(""), None);
    }

    #[test]
    fn two_row_headers_combine() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let rows = vec![
            s(&["序号", "项目名称", "总投资", "开工时间", "", "竣工时间", ""]),
            s(&["", "", "亿元", "计划", "实际", "计划", "实际"]),
            s(&["1", "某项目", "5", "2026.3", "", "2027.6", ""]),
        ];
        assert_eq!(find_header(&rows), Some((0, true)));
        let h = header_texts(&rows, 0, true);
        assert_eq!(
            h,
            s(&["序号", "项目名称", "总投资(亿元)", "开工时间计划", "开工时间实际", "竣工时间计划", "竣工时间实际"])
        );
        let (m, unmapped) = map_columns(&h, None);
        assert!(unmapped.is_empty());
        let fields: Vec<Field> = m.columns.iter().map(|c| c.field).collect();
        assert_eq!(
            fields,
            [
                Field::Sequence,
                Field::Name,
                Field::TotalInvestment,
                Field::StartPlanned,
                Field::StartActual,
                Field::CompletionPlanned,
                Field::CompletionActual
            ]
        );
        assert_eq!(m.columns[2].unit, Some(MoneyUnit::Yi));
    }

    #[test]
    fn user_mapping_wins_and_round_trips() {
        let headers = vec!["项目名称".to_string(), "地址".to_string(), "建设内容".to_string()];
        let (m, unmapped) = map_columns(&headers, None);
        assert_eq!(unmapped, ["地址", "建设内容"]);
        let mut user = m.clone();
        user.columns.push(MappedColumn { index: 1, header: "地址".into(), field: Field::Town, unit: None });
        let json = serde_json::to_string(&user).expect("serialize");
        let back: ColumnMapping = serde_json::from_str(&json).expect("deserialize");
        let (m2, unmapped2) = map_columns(&headers, Some(&back));
        assert_eq!(m2.column(Field::Town).map(|c| c.index), Some(1));
        assert_eq!(unmapped2, ["建设内容"]);
    }
}
