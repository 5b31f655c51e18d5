-- The vendor edits the test catalogue: a test can be withdrawn from new projects, and each
-- assessment keeps the credit cost charged when it was invited, so a later change of a test's
-- cost never alters what an existing invitation is refunded.
ALTER TABLE tests ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE assessments ADD COLUMN credit_cost INTEGER NOT NULL DEFAULT 0;
UPDATE assessments SET credit_cost = (SELECT tests.credit_cost FROM tests WHERE tests.id = assessments.test_id);
