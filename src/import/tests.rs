//! The fixture corpus (`tests/fixtures/ledgers/`) and bad files, end to end.

use super::*;
use crate::domain::chain::Chain;
use crate::domain::lists::{BuildType, ListKind, ListLevel};
use chrono::NaiveDate;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/ledgers/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn run(name: &str, bytes: &[u8]) -> Interpretation {
    let table = read_table(name, bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    interpret(&table, &TownLayer::tengzhou(), &ImportOptions { year: 2026, mapping: None })
}

fn town_name(code: &str) -> String {
    TownLayer::tengzhou().by_code(code).map(|t| t.name.clone()).unwrap_or_else(|| format!("?{code}"))
}

fn row(i: &Interpretation, sheet_row: usize) -> &RowResult {
    i.rows.iter().find(|r| r.row == sheet_row).unwrap_or_else(|| panic!("row {sheet_row} missing: {:#?}", i.errors))
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

const WAN: i64 = 10_000;
const YI: i64 = 100_000_000;

#[test]
fn county_ledger_with_title_unit_note_blank_and_total_rows() {
    let i = run("county_title_note.csv", &fixture("county_title_note.csv"));
    assert_eq!(i.header_row, 3);
    assert_eq!(i.unit, Some(MoneyUnit::Wan));
    assert_eq!(i.unmapped, ["建设内容"]);
    assert_eq!(i.rows.len(), 6, "{:#?}", i.errors);
    assert_eq!(i.errors.len(), 1, "{:#?}", i.errors);
    assert_eq!(i.skipped.iter().map(|s| s.row).collect::<Vec<_>>(), [6, 12, 13]);
    assert!(i.skipped[2].reason.contains("合计"));

    let r = row(&i, 4);
    assert_eq!(r.input.name, "年产10万吨锂电池正极材料项目");
    assert_eq!(r.input.company.as_deref(), Some("山东某某新能源有限公司"));
    assert_eq!(town_name(&r.input.town), "荆河街道");
    assert_eq!(r.input.total_investment_yuan, 120_000 * WAN);
    assert_eq!(r.completed_ytd_yuan, Some(21_000 * WAN));
    assert_eq!(r.input.chain, Chain::Lithium);
    assert_eq!(r.input.responsible_unit.as_deref(), Some("市发改局"));
    assert_eq!(r.input.responsible_leader.as_deref(), Some("张三"));
    assert_eq!(r.input.milestones.start.and_then(|m| m.planned), Some(d(2026, 2, 25)));
    assert_eq!(r.input.milestones.completion.and_then(|m| m.planned), Some(d(2027, 12, 31)));
    assert_eq!(r.planned_display, ["开工:计划2026年2月25日", "竣工:计划2027年12月"]);
    let m = &r.input.lists[0];
    assert_eq!(
        (m.year, m.list, m.kind, m.build_type),
        (2026, ListLevel::County, ListKind::Implementation, BuildType::NewStart)
    );
    assert_eq!(m.annual_plan_yuan.0, 30_000 * WAN);
    assert!(r.input.location.is_none() && !r.input.sample);

    let r = row(&i, 5);
    assert_eq!(town_name(&r.input.town), "西岗镇");
    assert_eq!(r.input.total_investment_yuan, 1_200 * WAN);
    assert_eq!(r.input.company, None);
    assert_eq!(r.input.chain, Chain::MachineTool);
    assert_eq!(r.planned_display[1], "竣工:计划2026年下半年");

    let r = row(&i, 7);
    assert_eq!(r.input.name, "項目名稱測試 智慧物流港");
    assert_eq!(town_name(&r.input.town), "张汪镇");
    assert_eq!(r.input.total_investment_yuan, 12_000 * WAN);
    assert_eq!(r.input.milestones.start.and_then(|m| m.planned), Some(d(2026, 3, 31)));
    assert_eq!(r.input.milestones.completion.and_then(|m| m.planned), Some(d(2027, 6, 30)));
    assert_eq!((r.input.lists[0].list, r.input.lists[0].build_type), (ListLevel::Municipal, BuildType::Continuing));

    let r = row(&i, 8);
    assert_eq!(town_name(&r.input.town), "东沙河街道");
    assert_eq!(r.input.total_investment_yuan, 8_500 * WAN);
    assert_eq!(r.input.milestones.completion.and_then(|m| m.planned), Some(d(2026, 3, 29)));
    assert_eq!(r.input.lists[0].list, ListLevel::ProvinceQuality);

    let r = row(&i, 9);
    assert_eq!(town_name(&r.input.town), "荆河街道");
    assert_eq!(r.input.chain, Chain::Digital);
    assert_eq!(r.input.milestones.start.and_then(|m| m.planned), Some(d(2026, 3, 29)));
    assert_eq!(r.input.milestones.completion.and_then(|m| m.planned), Some(d(2026, 12, 31)));

    // A zone instead of a town.
    let e = &i.errors[0];
    assert_eq!((e.row, e.column.as_str(), e.value.as_str()), (10, "所在镇街", "滕州经济开发区"));
    assert!(e.message_zh.contains("请填写所在镇街"), "{e:?}");

    // A zone with the town in brackets.
    let r = row(&i, 11);
    assert_eq!(town_name(&r.input.town), "木石镇");
    assert_eq!(r.input.zone.as_deref(), Some("鲁南高科技化工园区"));
    assert_eq!(r.input.milestones.start.and_then(|m| m.planned), Some(d(2024, 1, 1)));
    assert_eq!(r.input.milestones.completion.and_then(|m| m.planned), Some(d(2028, 12, 31)));
}

#[test]
fn serialized_rows_deserialize_as_project_inputs() {
    let i = run("county_title_note.csv", &fixture("county_title_note.csv"));
    let json = serde_json::to_value(&i).expect("serialize");
    assert_eq!(json["rows"].as_array().map(Vec::len), Some(6));
    for r in &i.rows {
        let back: ProjectInput = serde_json::from_value(r.input_json()).expect("a ProjectInput");
        assert_eq!(back.name, r.input.name);
        assert_eq!(back.milestones, r.input.milestones);
        assert_eq!(back.lists, r.input.lists);
        assert_eq!(back.total_investment_yuan, r.input.total_investment_yuan);
    }
}

#[test]
fn two_row_header_with_sections_and_yi_units() {
    let i = run("two_row_header.csv", &fixture("two_row_header.csv"));
    assert_eq!(i.header_row, 2);
    assert_eq!(i.unit, None);
    let total = i.mapping.column(Field::TotalInvestment).expect("total column");
    assert_eq!((total.header.as_str(), total.unit), ("总投资(亿元)", Some(MoneyUnit::Yi)));
    assert_eq!(i.mapping.column(Field::StartActual).map(|c| c.header.as_str()), Some("开工时间实际"));
    assert_eq!(i.rows.len(), 3, "{:#?}", i.errors);
    assert_eq!(i.skipped.len(), 3, "{:#?}", i.skipped);
    assert_eq!(i.errors.len(), 2, "{:#?}", i.errors);

    let r = row(&i, 5);
    assert_eq!(r.input.total_investment_yuan, 2_550_000_000);
    assert_eq!(r.input.lists[0].annual_plan_yuan.0, 5 * YI);
    assert_eq!(r.input.lists[0].list, ListLevel::ProvinceMajor);
    assert_eq!(r.input.lists[0].build_type, BuildType::Continuing);
    assert_eq!(
        r.input.milestones.start,
        Some(MilestoneDates { planned: Some(d(2025, 3, 31)), actual: Some(d(2025, 3, 18)) })
    );
    assert_eq!(r.input.chain, Chain::CultureTourism);
    assert_eq!(town_name(&r.input.town), "滨湖镇");

    let r = row(&i, 6);
    assert_eq!(r.input.total_investment_yuan, 10 * YI);
    assert_eq!(r.planned_display, ["开工:计划2026年上半年", "竣工:计划2028年"]);

    let r = row(&i, 8);
    assert_eq!(r.input.lists[0].list, ListLevel::Municipal);
    assert_eq!(r.input.total_investment_yuan, 3 * YI);
    assert_eq!(r.input.lists[0].annual_plan_yuan.0, 120_000_000);

    assert_eq!((i.errors[0].row, i.errors[0].value.as_str()), (9, "待定"));
    assert_eq!(i.errors[0].column, "总投资(亿元)");
    assert_eq!((i.errors[1].row, i.errors[1].value.as_str()), (10, "明年"));
    assert!(i.errors[1].message_en.contains("not a date"));
}

#[test]
fn gb18030_traditional_names_and_ranges() {
    let bytes = fixture("varying_names_gb18030.csv");
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture must really be GB18030");
    let i = run("varying_names_gb18030.csv", &bytes);
    assert_eq!(i.header_row, 1);
    assert_eq!(i.rows.len(), 3, "{:#?}", i.errors);
    assert_eq!(i.errors.len(), 1);
    assert_eq!(i.errors[0].value, "北京市");

    let r = row(&i, 2);
    assert_eq!(r.input.code.as_deref(), Some("2401-370481-04-01-123456"));
    assert_eq!(r.input.company.as_deref(), Some("滕州鮑溝建材有限公司"));
    assert_eq!(town_name(&r.input.town), "鲍沟镇");
    assert_eq!(r.input.total_investment_yuan, 25_000 * WAN);
    assert_eq!(r.completed_ytd_yuan, Some(8_000 * WAN));
    assert_eq!(r.input.milestones.start.and_then(|m| m.planned), Some(d(2024, 12, 31)));
    assert_eq!(r.input.milestones.completion.and_then(|m| m.planned), Some(d(2026, 12, 31)));
    assert_eq!((r.input.lists[0].list, r.input.lists[0].build_type), (ListLevel::ProvinceMajor, BuildType::Continuing));
    assert_eq!(r.input.chain, Chain::Chemical);

    let r = row(&i, 3);
    assert_eq!(r.input.lists[0].kind, ListKind::Preparation);
    assert_eq!(r.input.milestones.start.and_then(|m| m.planned), Some(d(2024, 3, 31)));
    assert_eq!(r.input.milestones.completion.and_then(|m| m.planned), Some(d(2025, 6, 30)));
    assert_eq!(r.input.chain, Chain::Agriculture);

    let r = row(&i, 4);
    assert_eq!(r.input.zone.as_deref(), Some("滕州經濟開發區"));
    assert_eq!(town_name(&r.input.town), "龙阳镇");
    assert_eq!(r.input.total_investment_yuan, 15_000 * WAN);
    assert_eq!(r.completed_ytd_yuan, Some(0));
}

#[test]
fn units_written_in_cells() {
    let i = run("units_in_cells.csv", &fixture("units_in_cells.csv"));
    assert_eq!(i.rows.len(), 4, "{:#?}", i.errors);
    assert_eq!(i.errors.len(), 2);
    assert!(i.errors.iter().all(|e| e.row == 4 && e.message_en.contains("no unit")));
    assert_eq!(row(&i, 2).input.total_investment_yuan, 5 * YI);
    assert_eq!(row(&i, 2).input.lists[0].annual_plan_yuan.0, 8_000 * WAN);
    assert_eq!(row(&i, 3).input.total_investment_yuan, 3_000 * WAN);
    assert_eq!(row(&i, 5).input.total_investment_yuan, 1_250_000_000);
    assert_eq!(row(&i, 6).input.total_investment_yuan, 250_000_000);
    assert_eq!(row(&i, 6).input.milestones.start.and_then(|m| m.planned), Some(d(2026, 12, 31)));
}

#[test]
fn no_recognizable_header() {
    let i = run("no_header.csv", &fixture("no_header.csv"));
    assert_eq!(i.header_row, 0);
    assert!(i.rows.is_empty());
    assert_eq!(i.errors.len(), 1);
    assert!(i.errors[0].message_zh.contains("未找到表头"));
}

#[test]
fn unit_from_a_group_header_above_the_header_row() {
    let csv = "项目基本情况,,投资情况(万元),\n项目名称,建设地点,总投资,年度计划投资\n甲项目,荆河街道,5000,1000\n";
    let i = run("a.csv", csv.as_bytes());
    assert_eq!((i.header_row, i.unit), (2, Some(MoneyUnit::Wan)));
    assert_eq!(i.rows.len(), 1, "{:#?}", i.errors);
    assert_eq!(i.rows[0].input.total_investment_yuan, 5_000 * WAN);
}

#[test]
fn corrected_mapping_is_applied() {
    let csv = "项目名称,地址,总投资(亿元)\n甲项目,荆河街道,2\n";
    let table = read_table("a.csv", csv.as_bytes()).expect("table");
    let towns = TownLayer::tengzhou();
    let first = interpret(&table, &towns, &ImportOptions { year: 2026, mapping: None });
    assert_eq!(first.unmapped, ["地址"]);
    assert_eq!(first.errors.len(), 1, "the town is missing: {:#?}", first.errors);
    let mut mapping = first.mapping.clone();
    mapping.columns.push(MappedColumn { index: 1, header: "地址".into(), field: Field::Town, unit: None });
    let second = interpret(&table, &towns, &ImportOptions { year: 2026, mapping: Some(mapping) });
    assert!(second.errors.is_empty(), "{:#?}", second.errors);
    assert_eq!(town_name(&second.rows[0].input.town), "荆河街道");
}

#[test]
fn bad_files_are_clear_errors() {
    assert_eq!(read_table("a.csv", b""), Err(ImportError::Empty));
    assert_eq!(read_table("a.csv", b" \r\n \n"), Err(ImportError::Empty));
    assert!(matches!(
        read_table("a.pdf", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"),
        Err(ImportError::NotSpreadsheet(_))
    ));
    let random: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    assert!(matches!(read_table("x.csv", &random), Err(ImportError::NotSpreadsheet(_))));
    assert!(matches!(read_table("x.xlsx", b"PK\x03\x04garbage"), Err(ImportError::NotSpreadsheet(_))));
    assert!(matches!(read_table("x.xlsx", b"plain text"), Err(ImportError::NotSpreadsheet(_))));
    assert_eq!(read_table("x.xls", &[0xD0, 0xCF, 0x11, 0xE0, 0, 0]), Err(ImportError::LegacyFormat));
    let big = vec![b'a'; MAX_BYTES + 1];
    assert!(matches!(read_table("x.csv", &big), Err(ImportError::TooLarge { .. })));
    let e = ImportError::TooManyRows;
    assert!(e.message_zh().contains("行数"));
    assert!(e.message_en().contains("rows"));
}

#[test]
fn too_many_rows_and_columns() {
    let mut csv = String::from("项目名称,总投资(亿元)\n");
    for n in 0..250_000 {
        csv.push_str(&format!("p{n},1\n"));
    }
    assert_eq!(read_table("big.csv", csv.as_bytes()), Err(ImportError::TooManyRows));
    let wide = format!("{}\n", vec!["x"; 250].join(","));
    assert_eq!(read_table("wide.csv", wide.as_bytes()), Err(ImportError::TooManyColumns));
}

#[test]
fn a_huge_cell_is_truncated_with_a_row_error() {
    let long = "长".repeat(1_000_000);
    let csv = format!("项目名称,镇街,总投资(亿元),建设内容\n{long},荆河街道,1,x\n乙项目,荆河街道,2,{long}\n");
    let table = read_table("a.csv", csv.as_bytes()).expect("table");
    assert!(table.rows.iter().flatten().all(|c| c.chars().count() <= MAX_CELL_CHARS + 1));
    let i = interpret(&table, &TownLayer::tengzhou(), &ImportOptions { year: 2026, mapping: None });
    assert_eq!(i.errors.len(), 2, "{:#?}", i.errors);
    assert_eq!((i.errors[0].row, i.errors[0].column.as_str()), (2, "项目名称"));
    assert!(i.errors[0].value.chars().count() <= 50);
    assert!(i.errors[0].message_en.contains("truncated"));
    // Also in a column that is not imported.
    assert_eq!((i.errors[1].row, i.errors[1].column.as_str()), (3, "建设内容"));
    assert!(i.rows.is_empty());
}

#[test]
fn utf8_without_bom_tabs_and_quotes() {
    let tsv = "项目名称\t镇街\t总投资\n\"丙项目, \"\"二期\"\"\"\t善南\t3亿元\n";
    let i = run("a.txt", tsv.as_bytes());
    assert_eq!(i.rows.len(), 1, "{:#?}", i.errors);
    assert_eq!(i.rows[0].input.name, "丙项目, \"二期\"");
}

mod xlsx {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

    fn book() -> Vec<u8> {
        let mut wb = Workbook::new();
        let fmt = Format::new().set_num_format("yyyy-mm-dd");
        // An empty first sheet: the reader takes the first non-empty one.
        wb.add_worksheet().set_name("说明").expect("name");
        let ws = wb.add_worksheet();
        ws.set_name("台账").expect("name");
        ws.write_string(0, 0, "2026年滕州市重点项目台账(单位:亿元)").expect("w");
        for (c, h) in ["序号", "项目名称", "所在镇街", "总投资", "年度计划投资", "计划开工时间", "计划竣工时间"]
            .iter()
            .enumerate()
        {
            ws.write_string(1, c as u16, *h).expect("w");
        }
        ws.write_number(2, 0, 1).expect("w");
        ws.write_string(2, 1, "丁项目").expect("w");
        ws.write_string(2, 2, "滨湖镇").expect("w");
        ws.write_number(2, 3, 12.35).expect("w");
        ws.write_formula(2, 4, Formula::new("=D3/5").set_result("2.47")).expect("w");
        let date = ExcelDateTime::from_ymd(2026, 4, 15).expect("date");
        ws.write_datetime_with_format(2, 5, &date, &fmt).expect("w");
        ws.write_string(2, 6, "2027年上半年").expect("w");
        ws.write_number(3, 0, 2).expect("w");
        ws.write_string(3, 1, "戊项目").expect("w");
        ws.write_string(3, 2, "界河镇").expect("w");
        ws.write_string(3, 3, "8").expect("w"); // a number stored as text
        ws.write_number(3, 4, 1).expect("w");
        ws.write_number(3, 5, 46_143.0).expect("w"); // a serial without a date format
        ws.write_string(4, 0, "合计").expect("w");
        ws.write_formula(4, 3, Formula::new("=SUM(D3:D4)").set_result("20.35")).expect("w");
        wb.save_to_buffer().expect("xlsx")
    }

    #[test]
    fn reads_the_first_non_empty_sheet_with_dates_and_formulas() {
        let bytes = book();
        let table = read_table("ledger.xlsx", &bytes).expect("table");
        assert_eq!(table.sheet, "台账");
        assert_eq!(table.rows[2], ["1", "丁项目", "滨湖镇", "12.35", "2.47", "2026-04-15", "2027年上半年"]);
        let i = interpret(&table, &TownLayer::tengzhou(), &ImportOptions { year: 2026, mapping: None });
        assert_eq!(i.unit, Some(MoneyUnit::Yi));
        assert_eq!(i.rows.len(), 2, "{:#?}", i.errors);
        assert_eq!(i.skipped.len(), 1);
        let r = row(&i, 3);
        assert_eq!(r.input.total_investment_yuan, 1_235_000_000);
        assert_eq!(r.input.lists[0].annual_plan_yuan.0, 247_000_000);
        assert_eq!(r.input.milestones.start.and_then(|m| m.planned), Some(d(2026, 4, 15)));
        let r = row(&i, 4);
        assert_eq!(r.input.total_investment_yuan, 8 * YI);
        assert_eq!(r.input.milestones.start.and_then(|m| m.planned), Some(d(2026, 5, 1)));
    }

    #[test]
    fn huge_positions_are_refused_without_allocating() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "项目名称").expect("w");
        ws.write_string(1_048_000, 0, "far away").expect("w");
        let bytes = wb.save_to_buffer().expect("xlsx");
        assert_eq!(read_table("a.xlsx", &bytes), Err(ImportError::TooManyRows));

        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "项目名称").expect("w");
        ws.write_string(0, 16_000, "far right").expect("w");
        let bytes = wb.save_to_buffer().expect("xlsx");
        assert_eq!(read_table("a.xlsx", &bytes), Err(ImportError::TooManyColumns));
    }

    #[test]
    fn an_all_empty_workbook_is_empty() {
        let mut wb = Workbook::new();
        wb.add_worksheet();
        let bytes = wb.save_to_buffer().expect("xlsx");
        assert_eq!(read_table("a.xlsx", &bytes), Err(ImportError::Empty));
    }
}
