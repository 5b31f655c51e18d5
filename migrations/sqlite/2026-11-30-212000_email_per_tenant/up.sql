-- One person may hold accounts in several tenants with the same email (a reseller user who is
-- also one of its clients' users): an email is unique within its tenant only — the vendor's
-- administrators, one reseller's staff, one client's users. Sign-in and password resets then
-- look an email up across tenants (`users_email`) and ask which account is meant.
--
-- SQLite cannot drop a column's UNIQUE: the table is rebuilt. Other tables reference users, so
-- foreign keys are off while it is swapped (PRAGMA foreign_keys is ignored inside a
-- transaction, hence metadata.toml's run_in_transaction = false and the explicit one here).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE users_new (
    id TEXT PRIMARY KEY NOT NULL,
    -- Stored lower-cased: unique within its tenant (the indexes below).
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('platform_admin', 'reseller', 'client_user')),
    reseller_id TEXT REFERENCES resellers (id),
    job_title TEXT,
    password_hash TEXT,
    status TEXT NOT NULL CHECK (status IN ('invited', 'active', 'deactivated')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP,
    client_id TEXT REFERENCES clients (id),
    pending_email TEXT,
    CHECK (role <> 'reseller' OR reseller_id IS NOT NULL)
);
INSERT INTO users_new (id, email, name, role, reseller_id, job_title, password_hash, status, created_at, updated_at, last_login_at, client_id, pending_email)
    SELECT id, email, name, role, reseller_id, job_title, password_hash, status, created_at, updated_at, last_login_at, client_id, pending_email FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_reseller ON users (reseller_id, created_at);
CREATE INDEX users_client ON users (client_id, id);
CREATE INDEX users_email ON users (email);
CREATE UNIQUE INDEX users_admin_email ON users (email) WHERE role = 'platform_admin';
CREATE UNIQUE INDEX users_reseller_email ON users (reseller_id, email) WHERE role = 'reseller';
CREATE UNIQUE INDEX users_client_email ON users (client_id, email) WHERE role = 'client_user';
COMMIT;
PRAGMA foreign_keys = ON;
