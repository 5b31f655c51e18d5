-- An email change waits in users.pending_email until the new address confirms it with a
-- one-time link (purpose email_change), stored hashed like the other one-time links.
ALTER TABLE users ADD COLUMN pending_email TEXT;

-- SQLite cannot change a CHECK constraint in place: the table is rebuilt with the new purpose.
CREATE TABLE one_time_tokens_new (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('welcome', 'password_reset', 'email_change')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
INSERT INTO one_time_tokens_new (id, user_id, purpose, token_hash, created_at, expires_at, used_at)
    SELECT id, user_id, purpose, token_hash, created_at, expires_at, used_at FROM one_time_tokens;
DROP TABLE one_time_tokens;
ALTER TABLE one_time_tokens_new RENAME TO one_time_tokens;
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id);
