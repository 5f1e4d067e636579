-- Many institutions in one registry: each numbers per (institution, type, year). Documents get
-- their institution, and the columns and tables that decision records, revoke-and-replace,
-- operators and coaching groups use. Rows of a registry made before this version belong to the
-- institution whose configuration opened it (:institution), recorded as legacy_institution.
CREATE TABLE IF NOT EXISTS registry_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO registry_meta (name, value) VALUES ('legacy_institution', :institution)
  ON CONFLICT (name) DO NOTHING;
CREATE TABLE counters_v2 (
  institution TEXT NOT NULL, doc_type TEXT, year INTEGER, last_seq INTEGER,
  PRIMARY KEY (institution, doc_type, year));
INSERT INTO counters_v2 (institution, doc_type, year, last_seq)
  SELECT :institution, doc_type, year, last_seq FROM counters;
DROP TABLE counters;
ALTER TABLE counters_v2 RENAME TO counters;
CREATE TABLE documents_v2 (
  number TEXT PRIMARY KEY, institution TEXT NOT NULL, doc_type TEXT NOT NULL,
  year INTEGER NOT NULL, seq INTEGER NOT NULL,
  nip TEXT NOT NULL, name TEXT NOT NULL, event_key TEXT NOT NULL, decision_id TEXT NOT NULL,
  rules_version TEXT NOT NULL, content_hash TEXT NOT NULL, doc_date TEXT NOT NULL,
  docx_fingerprint TEXT, pdf_fingerprint TEXT,
  status TEXT NOT NULL DEFAULT 'issued', revoked_reason TEXT, issued_at TEXT NOT NULL,
  revoked_at TEXT, operator TEXT, revoked_by TEXT, replaces TEXT, replaced_by TEXT,
  UNIQUE (nip, doc_type, event_key), UNIQUE (institution, doc_type, year, seq));
INSERT INTO documents_v2 (number, institution, doc_type, year, seq, nip, name, event_key,
  decision_id, rules_version, content_hash, doc_date, docx_fingerprint, pdf_fingerprint, status,
  revoked_reason, issued_at, revoked_at)
  SELECT number, :institution, doc_type, year, seq, nip, name, event_key, decision_id,
  rules_version, content_hash, doc_date, docx_fingerprint, pdf_fingerprint, status,
  revoked_reason, issued_at, revoked_at FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v2 RENAME TO documents;
CREATE TABLE decision_records (
  number TEXT PRIMARY KEY REFERENCES documents (number), record TEXT NOT NULL,
  version TEXT NOT NULL);
CREATE TABLE coaching_groups (
  institution TEXT NOT NULL, program TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL,
  group_id TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL,
  PRIMARY KEY (institution, program, year, seq));
