ALTER TABLE clients DROP COLUMN privacy_contact_email;
ALTER TABLE clients DROP COLUMN privacy_notice;
ALTER TABLE invitations DROP COLUMN consent_notice_hash;
ALTER TABLE invitations DROP COLUMN consented_at;
