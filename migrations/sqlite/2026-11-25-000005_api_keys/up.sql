-- API keys for partner integrations: a key acts as the user who created it (same role and
-- tenant), through short-lived tokens from POST /auth/token (client credentials).

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    owner_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    -- The public half (`client_id`); only the SHA-256 of the secret is stored.
    key_id TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_keys_owner ON api_keys (owner_id);

ALTER TABLE sessions ADD COLUMN api_key_id TEXT REFERENCES api_keys (id);
