//! Values that cross the store boundary.

use crate::domain::Chain;
use crate::domain::Tier;
use crate::domain::lists::{ListLevel, Membership};
use crate::domain::milestone::Milestones;
use crate::domain::money::Yuan;
use crate::domain::project::Location;
use crate::domain::report::MonthlyReport;
use crate::domain::status::{State, Status};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Who made a change and through what (web, API, CLI, import file and row, demo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub source: String,
}

impl Actor {
    pub fn new(name: impl Into<String>, source: impl Into<String>) -> Actor {
        Actor { name: name.into(), source: source.into() }
    }

    pub fn system(source: &str) -> Actor {
        Actor::new("system", source)
    }
}

/// A validated new project, ready to store.
#[derive(Debug, Clone)]
pub struct NewProject {
    pub code: Option<String>,
    pub name: String,
    pub company: Option<String>,
    pub town_code: String,
    pub zone: Option<String>,
    pub chain: Chain,
    pub total_investment_yuan: Yuan,
    pub location: Location,
    pub address: Option<String>,
    pub responsible_unit: Option<String>,
    pub responsible_leader: Option<String>,
    pub sample: bool,
    pub milestones: Milestones,
    pub lists: Vec<Membership>,
}

#[derive(Debug, Clone)]
pub struct NewProjectWithReports {
    pub project: NewProject,
    pub reports: Vec<MonthlyReport>,
    pub state: Option<(State, String)>,
}

/// One change of an import, attributed to its file and row.
#[derive(Debug, Clone)]
pub enum ImportChange {
    Create {
        project: NewProject,
        actor: Actor,
    },
    /// `after` was computed from the project at `expected_version`.
    Update {
        expected_version: i64,
        after: crate::domain::project::Project,
        actor: Actor,
    },
}

/// Filters shared by the ledger, the map and the reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectFilter {
    pub year: Option<i32>,
    pub town_code: Option<String>,
    pub chain: Option<Chain>,
    pub tier: Option<Tier>,
    pub status: Option<Status>,
    pub list: Option<ListLevel>,
    pub q: Option<String>,
    /// Search `q` in names only (the public map must not reveal codes or companies).
    pub q_name_only: bool,
    /// min lon, min lat, max lon, max lat (WGS84)
    pub bbox: Option<[f64; 4]>,
    pub limit: i64,
    pub offset: i64,
}

/// A weekly report as issued: the JSON and every rendering, kept byte for byte.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PublishedWeekly {
    pub week: String,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
    pub json: String,
    pub xlsx: Vec<u8>,
    pub csv: Vec<u8>,
    pub html: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct TownStat {
    pub code: String,
    pub project_count: i64,
    pub investment_yuan: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub source: String,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    /// The entity as it was (absent for a creation).
    #[schema(value_type = Option<Object>)]
    pub before: Option<sqlx::types::Json<serde_json::Value>>,
    /// The entity as it became (absent for a removal).
    #[schema(value_type = Option<Object>)]
    pub after: Option<sqlx::types::Json<serde_json::Value>>,
}

/// A spreadsheet column mapping saved under a name, to reuse on the next file of the same layout.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SavedMapping {
    pub name: String,
    pub mapping: crate::domain::column_mapping::ColumnMapping,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}
