ALTER TABLE assessments DROP COLUMN credit_cost;
ALTER TABLE tests DROP COLUMN active;
