-- The registry as aturan made it before versioned migrations (a registry of that time, with no
-- schema_version table, is taken to be at version 1).
CREATE TABLE counters (doc_type TEXT, year INTEGER, last_seq INTEGER, PRIMARY KEY (doc_type, year));
CREATE TABLE documents (
  number TEXT PRIMARY KEY, doc_type TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL,
  nip TEXT NOT NULL, name TEXT NOT NULL, event_key TEXT NOT NULL, decision_id TEXT NOT NULL,
  rules_version TEXT NOT NULL, content_hash TEXT NOT NULL, doc_date TEXT NOT NULL,
  docx_fingerprint TEXT, pdf_fingerprint TEXT,
  status TEXT NOT NULL DEFAULT 'issued', revoked_reason TEXT, issued_at TEXT NOT NULL,
  revoked_at TEXT,
  UNIQUE (nip, doc_type, event_key), UNIQUE (doc_type, year, seq));
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, action TEXT NOT NULL, number TEXT,
  payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE registry_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
