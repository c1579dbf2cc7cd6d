//! Accounts, sessions, tokens and held changes as they cross the store boundary.

use crate::domain::access::Role;
use crate::domain::approval::{ApprovalKind, ApprovalSource, ApprovalStatus};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: Option<String>,
    pub role: Role,
    /// Town codes (town editors).
    pub towns: Vec<String>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: Option<String>,
    pub password_hash: String,
    pub role: Role,
    pub towns: Vec<String>,
}

/// What an administrator changes on a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub display_name: Option<Option<String>>,
    pub role: Option<Role>,
    pub towns: Option<Vec<String>>,
    pub disabled: Option<bool>,
}

/// A live session and its user, as found by the hash of its id.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user: User,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub id_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub towns: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub name: String,
    pub token_hash: String,
    pub role: Role,
    pub towns: Vec<String>,
}

/// A change held for approval: what was asked (`change`, the request body) and the values
/// it would replace as they were when asked (`current`), so an approval can tell whether
/// someone changed them since.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Approval {
    pub id: i64,
    pub project_id: i64,
    pub project_name: String,
    pub town_code: String,
    pub kind: ApprovalKind,
    /// The held part of the request, as sent.
    #[schema(value_type = Object)]
    pub change: serde_json::Value,
    /// The values it would replace, as they were when it was requested.
    #[schema(value_type = Object)]
    pub current: serde_json::Value,
    pub requested_by: String,
    pub requested_source: ApprovalSource,
    pub requested_at: DateTime<Utc>,
    pub status: ApprovalStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HeldChange {
    pub kind: ApprovalKind,
    pub change: serde_json::Value,
    pub current: serde_json::Value,
}

/// What `Store::modify_project` writes once its closure has edited the project.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// The project as edited.
    Apply,
    /// The project as edited, and a change held for approval.
    ApplyAndHold(HeldChange),
    /// Only a change held for approval: the project is left as stored (whatever the closure
    /// did to it), but its row is locked and its version checked all the same.
    Hold(HeldChange),
}

#[derive(Debug, Clone, Default)]
pub struct ApprovalFilter {
    /// None for all.
    pub status: Option<ApprovalStatus>,
    pub project_id: Option<i64>,
    pub requested_by: Option<String>,
}

/// Filters of the global audit trail.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub source: Option<String>,
    pub entity: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: i64,
    pub offset: i64,
}
