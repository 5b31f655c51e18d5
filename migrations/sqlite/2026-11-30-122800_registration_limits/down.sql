ALTER TABLE projects DROP COLUMN self_registration_daily_cap;
DROP TABLE rate_buckets;
