-- One person may hold accounts in several tenants with the same email (a reseller user who is
-- also one of its clients' users): an email is unique within its tenant only — the vendor's
-- administrators, one reseller's staff, one client's users. Sign-in and password resets then
-- look an email up across tenants (`users_email`) and ask which account is meant.
ALTER TABLE users DROP CONSTRAINT users_email_key;
CREATE INDEX users_email ON users (email);
CREATE UNIQUE INDEX users_admin_email ON users (email) WHERE role = 'platform_admin';
CREATE UNIQUE INDEX users_reseller_email ON users (reseller_id, email) WHERE role = 'reseller';
CREATE UNIQUE INDEX users_client_email ON users (client_id, email) WHERE role = 'client_user';
