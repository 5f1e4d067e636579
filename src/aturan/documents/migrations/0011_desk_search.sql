-- The desk's list of documents (issue 26): an institution's documents newest first, a page at a
-- time, and filtered by the document's date (a month), each found through an index instead of
-- sorting or scanning the whole table, so a page costs about the same at any registry size.
CREATE INDEX IF NOT EXISTS documents_by_issue ON documents (institution, issued_at, number);
CREATE INDEX IF NOT EXISTS documents_by_date ON documents (institution, doc_date);
