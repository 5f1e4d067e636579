-- The audit entries of one document found by its number through an index, so a verification
-- (the document's latest entry, its first issue entry) costs the same at any registry size
-- instead of scanning the whole log (issue 25, item 1).
CREATE INDEX IF NOT EXISTS audit_log_by_number ON audit_log (number, id);
