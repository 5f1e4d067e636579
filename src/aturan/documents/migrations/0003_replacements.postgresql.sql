-- Version 3 on PostgreSQL: the same change as 0003_replacements.sql, made in place.
ALTER TABLE documents DROP CONSTRAINT documents_nip_doc_type_event_key_key;
CREATE UNIQUE INDEX documents_in_force ON documents (nip, doc_type, event_key)
  WHERE status = 'issued';
CREATE INDEX documents_event ON documents (nip, doc_type, event_key);
