-- Version 7: every PDF fingerprint ever recorded for a number (issue 25), so a copy a recipient
-- already holds stays SAH after a re-issue writes other bytes (a LibreOffice, font or pyHanko
-- upgrade). The documents row keeps the latest; this table keeps each one with the audit entry
-- that recorded it (`audit_id`). The table only says where to look: verification trusts a
-- fingerprint only when that entry is authentic (signed with the registry key, in an intact
-- chain) and its row snapshot carries the fingerprint, so a row added without the key vouches
-- for nothing. Written in the same transaction as the fingerprint's audit entry.
-- A registry migrated forward starts the history with each document's current fingerprint and
-- its latest entry (earlier fingerprints were overwritten before this version).
CREATE TABLE pdf_fingerprints (
  number TEXT NOT NULL REFERENCES documents (number), fingerprint TEXT NOT NULL,
  audit_id INTEGER NOT NULL, recorded_at TEXT NOT NULL, PRIMARY KEY (number, fingerprint));
INSERT INTO pdf_fingerprints (number, fingerprint, audit_id, recorded_at)
  SELECT d.number, d.pdf_fingerprint, a.id, a.at FROM documents d JOIN audit_log a
  ON a.id = (SELECT MAX(l.id) FROM audit_log l WHERE l.number = d.number)
  WHERE d.pdf_fingerprint IS NOT NULL;
