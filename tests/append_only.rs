//! The audit trail and the published weekly reports are append-only in the database itself:
//! SQL sent over a connection of its own (not through the store) cannot update, delete or
//! truncate their rows, on either backend.

mod common;

use common::{TestApp, test_now};
use keyproj::store::{Actor, AuditFilter, AuditRecord, PublishedWeekly};
use sqlx::Connection;

/// A connection straight to the test database, beside the store's pools.
enum RawConnection {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl RawConnection {
    async fn open(app: &TestApp) -> RawConnection {
        if app.store.backend_name() == "postgres" {
            RawConnection::Postgres(sqlx::PgConnection::connect(&app.url).await.expect("connect to PostgreSQL"))
        } else {
            RawConnection::Sqlite(sqlx::SqliteConnection::connect(&app.url).await.expect("open the SQLite file"))
        }
    }

    async fn execute(&mut self, sql: &str) -> Result<u64, sqlx::Error> {
        match self {
            RawConnection::Sqlite(c) => sqlx::query(sql).execute(c).await.map(|r| r.rows_affected()),
            RawConnection::Postgres(c) => sqlx::query(sql).execute(c).await.map(|r| r.rows_affected()),
        }
    }

    async fn close(self) {
        let closed = match self {
            RawConnection::Sqlite(c) => c.close().await,
            RawConnection::Postgres(c) => c.close().await,
        };
        closed.expect("close the raw connection");
    }
}

const WEEK: &str = "2026-W48";

/// Publish a week, so that `published_weekly` has a row (and `audit_log` one more).
async fn publish_a_week(app: &TestApp) -> PublishedWeekly {
    let report = PublishedWeekly {
        week: WEEK.to_string(),
        published_at: test_now(),
        published_by: "tester".to_string(),
        json: r#"{"week":"2026-W48","laggards":[]}"#.to_string(),
        xlsx: vec![0x50, 0x4b, 0x03, 0x04],
        csv: "\u{feff}镇街,项目\n".as_bytes().to_vec(),
        html: "<h1>滞后项目周报</h1>".to_string(),
    };
    app.store.publish_weekly(&report, &Actor::new("tester", "test")).await.expect("publish");
    report
}

async fn audit_trail(app: &TestApp) -> Vec<AuditRecord> {
    let (records, total) =
        app.store.audit(&AuditFilter { limit: 10_000, ..AuditFilter::default() }).await.expect("read the audit trail");
    assert_eq!(records.len() as i64, total);
    records
}

/// `sql` fails with the trigger's message (not, say, a syntax error that would refuse it too).
async fn assert_refused(conn: &mut RawConnection, sql: &str, trigger_says: &str) {
    match conn.execute(sql).await {
        Ok(rows) => panic!("{sql:?} was allowed ({rows} rows)"),
        Err(sqlx::Error::Database(e)) => {
            assert!(e.message().contains(trigger_says), "{sql:?} failed otherwise: {}", e.message())
        }
        Err(e) => panic!("{sql:?} failed otherwise: {e}"),
    }
}

/// UPDATE, DELETE (one row, every row) and, on PostgreSQL, TRUNCATE of `table`.
async fn assert_append_only(app: &TestApp, conn: &mut RawConnection, table: &str, a_row: &str, set: &str, says: &str) {
    assert_refused(conn, &format!("UPDATE {table} SET {set}"), says).await;
    assert_refused(conn, &format!("UPDATE {table} SET {set} WHERE {a_row}"), says).await;
    assert_refused(conn, &format!("DELETE FROM {table} WHERE {a_row}"), says).await;
    assert_refused(conn, &format!("DELETE FROM {table}"), says).await;
    if app.store.backend_name() == "postgres" {
        assert_refused(conn, &format!("TRUNCATE {table}"), says).await;
        assert_refused(conn, &format!("TRUNCATE TABLE {table} RESTART IDENTITY CASCADE"), says).await;
    }
}

async fn the_audit_trail_refuses_changes_and_removal(app: &TestApp) {
    publish_a_week(app).await;
    let before = audit_trail(app).await;
    assert!(before.len() >= 3, "the town layer, the test token and the publication: {}", before.len());

    let mut conn = RawConnection::open(app).await;
    let oldest = format!("id = {}", before.last().map_or(0, |r| r.id));
    assert_append_only(app, &mut conn, "audit_log", &oldest, "actor = 'mallory'", "audit_log is append-only").await;
    // Appending is what the table is for: the same connection may add a record.
    let appended = conn
        .execute(
            "INSERT INTO audit_log (at, actor, source, entity, entity_id, action) \
             VALUES ('2026-11-27T02:00:00Z', 'tester', 'test', 'test', '1', 'append')",
        )
        .await
        .expect("appending is allowed");
    assert_eq!(appended, 1);
    conn.close().await;

    let after = audit_trail(app).await;
    assert_eq!(after.len(), before.len() + 1);
    // Newest first: the appended record, then every earlier one as it was.
    assert_eq!(after[0].action, "append");
    assert_eq!(after[1..], before[..]);
}

async fn published_reports_refuse_changes_and_removal(app: &TestApp) {
    let published = publish_a_week(app).await;
    let mut conn = RawConnection::open(app).await;
    let this_week = format!("week = '{WEEK}'");
    let says = "published reports are immutable";
    assert_append_only(app, &mut conn, "published_weekly", &this_week, "html = '<h1>改过的</h1>'", says).await;
    conn.close().await;

    assert_eq!(app.store.published_weekly(WEEK).await.expect("read"), Some(published));
    let weeks = app.store.published_weeks().await.expect("list");
    assert_eq!(weeks.iter().map(|(w, _, _)| w.as_str()).collect::<Vec<_>>(), [WEEK]);
}

on_both_backends!(the_audit_trail_refuses_changes_and_removal, published_reports_refuse_changes_and_removal);
