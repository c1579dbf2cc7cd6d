//! Column headers → fields, and header-row detection.

use crate::domain::column_mapping::{ColumnMapping, Field, MappedColumn};
use crate::domain::money::{MoneyUnit, normalize_width};

// The type is the domain's (the store saves it); matching a header against it is the
// importer's, so this lookup lives with `header_key`.
impl ColumnMapping {
    /// The field the mapping gives a header, matched as the importer matches headers (widths and
    /// whitespace ignored).
    pub fn field_of(&self, header: &str) -> Option<Field> {
        let h = header_key(header);
        self.columns.iter().find(|c| header_key(&c.header) == h).map(|c| c.field)
    }
}

/// A header normalised for matching: half-width, no whitespace or line breaks.
pub fn header_key(h: &str) -> String {
    super::values::to_half_width(&normalize_width(h)).chars().filter(|c| !c.is_whitespace()).collect()
}

fn any(h: &str, words: &[&str]) -> bool {
    words.iter().any(|w| h.contains(w))
}

/// The field a header names, from the dictionary of names seen in ledgers (简/繁). The groups
/// are asked in this order and the first answer wins: 投资方 is a company, not an amount;
/// 建设起止年限 is a span, not a date.
pub fn field_for_header(header: &str) -> Option<Field> {
    let h = header_key(header);
    let h = h.as_str();
    if h.is_empty() {
        return None;
    }
    identity_field(h)
        .or_else(|| party_field(h))
        .or_else(|| place_field(h))
        .or_else(|| span_field(h))
        .or_else(|| money_field(h))
        .or_else(|| date_field(h))
        .or_else(|| classification_field(h))
}

/// Which project a row is: its row number, code and name.
fn identity_field(h: &str) -> Option<Field> {
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
    None
}

/// Who answers for the project and who builds (or invests in) it; asked before the amounts,
/// because 投资方 names the investor, not an amount.
fn party_field(h: &str) -> Option<Field> {
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
    None
}

/// Where the project is. The zone is asked first: a header naming 园区 is the zone column even
/// when it also says 镇街 (a zone is not a town).
fn place_field(h: &str) -> Option<Field> {
    if any(h, &["园区", "園區"]) {
        return Some(Field::Zone);
    }
    if any(h, &["建设地点", "建設地點", "镇街", "鎮街", "所在镇", "所在鎮", "镇(街", "鎮(街", "属地", "屬地"])
    {
        return Some(Field::Town);
    }
    None
}

/// The construction span (建设起止年限 `2024-2026`): a pair of dates, recognised before the
/// money and date words so that neither claims it.
fn span_field(h: &str) -> Option<Field> {
    any(h, &["起止", "年限", "建设周期", "建設週期"]).then_some(Field::StartToCompletion)
}

/// The amounts: total investment, and the year's completed and planned investment.
fn money_field(h: &str) -> Option<Field> {
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
    None
}

/// The start and completion dates: planned unless the header says 实际.
fn date_field(h: &str) -> Option<Field> {
    let actual = any(h, &["实际", "實際"]);
    if any(h, &["开工", "開工"]) {
        return Some(if actual { Field::StartActual } else { Field::StartPlanned });
    }
    if any(h, &["竣工", "建成"]) {
        return Some(if actual { Field::CompletionActual } else { Field::CompletionPlanned });
    }
    None
}

/// The industry chain and the list category, and the columns known but not imported (so that
/// they are reported as unmapped on purpose rather than as unknown).
fn classification_field(h: &str) -> Option<Field> {
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

/// Where the header is: its first row (0-based) and whether the next row is a sub-header. A
/// header is a row with at least two known column names: from the dictionary, or named by the
/// user's mapping (a saved mapping finds headers the dictionary does not know).
pub fn find_header(rows: &[Vec<String>], user: Option<&ColumnMapping>) -> Option<(usize, bool)> {
    let known = |c: &String| {
        field_for_header(c).is_some() || user.and_then(|m| m.field_of(c)).is_some_and(|f| f != Field::Ignore)
    };
    let at = rows.iter().take(15).position(|r| r.iter().filter(|c| known(c)).count() >= 2)?;
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

/// One problem of a column mapping sent by a client: where (`columns[2].field`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingProblem {
    pub path: String,
    pub message_zh: String,
    pub message_en: String,
}

/// Most columns a mapping may name (a sheet has at most `MAX_COLUMNS`).
const MAX_MAPPING_COLUMNS: usize = super::MAX_COLUMNS;

/// Read a column mapping sent by a client (`{"columns": [{"header", "field", "index"?, "unit"?}]}`,
/// as a dry run returns it), checking every column: unknown field names, empty or repeated
/// headers and unknown units are reported by path, all at once.
pub fn parse_mapping(value: &serde_json::Value) -> Result<ColumnMapping, Vec<MappingProblem>> {
    let Some(columns) = value.get("columns").and_then(|c| c.as_array()) else {
        return Err(vec![problem(
            "columns".into(),
            "列映射应为{\"columns\": [{\"header\": 列名, \"field\": 字段}]}".into(),
            "a column mapping is {\"columns\": [{\"header\": …, \"field\": …}]}".into(),
        )]);
    };
    if columns.len() > MAX_MAPPING_COLUMNS {
        return Err(vec![problem(
            "columns".into(),
            format!("列映射最多{MAX_MAPPING_COLUMNS}列"),
            format!("a column mapping has at most {MAX_MAPPING_COLUMNS} columns"),
        )]);
    }
    let mut problems = Vec::new();
    let mut seen_headers = Vec::new();
    let out: Vec<MappedColumn> =
        columns.iter().enumerate().filter_map(|(i, c)| client_column(i, c, &mut seen_headers, &mut problems)).collect();
    if problems.is_empty() { Ok(ColumnMapping { columns: out }) } else { Err(problems) }
}

fn problem(path: String, message_zh: String, message_en: String) -> MappingProblem {
    MappingProblem { path, message_zh, message_en }
}

/// Column `i` of a client's mapping. Every attribute is checked even after one fails, so that
/// the client hears of all its problems at once; the column is kept only if all are valid.
fn client_column(
    i: usize,
    c: &serde_json::Value,
    seen_headers: &mut Vec<String>,
    problems: &mut Vec<MappingProblem>,
) -> Option<MappedColumn> {
    let at = |what: &str| format!("columns[{i}].{what}");
    let header = client_header(c, at("header"), seen_headers, problems);
    let field = client_field(c, header, at("field"), problems);
    let index = client_index(c, at("index"), problems);
    let unit = client_unit(c, at("unit"), problems);
    Some(MappedColumn { index: index?, header: header.to_string(), field: field?, unit: unit? })
}

/// The header text, trimmed: present, at most 200 characters, and not named twice (as headers
/// are matched: widths and whitespace ignored), since a header can map to only one field.
fn client_header<'a>(
    c: &'a serde_json::Value,
    path: String,
    seen_headers: &mut Vec<String>,
    problems: &mut Vec<MappingProblem>,
) -> &'a str {
    let header = c.get("header").and_then(|h| h.as_str()).map(str::trim).unwrap_or_default();
    if header.is_empty() {
        problems.push(problem(path, "请填写列名".into(), "the header text is missing".into()));
    } else if header.chars().count() > 200 {
        problems.push(problem(path, "列名过长(上限200字)".into(), "the header text is too long (limit 200)".into()));
    } else if seen_headers.contains(&header_key(header)) {
        problems.push(problem(path, format!("列“{header}”重复"), format!("column \"{header}\" is named twice")));
    } else {
        seen_headers.push(header_key(header));
    }
    header
}

/// The field, by its snake_case name; an unknown name is answered with the list of known ones.
fn client_field(
    c: &serde_json::Value,
    header: &str,
    path: String,
    problems: &mut Vec<MappingProblem>,
) -> Option<Field> {
    let Some(name) = c.get("field").and_then(|f| f.as_str()) else {
        problems.push(problem(path, format!("请为列“{header}”选择字段"), format!("no field for column \"{header}\"")));
        return None;
    };
    let field = Field::from_name(name.trim());
    if field.is_none() {
        let known = Field::ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ");
        problems.push(problem(
            path,
            format!("未知的字段名“{name}”(列“{header}”);可用:{known}"),
            format!("unknown field name \"{name}\" (column \"{header}\"); known: {known}"),
        ));
    }
    field
}

/// The column index: optional (columns are matched by header text), 0 when absent, and within
/// the widest sheet the importer reads.
fn client_index(c: &serde_json::Value, path: String, problems: &mut Vec<MappingProblem>) -> Option<usize> {
    let v = match c.get("index") {
        None | Some(serde_json::Value::Null) => return Some(0),
        Some(v) => v,
    };
    let index = v.as_u64().and_then(|n| usize::try_from(n).ok()).filter(|n| *n < super::MAX_COLUMNS);
    if index.is_none() {
        problems.push(problem(
            path,
            format!("列序号应为0至{}之间的整数", super::MAX_COLUMNS - 1),
            format!("the column index must be an integer from 0 to {}", super::MAX_COLUMNS - 1),
        ));
    }
    index
}

/// The money unit of the column: optional; `Some(None)` when absent, `None` when invalid.
fn client_unit(c: &serde_json::Value, path: String, problems: &mut Vec<MappingProblem>) -> Option<Option<MoneyUnit>> {
    let v = match c.get("unit") {
        None | Some(serde_json::Value::Null) => return Some(None),
        Some(v) => v,
    };
    match serde_json::from_value::<MoneyUnit>(v.clone()) {
        Ok(u) => Some(Some(u)),
        Err(_) => {
            problems.push(problem(
                path,
                format!("未知的金额单位{v}(应为yuan、wan或yi)"),
                format!("unknown money unit {v} (yuan, wan or yi)"),
            ));
            None
        }
    }
}

/// A name to save a mapping under: trimmed, 1 to 64 characters, no `/` or control characters.
pub fn check_mapping_name(name: &str) -> Result<String, MappingProblem> {
    let name = name.trim();
    let bad = |zh: &str, en: &str| MappingProblem { path: "name".into(), message_zh: zh.into(), message_en: en.into() };
    if name.is_empty() {
        return Err(bad("请填写列映射名称", "the mapping needs a name"));
    }
    if name.chars().count() > 64 {
        return Err(bad("列映射名称过长(上限64字)", "the mapping name is too long (limit 64 characters)"));
    }
    if name.chars().any(|c| c.is_control() || c == '/' || c == '\\') {
        return Err(bad(
            "列映射名称不能含“/”“\\”或控制字符",
            "the mapping name may not contain /, \\ or control characters",
        ));
    }
    Ok(name.to_string())
}

/// Combine a mapping corrected on the page with a saved one: the corrections win for the headers
/// they name; the saved mapping covers the rest.
pub fn overlay(corrected: Option<ColumnMapping>, saved: Option<ColumnMapping>) -> Option<ColumnMapping> {
    match (corrected, saved) {
        (Some(mut c), Some(s)) => {
            let named: Vec<String> = c.columns.iter().map(|x| header_key(&x.header)).collect();
            c.columns.extend(s.columns.into_iter().filter(|x| !named.contains(&header_key(&x.header))));
            Some(c)
        }
        (c, s) => c.or(s),
    }
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
        assert_eq!(find_header(&rows, None), Some((0, true)));
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

    #[test]
    fn client_mappings_are_checked_column_by_column() {
        let ok = serde_json::json!({"columns": [
            {"header": " 地址 ", "field": "town"},
            {"index": 3, "header": "金额(万元)", "field": "total_investment", "unit": "wan"},
        ]});
        let m = parse_mapping(&ok).expect("valid");
        assert_eq!(m.columns[0], MappedColumn { index: 0, header: "地址".into(), field: Field::Town, unit: None });
        assert_eq!(m.columns[1].unit, Some(MoneyUnit::Wan));
        // Every problem at once, each under its path, in both languages.
        let bad = serde_json::json!({"columns": [
            {"header": "地址", "field": "townn"},
            {"header": "地 址", "field": "name"},
            {"header": "", "field": "code"},
            {"header": "金额", "field": "total_investment", "unit": "usd"},
            {"header": "x", "field": "name", "index": -1},
        ]});
        let problems = parse_mapping(&bad).expect_err("invalid");
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            ["columns[0].field", "columns[1].header", "columns[2].header", "columns[3].unit", "columns[4].index"]
        );
        assert!(problems[0].message_zh.contains("townn") && problems[0].message_en.contains("unknown field name"));
        assert!(problems[0].message_en.contains("total_investment"), "lists the known names");
        assert!(parse_mapping(&serde_json::json!({"columns": {}})).is_err());
        assert!(parse_mapping(&serde_json::json!([])).is_err());
        for f in Field::ALL {
            assert_eq!(Field::from_name(&f.name()), Some(*f));
        }
    }

    #[test]
    fn mapping_names() {
        assert_eq!(check_mapping_name("  镇街台账 2026 "), Ok("镇街台账 2026".to_string()));
        for bad in ["", "   ", "a/b", "a\\b", "a\nb", &"长".repeat(65)] {
            assert!(check_mapping_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn corrections_win_over_a_saved_mapping() {
        let col = |header: &str, field| MappedColumn { index: 0, header: header.into(), field, unit: None };
        let saved = ColumnMapping { columns: vec![col("地址", Field::Town), col("企业", Field::Company)] };
        let corrected = ColumnMapping { columns: vec![col("企 业", Field::Ignore)] };
        let m = overlay(Some(corrected), Some(saved.clone())).expect("some");
        assert_eq!(m.field_of("企业"), Some(Field::Ignore));
        assert_eq!(m.field_of("地址"), Some(Field::Town));
        assert_eq!(overlay(None, Some(saved.clone())), Some(saved));
        assert_eq!(overlay(None, None), None);
    }

    #[test]
    fn a_saved_mapping_finds_a_header_the_dictionary_does_not_know() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let rows = vec![s(&["镇街报送"]), s(&["项目名称", "位置", "金额(万元)"]), s(&["某项目", "西岗", "500"])];
        assert_eq!(find_header(&rows, None), None);
        let user = ColumnMapping {
            columns: vec![MappedColumn { index: 1, header: "位置".into(), field: Field::Town, unit: None }],
        };
        assert_eq!(find_header(&rows, Some(&user)), Some((1, false)));
    }
}
