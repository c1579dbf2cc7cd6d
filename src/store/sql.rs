// The store's SQL, written once and compiled per backend: this file is `include!`d by
// `sqlite.rs` and `postgres.rs`, which define `Db`, `Conn`, `MIGRATOR`, `open_pools` and
// `begin_write`. Placeholders are `$1` (both backends accept them); dynamic filters use
// `QueryBuilder`, which numbers binds for the backend.

// `Approval` and the other account types are imported by `accounts_sql.rs`, included beside this file.
use super::{
    Actor, AuditRecord, Edit, ImportChange, NewProject, NewProjectWithReports, ProjectFilter, PublishedWeekly,
    StoreError, StoreResult, TownStat,
};
use crate::domain::Chain;
use crate::domain::Tier;
use crate::domain::calendar::civil_date;
use crate::domain::coords::LonLat;
use crate::domain::error::Entity;
use crate::domain::indicators::Targets;
use crate::domain::lists::{BuildType, ListKind, ListLevel, Membership};
use crate::domain::milestone::{Milestone, MilestoneKind, Milestones, Replan};
use crate::domain::money::Yuan;
use crate::domain::project::{Location, LocationPrecision, Project, StoredReport, TownRef};
use crate::domain::report::{Factor, MonthlyReport, Period, Problem};
use crate::domain::status::{State, Status};
use crate::geo::{Town, TownLayer};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::types::Json;
use sqlx::{QueryBuilder, Row};
use std::collections::{HashMap, HashSet};

pub struct Backend {
    pool: sqlx::Pool<Db>,
    write_pool: sqlx::Pool<Db>,
}

/// The stored columns of a project besides its `id`: the one list that the INSERT and the UPDATE
/// write (`push_project_values` binds a project's values in this order, next to it) and the
/// SELECT reads into `ProjectRow`. A new project column is a name here, a value there, a
/// `ProjectRow` field read in `ProjectRow::into_project`, its initial value in
/// `NewRow::into_project`, and a migration per backend.
const PROJECT_COLUMNS: &[&str] = &[
    "code",
    "name",
    "company",
    "town_code",
    "zone",
    "chain",
    "total_investment_yuan",
    "tier",
    "status",
    "state",
    "state_reason",
    "lon",
    "lat",
    "location_precision",
    "outside_county",
    "address",
    "responsible_unit",
    "responsible_leader",
    "sample",
    "version",
    "created_at",
    "updated_at",
];

/// Bind the values of `p` in `PROJECT_COLUMNS` order. An empty code is stored as NULL: a project
/// created without a code gets one from its id right after its row is inserted (`generated_code`),
/// and NULL, unlike '', may occur on many rows of a unique column meanwhile.
fn push_project_values<'args>(b: &mut Values<'_, 'args>, p: &'args Project) {
    b.push_bind((!p.code.is_empty()).then_some(p.code.as_str()))
        .push_bind(&p.name)
        .push_bind(&p.company)
        .push_bind(&p.town.code)
        .push_bind(&p.zone)
        .push_bind(p.chain.code())
        .push_bind(p.total_investment_yuan.0)
        .push_bind(p.tier.code())
        .push_bind(p.status.code())
        .push_bind(p.state.code())
        .push_bind(&p.state_reason)
        .push_bind(p.location.lon)
        .push_bind(p.location.lat)
        .push_bind(p.location.precision.code())
        .push_bind(p.location.outside_county)
        .push_bind(&p.address)
        .push_bind(&p.responsible_unit)
        .push_bind(&p.responsible_leader)
        .push_bind(p.sample)
        .push_bind(p.version)
        .push_bind(p.created_at)
        .push_bind(p.updated_at);
}

/// `SELECT` of `ProjectRow`s: the `PROJECT_COLUMNS` of `projects p`, its id and its town's name.
static PROJECT_SELECT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let columns: Vec<String> = PROJECT_COLUMNS.iter().map(|c| format!("p.{c}")).collect();
    format!(
        "SELECT p.id, {}, COALESCE(t.name, p.town_code) AS town_name FROM projects p \
         LEFT JOIN towns t ON t.code = p.town_code",
        columns.join(", ")
    )
});

type Values<'b, 'args> = sqlx::query_builder::Separated<'b, 'args, Db, &'static str>;

#[derive(sqlx::FromRow)]
struct ProjectRow {
    id: i64,
    code: Option<String>,
    name: String,
    company: Option<String>,
    town_code: String,
    town_name: String,
    zone: Option<String>,
    chain: String,
    total_investment_yuan: i64,
    tier: String,
    status: String,
    state: String,
    state_reason: Option<String>,
    lon: f64,
    lat: f64,
    location_precision: String,
    outside_county: bool,
    address: Option<String>,
    responsible_unit: Option<String>,
    responsible_leader: Option<String>,
    sample: bool,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct MilestoneRow {
    project_id: i64,
    kind: String,
    baseline: Option<NaiveDate>,
    planned: Option<NaiveDate>,
    actual: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct ReplanRow {
    project_id: i64,
    kind: String,
    from_date: Option<NaiveDate>,
    to_date: Option<NaiveDate>,
    reason: String,
    actor: String,
    at: DateTime<Utc>,
    effective: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    project_id: i64,
    year: i32,
    list: String,
    kind: String,
    build_type: String,
    annual_plan_yuan: i64,
    effective_from: Option<NaiveDate>,
    effective_to: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    project_id: i64,
    period: String,
    completed_yuan: i64,
    funds_arrived_yuan: i64,
    note: Option<String>,
    reported_at: DateTime<Utc>,
    reported_by: String,
}

#[derive(sqlx::FromRow)]
struct ProblemRow {
    project_id: i64,
    period: String,
    factor: String,
    text: String,
    responsible_unit: Option<String>,
}

#[derive(sqlx::FromRow)]
struct TownRow {
    code: String,
    name: String,
    name_hant: Option<String>,
    name_en: Option<String>,
    pinyin: Option<String>,
    kind: Option<String>,
    seat_lon: f64,
    seat_lat: f64,
    geometry: Option<String>,
    approximate: bool,
    aliases: String,
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("unknown {what} {value:?}"))
}

fn parse_code<T>(what: &str, value: &str, parse: fn(&str) -> Option<T>) -> StoreResult<T> {
    parse(value).ok_or_else(|| corrupt(what, value))
}

fn duplicate_code_or(e: sqlx::Error, code: Option<&str>) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::DuplicateCode(code.unwrap_or_default().to_string())
        }
        _ => StoreError::Database(e),
    }
}

impl ProjectRow {
    fn into_project(self) -> StoreResult<Project> {
        Ok(Project {
            id: self.id,
            code: self.code.unwrap_or_default(),
            name: self.name,
            company: self.company,
            town: TownRef { code: self.town_code, name: self.town_name },
            zone: self.zone,
            chain: parse_code("chain", &self.chain, Chain::parse)?,
            total_investment_yuan: Yuan(self.total_investment_yuan),
            tier: parse_code("tier", &self.tier, Tier::parse)?,
            status: parse_code("status", &self.status, Status::parse)?,
            state: parse_code("state", &self.state, State::parse)?,
            state_reason: self.state_reason,
            location: Location {
                lon: self.lon,
                lat: self.lat,
                precision: parse_code("location precision", &self.location_precision, LocationPrecision::parse)?,
                outside_county: self.outside_county,
            },
            address: self.address,
            responsible_unit: self.responsible_unit,
            responsible_leader: self.responsible_leader,
            sample: self.sample,
            milestones: Milestones::default(),
            lists: vec![],
            reports: None,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// `WHERE …` for the shared project filters (`p` is the projects table).
fn push_filter(qb: &mut QueryBuilder<'_, Db>, f: &ProjectFilter) {
    qb.push(" WHERE 1 = 1");
    if f.year.is_some() || f.list.is_some() {
        qb.push(" AND EXISTS (SELECT 1 FROM list_memberships m WHERE m.project_id = p.id");
        if let Some(year) = f.year {
            qb.push(" AND m.year = ").push_bind(year);
        }
        if let Some(list) = f.list {
            qb.push(" AND m.list = ").push_bind(list.code());
        }
        qb.push(")");
    }
    if let Some(town) = &f.town_code {
        qb.push(" AND p.town_code = ").push_bind(town.clone());
    }
    if let Some(chain) = f.chain {
        qb.push(" AND p.chain = ").push_bind(chain.code());
    }
    if let Some(tier) = f.tier {
        qb.push(" AND p.tier = ").push_bind(tier.code());
    }
    if let Some(status) = f.status {
        qb.push(" AND p.status = ").push_bind(status.code());
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        // Escape LIKE's wildcards so `%` and `_` in a search are literal.
        let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let pattern = format!("%{}%", escaped.to_lowercase());
        qb.push(" AND (LOWER(p.name) LIKE ").push_bind(pattern.clone()).push(" ESCAPE '\\'");
        if !f.q_name_only {
            qb.push(" OR LOWER(COALESCE(p.code, '')) LIKE ").push_bind(pattern.clone()).push(" ESCAPE '\\'");
            qb.push(" OR LOWER(COALESCE(p.company, '')) LIKE ").push_bind(pattern).push(" ESCAPE '\\'");
        }
        qb.push(")");
    }
    if let Some([min_lon, min_lat, max_lon, max_lat]) = f.bbox {
        qb.push(" AND p.lon >= ").push_bind(min_lon);
        qb.push(" AND p.lon <= ").push_bind(max_lon);
        qb.push(" AND p.lat >= ").push_bind(min_lat);
        qb.push(" AND p.lat <= ").push_bind(max_lat);
    }
}

/// Which projects a details query covers.
#[derive(Clone, Copy)]
enum Scope<'a> {
    One(i64),
    /// Projects matching a filter; `true` keeps only the filter's page.
    Filtered(&'a ProjectFilter, bool),
    All,
}

/// ` WHERE project_id …` for a details table.
fn push_scope(qb: &mut QueryBuilder<'_, Db>, scope: Scope<'_>) {
    match scope {
        Scope::One(id) => {
            qb.push(" WHERE project_id = ").push_bind(id);
        }
        Scope::Filtered(filter, paged) => {
            qb.push(" WHERE project_id IN (SELECT p.id FROM projects p");
            push_filter(qb, filter);
            if paged {
                qb.push(" ORDER BY p.id LIMIT ").push_bind(filter.limit).push(" OFFSET ").push_bind(filter.offset);
            }
            qb.push(")");
        }
        Scope::All => {}
    }
}

/// `{select} WHERE project_id … {order}` for a details table over `scope`.
fn scoped<'a>(select: &str, scope: Scope<'a>, order: &str) -> QueryBuilder<'a, Db> {
    let mut qb = QueryBuilder::<Db>::new(select);
    push_scope(&mut qb, scope);
    qb.push(order);
    qb
}

/// Loaded projects by id, to attach details rows to.
type ById = HashMap<i64, usize>;

/// Fill milestones, re-plans and lists (and reports, if asked) into loaded projects; one query
/// per table for the whole scope, whatever the number of projects.
async fn attach_details(
    conn: &mut Conn,
    projects: &mut [Project],
    scope: Scope<'_>,
    with_reports: bool,
) -> StoreResult<()> {
    if projects.is_empty() {
        return Ok(());
    }
    let index: ById = projects.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    attach_milestones(conn, projects, &index, scope).await?;
    attach_replans(conn, projects, &index, scope).await?;
    attach_lists(conn, projects, &index, scope).await?;
    if with_reports {
        attach_reports(conn, projects, &index, scope).await?;
    }
    Ok(())
}

async fn attach_milestones(
    conn: &mut Conn,
    projects: &mut [Project],
    index: &ById,
    scope: Scope<'_>,
) -> StoreResult<()> {
    let rows: Vec<MilestoneRow> =
        scoped("SELECT project_id, kind, baseline, planned, actual FROM milestones", scope, "")
            .build_query_as()
            .fetch_all(&mut *conn)
            .await?;
    for r in rows {
        let kind = parse_code("milestone kind", &r.kind, MilestoneKind::parse)?;
        if let Some(&i) = index.get(&r.project_id) {
            let m = projects[i].milestones.get_mut(kind);
            m.baseline = r.baseline;
            m.planned = r.planned;
            m.actual = r.actual;
        }
    }
    Ok(())
}

async fn attach_replans(conn: &mut Conn, projects: &mut [Project], index: &ById, scope: Scope<'_>) -> StoreResult<()> {
    let rows: Vec<ReplanRow> = scoped(
        "SELECT project_id, kind, from_date, to_date, reason, actor, at, effective FROM milestone_replans",
        scope,
        " ORDER BY id",
    )
    .build_query_as()
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        let kind = parse_code("milestone kind", &r.kind, MilestoneKind::parse)?;
        if let Some(&i) = index.get(&r.project_id) {
            projects[i].milestones.get_mut(kind).replans.push(Replan {
                from: r.from_date,
                to: r.to_date,
                reason: r.reason,
                actor: r.actor,
                at: r.at,
                effective: r.effective,
            });
        }
    }
    Ok(())
}

async fn attach_lists(conn: &mut Conn, projects: &mut [Project], index: &ById, scope: Scope<'_>) -> StoreResult<()> {
    let rows: Vec<MembershipRow> = scoped(
        "SELECT project_id, year, list, kind, build_type, annual_plan_yuan, effective_from, effective_to FROM list_memberships",
        scope,
        " ORDER BY id",
    )
    .build_query_as()
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        if let Some(&i) = index.get(&r.project_id) {
            projects[i].lists.push(Membership {
                year: r.year,
                list: parse_code("list", &r.list, ListLevel::parse)?,
                kind: parse_code("list kind", &r.kind, ListKind::parse)?,
                build_type: parse_code("build type", &r.build_type, BuildType::parse)?,
                annual_plan_yuan: Yuan(r.annual_plan_yuan),
                effective_from: r.effective_from,
                effective_to: r.effective_to,
            });
        }
    }
    Ok(())
}

/// Monthly reports with their problems; every project gets a list, possibly empty.
async fn attach_reports(conn: &mut Conn, projects: &mut [Project], index: &ById, scope: Scope<'_>) -> StoreResult<()> {
    for p in projects.iter_mut() {
        p.reports = Some(vec![]);
    }
    let problems: Vec<ProblemRow> = scoped(
        "SELECT project_id, period, factor, text, responsible_unit FROM report_problems",
        scope,
        " ORDER BY project_id, period, position",
    )
    .build_query_as()
    .fetch_all(&mut *conn)
    .await?;
    let mut by_report: HashMap<(i64, String), Vec<Problem>> = HashMap::new();
    for p in problems {
        by_report.entry((p.project_id, p.period)).or_default().push(Problem {
            factor: parse_code("factor", &p.factor, Factor::parse)?,
            text: p.text,
            responsible_unit: p.responsible_unit,
        });
    }
    let rows: Vec<ReportRow> = scoped(
        "SELECT project_id, period, completed_yuan, funds_arrived_yuan, note, reported_at, reported_by FROM monthly_reports",
        scope,
        " ORDER BY project_id, period",
    )
    .build_query_as()
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        let Some(&i) = index.get(&r.project_id) else { continue };
        let report = StoredReport {
            report: MonthlyReport {
                period: parse_code("period", &r.period, Period::parse)?,
                completed_yuan: Yuan(r.completed_yuan),
                funds_arrived_yuan: Yuan(r.funds_arrived_yuan),
                note: r.note,
                problems: by_report.remove(&(r.project_id, r.period)).unwrap_or_default(),
            },
            reported_at: r.reported_at,
            reported_by: r.reported_by,
        };
        if let Some(reports) = projects[i].reports.as_mut() {
            reports.push(report);
        }
    }
    Ok(())
}

async fn load_project(conn: &mut Conn, id: i64, with_reports: bool) -> StoreResult<Project> {
    let sql = format!("{} WHERE p.id = $1", *PROJECT_SELECT);
    let row: Option<ProjectRow> = sqlx::query_as(&sql).bind(id).fetch_optional(&mut *conn).await?;
    let mut projects = vec![row.ok_or(StoreError::NotFound(Entity::Project))?.into_project()?];
    attach_details(conn, &mut projects, Scope::One(id), with_reports).await?;
    projects.pop().ok_or(StoreError::NotFound(Entity::Project))
}

/// Projects matching a filter (a page of them when `paged`), with their details.
async fn load_projects(
    conn: &mut Conn,
    filter: &ProjectFilter,
    paged: bool,
    with_reports: bool,
) -> StoreResult<Vec<Project>> {
    let mut qb = QueryBuilder::<Db>::new(PROJECT_SELECT.as_str());
    push_filter(&mut qb, filter);
    qb.push(" ORDER BY p.id");
    if paged {
        qb.push(" LIMIT ").push_bind(filter.limit).push(" OFFSET ").push_bind(filter.offset);
    }
    let rows: Vec<ProjectRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut projects = rows.into_iter().map(ProjectRow::into_project).collect::<StoreResult<Vec<_>>>()?;
    let unfiltered =
        *filter == ProjectFilter { limit: filter.limit, offset: filter.offset, ..ProjectFilter::default() };
    let scope = if unfiltered && !paged { Scope::All } else { Scope::Filtered(filter, paged) };
    attach_details(conn, &mut projects, scope, with_reports).await?;
    Ok(projects)
}

/// One audit record: what changed, from what, to what.
struct Change<'a> {
    entity: &'a str,
    entity_id: String,
    action: &'a str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

async fn append_audit(conn: &mut Conn, actor: &Actor, now: DateTime<Utc>, change: Change<'_>) -> StoreResult<()> {
    let Change { entity, entity_id, action, before, after } = change;
    sqlx::query(
        "INSERT INTO audit_log (at, actor, source, entity, entity_id, action, before, after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now)
    .bind(&actor.name)
    .bind(&actor.source)
    .bind(entity)
    .bind(&entity_id)
    .bind(action)
    .bind(before.map(Json))
    .bind(after.map(Json))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Write the milestone, re-plan and list rows of `p` that differ from `previous`.
async fn write_details(conn: &mut Conn, p: &Project, previous: Option<&Project>) -> StoreResult<()> {
    for kind in MilestoneKind::ALL {
        let m = p.milestones.get(*kind);
        let old = previous.map(|o| o.milestones.get(*kind));
        if old.is_some_and(|o| o.baseline == m.baseline && o.planned == m.planned && o.actual == m.actual)
            || (old.is_none() && *m == Milestone::default())
        {
            continue;
        }
        sqlx::query(
            "INSERT INTO milestones (project_id, kind, baseline, planned, actual) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (project_id, kind) DO UPDATE SET baseline = $3, planned = $4, actual = $5",
        )
        .bind(p.id)
        .bind(kind.code())
        .bind(m.baseline)
        .bind(m.planned)
        .bind(m.actual)
        .execute(&mut *conn)
        .await?;
        // Re-plans are history: only ever appended.
        let already = old.map_or(0, |o| o.replans.len());
        for r in m.replans.iter().skip(already) {
            sqlx::query(
                "INSERT INTO milestone_replans (project_id, kind, from_date, to_date, reason, actor, at, effective) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(p.id)
            .bind(kind.code())
            .bind(r.from)
            .bind(r.to)
            .bind(&r.reason)
            .bind(&r.actor)
            .bind(r.at)
            .bind(r.effective)
            .execute(&mut *conn)
            .await?;
        }
    }
    if previous.is_none_or(|o| o.lists != p.lists) {
        sqlx::query("DELETE FROM list_memberships WHERE project_id = $1").bind(p.id).execute(&mut *conn).await?;
        for m in &p.lists {
            sqlx::query(
                "INSERT INTO list_memberships (project_id, year, list, kind, build_type, annual_plan_yuan, effective_from, effective_to) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(p.id)
            .bind(m.year)
            .bind(m.list.code())
            .bind(m.kind.code())
            .bind(m.build_type.code())
            .bind(m.annual_plan_yuan.0)
            .bind(m.effective_from)
            .bind(m.effective_to)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// The most bind parameters one statement may carry on this backend: SQLite's limit
/// (`SQLITE_MAX_VARIABLE_NUMBER`, 32 766) or PostgreSQL's (65 535, a 16-bit count in the protocol).
fn max_binds() -> usize {
    if <Db as sqlx::Database>::NAME == "PostgreSQL" { 65_535 } else { 32_766 }
}

/// Beyond this many rows a multi-row statement only gets longer to parse, not faster.
const MAX_ROWS_PER_STATEMENT: usize = 1_000;

/// Rows per multi-row statement for rows of `binds_per_row` parameters.
fn rows_per_statement(binds_per_row: usize) -> usize {
    (max_binds() / binds_per_row.max(1)).clamp(1, MAX_ROWS_PER_STATEMENT)
}

/// Projects created per round of statements (project rows, codes, details, audit records).
fn projects_per_batch() -> usize {
    rows_per_statement(PROJECT_COLUMNS.len())
}

/// `{insert} VALUES (…), (…), …` for every row, in as few statements as the bind limit allows;
/// `push` binds one row's `binds_per_row` values.
async fn insert_rows<'r, T: Sync>(
    conn: &mut Conn,
    insert: &str,
    binds_per_row: usize,
    rows: &'r [T],
    push: impl Fn(&mut Values<'_, 'r>, &'r T) + Send,
) -> StoreResult<()> {
    for chunk in rows.chunks(rows_per_statement(binds_per_row)) {
        let mut qb = QueryBuilder::<Db>::new(insert);
        qb.push_values(chunk, |mut b, row| push(&mut b, row));
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// `(v1, v2, …)` for an `IN` list.
fn push_in_list<'args, T>(qb: &mut QueryBuilder<'args, Db>, values: impl IntoIterator<Item = T>)
where
    T: 'args + sqlx::Encode<'args, Db> + sqlx::Type<Db>,
{
    qb.push("(");
    let mut list = qb.separated(", ");
    for v in values {
        list.push_bind(v);
    }
    qb.push(")");
}

/// The first of `codes` that a stored project already has (visible to this transaction).
async fn taken_code(conn: &mut Conn, codes: &[&str]) -> StoreResult<Option<String>> {
    for chunk in codes.chunks(rows_per_statement(1)) {
        let mut qb = QueryBuilder::<Db>::new("SELECT code FROM projects WHERE code IN ");
        push_in_list(&mut qb, chunk.iter().copied());
        qb.push(" ORDER BY code LIMIT 1");
        let found: Option<String> = qb.build_query_scalar().fetch_optional(&mut *conn).await?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// The code generated for a project created without one. `GENERATED_CODE_SQL` computes the same
/// in SQL (both backends), so the codes of a whole batch are set in one statement.
fn generated_code(id: i64) -> String {
    format!("KP{id:06}")
}

const GENERATED_CODE_SQL: &str = "CASE WHEN id < 1000000 THEN 'KP' || SUBSTR(CAST(1000000 + id AS TEXT), 2) \
     ELSE 'KP' || CAST(id AS TEXT) END";

/// From this many projects on, `insert_projects` renders the audit snapshots on a blocking
/// thread while the details are written.
const SNAPSHOTS_ON_A_THREAD: usize = 64;

/// The `after` of each new project's audit record: `audit_snapshot` without its copy (a new
/// project has no reports to leave out), through a `Value` so that the JSON is the same text as
/// every other audit record's (keys in order).
fn audit_snapshots(projects: &[Project]) -> serde_json::Result<Vec<Box<serde_json::value::RawValue>>> {
    projects.iter().map(|p| serde_json::to_value(p).and_then(|v| serde_json::value::to_raw_value(&v))).collect()
}

/// A project to create, who creates it (an import names its file and row), and its state when
/// it is not active (the demo year).
struct NewRow {
    project: NewProject,
    actor: Actor,
    state: Option<(State, String)>,
}

impl NewRow {
    /// The project as it will be stored, but for its id (and its code, when none was given):
    /// version 1, created `now`, with its derived fields.
    fn into_project(self, now: DateTime<Utc>, today: NaiveDate) -> (Project, Actor) {
        let NewRow { project: new, actor, state } = self;
        let (state, state_reason) = state.map_or((State::Active, None), |(s, r)| (s, Some(r)));
        let mut p = Project {
            id: 0,
            code: new.code.unwrap_or_default(),
            name: new.name,
            company: new.company,
            town: TownRef { code: new.town_code, name: String::new() },
            zone: new.zone,
            chain: new.chain,
            total_investment_yuan: new.total_investment_yuan,
            tier: Tier::Below,
            status: Status::Pipeline,
            state,
            state_reason,
            location: new.location,
            address: new.address,
            responsible_unit: new.responsible_unit,
            responsible_leader: new.responsible_leader,
            sample: new.sample,
            milestones: new.milestones,
            lists: new.lists,
            reports: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        p.rederive(today);
        (p, actor)
    }
}

async fn insert_project(
    conn: &mut Conn,
    new: NewProject,
    actor: &Actor,
    now: DateTime<Utc>,
    state: Option<(State, String)>,
) -> StoreResult<Project> {
    let mut stored = insert_projects(conn, vec![NewRow { project: new, actor: actor.clone(), state }], now).await?;
    stored.pop().ok_or_else(|| StoreError::Corrupt("a created project was not returned".into()))
}

/// Create projects with multi-row statements: the project rows (`RETURNING id`), the generated
/// codes, milestones, re-plans, list memberships and one `create` audit record per project, in
/// statements of up to `MAX_ROWS_PER_STATEMENT` rows. Runs inside the caller's transaction;
/// returns the projects as stored, in the order given. The same rows and audit records as
/// creating them one by one.
async fn insert_projects(conn: &mut Conn, rows: Vec<NewRow>, now: DateTime<Utc>) -> StoreResult<Vec<Project>> {
    use chrono::SubsecRound;
    let now = now.trunc_subsecs(6);
    let today = civil_date(now);
    let mut out = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let (mut projects, actors): (Vec<Project>, Vec<Actor>) =
            rows.by_ref().take(projects_per_batch()).map(|r| r.into_project(now, today)).unzip();
        refuse_taken_codes(conn, &projects).await?;
        insert_project_rows(conn, &mut projects).await?;
        set_generated_codes(conn, &mut projects).await?;
        name_towns(conn, &mut projects).await?;

        // The audit snapshots are rendered on a blocking thread while the database writes the
        // details: on two cores the client's JSON work and the server's inserts overlap.
        // A handful (one project from a form) is rendered in place, after the details.
        let projects = std::sync::Arc::new(projects);
        let snapshots = (projects.len() >= SNAPSHOTS_ON_A_THREAD).then(|| {
            let projects = projects.clone();
            tokio::task::spawn_blocking(move || audit_snapshots(&projects))
        });
        insert_details(conn, &projects).await?;
        let snapshots = match snapshots {
            Some(task) => task.await.map_err(|e| StoreError::Corrupt(format!("audit snapshot: {e}")))?,
            None => audit_snapshots(&projects),
        }
        .map_err(|e| StoreError::Corrupt(format!("audit snapshot: {e}")))?;
        insert_create_audits(conn, &projects, &actors, &snapshots, now).await?;
        // The blocking task dropped its handle when it returned.
        out.extend(std::sync::Arc::try_unwrap(projects).unwrap_or_else(|shared| (*shared).clone()));
    }
    Ok(out)
}

/// Codes given twice, or already taken, are refused naming the code (a unique violation from
/// a multi-row INSERT would not say which). An empty code is one still to be generated.
async fn refuse_taken_codes(conn: &mut Conn, projects: &[Project]) -> StoreResult<()> {
    let codes: Vec<&str> = projects.iter().map(|p| p.code.as_str()).filter(|c| !c.is_empty()).collect();
    let mut seen = HashSet::with_capacity(codes.len());
    if let Some(dup) = codes.iter().find(|c| !seen.insert(**c)) {
        return Err(StoreError::DuplicateCode(dup.to_string()));
    }
    match taken_code(conn, &codes).await? {
        Some(taken) => Err(StoreError::DuplicateCode(taken)),
        None => Ok(()),
    }
}

/// The project rows, in one statement. Ids are assigned in VALUES order on both backends; the
/// rows come back sorted by id and are checked against the names sent.
async fn insert_project_rows(conn: &mut Conn, projects: &mut [Project]) -> StoreResult<()> {
    let returned = {
        let first_code = projects.iter().map(|p| p.code.as_str()).find(|c| !c.is_empty());
        let mut qb = QueryBuilder::<Db>::new(format!("INSERT INTO projects ({}) ", PROJECT_COLUMNS.join(", ")));
        qb.push_values(projects.iter(), |mut b, p| push_project_values(&mut b, p));
        qb.push(" RETURNING id, name");
        let mut returned: Vec<(i64, String)> =
            qb.build_query_as().fetch_all(&mut *conn).await.map_err(|e| duplicate_code_or(e, first_code))?;
        returned.sort_unstable_by_key(|(id, _)| *id);
        returned
    };
    if returned.len() != projects.len() || returned.iter().zip(projects.iter()).any(|((_, name), p)| *name != p.name) {
        return Err(StoreError::Corrupt("created project rows came back out of order".into()));
    }
    for ((id, _), p) in returned.into_iter().zip(projects.iter_mut()) {
        p.id = id;
    }
    Ok(())
}

/// Codes for the projects created without one. They follow the row id, so they are unique and
/// never reused; one UPDATE per statement-sized chunk sets them all.
async fn set_generated_codes(conn: &mut Conn, projects: &mut [Project]) -> StoreResult<()> {
    let ids: Vec<i64> = projects.iter().filter(|p| p.code.is_empty()).map(|p| p.id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let codes: Vec<String> = ids.iter().map(|id| generated_code(*id)).collect();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    if let Some(taken) = taken_code(conn, &codes).await? {
        return Err(StoreError::DuplicateCode(taken));
    }
    for chunk in ids.chunks(rows_per_statement(1)) {
        let mut qb = QueryBuilder::<Db>::new(format!("UPDATE projects SET code = {GENERATED_CODE_SQL} WHERE id IN "));
        push_in_list(&mut qb, chunk.iter().copied());
        qb.build().execute(&mut *conn).await.map_err(|e| duplicate_code_or(e, codes.first().copied()))?;
    }
    for p in projects.iter_mut().filter(|p| p.code.is_empty()) {
        p.code = generated_code(p.id);
    }
    Ok(())
}

/// The project as stored is the one in hand (timestamps are at the databases' microsecond
/// precision already); only the towns' names come from the database.
async fn name_towns(conn: &mut Conn, projects: &mut [Project]) -> StoreResult<()> {
    let names: HashMap<String, String> = {
        let town_codes: HashSet<&str> = projects.iter().map(|p| p.town.code.as_str()).collect();
        let mut qb = QueryBuilder::<Db>::new("SELECT code, name FROM towns WHERE code IN ");
        push_in_list(&mut qb, town_codes.iter().copied());
        qb.build_query_as::<(String, String)>().fetch_all(&mut *conn).await?.into_iter().collect()
    };
    for p in projects.iter_mut() {
        p.town.name = names.get(&p.town.code).cloned().unwrap_or_else(|| p.town.code.clone());
    }
    Ok(())
}

/// Milestones (those with any date), their re-plans and the list memberships of new projects.
async fn insert_details(conn: &mut Conn, projects: &[Project]) -> StoreResult<()> {
    let milestones: Vec<(i64, MilestoneKind, &Milestone)> = projects
        .iter()
        .flat_map(|p| MilestoneKind::ALL.iter().map(move |k| (p.id, *k, p.milestones.get(*k))))
        .filter(|(_, _, m)| **m != Milestone::default())
        .collect();
    insert_rows(
        conn,
        "INSERT INTO milestones (project_id, kind, baseline, planned, actual) ",
        5,
        &milestones,
        |b, (id, kind, m)| {
            b.push_bind(*id).push_bind(kind.code()).push_bind(m.baseline).push_bind(m.planned).push_bind(m.actual);
        },
    )
    .await?;
    let replans: Vec<(i64, MilestoneKind, &Replan)> =
        milestones.iter().flat_map(|(id, kind, m)| m.replans.iter().map(move |r| (*id, *kind, r))).collect();
    insert_rows(
        conn,
        "INSERT INTO milestone_replans (project_id, kind, from_date, to_date, reason, actor, at, effective) ",
        8,
        &replans,
        |b, (id, kind, r)| {
            b.push_bind(*id)
                .push_bind(kind.code())
                .push_bind(r.from)
                .push_bind(r.to)
                .push_bind(&r.reason)
                .push_bind(&r.actor)
                .push_bind(r.at)
                .push_bind(r.effective);
        },
    )
    .await?;
    let lists: Vec<(i64, &Membership)> = projects.iter().flat_map(|p| p.lists.iter().map(move |m| (p.id, m))).collect();
    insert_rows(
        conn,
        "INSERT INTO list_memberships (project_id, year, list, kind, build_type, annual_plan_yuan, effective_from, effective_to) ",
        8,
        &lists,
        |b, (id, m)| {
            b.push_bind(*id)
                .push_bind(m.year)
                .push_bind(m.list.code())
                .push_bind(m.kind.code())
                .push_bind(m.build_type.code())
                .push_bind(m.annual_plan_yuan.0)
                .push_bind(m.effective_from)
                .push_bind(m.effective_to);
        },
    )
    .await
}

/// One `create` audit record per new project, with its actor and source (file and row).
async fn insert_create_audits(
    conn: &mut Conn,
    projects: &[Project],
    actors: &[Actor],
    snapshots: &[Box<serde_json::value::RawValue>],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let audit: Vec<(&Actor, String, Json<&serde_json::value::RawValue>)> = projects
        .iter()
        .zip(actors)
        .zip(snapshots)
        .map(|((p, a), after)| (a, p.id.to_string(), Json(after.as_ref())))
        .collect();
    insert_rows(
        conn,
        "INSERT INTO audit_log (at, actor, source, entity, entity_id, action, before, after) ",
        5,
        &audit,
        |b, (actor, entity_id, after)| {
            b.push_bind(now)
                .push_bind(&actor.name)
                .push_bind(&actor.source)
                .push("'project'")
                .push_bind(entity_id)
                .push("'create'")
                .push("NULL")
                .push_bind(after);
        },
    )
    .await
}

/// Write `after` over `before` (same id): derived fields, version + 1, changed rows, audit.
/// The `WHERE version` guard turns a concurrent commit into a conflict.
async fn update_project(
    conn: &mut Conn,
    before: &Project,
    mut after: Project,
    action: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> StoreResult<Project> {
    let id = before.id;
    after.rederive(civil_date(now));
    after.version = before.version + 1;
    after.updated_at = now;
    let updated = {
        let mut qb = QueryBuilder::<Db>::new(format!("UPDATE projects SET ({}) = (", PROJECT_COLUMNS.join(", ")));
        push_project_values(&mut qb.separated(", "), &after);
        qb.push(") WHERE id = ").push_bind(id).push(" AND version = ").push_bind(before.version);
        qb.build().execute(&mut *conn).await.map_err(|e| duplicate_code_or(e, Some(&after.code)))?
    };
    if updated.rows_affected() == 0 {
        // Someone committed between our read and our write (PostgreSQL read committed).
        return Err(StoreError::Conflict { what: Entity::Project, current: before.version + 1 });
    }
    write_details(&mut *conn, &after, Some(before)).await?;
    let stored = load_project(&mut *conn, id, true).await?;
    append_audit(
        &mut *conn,
        actor,
        now,
        Change {
            entity: "project",
            entity_id: id.to_string(),
            action,
            before: Some(before.audit_snapshot()),
            after: Some(stored.audit_snapshot()),
        },
    )
    .await?;
    Ok(stored)
}

/// Change nothing, but lock the row of `before` and re-check its version, so that checks made on
/// it (a town editor's scope) cannot race a concurrent change (PostgreSQL read committed).
async fn lock_project(conn: &mut Conn, before: &Project) -> StoreResult<Project> {
    let locked = sqlx::query("UPDATE projects SET version = version WHERE id = $1 AND version = $2")
        .bind(before.id)
        .bind(before.version)
        .execute(&mut *conn)
        .await?;
    if locked.rows_affected() == 0 {
        return Err(StoreError::Conflict { what: Entity::Project, current: before.version + 1 });
    }
    load_project(conn, before.id, true).await
}

async fn write_report(
    conn: &mut Conn,
    id: i64,
    report: &MonthlyReport,
    actor: &Actor,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let period = report.period.to_string();
    sqlx::query("DELETE FROM report_problems WHERE project_id = $1 AND period = $2")
        .bind(id)
        .bind(&period)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO monthly_reports (project_id, period, completed_yuan, funds_arrived_yuan, note, reported_at, reported_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (project_id, period) DO UPDATE SET \
         completed_yuan = $3, funds_arrived_yuan = $4, note = $5, reported_at = $6, reported_by = $7",
    )
    .bind(id)
    .bind(&period)
    .bind(report.completed_yuan.0)
    .bind(report.funds_arrived_yuan.0)
    .bind(&report.note)
    .bind(now)
    .bind(&actor.name)
    .execute(&mut *conn)
    .await?;
    for (position, p) in report.problems.iter().enumerate() {
        sqlx::query(
            "INSERT INTO report_problems (project_id, period, position, factor, text, responsible_unit) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&period)
        .bind(position as i32)
        .bind(p.factor.code())
        .bind(&p.text)
        .bind(&p.responsible_unit)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

impl Backend {
    pub async fn connect(url: &str) -> StoreResult<Backend> {
        let (pool, write_pool) = open_pools(url).await?;
        Ok(Backend { pool, write_pool })
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.write_pool).await?;
        Ok(())
    }

    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.write_pool.close().await;
        self.pool.close().await;
    }

    pub async fn town_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM towns").fetch_one(&self.pool).await?)
    }

    pub async fn town_layer_revision(&self) -> StoreResult<i64> {
        let v: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = 'town_layer_revision'")
            .fetch_optional(&self.pool)
            .await?;
        Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    pub async fn load_town_layer(&self) -> StoreResult<TownLayer> {
        let rows: Vec<TownRow> = sqlx::query_as(
            "SELECT code, name, name_hant, name_en, pinyin, kind, seat_lon, seat_lat, geometry, approximate, aliases \
             FROM towns ORDER BY position",
        )
        .fetch_all(&self.pool)
        .await?;
        let towns = rows
            .into_iter()
            .map(|r| {
                let geometry = match r.geometry {
                    Some(g) => Some(
                        serde_json::from_str(&g)
                            .map_err(|e| StoreError::Corrupt(format!("town {} geometry: {e}", r.code)))?,
                    ),
                    None => None,
                };
                let aliases =
                    serde_json::from_str(&r.aliases).map_err(|e| StoreError::Corrupt(format!("town aliases: {e}")))?;
                Ok(Town {
                    code: r.code,
                    name: r.name,
                    name_hant: r.name_hant,
                    name_en: r.name_en,
                    pinyin: r.pinyin,
                    kind: r.kind,
                    seat: LonLat { lon: r.seat_lon, lat: r.seat_lat },
                    geometry,
                    approximate: r.approximate,
                    aliases,
                })
            })
            .collect::<StoreResult<Vec<Town>>>()?;
        let row = sqlx::query("SELECT name, geometry, attribution FROM county_outline WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::Corrupt("no county outline".into()))?;
        let geometry: String = row.try_get("geometry")?;
        let county =
            serde_json::from_str(&geometry).map_err(|e| StoreError::Corrupt(format!("county outline: {e}")))?;
        TownLayer::new(towns, row.try_get("name")?, county, row.try_get("attribution")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    pub async fn replace_town_layer(&self, layer: &TownLayer, actor: &Actor, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = begin_write(&self.write_pool).await?;
        let codes: Vec<String> = sqlx::query_scalar("SELECT DISTINCT town_code FROM projects ORDER BY town_code")
            .fetch_all(&mut *tx)
            .await?;
        let missing: Vec<&String> = codes.iter().filter(|c| layer.by_code(c).is_none()).collect();
        if !missing.is_empty() {
            let list = missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
            return Err(StoreError::TownsInUse(format!(
                "新图层缺少项目正在使用的镇街代码:{list} / the new layer lacks town codes that projects use: {list}"
            )));
        }
        let before: Vec<String> =
            sqlx::query_scalar("SELECT code FROM towns ORDER BY position").fetch_all(&mut *tx).await?;
        sqlx::query("DELETE FROM towns").execute(&mut *tx).await?;
        for (position, t) in layer.towns.iter().enumerate() {
            let geometry = t.geometry.as_ref().map(|g| serde_json::to_string(g).unwrap_or_default());
            sqlx::query(
                "INSERT INTO towns (code, position, name, name_hant, name_en, pinyin, kind, seat_lon, seat_lat, geometry, approximate, aliases) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(&t.code)
            .bind(position as i32)
            .bind(&t.name)
            .bind(&t.name_hant)
            .bind(&t.name_en)
            .bind(&t.pinyin)
            .bind(&t.kind)
            .bind(t.seat.lon)
            .bind(t.seat.lat)
            .bind(geometry)
            .bind(t.approximate)
            .bind(serde_json::to_string(&t.aliases).unwrap_or_else(|_| "[]".into()))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO county_outline (id, name, geometry, attribution) VALUES (1, $1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET name = $1, geometry = $2, attribution = $3",
        )
        .bind(&layer.county_name)
        .bind(serde_json::to_string(&layer.county_geometry).unwrap_or_default())
        .bind(&layer.attribution)
        .execute(&mut *tx)
        .await?;
        let revision = self.town_layer_revision().await? + 1;
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ('town_layer_revision', $1) ON CONFLICT (key) DO UPDATE SET value = $1",
        )
        .bind(revision.to_string())
        .execute(&mut *tx)
        .await?;
        let after: Vec<&str> = layer.towns.iter().map(|t| t.code.as_str()).collect();
        append_audit(
            &mut tx,
            actor,
            now,
            Change {
                entity: "town_layer",
                entity_id: revision.to_string(),
                action: "replace",
                before: Some(serde_json::json!({ "codes": before })),
                after: Some(serde_json::json!({ "codes": after, "county": layer.county_name, "attribution": layer.attribution })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn town_stats(&self, filter: &ProjectFilter) -> StoreResult<Vec<TownStat>> {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT p.town_code AS code, COUNT(*) AS project_count, CAST(COALESCE(SUM(p.total_investment_yuan), 0) AS BIGINT) AS investment_yuan \
             FROM projects p",
        );
        push_filter(&mut qb, filter);
        qb.push(" AND p.state <> 'withdrawn' GROUP BY p.town_code");
        Ok(qb.build_query_as().fetch_all(&self.pool).await?)
    }

    pub async fn create_project(&self, new: NewProject, actor: &Actor, now: DateTime<Utc>) -> StoreResult<Project> {
        let mut tx = begin_write(&self.write_pool).await?;
        let p = insert_project(&mut tx, new, actor, now, None).await?;
        tx.commit().await?;
        Ok(p)
    }

    pub async fn create_projects(
        &self,
        batch: Vec<NewProjectWithReports>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>> {
        let mut tx = begin_write(&self.write_pool).await?;
        let mut ids = Vec::with_capacity(batch.len());
        for item in batch {
            let p = insert_project(&mut tx, item.project, actor, now, item.state).await?;
            for r in &item.reports {
                write_report(&mut tx, p.id, r, actor, now).await?;
                append_audit(
                    &mut tx,
                    actor,
                    now,
                    Change {
                        entity: "report",
                        entity_id: format!("{}/{}", p.id, r.period),
                        action: "put",
                        before: None,
                        after: serde_json::to_value(r).ok(),
                    },
                )
                .await?;
            }
            ids.push(p.id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    pub async fn project(&self, id: i64) -> StoreResult<Project> {
        let mut conn = self.pool.acquire().await?;
        load_project(&mut conn, id, true).await
    }

    pub async fn list_projects(
        &self,
        filter: &ProjectFilter,
        paged: bool,
        with_reports: bool,
    ) -> StoreResult<(Vec<Project>, i64)> {
        let mut conn = self.pool.acquire().await?;
        let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM projects p");
        push_filter(&mut count, filter);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
        let projects = load_projects(&mut conn, filter, paged, with_reports).await?;
        Ok((projects, total))
    }

    /// Read-modify-write one project in a transaction: `change` edits the project as stored and
    /// says what to write (`Edit`); the version must still be `expected_version`, if given.
    pub async fn modify_project<F>(
        &self,
        id: i64,
        expected_version: Option<i64>,
        action: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        change: F,
    ) -> StoreResult<(Project, Option<Approval>)>
    where
        F: FnOnce(&mut Project) -> Result<Edit, StoreError> + Send,
    {
        let mut tx = begin_write(&self.write_pool).await?;
        let before = load_project(&mut tx, id, false).await?;
        if expected_version.is_some_and(|v| v != before.version) {
            return Err(StoreError::Conflict { what: Entity::Project, current: before.version });
        }
        let mut after = before.clone();
        let (stored, held) = match change(&mut after)? {
            Edit::Apply => (update_project(&mut tx, &before, after, action, actor, now).await?, None),
            Edit::ApplyAndHold(held) => {
                (update_project(&mut tx, &before, after, action, actor, now).await?, Some(held))
            }
            Edit::Hold(held) => (lock_project(&mut tx, &before).await?, Some(held)),
        };
        let approval = match held {
            Some(h) => Some(insert_approval(&mut tx, id, &h, actor, now).await?),
            None => None,
        };
        tx.commit().await?;
        Ok((stored, approval))
    }

    /// Apply a batch of creations and updates (an import) in one transaction: all or nothing.
    /// An update names the version it was computed from; if the project moved since, nothing
    /// is written (409), so an import never overwrites a concurrent edit.
    pub async fn apply_changes(&self, changes: Vec<ImportChange>, now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
        self.apply_changes_reporting(changes, now, &|_| {}).await
    }

    /// `apply_changes`, calling `progress` with the number of changes written so far.
    /// Consecutive creations go in multi-row statements (`insert_projects`); each update is
    /// read, version-checked and rewritten on its own.
    pub async fn apply_changes_reporting(
        &self,
        changes: Vec<ImportChange>,
        now: DateTime<Utc>,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<Vec<i64>> {
        let mut tx = begin_write(&self.write_pool).await?;
        let mut ids = Vec::with_capacity(changes.len());
        let mut changes = changes.into_iter().peekable();
        while let Some(change) = changes.next() {
            match change {
                ImportChange::Create { project, actor } => {
                    let mut batch = vec![NewRow { project, actor, state: None }];
                    while batch.len() < projects_per_batch() {
                        match changes.next_if(|c| matches!(c, ImportChange::Create { .. })) {
                            Some(ImportChange::Create { project, actor }) => {
                                batch.push(NewRow { project, actor, state: None })
                            }
                            _ => break,
                        }
                    }
                    ids.extend(insert_projects(&mut tx, batch, now).await?.iter().map(|p| p.id));
                }
                ImportChange::Update { expected_version, after, actor } => {
                    let before = load_project(&mut tx, after.id, false).await?;
                    if before.version != expected_version {
                        return Err(StoreError::Conflict { what: Entity::Project, current: before.version });
                    }
                    ids.push(update_project(&mut tx, &before, after, "import", &actor, now).await?.id);
                }
            }
            progress(ids.len());
        }
        tx.commit().await?;
        Ok(ids)
    }

    pub async fn put_report(
        &self,
        id: i64,
        expected_version: Option<i64>,
        report: &MonthlyReport,
        towns: Option<&[String]>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<Project> {
        let mut tx = begin_write(&self.write_pool).await?;
        let before = load_project(&mut tx, id, true).await?;
        if towns.is_some_and(|t| !t.contains(&before.town.code)) {
            return Err(crate::domain::access::Refusal::OutsideTowns(before.town.code).into());
        }
        if let Some(v) = expected_version
            && v != before.version
        {
            return Err(StoreError::Conflict { what: Entity::Project, current: before.version });
        }
        let old = before
            .reports
            .as_ref()
            .and_then(|rs| rs.iter().find(|r| r.report.period == report.period))
            .map(|r| &r.report);
        let old_json = old.and_then(|r| serde_json::to_value(r).ok());
        let bumped =
            sqlx::query("UPDATE projects SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3")
                .bind(now)
                .bind(id)
                .bind(before.version)
                .execute(&mut *tx)
                .await?;
        if bumped.rows_affected() == 0 {
            return Err(StoreError::Conflict { what: Entity::Project, current: before.version + 1 });
        }
        write_report(&mut tx, id, report, actor, now).await?;
        append_audit(
            &mut tx,
            actor,
            now,
            Change {
                entity: "report",
                entity_id: format!("{id}/{}", report.period),
                action: if old.is_some() { "replace" } else { "create" },
                before: old_json,
                after: serde_json::to_value(report).ok(),
            },
        )
        .await?;
        let stored = load_project(&mut tx, id, true).await?;
        tx.commit().await?;
        Ok(stored)
    }

    pub async fn history(&self, entity: &str, entity_id: &str) -> StoreResult<Vec<AuditRecord>> {
        // A project's history includes its reports (`{id}/{period}`).
        let like = format!("{entity_id}/%");
        Ok(sqlx::query_as(
            "SELECT id, at, actor, source, entity, entity_id, action, before, after FROM audit_log \
             WHERE (entity = $1 AND entity_id = $2) OR ($1 = 'project' AND entity = 'report' AND entity_id LIKE $3) ORDER BY id",
        )
        .bind(entity)
        .bind(entity_id)
        .bind(like)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn project_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM projects").fetch_one(&self.pool).await?)
    }

    pub async fn data_revision(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM audit_log")
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn targets(&self, year: i32) -> StoreResult<Option<Targets>> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM targets WHERE year = $1")
            .bind(year)
            .fetch_optional(&self.pool)
            .await?;
        body.map(|b| serde_json::from_str(&b).map_err(|e| StoreError::Corrupt(format!("targets {year}: {e}"))))
            .transpose()
    }

    pub async fn put_targets(
        &self,
        year: i32,
        targets: &Targets,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = begin_write(&self.write_pool).await?;
        let before: Option<String> =
            sqlx::query_scalar("SELECT body FROM targets WHERE year = $1").bind(year).fetch_optional(&mut *tx).await?;
        let body = serde_json::to_string(targets).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO targets (year, body, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (year) DO UPDATE SET body = $2, updated_at = $3, updated_by = $4",
        )
        .bind(year)
        .bind(&body)
        .bind(now)
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        append_audit(
            &mut tx,
            actor,
            now,
            Change {
                entity: "targets",
                entity_id: year.to_string(),
                action: "put",
                before: before.and_then(|b| serde_json::from_str(&b).ok()),
                after: serde_json::to_value(targets).ok(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Store a weekly report as issued. Published reports are immutable: a second publication
    /// of the same week is refused.
    pub async fn publish_weekly(&self, report: &PublishedWeekly, actor: &Actor) -> StoreResult<()> {
        let mut tx = begin_write(&self.write_pool).await?;
        let exists: Option<String> = sqlx::query_scalar("SELECT week FROM published_weekly WHERE week = $1")
            .bind(&report.week)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(StoreError::AlreadyPublished(report.week.clone()));
        }
        sqlx::query(
            "INSERT INTO published_weekly (week, published_at, published_by, report, xlsx, csv, html) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&report.week)
        .bind(report.published_at)
        .bind(&report.published_by)
        .bind(&report.json)
        .bind(&report.xlsx)
        .bind(&report.csv)
        .bind(&report.html)
        .execute(&mut *tx)
        .await?;
        append_audit(
            &mut tx,
            actor,
            report.published_at,
            Change {
                entity: "weekly_report",
                entity_id: report.week.clone(),
                action: "publish",
                before: None,
                after: Some(serde_json::json!({ "week": report.week })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn published_weekly(&self, week: &str) -> StoreResult<Option<PublishedWeekly>> {
        Ok(sqlx::query_as(
            "SELECT week, published_at, published_by, report AS json, xlsx, csv, html FROM published_weekly WHERE week = $1",
        )
        .bind(week)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn published_weeks(&self) -> StoreResult<Vec<(String, DateTime<Utc>, String)>> {
        let rows = sqlx::query("SELECT week, published_at, published_by FROM published_weekly ORDER BY week DESC")
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| Ok((r.try_get("week")?, r.try_get("published_at")?, r.try_get("published_by")?)))
            .collect()
    }
}

/// Saved column mappings of spreadsheet imports (`import_mappings`).
impl Backend {
    fn saved_mapping(row: (String, String, DateTime<Utc>, String)) -> StoreResult<super::SavedMapping> {
        let (name, mapping, updated_at, updated_by) = row;
        let mapping =
            serde_json::from_str(&mapping).map_err(|e| StoreError::Corrupt(format!("import mapping {name:?}: {e}")))?;
        Ok(super::SavedMapping { name, mapping, updated_at, updated_by })
    }

    pub async fn import_mappings(&self) -> StoreResult<Vec<super::SavedMapping>> {
        let rows: Vec<(String, String, DateTime<Utc>, String)> =
            sqlx::query_as("SELECT name, mapping, updated_at, updated_by FROM import_mappings ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(Backend::saved_mapping).collect()
    }

    pub async fn import_mapping(&self, name: &str) -> StoreResult<Option<super::SavedMapping>> {
        let row: Option<(String, String, DateTime<Utc>, String)> =
            sqlx::query_as("SELECT name, mapping, updated_at, updated_by FROM import_mappings WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
        row.map(Backend::saved_mapping).transpose()
    }

    /// Save (create or replace) a mapping under `name`, with its audit record.
    pub async fn put_import_mapping(
        &self,
        name: &str,
        mapping: &crate::domain::column_mapping::ColumnMapping,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<super::SavedMapping> {
        use chrono::SubsecRound;
        let now = now.trunc_subsecs(6);
        let body = serde_json::to_string(mapping).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = begin_write(&self.write_pool).await?;
        let before: Option<String> = sqlx::query_scalar("SELECT mapping FROM import_mappings WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO import_mappings (name, mapping, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO UPDATE SET mapping = $2, updated_at = $3, updated_by = $4",
        )
        .bind(name)
        .bind(&body)
        .bind(now)
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        append_audit(
            &mut tx,
            actor,
            now,
            Change {
                entity: "import_mapping",
                entity_id: name.to_string(),
                action: if before.is_some() { "replace" } else { "create" },
                before: before.and_then(|b| serde_json::from_str(&b).ok()),
                after: serde_json::to_value(mapping).ok(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(super::SavedMapping {
            name: name.to_string(),
            mapping: mapping.clone(),
            updated_at: now,
            updated_by: actor.name.clone(),
        })
    }

    /// Delete a saved mapping; false if there was none.
    pub async fn delete_import_mapping(&self, name: &str, actor: &Actor, now: DateTime<Utc>) -> StoreResult<bool> {
        let mut tx = begin_write(&self.write_pool).await?;
        let before: Option<String> = sqlx::query_scalar("SELECT mapping FROM import_mappings WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(before) = before else { return Ok(false) };
        sqlx::query("DELETE FROM import_mappings WHERE name = $1").bind(name).execute(&mut *tx).await?;
        append_audit(
            &mut tx,
            actor,
            now,
            Change {
                entity: "import_mapping",
                entity_id: name.to_string(),
                action: "delete",
                before: serde_json::from_str(&before).ok(),
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod project_columns {
    use super::*;
    use sqlx::{Arguments, Execute};

    #[test]
    fn every_project_column_gets_exactly_one_value() {
        let p = crate::domain::project::test_project();
        let mut qb = QueryBuilder::<Db>::new("");
        push_project_values(&mut qb.separated(", "), &p);
        let mut query = qb.build();
        let bound = query.take_arguments().ok().flatten().map(|a| a.len());
        assert_eq!(bound, Some(PROJECT_COLUMNS.len()));
    }
}
