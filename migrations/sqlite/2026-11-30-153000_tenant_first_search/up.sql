-- Tenant-first access paths and search that scales.
-- A candidate carries its client's reseller, so a reseller's candidate list walks an index that
-- leads with the reseller; the client never changes reseller, so the copy never goes stale.
ALTER TABLE candidates ADD COLUMN reseller_id TEXT NOT NULL DEFAULT '';
UPDATE candidates SET reseller_id = (SELECT reseller_id FROM clients WHERE clients.id = candidates.client_id);
CREATE INDEX candidates_reseller ON candidates (reseller_id, id);
-- The status filter probes a candidate's invitations by status.
CREATE INDEX invitations_candidate_status ON invitations (candidate_id, status);
-- Substring search on names and emails: an FTS5 trigram index whose rowid is the candidate's,
-- kept in step by triggers. (A VACUUM may renumber the rowids of a table without an INTEGER
-- PRIMARY KEY; Credence never runs one. After a manual VACUUM, refill this table.)
CREATE VIRTUAL TABLE candidates_search USING fts5(name, email, tokenize = 'trigram');
INSERT INTO candidates_search (rowid, name, email)
    SELECT rowid, first_name || ' ' || last_name, email FROM candidates;
CREATE TRIGGER candidates_search_insert AFTER INSERT ON candidates BEGIN
    INSERT INTO candidates_search (rowid, name, email)
        VALUES (new.rowid, new.first_name || ' ' || new.last_name, new.email);
END;
CREATE TRIGGER candidates_search_update AFTER UPDATE OF first_name, last_name, email ON candidates BEGIN
    UPDATE candidates_search SET name = new.first_name || ' ' || new.last_name, email = new.email
        WHERE rowid = old.rowid;
END;
CREATE TRIGGER candidates_search_delete AFTER DELETE ON candidates BEGIN
    DELETE FROM candidates_search WHERE rowid = old.rowid;
END;
