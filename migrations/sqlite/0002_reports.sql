-- Targets per year and weekly reports as issued. Keep in step with migrations/postgres.

CREATE TABLE targets (
    year       INTEGER PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- Immutable once written: the report exactly as it was sent.
CREATE TABLE published_weekly (
    week         TEXT PRIMARY KEY,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    report       TEXT NOT NULL,
    xlsx         BLOB NOT NULL,
    csv          BLOB NOT NULL,
    html         TEXT NOT NULL
);

CREATE TRIGGER published_weekly_no_update BEFORE UPDATE ON published_weekly
BEGIN SELECT RAISE(ABORT, 'published reports are immutable'); END;
CREATE TRIGGER published_weekly_no_delete BEFORE DELETE ON published_weekly
BEGIN SELECT RAISE(ABORT, 'published reports are immutable'); END;
