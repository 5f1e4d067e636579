-- Each document's validity: the last day it is in force (ISO date, as the document prints it:
-- "berlaku sampai dengan"), recorded when issued and authenticated with the rest of the row.
-- NULL: the document has no end of validity. Rows issued before this version keep NULL and their
-- audit snapshots lack the column: verification reads their validity from the decision record
-- their issue entry authenticated (src/aturan/documents/verifying.py).
ALTER TABLE documents ADD COLUMN valid_until TEXT;
