-- Consent and the privacy notice (domain::privacy::notice). Before the first test a candidate
-- reads the notice — who the controller (the client) and the processor (the reseller, by its
-- brand) are, the purpose, the retention period, a contact and the client's text — and
-- confirms. The confirmation belongs to the invitation (the candidate's link is the
-- invitation): when, and the SHA-256 of the notice as it was shown. A timestamp is not
-- personal, so anonymisation keeps it.
ALTER TABLE invitations ADD COLUMN consented_at TIMESTAMP;
ALTER TABLE invitations ADD COLUMN consent_notice_hash TEXT;
-- The client's own notice text and privacy contact; NULL: the default text and the client's
-- contact email.
ALTER TABLE clients ADD COLUMN privacy_notice TEXT;
ALTER TABLE clients ADD COLUMN privacy_contact_email TEXT;
