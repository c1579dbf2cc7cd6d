//! From an interpreted sheet to changes: which rows create projects, which update existing
//! ones (field by field), which change nothing (re-importing a file is idempotent), and which
//! look like duplicates of projects already in the ledger (reported, never guessed).

use super::{CellError, Interpretation, RowResult, Skipped, normalize_name};
use crate::domain::lists::Membership;
use crate::domain::milestone::{MilestoneKind, MilestoneUpdate};
use crate::domain::project::{Project, TownRef, check_investment};
use crate::geo::TownLayer;
use crate::ledger;
use crate::store::{Actor, ImportChange, NewProject};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedCreate {
    pub row: usize,
    pub name: String,
    pub town: String,
    pub total_investment_yuan: i64,
    #[serde(skip)]
    pub project: Option<NewProject>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedUpdate {
    pub row: usize,
    pub project_id: i64,
    pub code: String,
    pub name: String,
    pub version: i64,
    pub changes: Vec<FieldChange>,
    #[serde(skip)]
    pub after: Option<Project>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub project_id: i64,
    pub code: String,
    pub name: String,
    pub company: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LikelyDuplicate {
    pub row: usize,
    pub name: String,
    pub candidates: Vec<Candidate>,
}

/// The preview of an import (the dry run) and what a commit would write.
#[derive(Debug, Clone, Serialize)]
pub struct ImportPlan {
    pub file: String,
    pub sheet: String,
    pub header_row: usize,
    pub rows_read: usize,
    pub create: Vec<PlannedCreate>,
    pub update: Vec<PlannedUpdate>,
    pub unchanged: Vec<usize>,
    pub duplicates: Vec<LikelyDuplicate>,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<CellError>,
    pub unmapped_columns: Vec<String>,
}

impl ImportPlan {
    /// Nothing stands in the way of writing every row.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty() && self.duplicates.is_empty()
    }

    /// The store changes of this plan, each attributed to its file and row.
    pub fn changes(&self, user: &str) -> Vec<ImportChange> {
        let actor = |row: usize| Actor::new(user, format!("import:{}#{row}", self.file));
        let mut changes: Vec<ImportChange> = self
            .create
            .iter()
            .filter_map(|c| c.project.clone().map(|project| ImportChange::Create { project, actor: actor(c.row) }))
            .collect();
        changes.extend(self.update.iter().filter_map(|u| {
            u.after.clone().map(|after| ImportChange::Update {
                expected_version: u.version,
                after,
                actor: actor(u.row),
            })
        }));
        changes
    }
}

fn show<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Apply a row's values to a copy of an existing project; returns the changed fields.
fn merge(
    existing: &Project,
    row: &RowResult,
    towns: &TownLayer,
    year: i32,
    reason: &str,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<(Project, Vec<FieldChange>), Vec<CellError>> {
    let input = &row.input;
    let mut p = existing.clone();
    let mut changes = Vec::new();
    let err = |column: &str, value: String, e: crate::domain::FieldError| CellError {
        row: row.row,
        column: column.to_string(),
        value,
        message_zh: e.message_zh,
        message_en: e.message_en,
    };
    let mut errors = Vec::new();
    let mut set_text = |field: &str, target: &mut String, value: &str| {
        if !value.is_empty() && target != value {
            changes.push(FieldChange { field: field.into(), before: target.clone(), after: value.into() });
            *target = value.to_string();
        }
    };
    set_text("name", &mut p.name, input.name.trim());
    let mut opt = |field: &str, target: &mut Option<String>, value: Option<&String>| {
        if let Some(v) = value.map(|v| v.trim()).filter(|v| !v.is_empty()) {
            if target.as_deref() != Some(v) {
                changes.push(FieldChange {
                    field: field.into(),
                    before: target.clone().unwrap_or_default(),
                    after: v.into(),
                });
                *target = Some(v.to_string());
            }
        }
    };
    opt("company", &mut p.company, input.company.as_ref());
    opt("zone", &mut p.zone, input.zone.as_ref());
    opt("responsible_unit", &mut p.responsible_unit, input.responsible_unit.as_ref());
    opt("responsible_leader", &mut p.responsible_leader, input.responsible_leader.as_ref());
    if let Some(t) = towns.resolve(&input.town) {
        if t.code != p.town.code {
            changes.push(FieldChange { field: "town".into(), before: p.town.name.clone(), after: t.name.clone() });
            p.town = TownRef { code: t.code.clone(), name: t.name.clone() };
        }
    }
    if input.chain != p.chain {
        changes.push(FieldChange {
            field: "chain".into(),
            before: p.chain.label_zh().into(),
            after: input.chain.label_zh().into(),
        });
        p.chain = input.chain;
    }
    match check_investment(input.total_investment_yuan) {
        Ok(total) if total != p.total_investment_yuan => {
            changes.push(FieldChange {
                field: "total_investment_yuan".into(),
                before: p.total_investment_yuan.0.to_string(),
                after: total.0.to_string(),
            });
            p.total_investment_yuan = total;
        }
        Ok(_) => {}
        Err(e) => errors.push(err("total_investment_yuan", input.total_investment_yuan.to_string(), e)),
    }
    for m in input.lists.iter().filter(|m| m.year == year) {
        let current = p.lists.iter_mut().find(|x| x.year == m.year && x.list == m.list);
        match current {
            Some(x) if x == m => {}
            Some(x) => {
                changes.push(FieldChange {
                    field: format!("lists.{}.{}", m.year, m.list),
                    before: format!("{} {} {}", x.kind.label_zh(), x.build_type.label_zh(), x.annual_plan_yuan.0),
                    after: format!("{} {} {}", m.kind.label_zh(), m.build_type.label_zh(), m.annual_plan_yuan.0),
                });
                *x = Membership { effective_from: x.effective_from, effective_to: x.effective_to, ..m.clone() };
            }
            None => {
                changes.push(FieldChange {
                    field: format!("lists.{}.{}", m.year, m.list),
                    before: String::new(),
                    after: m.list.label_zh().into(),
                });
                p.lists.push(m.clone());
            }
        }
    }
    for kind in MilestoneKind::ALL {
        let Some(dates) = input.milestones.get(*kind) else { continue };
        let current = p.milestones.get(*kind).clone();
        let update = MilestoneUpdate {
            planned: dates.planned.or(current.planned),
            actual: dates.actual.or(current.actual),
            reason: Some(reason.to_string()),
        };
        if update.planned == current.planned && update.actual == current.actual {
            continue;
        }
        match ledger::apply_milestone(&mut p, *kind, &update, "import", now, today) {
            Ok(()) => changes.push(FieldChange {
                field: format!("milestones.{kind}"),
                before: format!("{} / {}", show(current.planned), show(current.actual)),
                after: format!("{} / {}", show(update.planned), show(update.actual)),
            }),
            Err(invalid) => errors.extend(invalid.0.into_iter().map(|e| err(&e.field.clone(), String::new(), e))),
        }
    }
    if errors.is_empty() { Ok((p, changes)) } else { Err(errors) }
}

/// The sheet column that a validation error's field path comes from, so the preview names the
/// column the office sees (计划竣工时间), not the API's path (milestones.completion.planned).
fn column_of(mapping: &super::ColumnMapping, path: &str) -> String {
    use super::Field;
    let field = match path.split('[').next().unwrap_or(path) {
        "code" => Some(Field::Code),
        "name" => Some(Field::Name),
        "company" => Some(Field::Company),
        "town" => Some(Field::Town),
        "zone" => Some(Field::Zone),
        "chain" => Some(Field::Chain),
        "total_investment_yuan" => Some(Field::TotalInvestment),
        "responsible_unit" => Some(Field::ResponsibleUnit),
        "responsible_leader" => Some(Field::ResponsibleLeader),
        "lists" => Some(Field::AnnualPlan),
        p if p.starts_with("milestones.start.actual") => Some(Field::StartActual),
        p if p.starts_with("milestones.start") => Some(Field::StartPlanned),
        p if p.starts_with("milestones.completion.actual") => Some(Field::CompletionActual),
        p if p.starts_with("milestones.completion") => Some(Field::CompletionPlanned),
        _ => None,
    };
    field
        .and_then(|f| {
            mapping.column(f).or_else(|| {
                (f == Field::StartPlanned || f == Field::CompletionPlanned)
                    .then(|| mapping.column(Field::StartToCompletion))
                    .flatten()
            })
        })
        .map_or_else(|| path.to_string(), |c| c.header.clone())
}

/// Plan an import against the projects in the ledger.
pub fn plan(
    file: &str,
    sheet: &str,
    interpretation: &Interpretation,
    existing: &[Project],
    towns: &TownLayer,
    year: i32,
    now: DateTime<Utc>,
) -> ImportPlan {
    plan_with_progress(file, sheet, interpretation, existing, towns, year, now, &mut |_| {})
}

/// `plan`, calling `progress` with the number of interpreted rows planned (every
/// `PROGRESS_EVERY` rows, and once at the end with `interpretation.rows.len()`).
#[allow(clippy::too_many_arguments)]
pub fn plan_with_progress(
    file: &str,
    sheet: &str,
    interpretation: &Interpretation,
    existing: &[Project],
    towns: &TownLayer,
    year: i32,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize),
) -> ImportPlan {
    let out = plan_rows(file, sheet, interpretation, existing, towns, year, now, progress);
    progress(interpretation.rows.len());
    out
}

#[allow(clippy::too_many_arguments)]
fn plan_rows(
    file: &str,
    sheet: &str,
    interpretation: &Interpretation,
    existing: &[Project],
    towns: &TownLayer,
    year: i32,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize),
) -> ImportPlan {
    let today = crate::domain::calendar::civil_date(now);
    let by_code: HashMap<&str, &Project> = existing.iter().map(|p| (p.code.as_str(), p)).collect();
    let mut by_name: HashMap<String, Vec<&Project>> = HashMap::new();
    for p in existing {
        by_name.entry(normalize_name(&p.name, p.company.as_deref())).or_default().push(p);
    }
    let reason = format!("按导入文件《{file}》更新");
    let mut out = ImportPlan {
        file: file.to_string(),
        sheet: sheet.to_string(),
        header_row: interpretation.header_row,
        rows_read: interpretation.rows.len()
            + interpretation.skipped.len()
            + interpretation.errors.iter().map(|e| e.row).collect::<std::collections::BTreeSet<_>>().len(),
        create: vec![],
        update: vec![],
        unchanged: vec![],
        duplicates: vec![],
        skipped: interpretation.skipped.clone(),
        errors: interpretation.errors.clone(),
        unmapped_columns: interpretation.unmapped.clone(),
    };
    // Two rows of the same file naming the same new project: the second is a duplicate.
    let mut created: HashMap<String, usize> = HashMap::new();
    for (done, row) in interpretation.rows.iter().enumerate() {
        if done > 0 && done % super::PROGRESS_EVERY == 0 {
            progress(done);
        }
        let input = &row.input;
        let code_match = input.code.as_deref().and_then(|c| by_code.get(c.trim()).copied());
        let key = normalize_name(&input.name, input.company.as_deref());
        let name_matches: Vec<&Project> = by_name.get(&key).cloned().unwrap_or_default();
        let target = match (code_match, name_matches.as_slice()) {
            (Some(p), _) => Some(p),
            (None, [p])
                if input.code.is_none()
                    && normalize_name(p.company.as_deref().unwrap_or(""), None)
                        == normalize_name(input.company.as_deref().unwrap_or(""), None) =>
            {
                Some(*p)
            }
            (None, []) => None,
            (None, many) => {
                out.duplicates.push(LikelyDuplicate {
                    row: row.row,
                    name: input.name.clone(),
                    candidates: many
                        .iter()
                        .map(|p| Candidate {
                            project_id: p.id,
                            code: p.code.clone(),
                            name: p.name.clone(),
                            company: p.company.clone(),
                        })
                        .collect(),
                });
                continue;
            }
        };
        match target {
            Some(existing) => match merge(existing, row, towns, year, &reason, now, today) {
                Ok((_, changes)) if changes.is_empty() => out.unchanged.push(row.row),
                Ok((after, changes)) => out.update.push(PlannedUpdate {
                    row: row.row,
                    project_id: existing.id,
                    code: existing.code.clone(),
                    name: after.name.clone(),
                    version: existing.version,
                    changes,
                    after: Some(after),
                }),
                Err(errors) => out.errors.extend(errors.into_iter().map(|mut e| {
                    e.column = column_of(&interpretation.mapping, &e.column);
                    e
                })),
            },
            None if created.contains_key(&key) => out.duplicates.push(LikelyDuplicate {
                row: row.row,
                name: input.name.clone(),
                candidates: vec![Candidate {
                    project_id: 0,
                    code: format!("第{}行 / row {}", created[&key], created[&key]),
                    name: input.name.clone(),
                    company: input.company.clone(),
                }],
            }),
            None => match ledger::new_project(input, towns, today) {
                Ok(project) => {
                    created.insert(key.clone(), row.row);
                    out.create.push(PlannedCreate {
                        row: row.row,
                        name: project.name.clone(),
                        town: towns.by_code(&project.town_code).map(|t| t.name.clone()).unwrap_or_default(),
                        total_investment_yuan: project.total_investment_yuan.0,
                        project: Some(project),
                    })
                }
                Err(invalid) => out.errors.extend(invalid.0.into_iter().map(|e| CellError {
                    row: row.row,
                    column: column_of(&interpretation.mapping, &e.field),
                    value: String::new(),
                    message_zh: e.message_zh,
                    message_en: e.message_en,
                })),
            },
        }
    }
    out
}
