-- The project ledger. Money is integer yuan; dates are ISO civil dates (Asia/Shanghai);
-- coordinates are WGS84. Keep in step with migrations/postgres/0001_ledger.sql.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE towns (
    code        TEXT PRIMARY KEY,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    name_hant   TEXT,
    name_en     TEXT,
    pinyin      TEXT,
    kind        TEXT,
    seat_lon    REAL NOT NULL,
    seat_lat    REAL NOT NULL,
    geometry    TEXT,
    approximate BOOLEAN NOT NULL,
    aliases     TEXT NOT NULL
);

CREATE TABLE county_outline (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    geometry    TEXT NOT NULL,
    attribution TEXT NOT NULL
);

CREATE TABLE projects (
    id                    INTEGER PRIMARY KEY,
    code                  TEXT UNIQUE,
    name                  TEXT NOT NULL,
    company               TEXT,
    town_code             TEXT NOT NULL REFERENCES towns (code) DEFERRABLE INITIALLY DEFERRED,
    zone                  TEXT,
    chain                 TEXT NOT NULL,
    total_investment_yuan INTEGER NOT NULL CHECK (total_investment_yuan > 0),
    tier                  TEXT NOT NULL,
    status                TEXT NOT NULL,
    state                 TEXT NOT NULL,
    state_reason          TEXT,
    lon                   REAL NOT NULL,
    lat                   REAL NOT NULL,
    location_precision    TEXT NOT NULL,
    outside_county        BOOLEAN NOT NULL,
    address               TEXT,
    responsible_unit      TEXT,
    responsible_leader    TEXT,
    sample                BOOLEAN NOT NULL,
    version               INTEGER NOT NULL,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX projects_town ON projects (town_code);
CREATE INDEX projects_lon_lat ON projects (lon, lat);

CREATE TABLE milestones (
    project_id INTEGER NOT NULL REFERENCES projects (id),
    kind       TEXT NOT NULL,
    baseline   TEXT,
    planned    TEXT,
    actual     TEXT,
    PRIMARY KEY (project_id, kind)
);

CREATE TABLE milestone_replans (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id),
    kind       TEXT NOT NULL,
    from_date  TEXT,
    to_date    TEXT,
    reason     TEXT NOT NULL,
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL,
    effective  TEXT NOT NULL
);
CREATE INDEX milestone_replans_project ON milestone_replans (project_id);

CREATE TABLE list_memberships (
    id               INTEGER PRIMARY KEY,
    project_id       INTEGER NOT NULL REFERENCES projects (id),
    year             INTEGER NOT NULL,
    list             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    build_type       TEXT NOT NULL,
    annual_plan_yuan INTEGER NOT NULL CHECK (annual_plan_yuan >= 0),
    effective_from   TEXT,
    effective_to     TEXT,
    UNIQUE (project_id, year, list)
);
CREATE INDEX list_memberships_year ON list_memberships (year, list);

CREATE TABLE monthly_reports (
    project_id         INTEGER NOT NULL REFERENCES projects (id),
    period             TEXT NOT NULL,
    completed_yuan     INTEGER NOT NULL CHECK (completed_yuan >= 0),
    funds_arrived_yuan INTEGER NOT NULL CHECK (funds_arrived_yuan >= 0),
    note               TEXT,
    reported_at        TEXT NOT NULL,
    reported_by        TEXT NOT NULL,
    PRIMARY KEY (project_id, period)
);

CREATE TABLE report_problems (
    project_id       INTEGER NOT NULL,
    period           TEXT NOT NULL,
    position         INTEGER NOT NULL,
    factor           TEXT NOT NULL,
    text             TEXT NOT NULL,
    responsible_unit TEXT,
    PRIMARY KEY (project_id, period, position),
    FOREIGN KEY (project_id, period) REFERENCES monthly_reports (project_id, period)
);

-- Append-only: no code path updates or deletes rows here.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    source    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action    TEXT NOT NULL,
    before    TEXT,
    after     TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
