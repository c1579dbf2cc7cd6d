-- TRUNCATE fires no row-level trigger, so the append-only tables also refuse it with a
-- statement-level trigger (calling the functions of their UPDATE/DELETE triggers). Keep in
-- step with migrations/sqlite.

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER published_weekly_no_truncate BEFORE TRUNCATE ON published_weekly
FOR EACH STATEMENT EXECUTE FUNCTION published_weekly_immutable();
