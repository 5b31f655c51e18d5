-- Foundation: brand skins, resellers, users and sessions, mail outbox, audit log, settings.
-- The sqlite/ and postgres/ copies differ only in type names (BLOB/BYTEA); a test keeps them equal.

CREATE TABLE logos (
    id TEXT PRIMARY KEY NOT NULL,
    content_type TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    etag TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE brands (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    product_name TEXT NOT NULL,
    primary_color TEXT NOT NULL,
    accent_color TEXT NOT NULL,
    background_color TEXT NOT NULL,
    text_color TEXT NOT NULL,
    logo_id TEXT REFERENCES logos (id),
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX brands_single_default ON brands (is_default) WHERE is_default;

CREATE TABLE resellers (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    discount_bp INTEGER NOT NULL CHECK (discount_bp BETWEEN 0 AND 10000),
    currency TEXT NOT NULL,
    custom_host TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX resellers_created ON resellers (created_at, id);

-- The skins a reseller may use; position 0 is its default skin.
CREATE TABLE reseller_brands (
    reseller_id TEXT NOT NULL REFERENCES resellers (id) ON DELETE CASCADE,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (reseller_id, brand_id)
);

CREATE TABLE users (
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
    CHECK (role <> 'reseller' OR reseller_id IS NOT NULL)
);
CREATE INDEX users_reseller ON users (reseller_id, created_at);

-- One sign-in: access tokens carry its id (`sid`), so revoking it ends them at once.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    impersonator_id TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    ip TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Refresh tokens of a session (its "family"); only the SHA-256 of a token is stored.
CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Welcome (set-password) and reset links; only the SHA-256 of a token is stored.
CREATE TABLE one_time_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('welcome', 'password_reset')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id);

-- Mail written in the same transaction as the change that causes it; jobs::mail delivers it.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL,
    reply_to TEXT,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY NOT NULL,
    actor_id TEXT,
    impersonator_id TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    reseller_id TEXT,
    client_id TEXT,
    ip TEXT,
    details TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_events_created ON audit_events (created_at, id);
CREATE INDEX audit_events_reseller ON audit_events (reseller_id, created_at);

CREATE TABLE settings (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    list_price_minor BIGINT NOT NULL CHECK (list_price_minor >= 0),
    currency TEXT NOT NULL,
    default_credit_threshold BIGINT NOT NULL CHECK (default_credit_threshold >= 0),
    updated_at TIMESTAMP NOT NULL
);

-- Generated secrets kept across restarts (the JWT signing key when none is configured).
CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Idempotency-Key replays: the first response to (principal, key) is kept for 24 h.
CREATE TABLE idempotency_keys (
    principal TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_status INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (principal, idempotency_key)
);

INSERT INTO settings (id, list_price_minor, currency, default_credit_threshold, updated_at)
VALUES (1, 500, 'GBP', 10, CURRENT_TIMESTAMP);

INSERT INTO brands (id, name, product_name, primary_color, accent_color, background_color,
                    text_color, logo_id, is_default, created_at, updated_at)
VALUES ('019ab000-0000-7000-8000-000000000001', 'Test Partnership', 'Test Partnership',
        '#1f4e79', '#f28c28', '#f6f8fb', '#1b2533', NULL, TRUE, CURRENT_TIMESTAMP,
        CURRENT_TIMESTAMP);
