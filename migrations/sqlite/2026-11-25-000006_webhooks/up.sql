-- Webhooks: partners subscribe a URL to events of their tenant; deliveries are queued in the
-- same transaction as the event and sent (signed, retried) by jobs::webhooks.

CREATE TABLE webhooks (
    id TEXT PRIMARY KEY NOT NULL,
    reseller_id TEXT REFERENCES resellers (id),
    client_id TEXT REFERENCES clients (id),
    url TEXT NOT NULL,
    -- HMAC-SHA256 signing secret (needed in clear to sign).
    secret TEXT NOT NULL,
    -- Comma-separated event names.
    events TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    CHECK ((reseller_id IS NULL) <> (client_id IS NULL))
);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id),
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    response_status INTEGER,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
