-- Accounts, sessions, API tokens, login throttling and held changes. Keep in step with
-- migrations/postgres.

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    display_name        TEXT,
    password_hash       TEXT NOT NULL,
    role                TEXT NOT NULL,
    towns               TEXT NOT NULL DEFAULT '[]',
    disabled            BOOLEAN NOT NULL DEFAULT FALSE,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    last_login_at       TEXT,
    version             INTEGER NOT NULL DEFAULT 1
);

-- The session id itself is never stored, only its SHA-256.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL,
    towns        TEXT NOT NULL DEFAULT '[]',
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    revoked_at   TEXT,
    last_used_at TEXT
);

-- Consecutive failed logins per `user:NAME` and per `addr:IP`.
CREATE TABLE login_failures (
    key             TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_at TEXT NOT NULL,
    locked_until    TEXT NOT NULL
);

-- Sensitive changes by town editors, waiting for an editor.
CREATE TABLE approvals (
    id               INTEGER PRIMARY KEY,
    project_id       INTEGER NOT NULL REFERENCES projects (id),
    kind             TEXT NOT NULL,
    change           TEXT NOT NULL,
    current          TEXT NOT NULL,
    requested_by     TEXT NOT NULL,
    requested_source TEXT NOT NULL,
    requested_at     TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending',
    decided_by       TEXT,
    decided_at       TEXT,
    note             TEXT
);
CREATE INDEX approvals_status ON approvals (status, project_id);

CREATE INDEX audit_log_at ON audit_log (at);
