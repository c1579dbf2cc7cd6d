//! The store's account, session, token, approval and audit calls, routed to the backend.

use super::{
    ApiToken, Approval, ApprovalFilter, AuditFilter, AuditRecord, Backend, NewApiToken, NewSession, NewUser,
    SessionRecord, Store, StoreError, StoreResult, User, UserChange,
};
use crate::domain::project::Project;
use crate::store::Actor;
use chrono::{DateTime, Utc};
use tracing::field::Empty;

impl Store {
    pub async fn user_count(&self) -> StoreResult<i64> {
        on_backend!(self, b => b.user_count().await)
    }

    pub async fn create_user(&self, new: &NewUser, actor: &Actor, now: DateTime<Utc>) -> StoreResult<User> {
        on_backend!(self, b => b.create_user(new, actor, now).await)
    }

    pub async fn users(&self) -> StoreResult<Vec<User>> {
        on_backend!(self, b => b.users().await)
    }

    pub async fn user(&self, id: i64) -> StoreResult<User> {
        on_backend!(self, b => b.user(id).await)
    }

    pub async fn user_by_name(&self, username: &str) -> StoreResult<Option<User>> {
        Ok(self.user_for_login(username).await?.map(|(u, _)| u))
    }

    /// The user and its password hash.
    pub async fn user_for_login(&self, username: &str) -> StoreResult<Option<(User, String)>> {
        on_backend!(self, b => b.user_for_login(username).await)
    }

    pub async fn update_user(
        &self,
        id: i64,
        expected_version: Option<i64>,
        change: &UserChange,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<User> {
        on_backend!(self, b => b.update_user(id, expected_version, change, actor, now).await)
    }

    /// New password hash; ends the user's other sessions (all but `keep`).
    pub async fn set_password(
        &self,
        id: i64,
        hash: &str,
        keep: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_backend!(self, b => b.set_password(id, hash, keep, actor, now).await)
    }

    pub async fn create_session(&self, s: &NewSession) -> StoreResult<()> {
        on_backend!(self, b => b.create_session(s).await)
    }

    pub async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRecord>> {
        on_backend!(self, b => b.session(id_hash).await)
    }

    pub async fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        on_backend!(self, b => b.touch_session(id_hash, now).await)
    }

    pub async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        on_backend!(self, b => b.delete_session(id_hash).await)
    }

    pub async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<u64> {
        on_backend!(self, b => b.delete_user_sessions(user_id).await)
    }

    pub async fn create_token(&self, new: &NewApiToken, actor: &Actor, now: DateTime<Utc>) -> StoreResult<ApiToken> {
        on_backend!(self, b => b.create_token(new, actor, now).await)
    }

    pub async fn tokens(&self) -> StoreResult<Vec<ApiToken>> {
        on_backend!(self, b => b.tokens().await)
    }

    pub async fn live_token(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
        on_backend!(self, b => b.live_token(token_hash).await)
    }

    pub async fn touch_token(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
        on_backend!(self, b => b.touch_token(id, now).await)
    }

    pub async fn revoke_token(&self, id: i64, actor: &Actor, now: DateTime<Utc>) -> StoreResult<ApiToken> {
        on_backend!(self, b => b.revoke_token(id, actor, now).await)
    }

    pub async fn login_locked_until(&self, keys: &[String], now: DateTime<Utc>) -> StoreResult<Option<DateTime<Utc>>> {
        on_backend!(self, b => b.login_locked_until(keys, now).await)
    }

    pub async fn record_login_failure(&self, keys: &[String], now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
        on_backend!(self, b => b.record_login_failure(keys, now).await)
    }

    pub async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        on_backend!(self, b => b.clear_login_failures(key).await)
    }

    pub async fn approvals(&self, filter: &ApprovalFilter) -> StoreResult<Vec<Approval>> {
        on_backend!(self, b => b.approvals(filter).await)
    }

    pub async fn approval(&self, id: i64) -> StoreResult<Approval> {
        on_backend!(self, b => b.approval(id).await)
    }

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
        on_backend!(self, b => b.approve(id, note, actor, now, apply).await)
    }

    pub async fn reject(&self, id: i64, note: &str, actor: &Actor, now: DateTime<Utc>) -> StoreResult<Approval> {
        on_backend!(self, b => b.reject(id, note, actor, now).await)
    }

    /// The global audit trail, newest first: a page of it and the number of matching records.
    #[tracing::instrument(
        level = "debug",
        skip_all,
        fields(backend = self.backend_name(), limit = filter.limit, offset = filter.offset, returned = Empty, total = Empty)
    )]
    pub async fn audit(&self, filter: &AuditFilter) -> StoreResult<(Vec<AuditRecord>, i64)> {
        let (records, total) = on_backend!(self, b => b.audit(filter).await)?;
        tracing::Span::current().record("returned", records.len()).record("total", total);
        Ok((records, total))
    }
}
