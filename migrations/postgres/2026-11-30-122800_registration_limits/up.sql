-- Throttles shared by every process on the database: one row per bucket (e.g. an IP or an
-- access key), a fixed window and the hits counted in it, moved by conditional UPDATEs
-- (domain::rate_limits). Expired buckets are purged by housekeeping.
CREATE TABLE rate_buckets (
    bucket TEXT PRIMARY KEY NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    hits INTEGER NOT NULL
);

-- How many candidates may register themselves with a project's access key per day.
ALTER TABLE projects ADD COLUMN self_registration_daily_cap INTEGER NOT NULL DEFAULT 50;
