-- White label mail: a reseller's own From address (a domain it verified with its mail
-- provider; set by the vendor), and each queued mail's sender identity, decided when it is
-- queued (domain::senders) so the worker only sends it.
ALTER TABLE resellers ADD COLUMN mail_from TEXT;
ALTER TABLE outbox ADD COLUMN from_name TEXT;
ALTER TABLE outbox ADD COLUMN from_address TEXT;
