-- Version 12: the drafters' saved questions (issue 27, item 4), in the registry database beside
-- the desk's jobs. One row per question: its institution, its name as the drafter gave it and
-- that name folded (`name_key`: lower case, spaces collapsed; unique per institution), an
-- optional short description of the policy question, the account that saved it, when (UTC, ISO
-- 8601), and the lab run it points to. The run's reform, cohort, models, as-of date and results
-- stay in that run's files and jobs; the rules' version the run used is kept here too.
CREATE TABLE lab_questions (
  id TEXT PRIMARY KEY, institution TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '', account TEXT NOT NULL, saved_at TEXT NOT NULL,
  run TEXT NOT NULL, rules_version TEXT NOT NULL DEFAULT '',
  UNIQUE (institution, name_key));
CREATE INDEX lab_questions_by_institution ON lab_questions (institution, saved_at);
