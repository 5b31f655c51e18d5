DELETE FROM one_time_tokens WHERE purpose = 'email_change';
CREATE TABLE one_time_tokens_old (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('welcome', 'password_reset')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
INSERT INTO one_time_tokens_old (id, user_id, purpose, token_hash, created_at, expires_at, used_at)
    SELECT id, user_id, purpose, token_hash, created_at, expires_at, used_at FROM one_time_tokens;
DROP TABLE one_time_tokens;
ALTER TABLE one_time_tokens_old RENAME TO one_time_tokens;
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id);
ALTER TABLE users DROP COLUMN pending_email;
