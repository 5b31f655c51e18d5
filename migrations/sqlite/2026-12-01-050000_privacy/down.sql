DROP INDEX outbox_candidate;
ALTER TABLE outbox DROP COLUMN candidate_id;
DROP INDEX candidates_retention;
ALTER TABLE candidates DROP COLUMN anonymised_at;
ALTER TABLE candidates DROP COLUMN last_activity_at;
ALTER TABLE clients DROP COLUMN retention_days;
ALTER TABLE resellers DROP COLUMN retention_default_days;
ALTER TABLE settings DROP COLUMN retention_max_days;
ALTER TABLE settings DROP COLUMN retention_min_days;
