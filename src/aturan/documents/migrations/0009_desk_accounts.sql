-- Version 9: the desk's accounts, sessions and login attempts (issue 26, item 1), in the registry
-- database so that every desk process over one registry shares them (no sticky routing).
-- - desk_accounts: one institution each, roles as space-separated words (operator, auditor,
--   admin), an argon2id password hash; an account is disabled, never deleted (the registry's
--   operator field keeps naming it).
-- - desk_sessions: only the SHA-256 of each session token is stored; a session ends when it has
--   been idle or open too long (desk.session_idle_minutes, desk.session_max_hours) or when
--   `ended_at` is set (signing out, disabling the account, resetting its password).
-- - desk_login_attempts: every sign-in attempt with its account name and client address, so
--   throttling holds across processes. Times are seconds since 1970 (UTC).
CREATE TABLE desk_accounts (
  username TEXT PRIMARY KEY, institution TEXT NOT NULL, full_name TEXT NOT NULL,
  roles TEXT NOT NULL, password_hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL);
CREATE INDEX desk_accounts_by_institution ON desk_accounts (institution, username);
CREATE TABLE desk_sessions (
  token_hash TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES desk_accounts (username),
  started REAL NOT NULL, last_seen REAL NOT NULL, ended_at REAL);
CREATE INDEX desk_sessions_by_username ON desk_sessions (username);
CREATE TABLE desk_login_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL, address TEXT NOT NULL,
  at REAL NOT NULL, succeeded INTEGER NOT NULL);
CREATE INDEX desk_login_attempts_by_username ON desk_login_attempts (username, at);
CREATE INDEX desk_login_attempts_by_address ON desk_login_attempts (address, at);
