// Accounts, sessions, API tokens, login throttling, held changes and the global audit trail.
// `include!`d after `sql.rs` by `sqlite.rs` and `postgres.rs`, like it.

use super::{
    ApiToken, Approval, ApprovalFilter, AuditFilter, HeldChange, NewApiToken, NewSession, NewUser, SessionRecord, User,
    UserChange,
};
use crate::domain::access::Role;
use crate::domain::approval::{ApprovalKind, ApprovalSource, ApprovalStatus};

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.towns, u.disabled, u.created_at, u.updated_at, \
     u.last_login_at, u.version";

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: Option<String>,
    role: String,
    towns: Json<Vec<String>>,
    disabled: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    last_login_at: Option<DateTime<Utc>>,
    version: i64,
}

fn parse_role(role: &str) -> StoreResult<Role> {
    Role::parse(role).ok_or_else(|| StoreError::Corrupt(format!("unknown role {role:?}")))
}

impl UserRow {
    fn into_user(self) -> StoreResult<User> {
        Ok(User {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            role: parse_role(&self.role)?,
            towns: self.towns.0,
            disabled: self.disabled,
            created_at: self.created_at,
            updated_at: self.updated_at,
            last_login_at: self.last_login_at,
            version: self.version,
        })
    }
}

/// A user as written to the audit trail: never the password hash.
fn user_snapshot(u: &User) -> serde_json::Value {
    serde_json::json!({
        "username": u.username, "display_name": u.display_name, "role": u.role,
        "towns": u.towns, "disabled": u.disabled,
    })
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    name: String,
    role: String,
    towns: Json<Vec<String>>,
    created_at: DateTime<Utc>,
    created_by: String,
    revoked_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
}

impl TokenRow {
    fn into_token(self) -> StoreResult<ApiToken> {
        Ok(ApiToken {
            id: self.id,
            name: self.name,
            role: parse_role(&self.role)?,
            towns: self.towns.0,
            created_at: self.created_at,
            created_by: self.created_by,
            revoked_at: self.revoked_at,
            last_used_at: self.last_used_at,
        })
    }
}

const TOKEN_COLUMNS: &str = "id, name, role, towns, created_at, created_by, revoked_at, last_used_at";

#[derive(sqlx::FromRow)]
struct ApprovalRow {
    id: i64,
    project_id: i64,
    project_name: String,
    town_code: String,
    kind: String,
    change: Json<serde_json::Value>,
    current: Json<serde_json::Value>,
    requested_by: String,
    requested_source: String,
    requested_at: DateTime<Utc>,
    status: String,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    note: Option<String>,
}

impl ApprovalRow {
    fn into_approval(self) -> StoreResult<Approval> {
        Ok(Approval {
            id: self.id,
            project_id: self.project_id,
            project_name: self.project_name,
            town_code: self.town_code,
            kind: parse_code("approval kind", &self.kind, ApprovalKind::parse)?,
            change: self.change.0,
            current: self.current.0,
            requested_by: self.requested_by,
            requested_source: parse_code("approval source", &self.requested_source, ApprovalSource::parse)?,
            requested_at: self.requested_at,
            status: parse_code("approval status", &self.status, ApprovalStatus::parse)?,
            decided_by: self.decided_by,
            decided_at: self.decided_at,
            note: self.note,
        })
    }
}

const APPROVAL_SELECT: &str = "SELECT a.id, a.project_id, p.name AS project_name, p.town_code, a.kind, a.change, \
     a.current, a.requested_by, a.requested_source, a.requested_at, a.status, a.decided_by, a.decided_at, a.note \
     FROM approvals a JOIN projects p ON p.id = a.project_id";

async fn load_user(conn: &mut Conn, id: i64) -> StoreResult<User> {
    let row: Option<UserRow> = sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.ok_or(StoreError::NotFound(Entity::User))?.into_user()
}

async fn load_approval(conn: &mut Conn, id: i64) -> StoreResult<Approval> {
    let row: Option<ApprovalRow> =
        sqlx::query_as(&format!("{APPROVAL_SELECT} WHERE a.id = $1")).bind(id).fetch_optional(&mut *conn).await?;
    row.ok_or(StoreError::NotFound(Entity::Approval))?.into_approval()
}

fn username_taken(e: sqlx::Error, name: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::UserExists(name.to_string()),
        _ => StoreError::Database(e),
    }
}

impl Backend {
    pub async fn user_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?)
    }

    pub async fn create_user(&self, new: &NewUser, actor: &Actor, now: DateTime<Utc>) -> StoreResult<User> {
        let mut tx = begin_write(&self.write_pool).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, password_hash, role, towns, disabled, created_at, updated_at, \
             password_changed_at, version) VALUES ($1, $2, $3, $4, $5, FALSE, $6, $6, $6, 1) RETURNING id",
        )
        .bind(&new.username)
        .bind(&new.display_name)
        .bind(&new.password_hash)
        .bind(new.role.code())
        .bind(Json(&new.towns))
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| username_taken(e, &new.username))?;
        let user = load_user(&mut tx, id).await?;
        let change = Change {
            entity: "user",
            entity_id: id.to_string(),
            action: "create",
            before: None,
            after: Some(user_snapshot(&user)),
        };
        append_audit(&mut tx, actor, now, change).await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn users(&self) -> StoreResult<Vec<User>> {
        let rows: Vec<UserRow> = sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.username"))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(UserRow::into_user).collect()
    }

    pub async fn user(&self, id: i64) -> StoreResult<User> {
        let mut conn = self.pool.acquire().await?;
        load_user(&mut conn, id).await
    }

    /// The user and its password hash, by (lower-cased) name.
    pub async fn user_for_login(&self, username: &str) -> StoreResult<Option<(User, String)>> {
        #[derive(sqlx::FromRow)]
        struct LoginRow {
            #[sqlx(flatten)]
            user: UserRow,
            password_hash: String,
        }
        let row: Option<LoginRow> =
            sqlx::query_as(&format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1"))
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| Ok((r.user.into_user()?, r.password_hash))).transpose()
    }

    pub async fn update_user(
        &self,
        id: i64,
        expected_version: Option<i64>,
        change: &UserChange,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<User> {
        let mut tx = begin_write(&self.write_pool).await?;
        let before = load_user(&mut tx, id).await?;
        if expected_version.is_some_and(|v| v != before.version) {
            return Err(StoreError::Conflict { what: Entity::User, current: before.version });
        }
        let mut after = before.clone();
        if let Some(d) = &change.display_name {
            after.display_name = d.clone();
        }
        if let Some(r) = change.role {
            after.role = r;
        }
        if let Some(t) = &change.towns {
            after.towns = t.clone();
        }
        if let Some(d) = change.disabled {
            after.disabled = d;
        }
        let updated = sqlx::query(
            "UPDATE users SET display_name = $1, role = $2, towns = $3, disabled = $4, updated_at = $5, \
             version = version + 1 WHERE id = $6 AND version = $7",
        )
        .bind(&after.display_name)
        .bind(after.role.code())
        .bind(Json(&after.towns))
        .bind(after.disabled)
        .bind(now)
        .bind(id)
        .bind(before.version)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            // Another administrator saved first (PostgreSQL read committed).
            return Err(StoreError::Conflict { what: Entity::User, current: before.version + 1 });
        }
        if after.disabled && !before.disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        }
        let after = load_user(&mut tx, id).await?;
        let change = Change {
            entity: "user",
            entity_id: id.to_string(),
            action: "update",
            before: Some(user_snapshot(&before)),
            after: Some(user_snapshot(&after)),
        };
        append_audit(&mut tx, actor, now, change).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Set a new password hash and end the user's sessions, except `keep` (the caller's own
    /// session when people change their own password).
    pub async fn set_password(
        &self,
        id: i64,
        hash: &str,
        keep: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = begin_write(&self.write_pool).await?;
        let updated = sqlx::query(
            "UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2, version = version + 1 \
             WHERE id = $3",
        )
        .bind(hash)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::User));
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(id)
            .bind(keep.unwrap_or(""))
            .execute(&mut *tx)
            .await?;
        let change =
            Change { entity: "user", entity_id: id.to_string(), action: "password", before: None, after: None };
        append_audit(&mut tx, actor, now, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Start a session (and forget expired ones, so the table does not grow).
    pub async fn create_session(&self, s: &NewSession) -> StoreResult<()> {
        let mut tx = begin_write(&self.write_pool).await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(s.created_at).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(&s.id_hash)
        .bind(s.user_id)
        .bind(&s.csrf_token)
        .bind(s.created_at)
        .bind(s.expires_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(s.created_at)
            .bind(s.user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A session and its user in one query: this runs on every signed-in request.
    pub async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRecord>> {
        #[derive(sqlx::FromRow)]
        struct SessionRow {
            #[sqlx(flatten)]
            user: UserRow,
            csrf_token: String,
            session_created_at: DateTime<Utc>,
            last_seen_at: DateTime<Utc>,
            expires_at: DateTime<Utc>,
        }
        let row: Option<SessionRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.created_at AS session_created_at, s.last_seen_at, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1"
        ))
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(SessionRecord {
            user: r.user.into_user()?,
            csrf_token: r.csrf_token,
            created_at: r.session_created_at,
            last_seen_at: r.last_seen_at,
            expires_at: r.expires_at,
        }))
    }

    pub async fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = begin_write(&self.write_pool).await?;
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(id_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        let mut tx = begin_write(&self.write_pool).await?;
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<u64> {
        let mut tx = begin_write(&self.write_pool).await?;
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    pub async fn create_token(&self, new: &NewApiToken, actor: &Actor, now: DateTime<Utc>) -> StoreResult<ApiToken> {
        let mut tx = begin_write(&self.write_pool).await?;
        let row: TokenRow = sqlx::query_as(&format!(
            "INSERT INTO api_tokens (name, token_hash, role, towns, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {TOKEN_COLUMNS}"
        ))
        .bind(&new.name)
        .bind(&new.token_hash)
        .bind(new.role.code())
        .bind(Json(&new.towns))
        .bind(now)
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        let token = row.into_token()?;
        let after = serde_json::json!({ "name": token.name, "role": token.role, "towns": token.towns });
        let change = Change {
            entity: "token",
            entity_id: token.id.to_string(),
            action: "create",
            before: None,
            after: Some(after),
        };
        append_audit(&mut tx, actor, now, change).await?;
        tx.commit().await?;
        Ok(token)
    }

    pub async fn tokens(&self) -> StoreResult<Vec<ApiToken>> {
        let rows: Vec<TokenRow> = sqlx::query_as(&format!("SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(TokenRow::into_token).collect()
    }

    /// A token that has not been revoked, by the hash of its secret.
    pub async fn live_token(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
        let row: Option<TokenRow> = sqlx::query_as(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(TokenRow::into_token).transpose()
    }

    pub async fn touch_token(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = begin_write(&self.write_pool).await?;
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn revoke_token(&self, id: i64, actor: &Actor, now: DateTime<Utc>) -> StoreResult<ApiToken> {
        let mut tx = begin_write(&self.write_pool).await?;
        let row: Option<TokenRow> = sqlx::query_as(&format!(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 RETURNING {TOKEN_COLUMNS}"
        ))
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let token = row.ok_or(StoreError::NotFound(Entity::Token))?.into_token()?;
        let change = Change { entity: "token", entity_id: id.to_string(), action: "revoke", before: None, after: None };
        append_audit(&mut tx, actor, now, change).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The latest `locked_until` among `keys` (failures older than the window are ignored).
    pub async fn login_locked_until(&self, keys: &[String], now: DateTime<Utc>) -> StoreResult<Option<DateTime<Utc>>> {
        let mut latest = None;
        for key in keys {
            let row: Option<(DateTime<Utc>, DateTime<Utc>)> =
                sqlx::query_as("SELECT last_failure_at, locked_until FROM login_failures WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?;
            if let Some((last, until)) = row {
                let window = chrono::Duration::from_std(crate::domain::access::FAILURE_WINDOW).unwrap_or_default();
                if until > now && now - last < window {
                    latest = latest.max(Some(until));
                }
            }
        }
        Ok(latest)
    }

    /// Count a failed login against each key; returns the new counts.
    pub async fn record_login_failure(&self, keys: &[String], now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
        let mut tx = begin_write(&self.write_pool).await?;
        let window = chrono::Duration::from_std(crate::domain::access::FAILURE_WINDOW).unwrap_or_default();
        // Forget failures older than the window, so the table stays small.
        sqlx::query("DELETE FROM login_failures WHERE last_failure_at < $1")
            .bind(now - window)
            .execute(&mut *tx)
            .await?;
        let mut counts = Vec::with_capacity(keys.len());
        for key in keys {
            // One atomic increment: concurrent failures on PostgreSQL each count.
            let failures: i64 = sqlx::query_scalar(
                "INSERT INTO login_failures (key, failures, last_failure_at, locked_until) VALUES ($1, 1, $2, $2) \
                 ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN login_failures.last_failure_at >= $3 \
                 THEN login_failures.failures + 1 ELSE 1 END, last_failure_at = $2 RETURNING failures",
            )
            .bind(key)
            .bind(now)
            .bind(now - window)
            .fetch_one(&mut *tx)
            .await?;
            use crate::domain::access::{FREE_ADDRESS_FAILURES, FREE_FAILURES, lockout_after};
            let free = if key.starts_with("addr:") { FREE_ADDRESS_FAILURES } else { FREE_FAILURES };
            let delay = chrono::Duration::from_std(lockout_after(failures, free)).unwrap_or_default();
            sqlx::query("UPDATE login_failures SET locked_until = $1 WHERE key = $2")
                .bind(now + delay)
                .bind(key)
                .execute(&mut *tx)
                .await?;
            counts.push(failures);
        }
        tx.commit().await?;
        Ok(counts)
    }

    pub async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        let mut tx = begin_write(&self.write_pool).await?;
        sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn approvals(&self, filter: &ApprovalFilter) -> StoreResult<Vec<Approval>> {
        let mut qb = QueryBuilder::<Db>::new(APPROVAL_SELECT);
        qb.push(" WHERE 1 = 1");
        if let Some(status) = filter.status {
            qb.push(" AND a.status = ").push_bind(status.code());
        }
        if let Some(p) = filter.project_id {
            qb.push(" AND a.project_id = ").push_bind(p);
        }
        if let Some(r) = &filter.requested_by {
            qb.push(" AND a.requested_by = ").push_bind(r.clone());
        }
        qb.push(" ORDER BY a.id DESC LIMIT 1000");
        let rows: Vec<ApprovalRow> = qb.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(ApprovalRow::into_approval).collect()
    }

    pub async fn approval(&self, id: i64) -> StoreResult<Approval> {
        let mut conn = self.pool.acquire().await?;
        load_approval(&mut conn, id).await
    }

    /// Approve a pending change: `apply` edits the project (after checking that the values it
    /// replaces are still those seen when it was requested); one transaction, one audit record.
    pub async fn approve<F>(
        &self,
        id: i64,
        note: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
        apply: F,
    ) -> StoreResult<(Approval, Project)>
    where
        F: FnOnce(&Approval, &mut Project) -> Result<(), StoreError> + Send,
    {
        let mut tx = begin_write(&self.write_pool).await?;
        let approval = load_approval(&mut tx, id).await?;
        if !approval.status.is_pending() {
            return Err(StoreError::NotPending(approval.status));
        }
        let before = load_project(&mut tx, approval.project_id, false).await?;
        let mut after = before.clone();
        apply(&approval, &mut after)?;
        let decider = Actor::new(
            actor.name.clone(),
            format!(
                "{} (approval #{id}, requested by {} via {})",
                actor.source, approval.requested_by, approval.requested_source
            ),
        );
        let action = format!("approve.{}", approval.kind);
        let project = update_project(&mut tx, &before, after, &action, &decider, now).await?;
        decide(&mut tx, id, ApprovalStatus::Approved, note, actor, now).await?;
        let approval = load_approval(&mut tx, id).await?;
        tx.commit().await?;
        Ok((approval, project))
    }

    pub async fn reject(&self, id: i64, note: &str, actor: &Actor, now: DateTime<Utc>) -> StoreResult<Approval> {
        let mut tx = begin_write(&self.write_pool).await?;
        let approval = load_approval(&mut tx, id).await?;
        if !approval.status.is_pending() {
            return Err(StoreError::NotPending(approval.status));
        }
        decide(&mut tx, id, ApprovalStatus::Rejected, Some(note), actor, now).await?;
        let change = Change {
            entity: "approval",
            entity_id: id.to_string(),
            action: "reject",
            before: None,
            after: Some(serde_json::json!({ "note": note })),
        };
        append_audit(&mut tx, actor, now, change).await?;
        let approval = load_approval(&mut tx, id).await?;
        tx.commit().await?;
        Ok(approval)
    }

    /// The global audit trail, newest first, and the number of matching records.
    pub async fn audit(&self, f: &AuditFilter) -> StoreResult<(Vec<AuditRecord>, i64)> {
        fn push_where<'a>(qb: &mut QueryBuilder<'a, Db>, f: &'a AuditFilter) {
            qb.push(" WHERE 1 = 1");
            if let Some(a) = &f.actor {
                qb.push(" AND actor = ").push_bind(a);
            }
            if let Some(s) = &f.source {
                // A prefix: `import` finds every imported file.
                qb.push(" AND substr(source, 1, ").push_bind(s.chars().count() as i32).push(") = ").push_bind(s);
            }
            if let Some(e) = &f.entity {
                qb.push(" AND entity = ").push_bind(e);
            }
            if let Some(a) = &f.action {
                qb.push(" AND action = ").push_bind(a);
            }
            if let Some(from) = f.from {
                qb.push(" AND at >= ").push_bind(from);
            }
            if let Some(to) = f.to {
                qb.push(" AND at < ").push_bind(to);
            }
        }
        let mut conn = self.pool.acquire().await?;
        let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM audit_log");
        push_where(&mut count, f);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT id, at, actor, source, entity, entity_id, action, before, after FROM audit_log",
        );
        push_where(&mut qb, f);
        qb.push(" ORDER BY id DESC LIMIT ").push_bind(f.limit).push(" OFFSET ").push_bind(f.offset);
        let items: Vec<AuditRecord> = qb.build_query_as().fetch_all(&mut *conn).await?;
        Ok((items, total))
    }
}

/// Hold `held` for approval, requested by `actor`, with its audit record.
async fn insert_approval(
    conn: &mut Conn,
    project_id: i64,
    held: &HeldChange,
    actor: &Actor,
    now: DateTime<Utc>,
) -> StoreResult<Approval> {
    let source = ApprovalSource::parse(&actor.source).ok_or_else(|| StoreError::NotHeldFrom(actor.source.clone()))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO approvals (project_id, kind, change, current, requested_by, requested_source, requested_at, status) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(project_id)
    .bind(held.kind.code())
    .bind(Json(&held.change))
    .bind(Json(&held.current))
    .bind(&actor.name)
    .bind(source.code())
    .bind(now)
    .bind(ApprovalStatus::Pending.code())
    .fetch_one(&mut *conn)
    .await?;
    let change = Change {
        entity: "approval",
        entity_id: id.to_string(),
        action: "request",
        before: Some(held.current.clone()),
        after: Some(serde_json::json!({ "project_id": project_id, "kind": held.kind, "change": held.change })),
    };
    append_audit(&mut *conn, actor, now, change).await?;
    load_approval(conn, id).await
}

/// Record the decision on a pending approval.
async fn decide(
    conn: &mut Conn,
    id: i64,
    status: ApprovalStatus,
    note: Option<&str>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE approvals SET status = $1, decided_by = $2, decided_at = $3, note = $4 WHERE id = $5 AND status = $6",
    )
    .bind(status.code())
    .bind(&actor.name)
    .bind(now)
    .bind(note)
    .bind(id)
    .bind(ApprovalStatus::Pending.code())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        // Decided by someone else between our read and our write: say how.
        return Err(StoreError::NotPending(load_approval(conn, id).await?.status));
    }
    Ok(())
}
