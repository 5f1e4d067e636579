-- Version 2 on PostgreSQL: the same change as 0002_institutions.sql, made in place.
CREATE TABLE IF NOT EXISTS registry_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO registry_meta (name, value) VALUES ('legacy_institution', :institution)
  ON CONFLICT (name) DO NOTHING;
ALTER TABLE counters ADD COLUMN institution TEXT;
UPDATE counters SET institution = :institution;
ALTER TABLE counters ALTER COLUMN institution SET NOT NULL;
ALTER TABLE counters DROP CONSTRAINT counters_pkey;
ALTER TABLE counters ADD PRIMARY KEY (institution, doc_type, year);
ALTER TABLE documents ADD COLUMN institution TEXT, ADD COLUMN operator TEXT,
  ADD COLUMN revoked_by TEXT, ADD COLUMN replaces TEXT, ADD COLUMN replaced_by TEXT;
UPDATE documents SET institution = :institution;
ALTER TABLE documents ALTER COLUMN institution SET NOT NULL;
ALTER TABLE documents DROP CONSTRAINT documents_doc_type_year_seq_key;
ALTER TABLE documents ADD CONSTRAINT documents_institution_doc_type_year_seq_key
  UNIQUE (institution, doc_type, year, seq);
CREATE TABLE decision_records (
  number TEXT PRIMARY KEY REFERENCES documents (number), record TEXT NOT NULL,
  version TEXT NOT NULL);
CREATE TABLE coaching_groups (
  institution TEXT NOT NULL, program TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL,
  group_id TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL,
  PRIMARY KEY (institution, program, year, seq));
