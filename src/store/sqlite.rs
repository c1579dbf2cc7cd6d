//! SQLite backend: a file created and migrated on first start, WAL, foreign keys on.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

type Db = sqlx::Sqlite;
type Conn = sqlx::SqliteConnection;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// Readers share a pool; writers queue for a single connection, so a writer waits its turn
/// in order instead of sleeping in SQLite's busy handler.
async fn open_pools(url: &str) -> Result<(sqlx::Pool<Db>, sqlx::Pool<Db>), sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let write = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
    let read = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
    Ok((read, write))
}

/// Writers take the lock up front, so two writers never deadlock upgrading a read lock.
async fn begin_write(pool: &sqlx::Pool<Db>) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

include!("sql.rs");
include!("accounts_sql.rs");
