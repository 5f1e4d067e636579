-- Version 12 on PostgreSQL: the drafters' saved questions (0012_lab_questions.sql says what each
-- column holds). An institution's role (0006) reads and adds only its own institution's
-- questions, as with desk_jobs (0010); it changes and deletes none. Roles made before this
-- version get the grants init-institution now gives (storage/postgres.py ROLE_GRANTS).
CREATE TABLE lab_questions (
  id TEXT PRIMARY KEY, institution TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '', account TEXT NOT NULL, saved_at TEXT NOT NULL,
  run TEXT NOT NULL, rules_version TEXT NOT NULL DEFAULT '',
  UNIQUE (institution, name_key));
CREATE INDEX lab_questions_by_institution ON lab_questions (institution, saved_at);
ALTER TABLE lab_questions ENABLE ROW LEVEL SECURITY;
CREATE POLICY lab_questions_own ON lab_questions FOR ALL USING (institution =
  (SELECT r.institution FROM institution_roles r WHERE r.role_name = current_user));
DO $$DECLARE r RECORD; BEGIN FOR r IN SELECT role_name FROM institution_roles LOOP
  EXECUTE 'GRANT SELECT, INSERT ON lab_questions TO ' || quote_ident(r.role_name); END LOOP; END$$;
