-- Retention and anonymisation (domain::privacy). The vendor bounds a retention period (days
-- after a candidate's last activity), a reseller sets its clients' default and a client may set
-- its own within the bounds. A candidate past it is anonymised: `anonymised_at` is set, personal
-- details replaced, answers removed; scores stay as anonymous statistics.
ALTER TABLE settings ADD COLUMN retention_min_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE settings ADD COLUMN retention_max_days INTEGER NOT NULL DEFAULT 1825;
ALTER TABLE resellers ADD COLUMN retention_default_days INTEGER NOT NULL DEFAULT 730;
ALTER TABLE clients ADD COLUMN retention_days INTEGER;
-- Last activity: created, edited, invited, mailed a link, started or submitted a test. NULL
-- (rows written outside the API, e.g. the bench seed) is never due.
ALTER TABLE candidates ADD COLUMN last_activity_at TIMESTAMP;
ALTER TABLE candidates ADD COLUMN anonymised_at TIMESTAMP;
UPDATE candidates SET last_activity_at = updated_at;
UPDATE candidates SET last_activity_at = (SELECT max(i.updated_at) FROM invitations i WHERE i.candidate_id = candidates.id)
    WHERE (SELECT max(i.updated_at) FROM invitations i WHERE i.candidate_id = candidates.id) > last_activity_at;
-- The job walks each client's candidates not yet anonymised by last activity.
CREATE INDEX candidates_retention ON candidates (client_id, last_activity_at) WHERE anonymised_at IS NULL;
-- Mail about a candidate (to them, or a report naming them), so an export lists it and an
-- erasure scrubs it.
ALTER TABLE outbox ADD COLUMN candidate_id TEXT;
CREATE INDEX outbox_candidate ON outbox (candidate_id) WHERE candidate_id IS NOT NULL;
