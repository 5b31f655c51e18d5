-- The delivery log (GET /webhooks/{id}/deliveries): one word per state (a delivery cancelled
-- because its webhook was deleted is `cancelled`, a sent one `delivered`), when the last
-- attempt was made, and which delivery a redelivery repeats. Errors written before this
-- version could carry a client library's wording (with the URL): they become one sentence.
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt (nothing refers to it).
CREATE TABLE webhook_deliveries_new (
    id TEXT PRIMARY KEY NOT NULL,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id),
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    response_status INTEGER,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    last_attempt_at TIMESTAMP,
    redelivery_of TEXT REFERENCES webhook_deliveries (id)
);
INSERT INTO webhook_deliveries_new (id, webhook_id, event, payload, status, attempts,
        next_attempt_at, locked_until, last_error, response_status, created_at, sent_at,
        last_attempt_at)
    SELECT id, webhook_id, event, payload,
        CASE
            WHEN status = 'sent' THEN 'delivered'
            WHEN status = 'failed' AND last_error = 'cancelled: the webhook was deleted' THEN 'cancelled'
            ELSE status
        END,
        attempts, next_attempt_at, locked_until,
        CASE
            WHEN last_error IS NULL OR last_error LIKE 'HTTP %' OR last_error LIKE 'refused: %'
                OR last_error LIKE 'cancelled: %' THEN last_error
            ELSE 'The request failed'
        END,
        response_status, created_at, sent_at, sent_at
    FROM webhook_deliveries;
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_new RENAME TO webhook_deliveries;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_redelivery ON webhook_deliveries (redelivery_of);
-- Webhook signing secrets are sealed (enc:v1:…) by the server at start (SQL cannot encrypt);
-- a secret still in clear keeps working until then.
