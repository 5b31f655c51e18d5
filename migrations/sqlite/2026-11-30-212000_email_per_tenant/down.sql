-- Fails while one email holds several accounts: merge or rename them first.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE users_new (
    id TEXT PRIMARY KEY NOT NULL,
    -- Stored lower-cased: email is unique across all users.
    email TEXT NOT NULL UNIQUE,
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
COMMIT;
PRAGMA foreign_keys = ON;
