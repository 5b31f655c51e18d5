DROP INDEX candidates_email_trgm;
DROP INDEX candidates_name_trgm;
DROP INDEX invitations_candidate_status;
DROP INDEX candidates_reseller;
ALTER TABLE candidates DROP COLUMN reseller_id;
