-- Fails while one email holds several accounts: merge or rename them first.
DROP INDEX users_client_email;
DROP INDEX users_reseller_email;
DROP INDEX users_admin_email;
DROP INDEX users_email;
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
