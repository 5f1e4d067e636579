-- Version 10: the desk's jobs (issue 26, item 3), kept in the registry's own database so that a
-- restarted desk, or another desk process on the same database, sees them. One row per job: what
-- it does (kind, parameters as JSON), for whom (institution, account), its state (queued, running,
-- done, failed, interrupted), the stage it is in and each stage's progress (JSON: stage ->
-- [done, total]), its result (JSON: counts and the files it wrote, relative to its folder) or the
-- error that ended it (Indonesian), the worker holding it and its heartbeat, and when. A rerun of
-- an interrupted job is a new row naming the one it reruns (`rerun_of`).
-- Version 9 is the desk's accounts (another change): this file only adds its own table.
CREATE TABLE desk_jobs (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, institution TEXT NOT NULL, account TEXT NOT NULL,
  params TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'interrupted')),
  stage TEXT, progress TEXT NOT NULL DEFAULT '{}', result TEXT, error TEXT,
  worker TEXT, heartbeat_at TEXT, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT,
  rerun_of TEXT REFERENCES desk_jobs (id));
CREATE INDEX desk_jobs_queue ON desk_jobs (state, created_at, id);
CREATE INDEX desk_jobs_by_institution ON desk_jobs (institution, created_at);
