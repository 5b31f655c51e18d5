-- Tenant-first access paths and search that scales.
-- A candidate carries its client's reseller, so a reseller's candidate list walks an index that
-- leads with the reseller (and a Citus cluster can distribute by it); the client never changes
-- reseller, so the copy never goes stale.
ALTER TABLE candidates ADD COLUMN reseller_id TEXT NOT NULL DEFAULT '';
UPDATE candidates SET reseller_id = clients.reseller_id FROM clients WHERE clients.id = candidates.client_id;
ALTER TABLE candidates ALTER COLUMN reseller_id DROP DEFAULT;
CREATE INDEX candidates_reseller ON candidates (reseller_id, id);
-- The status filter probes a candidate's invitations by status.
CREATE INDEX invitations_candidate_status ON invitations (candidate_id, status);
-- Substring search on names and emails: trigram GIN indexes on the expressions the query uses.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX candidates_name_trgm ON candidates USING gin (lower(first_name || ' ' || last_name) gin_trgm_ops);
CREATE INDEX candidates_email_trgm ON candidates USING gin (lower(email) gin_trgm_ops);
