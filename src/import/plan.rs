//! From an interpreted sheet to changes: which rows create projects, which update existing
//! ones (field by field), which change nothing (re-importing a file is idempotent), and which
//! look like duplicates of projects already in the ledger (reported, never guessed).

use super::{CellError, Interpretation, RowResult, Skipped, normalize_name};
use crate::domain::FieldError;
use crate::domain::lists::Membership;
use crate::domain::milestone::{MilestoneKind, MilestoneUpdate};
use crate::domain::project::{Project, ProjectInput, TownRef, check_investment};
use crate::geo::TownLayer;
use crate::ledger;
use crate::store::{Actor, ImportChange, NewProject};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlannedCreate {
    pub row: usize,
    pub name: String,
    pub town: String,
    pub total_investment_yuan: i64,
    #[serde(skip)]
    pub project: Option<NewProject>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Candidate {
    pub project_id: i64,
    pub code: String,
    pub name: String,
    pub company: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LikelyDuplicate {
    pub row: usize,
    pub name: String,
    pub candidates: Vec<Candidate>,
}

/// The preview of an import (the dry run) and what a commit would write.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
    /// A plan with nothing to write yet: the interpretation's header, skipped rows and errors.
    fn of_interpretation(file: &str, sheet: &str, interpretation: &Interpretation) -> ImportPlan {
        // Rows read: the good ones, the skipped ones, and the distinct rows with errors.
        let rows_with_errors = interpretation.errors.iter().map(|e| e.row).collect::<BTreeSet<_>>().len();
        ImportPlan {
            file: file.to_string(),
            sheet: sheet.to_string(),
            header_row: interpretation.header_row,
            rows_read: interpretation.rows.len() + interpretation.skipped.len() + rows_with_errors,
            create: vec![],
            update: vec![],
            unchanged: vec![],
            duplicates: vec![],
            skipped: interpretation.skipped.clone(),
            errors: interpretation.errors.clone(),
            unmapped_columns: interpretation.unmapped.clone(),
        }
    }

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

/// Apply a row's values to a copy of an existing project; returns the changed fields. A blank
/// cell keeps what the ledger has: a sheet that leaves a column empty does not erase it.
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
    let mut errors = Vec::new();
    merge_texts(&mut p, input, &mut changes);
    merge_town(&mut p, input, towns, &mut changes);
    merge_chain(&mut p, input, &mut changes);
    if let Err(e) = merge_investment(&mut p, input, &mut changes) {
        errors.push(cell_error(row.row, "total_investment_yuan", input.total_investment_yuan.to_string(), e));
    }
    merge_lists(&mut p, input, year, &mut changes);
    for e in merge_milestones(&mut p, input, reason, now, today, &mut changes) {
        errors.push(cell_error(row.row, &e.field.clone(), String::new(), e));
    }
    if errors.is_empty() { Ok((p, changes)) } else { Err(errors) }
}

/// A validation error of a merged row, at the field's path (`column_of` later names the
/// sheet's column).
fn cell_error(row: usize, column: &str, value: String, e: FieldError) -> CellError {
    CellError { row, column: column.to_string(), value, message_zh: e.message_zh, message_en: e.message_en }
}

/// The name and the optional texts (company, zone, responsible unit and leader), trimmed.
fn merge_texts(p: &mut Project, input: &ProjectInput, changes: &mut Vec<FieldChange>) {
    let name = input.name.trim();
    if !name.is_empty() && p.name != name {
        changes.push(FieldChange { field: "name".into(), before: p.name.clone(), after: name.into() });
        p.name = name.to_string();
    }
    for (field, target, value) in [
        ("company", &mut p.company, &input.company),
        ("zone", &mut p.zone, &input.zone),
        ("responsible_unit", &mut p.responsible_unit, &input.responsible_unit),
        ("responsible_leader", &mut p.responsible_leader, &input.responsible_leader),
    ] {
        let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else { continue };
        if target.as_deref() != Some(v) {
            changes.push(FieldChange {
                field: field.into(),
                before: target.clone().unwrap_or_default(),
                after: v.into(),
            });
            *target = Some(v.to_string());
        }
    }
}

/// The town, when the row names one the layer knows (shown by name, stored by code).
fn merge_town(p: &mut Project, input: &ProjectInput, towns: &TownLayer, changes: &mut Vec<FieldChange>) {
    let Some(t) = towns.resolve(&input.town) else { return };
    if t.code != p.town.code {
        changes.push(FieldChange { field: "town".into(), before: p.town.name.clone(), after: t.name.clone() });
        p.town = TownRef { code: t.code.clone(), name: t.name.clone() };
    }
}

/// The chain: always the row's, since the interpreter gives every row one (`other` when blank).
fn merge_chain(p: &mut Project, input: &ProjectInput, changes: &mut Vec<FieldChange>) {
    if input.chain != p.chain {
        changes.push(FieldChange {
            field: "chain".into(),
            before: p.chain.label_zh().into(),
            after: input.chain.label_zh().into(),
        });
        p.chain = input.chain;
    }
}

/// The total investment, checked as any edit is (positive, within bounds).
fn merge_investment(p: &mut Project, input: &ProjectInput, changes: &mut Vec<FieldChange>) -> Result<(), FieldError> {
    let total = check_investment(input.total_investment_yuan)?;
    if total != p.total_investment_yuan {
        changes.push(FieldChange {
            field: "total_investment_yuan".into(),
            before: p.total_investment_yuan.0.to_string(),
            after: total.0.to_string(),
        });
        p.total_investment_yuan = total;
    }
    Ok(())
}

/// The sheet year's list memberships: a changed one is replaced (keeping its effective dates,
/// which a sheet does not carry), a new one added; other years are left alone.
fn merge_lists(p: &mut Project, input: &ProjectInput, year: i32, changes: &mut Vec<FieldChange>) {
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
}

/// The milestone dates, through the same rules as an edit (`ledger::apply_milestone`): a moved
/// plan is a re-plan with `reason`, recorded in the milestone's history. Returns the dates the
/// rules refuse.
fn merge_milestones(
    p: &mut Project,
    input: &ProjectInput,
    reason: &str,
    now: DateTime<Utc>,
    today: NaiveDate,
    changes: &mut Vec<FieldChange>,
) -> Vec<FieldError> {
    let mut refused = Vec::new();
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
        match ledger::apply_milestone(p, *kind, &update, "import", now, today) {
            Ok(()) => changes.push(FieldChange {
                field: format!("milestones.{kind}"),
                before: format!("{} / {}", show(current.planned), show(current.actual)),
                after: format!("{} / {}", show(update.planned), show(update.actual)),
            }),
            Err(invalid) => refused.extend(invalid.0),
        }
    }
    refused
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
    let ledger = LedgerIndex::new(existing);
    let planner = Planner {
        towns,
        year,
        reason: format!("按导入文件《{file}》更新"),
        now,
        today: crate::domain::calendar::civil_date(now),
        mapping: &interpretation.mapping,
    };
    let mut out = ImportPlan::of_interpretation(file, sheet, interpretation);
    // Two rows of the same file naming the same new project: the second is a duplicate.
    let mut created: HashMap<String, usize> = HashMap::new();
    for (done, row) in interpretation.rows.iter().enumerate() {
        if done > 0 && done % super::PROGRESS_EVERY == 0 {
            progress(done);
        }
        let key = normalize_name(&row.input.name, row.input.company.as_deref());
        match ledger.find(&row.input, &key) {
            Match::Existing(existing) => planner.update(&mut out, existing, row),
            Match::Ambiguous(candidates) => out.duplicates.push(LikelyDuplicate {
                row: row.row,
                name: row.input.name.clone(),
                candidates: candidates.iter().map(|p| Candidate::of(p)).collect(),
            }),
            Match::New => match created.get(&key) {
                Some(&first) => out.duplicates.push(repeated_in_file(row, first)),
                None => {
                    if planner.create(&mut out, row) {
                        created.insert(key, row.row);
                    }
                }
            },
        }
    }
    out
}

/// The projects in the ledger by code and by normalised name (and company).
struct LedgerIndex<'a> {
    by_code: HashMap<&'a str, &'a Project>,
    by_name: HashMap<String, Vec<&'a Project>>,
}

/// Which project of the ledger a row is.
enum Match<'a> {
    Existing(&'a Project),
    New,
    /// Projects of the same name that the row cannot be told apart from: reported, never guessed.
    Ambiguous(&'a [&'a Project]),
}

impl<'a> LedgerIndex<'a> {
    fn new(existing: &'a [Project]) -> LedgerIndex<'a> {
        let by_code = existing.iter().map(|p| (p.code.as_str(), p)).collect();
        let mut by_name: HashMap<String, Vec<&Project>> = HashMap::new();
        for p in existing {
            by_name.entry(normalize_name(&p.name, p.company.as_deref())).or_default().push(p);
        }
        LedgerIndex { by_code, by_name }
    }

    /// A code that is in the ledger decides. Without a code, one project of the same name
    /// (`key`) and the same company is the row; any other name match is ambiguous.
    fn find(&self, input: &ProjectInput, key: &str) -> Match<'_> {
        if let Some(p) = input.code.as_deref().and_then(|c| self.by_code.get(c.trim())) {
            return Match::Existing(p);
        }
        let company = |c: Option<&str>| normalize_name(c.unwrap_or(""), None);
        match self.by_name.get(key).map_or(&[][..], Vec::as_slice) {
            [] => Match::New,
            [p] if input.code.is_none() && company(p.company.as_deref()) == company(input.company.as_deref()) => {
                Match::Existing(p)
            }
            many => Match::Ambiguous(many),
        }
    }
}

impl Candidate {
    fn of(p: &Project) -> Candidate {
        Candidate { project_id: p.id, code: p.code.clone(), name: p.name.clone(), company: p.company.clone() }
    }
}

/// A row naming a project that an earlier row of the same file (`first`) creates.
fn repeated_in_file(row: &RowResult, first: usize) -> LikelyDuplicate {
    LikelyDuplicate {
        row: row.row,
        name: row.input.name.clone(),
        candidates: vec![Candidate {
            project_id: 0,
            code: format!("第{first}行 / row {first}"),
            name: row.input.name.clone(),
            company: row.input.company.clone(),
        }],
    }
}

/// What planning every row shares: the town layer, the sheet's year, the re-plan reason naming
/// the file, the clock, and the mapping that names columns in errors.
struct Planner<'a> {
    towns: &'a TownLayer,
    year: i32,
    reason: String,
    now: DateTime<Utc>,
    today: NaiveDate,
    mapping: &'a super::ColumnMapping,
}

impl Planner<'_> {
    /// Plan a row against its project in the ledger: an update, unchanged, or its errors.
    fn update(&self, out: &mut ImportPlan, existing: &Project, row: &RowResult) {
        match merge(existing, row, self.towns, self.year, &self.reason, self.now, self.today) {
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
                e.column = column_of(self.mapping, &e.column);
                e
            })),
        }
    }

    /// Plan a new project, validated as any new project is. Returns whether it is created.
    fn create(&self, out: &mut ImportPlan, row: &RowResult) -> bool {
        match ledger::new_project(&row.input, self.towns, self.today) {
            Ok(project) => {
                out.create.push(PlannedCreate {
                    row: row.row,
                    name: project.name.clone(),
                    town: self.towns.by_code(&project.town_code).map(|t| t.name.clone()).unwrap_or_default(),
                    total_investment_yuan: project.total_investment_yuan.0,
                    project: Some(project),
                });
                true
            }
            Err(invalid) => {
                out.errors.extend(invalid.0.into_iter().map(|e| CellError {
                    row: row.row,
                    column: column_of(self.mapping, &e.field),
                    value: String::new(),
                    message_zh: e.message_zh,
                    message_en: e.message_en,
                }));
                false
            }
        }
    }
}
