DROP TRIGGER candidates_search_delete;
DROP TRIGGER candidates_search_update;
DROP TRIGGER candidates_search_insert;
DROP TABLE candidates_search;
DROP INDEX invitations_candidate_status;
DROP INDEX candidates_reseller;
ALTER TABLE candidates DROP COLUMN reseller_id;
