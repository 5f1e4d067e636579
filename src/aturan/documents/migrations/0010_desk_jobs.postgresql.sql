-- Version 10: the desk's jobs (issue 26, item 3), kept in the registry's own database so that a
-- restarted desk, or another desk process on the same database, sees them (see 0010_desk_jobs.sql
-- for the columns). Several desk processes share the queue: a worker takes the oldest queued job
-- with SELECT ... FOR UPDATE SKIP LOCKED, so each job is taken once.
-- An institution's role (0006) reads and writes only its own institution's jobs; it deletes
-- nothing. Roles made before this version get the grants init-institution now gives
-- (storage/postgres.py ROLE_GRANTS).
CREATE TABLE desk_jobs (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, institution TEXT NOT NULL, account TEXT NOT NULL,
  params TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'interrupted')),
  stage TEXT, progress TEXT NOT NULL DEFAULT '{}', result TEXT, error TEXT,
  worker TEXT, heartbeat_at TEXT, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT,
  rerun_of TEXT REFERENCES desk_jobs (id));
CREATE INDEX desk_jobs_queue ON desk_jobs (state, created_at, id);
CREATE INDEX desk_jobs_by_institution ON desk_jobs (institution, created_at);
ALTER TABLE desk_jobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY desk_jobs_own ON desk_jobs FOR ALL USING (institution =
  (SELECT r.institution FROM institution_roles r WHERE r.role_name = current_user));
DO $$DECLARE r RECORD; BEGIN FOR r IN SELECT role_name FROM institution_roles LOOP
  EXECUTE 'GRANT SELECT, INSERT, UPDATE ON desk_jobs TO ' || quote_ident(r.role_name); END LOOP; END$$;
