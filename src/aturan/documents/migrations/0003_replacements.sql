-- Revoke and replace: a revoked document may be replaced by a new one for the same participant,
-- type and event, so (nip, doc_type, event_key) is unique only among documents in force. SQLite
-- cannot drop a table constraint: the table is remade, as in 0002.
CREATE TABLE documents_v3 (
  number TEXT PRIMARY KEY, institution TEXT NOT NULL, doc_type TEXT NOT NULL,
  year INTEGER NOT NULL, seq INTEGER NOT NULL,
  nip TEXT NOT NULL, name TEXT NOT NULL, event_key TEXT NOT NULL, decision_id TEXT NOT NULL,
  rules_version TEXT NOT NULL, content_hash TEXT NOT NULL, doc_date TEXT NOT NULL,
  docx_fingerprint TEXT, pdf_fingerprint TEXT,
  status TEXT NOT NULL DEFAULT 'issued', revoked_reason TEXT, issued_at TEXT NOT NULL,
  revoked_at TEXT, operator TEXT, revoked_by TEXT, replaces TEXT, replaced_by TEXT,
  UNIQUE (institution, doc_type, year, seq));
INSERT INTO documents_v3 SELECT number, institution, doc_type, year, seq, nip, name, event_key,
  decision_id, rules_version, content_hash, doc_date, docx_fingerprint, pdf_fingerprint, status,
  revoked_reason, issued_at, revoked_at, operator, revoked_by, replaces, replaced_by
  FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v3 RENAME TO documents;
CREATE UNIQUE INDEX documents_in_force ON documents (nip, doc_type, event_key)
  WHERE status = 'issued';
CREATE INDEX documents_event ON documents (nip, doc_type, event_key);
