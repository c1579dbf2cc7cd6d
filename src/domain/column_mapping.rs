//! A ledger's column mapping: which sheet column holds which field. It lives here, not in the
//! importer, because it is also data: a corrected mapping is saved by name (`import_mappings`)
//! and read back by the store, which must not depend on the importer. This module holds only
//! the types and their JSON shape; how headers are recognised and matched is the importer's
//! (`import::mapping`).

use crate::domain::money::MoneyUnit;
use serde::{Deserialize, Serialize};

/// What a ledger column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
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
    pub const ALL: &'static [Field] = &[
        Field::Sequence,
        Field::Code,
        Field::Name,
        Field::Company,
        Field::Town,
        Field::Zone,
        Field::TotalInvestment,
        Field::AnnualPlan,
        Field::CompletedYtd,
        Field::StartPlanned,
        Field::StartActual,
        Field::CompletionPlanned,
        Field::CompletionActual,
        Field::StartToCompletion,
        Field::Chain,
        Field::ResponsibleUnit,
        Field::ResponsibleLeader,
        Field::Category,
        Field::Ignore,
    ];

    pub fn is_money(self) -> bool {
        matches!(self, Field::TotalInvestment | Field::AnnualPlan | Field::CompletedYtd)
    }

    /// The snake_case name used in JSON (`total_investment`).
    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }

    /// The field of a snake_case name.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// One column of the header and what it maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MappedColumn {
    /// 0-based column index in the sheet (informative in a saved mapping: columns are matched
    /// by header text).
    #[serde(default)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ColumnMapping {
    pub columns: Vec<MappedColumn>,
}

impl ColumnMapping {
    /// The first column mapped to `field`.
    pub fn column(&self, field: Field) -> Option<&MappedColumn> {
        self.columns.iter().find(|c| c.field == field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_round_trip_and_are_snake_case() {
        for f in Field::ALL {
            assert_eq!(Field::from_name(&f.name()), Some(*f));
        }
        assert_eq!(Field::TotalInvestment.name(), "total_investment");
        assert_eq!(Field::from_name("TotalInvestment"), None);
    }

    #[test]
    fn the_saved_shape_is_header_field_index_and_unit() {
        let saved = r#"{"columns":[{"header":"金额(万元)","field":"total_investment","unit":"wan"},{"index":2,"header":"地址","field":"town"}]}"#;
        let m: ColumnMapping = serde_json::from_str(saved).expect("a saved mapping");
        assert_eq!(
            m.columns[0],
            MappedColumn {
                index: 0,
                header: "金额(万元)".into(),
                field: Field::TotalInvestment,
                unit: Some(MoneyUnit::Wan)
            }
        );
        assert_eq!(m.column(Field::Town).map(|c| c.index), Some(2));
        assert_eq!(m.column(Field::Name), None);
        let back: ColumnMapping = serde_json::from_str(&serde_json::to_string(&m).expect("json")).expect("back");
        assert_eq!(back, m);
    }
}
