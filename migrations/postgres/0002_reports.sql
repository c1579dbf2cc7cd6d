-- Targets per year and weekly reports as issued. Keep in step with migrations/sqlite.

CREATE TABLE targets (
    year       INTEGER PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL
);

-- Immutable once written: the report exactly as it was sent (TEXT, not JSONB, to keep bytes).
CREATE TABLE published_weekly (
    week         TEXT PRIMARY KEY,
    published_at TIMESTAMPTZ NOT NULL,
    published_by TEXT NOT NULL,
    report       TEXT NOT NULL,
    xlsx         BYTEA NOT NULL,
    csv          BYTEA NOT NULL,
    html         TEXT NOT NULL
);

CREATE FUNCTION published_weekly_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'published reports are immutable';
END;
$$;
CREATE TRIGGER published_weekly_no_change BEFORE UPDATE OR DELETE ON published_weekly
FOR EACH ROW EXECUTE FUNCTION published_weekly_immutable();
