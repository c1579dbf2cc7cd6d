//! The audit trail as a workbook: one row per change, times in Beijing time, and the changed
//! fields spelled out (`字段: 旧 → 新`) so a reviewer need not read JSON.

use super::xlsx::table_workbook;
use super::{Cell, RenderError, Table};
use crate::domain::calendar::shanghai;
use crate::store::AuditRecord;
use serde_json::Value;

/// Longest "changes" cell; Excel's own limit is 32 767 characters.
const CHANGES_MAX: usize = 4000;

fn short(v: &Value) -> String {
    match v {
        Value::Null => "空".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `field: old → new` for each top-level field that differs, one per line.
pub fn changed_fields(before: Option<&Value>, after: Option<&Value>) -> String {
    let empty = serde_json::Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut lines = Vec::new();
    for k in keys {
        let (old, new) = (b.get(k).unwrap_or(&Value::Null), a.get(k).unwrap_or(&Value::Null));
        if old != new {
            lines.push(format!("{k}: {} → {}", short(old), short(new)));
        }
    }
    let mut text = lines.join("\n");
    if text.chars().count() > CHANGES_MAX {
        text = text.chars().take(CHANGES_MAX).collect::<String>() + "…";
    }
    text
}

pub fn audit_xlsx(records: &[AuditRecord], title: &str) -> Result<Vec<u8>, RenderError> {
    let rows = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                Cell::Int(i as i64 + 1),
                Cell::Text(r.at.with_timezone(&shanghai()).format("%Y-%m-%d %H:%M:%S").to_string()),
                Cell::Text(r.actor.clone()),
                Cell::Text(r.source.clone()),
                Cell::Text(r.entity.clone()),
                Cell::Text(r.entity_id.clone()),
                Cell::Text(r.action.clone()),
                Cell::Text(changed_fields(r.before.as_ref().map(|j| &j.0), r.after.as_ref().map(|j| &j.0))),
            ]
        })
        .collect();
    let table = Table {
        sheet: "操作记录",
        title: title.to_string(),
        headers: vec!["序号", "时间", "操作人", "来源", "对象", "编号", "操作", "变更内容"],
        rows,
    };
    table_workbook(&table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changed_fields_lists_only_differences() {
        let b = json!({ "name": "甲", "total": 1, "same": true });
        let a = json!({ "name": "乙", "total": 2, "same": true, "new": "x" });
        assert_eq!(changed_fields(Some(&b), Some(&a)), "name: 甲 → 乙\nnew: 空 → x\ntotal: 1 → 2");
        assert_eq!(changed_fields(None, Some(&json!({ "a": 1 }))), "a: 空 → 1");
        assert_eq!(changed_fields(None, None), "");
    }

    #[test]
    fn long_changes_are_cut() {
        let a = json!({ "text": "长".repeat(10_000) });
        assert!(changed_fields(None, Some(&a)).chars().count() <= CHANGES_MAX + 1);
    }
}
