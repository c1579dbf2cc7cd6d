//! PostgreSQL backend: for larger deployments and several app instances.

use sqlx::postgres::PgPoolOptions;
use std::time::Duration;

type Db = sqlx::Postgres;
type Conn = sqlx::PgConnection;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

async fn open_pool(url: &str) -> Result<sqlx::Pool<Db>, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
}

async fn begin_write(pool: &sqlx::Pool<Db>) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
    pool.begin().await
}

include!("sql.rs");
