-- Column mappings of spreadsheet imports saved by name (header text → field, as JSON), to
-- reuse on the next file of the same layout. Keep in step with migrations/postgres.

CREATE TABLE import_mappings (
    name       TEXT PRIMARY KEY,
    mapping    TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
