-- Version 6 on PostgreSQL: each institution connects as its own LOGIN role
-- (`aturan registry init-institution CODE`, which creates the role, records it here and grants it
-- the privileges below), and the database itself keeps an institution to its own rows.
-- - institution_roles maps a role to its institution; only the owner (the admin) writes it.
-- - Row-level security: every role reads every row (verification answers for any number); a
--   role inserts and updates only rows of its own institution. An update of another
--   institution's row is an error, never a silent no-op: the update policies' USING admits every
--   row and their WITH CHECK refuses the row that results (the institution column is not
--   updatable by the roles, so the row keeps its owner).
-- - Nothing is deleted: the roles get no DELETE (nor TRUNCATE) on any table, nor UPDATE on the
--   audit log, which every role appends to as one chain.
-- RLS is ENABLEd, not FORCEd: the tables' owner, the admin connection that migrates the schema,
-- keeps full rights (and a superuser bypasses RLS anyway). A role with no row here writes nothing.
CREATE TABLE institution_roles (
  role_name TEXT PRIMARY KEY, institution TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY documents_read ON documents FOR SELECT USING (true);
CREATE POLICY documents_insert ON documents FOR INSERT WITH CHECK (institution =
  (SELECT r.institution FROM institution_roles r WHERE r.role_name = current_user));
CREATE POLICY documents_update ON documents FOR UPDATE USING (true) WITH CHECK (institution =
  (SELECT r.institution FROM institution_roles r WHERE r.role_name = current_user));
ALTER TABLE counters ENABLE ROW LEVEL SECURITY;
CREATE POLICY counters_read ON counters FOR SELECT USING (true);
CREATE POLICY counters_insert ON counters FOR INSERT WITH CHECK (institution =
  (SELECT r.institution FROM institution_roles r WHERE r.role_name = current_user));
CREATE POLICY counters_update ON counters FOR UPDATE USING (true) WITH CHECK (institution =
  (SELECT r.institution FROM institution_roles r WHERE r.role_name = current_user));
ALTER TABLE coaching_groups ENABLE ROW LEVEL SECURITY;
CREATE POLICY coaching_groups_read ON coaching_groups FOR SELECT USING (true);
CREATE POLICY coaching_groups_insert ON coaching_groups FOR INSERT WITH CHECK (institution =
  (SELECT r.institution FROM institution_roles r WHERE r.role_name = current_user));
ALTER TABLE decision_records ENABLE ROW LEVEL SECURITY;
CREATE POLICY decision_records_read ON decision_records FOR SELECT USING (true);
CREATE POLICY decision_records_insert ON decision_records FOR INSERT WITH CHECK (EXISTS (
  SELECT 1 FROM documents d JOIN institution_roles r ON r.institution = d.institution
  WHERE d.number = decision_records.number AND r.role_name = current_user));
