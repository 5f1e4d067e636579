-- Version 9 on PostgreSQL: the desk's accounts, sessions and login attempts (0009_desk_accounts.sql
-- says what each table holds). The desk normally connects as the registry's owner. When it
-- connects as an institution's role (0006), row-level security keeps that role to its own
-- institution's accounts and their sessions: it reads, adds and updates only those (an admin
-- of institution B cannot see or change A's accounts, even with the database in hand). Login
-- attempts carry no institution: every role reads and adds them, so throttling per address
-- holds across institutions. Nothing is deleted by a role. Roles made before this version get
-- the grants init-institution now gives (storage/postgres.py ROLE_GRANTS).
CREATE TABLE desk_accounts (
  username TEXT PRIMARY KEY, institution TEXT NOT NULL, full_name TEXT NOT NULL,
  roles TEXT NOT NULL, password_hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL);
CREATE INDEX desk_accounts_by_institution ON desk_accounts (institution, username);
CREATE TABLE desk_sessions (
  token_hash TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES desk_accounts (username),
  started DOUBLE PRECISION NOT NULL, last_seen DOUBLE PRECISION NOT NULL,
  ended_at DOUBLE PRECISION);
CREATE INDEX desk_sessions_by_username ON desk_sessions (username);
CREATE TABLE desk_login_attempts (
  id BIGSERIAL PRIMARY KEY, username TEXT NOT NULL, address TEXT NOT NULL,
  at DOUBLE PRECISION NOT NULL, succeeded INTEGER NOT NULL);
CREATE INDEX desk_login_attempts_by_username ON desk_login_attempts (username, at);
CREATE INDEX desk_login_attempts_by_address ON desk_login_attempts (address, at);
ALTER TABLE desk_accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY desk_accounts_own ON desk_accounts USING (institution =
  (SELECT r.institution FROM institution_roles r WHERE r.role_name = current_user));
ALTER TABLE desk_sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY desk_sessions_own ON desk_sessions USING (EXISTS (
  SELECT 1 FROM desk_accounts a JOIN institution_roles r ON r.institution = a.institution
  WHERE a.username = desk_sessions.username AND r.role_name = current_user));
DO $$DECLARE r RECORD; BEGIN FOR r IN SELECT role_name FROM institution_roles LOOP
  EXECUTE 'GRANT SELECT, INSERT, UPDATE ON desk_accounts, desk_sessions TO '
    || quote_ident(r.role_name);
  EXECUTE 'GRANT SELECT, INSERT ON desk_login_attempts TO ' || quote_ident(r.role_name);
  EXECUTE 'GRANT USAGE ON SEQUENCE desk_login_attempts_id_seq TO ' || quote_ident(r.role_name);
  END LOOP; END$$;
