//! Storage: one interface over SQLite (embedded default) and PostgreSQL, chosen by the
//! `DATABASE_URL` scheme. The SQL is written once (`sql.rs`, `$1` placeholders) and compiled
//! for each backend with its concrete sqlx types, so neither backend goes through `Any`.

mod account_model;
mod model;
mod postgres;
mod sqlite;

pub use account_model::*;
pub use model::*;

use crate::clock::Clock;
use crate::domain::Invalid;
use crate::domain::approval::ApprovalStatus;
use crate::domain::error::Entity;
use crate::domain::indicators::Targets;
use crate::domain::project::Project;
use crate::domain::report::MonthlyReport;
use crate::geo::TownLayer;
use chrono::{DateTime, Utc};
use std::sync::{Arc, RwLock};
use tracing::field::Empty;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such project, user, token … (which kind: for the message).
    #[error("{0} not found")]
    NotFound(Entity),
    /// The caller's version is stale: someone else changed the project (or user) first.
    #[error("version conflict: the {what} is at version {current}")]
    Conflict { what: Entity, current: i64 },
    #[error("duplicate project code {0}")]
    DuplicateCode(String),
    #[error("{0}")]
    Invalid(Invalid),
    #[error("{0}")]
    TownsInUse(String),
    #[error("week {0} is already published")]
    AlreadyPublished(String),
    #[error("user {0} already exists")]
    UserExists(String),
    /// The approval was already decided (its status).
    #[error("the approval is {0}, not pending")]
    NotPending(ApprovalStatus),
    /// Changes are held for approval only when requested through the web app or the API (the
    /// source named).
    #[error("changes from {0:?} are not held for approval")]
    NotHeldFrom(String),
    /// The values a held change would replace were changed after it was requested.
    #[error("the project changed since the change was requested")]
    StaleApproval,
    /// The access rules refuse the change (checked inside the write, on the stored project).
    #[error("refused: {0}")]
    Refused(crate::domain::access::Refusal),
    #[error("unsupported database URL {0:?}: use sqlite:PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<crate::domain::access::Refusal> for StoreError {
    fn from(r: crate::domain::access::Refusal) -> Self {
        StoreError::Refused(r)
    }
}

impl From<Invalid> for StoreError {
    fn from(e: Invalid) -> Self {
        StoreError::Invalid(e)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

pub(crate) enum Backend {
    Sqlite(sqlite::Backend),
    Postgres(postgres::Backend),
}

/// Run the same call on whichever backend this store has.
macro_rules! on_backend {
    ($self:expr, $b:ident => $call:expr) => {
        match &$self.backend {
            Backend::Sqlite($b) => $call,
            Backend::Postgres($b) => $call,
        }
    };
}

mod accounts;

/// The database, plus a cache of the town layer keyed by its stored revision (so several
/// app instances sharing one PostgreSQL all see a re-imported layer).
pub struct Store {
    backend: Backend,
    towns: RwLock<Option<(i64, Arc<TownLayer>)>>,
}

impl Store {
    /// Connect (creating a SQLite file if needed), migrate, and seed the default town layer
    /// (its audit record stamped by `clock`, like every other write).
    pub async fn open(url: &str, clock: Clock) -> StoreResult<Store> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite(sqlite::Backend::connect(url).await?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres(postgres::Backend::connect(url).await?)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        let store = Store { backend, towns: RwLock::new(None) };
        on_backend!(store, b => b.migrate().await)?;
        if on_backend!(store, b => b.town_count().await)? == 0 {
            let actor = Actor::system("migrate");
            store.replace_town_layer(&TownLayer::tengzhou(), &actor, clock.now()).await?;
        }
        Ok(store)
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    pub async fn ping(&self) -> StoreResult<()> {
        on_backend!(self, b => b.ping().await)
    }

    pub async fn close(&self) {
        on_backend!(self, b => b.close().await)
    }

    /// The town layer, reloaded only when its stored revision changed.
    pub async fn town_layer(&self) -> StoreResult<Arc<TownLayer>> {
        let revision = on_backend!(self, b => b.town_layer_revision().await)?;
        if let Ok(guard) = self.towns.read()
            && let Some((r, layer)) = guard.as_ref()
            && *r == revision
        {
            return Ok(layer.clone());
        }
        let layer = Arc::new(on_backend!(self, b => b.load_town_layer().await)?);
        if let Ok(mut guard) = self.towns.write() {
            *guard = Some((revision, layer.clone()));
        }
        Ok(layer)
    }

    /// Replace the whole town layer. Fails (changing nothing) if projects use a code the
    /// new layer lacks.
    #[tracing::instrument(level = "info", skip_all, fields(backend = self.backend_name(), towns = layer.towns.len()))]
    pub async fn replace_town_layer(&self, layer: &TownLayer, actor: &Actor, now: DateTime<Utc>) -> StoreResult<()> {
        on_backend!(self, b => b.replace_town_layer(layer, actor, now).await)
    }

    pub async fn town_stats(&self, filter: &ProjectFilter) -> StoreResult<Vec<TownStat>> {
        on_backend!(self, b => b.town_stats(filter).await)
    }

    pub async fn create_project(&self, new: NewProject, actor: &Actor, now: DateTime<Utc>) -> StoreResult<Project> {
        on_backend!(self, b => b.create_project(new, actor, now).await)
    }

    /// Load many projects (with their reports and state) in one transaction: the demo year,
    /// and later imports. All or nothing.
    #[tracing::instrument(level = "info", skip_all, fields(backend = self.backend_name(), projects = batch.len()))]
    pub async fn create_projects(
        &self,
        batch: Vec<NewProjectWithReports>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>> {
        on_backend!(self, b => b.create_projects(batch, actor, now).await)
    }

    pub async fn project(&self, id: i64) -> StoreResult<Project> {
        on_backend!(self, b => b.project(id).await)
    }

    /// Projects matching `filter` (only its page when `paged`) and the total count; with their
    /// monthly reports when asked (the lights need them).
    #[tracing::instrument(
        level = "debug",
        skip_all,
        fields(backend = self.backend_name(), paged = paged, with_reports = with_reports, returned = Empty, total = Empty)
    )]
    pub async fn list_projects(
        &self,
        filter: &ProjectFilter,
        paged: bool,
        with_reports: bool,
    ) -> StoreResult<(Vec<Project>, i64)> {
        let (projects, total) = on_backend!(self, b => b.list_projects(filter, paged, with_reports).await)?;
        tracing::Span::current().record("returned", projects.len()).record("total", total);
        Ok((projects, total))
    }

    /// Every project with its reports: the input of the calculation engine.
    #[tracing::instrument(level = "debug", skip_all, fields(backend = self.backend_name(), returned = Empty))]
    pub async fn all_projects(&self) -> StoreResult<Vec<Project>> {
        let all = ProjectFilter { limit: i64::MAX, ..ProjectFilter::default() };
        let projects = on_backend!(self, b => b.list_projects(&all, false, true).await)?.0;
        tracing::Span::current().record("returned", projects.len());
        Ok(projects)
    }

    pub async fn targets(&self, year: i32) -> StoreResult<Option<Targets>> {
        on_backend!(self, b => b.targets(year).await)
    }

    pub async fn put_targets(
        &self,
        year: i32,
        targets: &Targets,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_backend!(self, b => b.put_targets(year, targets, actor, now).await)
    }

    #[tracing::instrument(
        level = "info",
        skip_all,
        fields(backend = self.backend_name(), week = %report.week, bytes = report.xlsx.len() + report.csv.len() + report.html.len())
    )]
    pub async fn publish_weekly(&self, report: &PublishedWeekly, actor: &Actor) -> StoreResult<()> {
        on_backend!(self, b => b.publish_weekly(report, actor).await)
    }

    pub async fn published_weekly(&self, week: &str) -> StoreResult<Option<PublishedWeekly>> {
        on_backend!(self, b => b.published_weekly(week).await)
    }

    /// (week, published at, by), newest first.
    pub async fn published_weeks(&self) -> StoreResult<Vec<(String, DateTime<Utc>, String)>> {
        on_backend!(self, b => b.published_weeks().await)
    }

    /// Read-modify-write one project in a transaction, the one path for changing a project:
    /// `change` edits the aggregate as stored (and validates) and says what to write — the edit,
    /// a part held for approval, or both (`Edit`). The store bumps the version, rewrites what
    /// changed, audits before/after and records the held part, all or nothing.
    /// `expected_version`, when given, must match or nothing changes (409).
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
        on_backend!(self, b => b.modify_project(id, expected_version, action, actor, now, change).await)
    }

    /// Store a monthly report (replacing the same month's), bumping the project's version;
    /// with `towns`, only on a project in one of them.
    pub async fn put_report(
        &self,
        id: i64,
        expected_version: Option<i64>,
        report: &MonthlyReport,
        towns: Option<&[String]>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<Project> {
        on_backend!(self, b => b.put_report(id, expected_version, report, towns, actor, now).await)
    }

    /// Creations and updates of an import in one transaction (all or nothing, version-checked).
    #[tracing::instrument(level = "info", skip_all, fields(backend = self.backend_name(), changes = changes.len()))]
    pub async fn apply_changes(&self, changes: Vec<ImportChange>, now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
        on_backend!(self, b => b.apply_changes(changes, now).await)
    }

    /// The audit records of one entity, oldest first (a project's include its reports').
    #[tracing::instrument(
        level = "debug",
        skip_all,
        fields(backend = self.backend_name(), entity = entity, entity_id = entity_id, returned = Empty)
    )]
    pub async fn history(&self, entity: &str, entity_id: &str) -> StoreResult<Vec<AuditRecord>> {
        let records = on_backend!(self, b => b.history(entity, entity_id).await)?;
        tracing::Span::current().record("returned", records.len());
        Ok(records)
    }

    pub async fn project_count(&self) -> StoreResult<i64> {
        on_backend!(self, b => b.project_count().await)
    }

    /// Changes whenever any data changes (the newest audit record): a cheap cache key.
    pub async fn data_revision(&self) -> StoreResult<i64> {
        on_backend!(self, b => b.data_revision().await)
    }

    /// `apply_changes`, calling `progress` with the number of changes written so far (creations
    /// are written in multi-row batches, so it advances a batch at a time).
    #[tracing::instrument(level = "info", skip_all, fields(backend = self.backend_name(), changes = changes.len()))]
    pub async fn apply_changes_reporting(
        &self,
        changes: Vec<ImportChange>,
        now: DateTime<Utc>,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<Vec<i64>> {
        on_backend!(self, b => b.apply_changes_reporting(changes, now, progress).await)
    }

    /// The saved column mappings of spreadsheet imports, by name.
    pub async fn import_mappings(&self) -> StoreResult<Vec<SavedMapping>> {
        on_backend!(self, b => b.import_mappings().await)
    }

    pub async fn import_mapping(&self, name: &str) -> StoreResult<Option<SavedMapping>> {
        on_backend!(self, b => b.import_mapping(name).await)
    }

    /// Save a column mapping under `name` (replacing one of the same name), audited.
    pub async fn put_import_mapping(
        &self,
        name: &str,
        mapping: &crate::domain::column_mapping::ColumnMapping,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<SavedMapping> {
        on_backend!(self, b => b.put_import_mapping(name, mapping, actor, now).await)
    }

    /// Delete a saved column mapping, audited; false if there was none.
    pub async fn delete_import_mapping(&self, name: &str, actor: &Actor, now: DateTime<Utc>) -> StoreResult<bool> {
        on_backend!(self, b => b.delete_import_mapping(name, actor, now).await)
    }
}
