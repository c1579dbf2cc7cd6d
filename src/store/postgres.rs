//! PostgreSQL backend: for larger deployments and several app instances.

use sqlx::postgres::PgPoolOptions;
use std::time::Duration;

type Db = sqlx::Postgres;
type Conn = sqlx::PgConnection;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// One pool serves reads and writes: PostgreSQL handles concurrent writers itself.
async fn open_pools(url: &str) -> Result<(sqlx::Pool<Db>, sqlx::Pool<Db>), sqlx::Error> {
    let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect(url).await?;
    Ok((pool.clone(), pool))
}

async fn begin_write(pool: &sqlx::Pool<Db>) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
    pool.begin().await
}

include!("sql.rs");
include!("accounts_sql.rs");
