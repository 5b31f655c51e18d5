CREATE TABLE webhook_deliveries_old (
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
INSERT INTO webhook_deliveries_old (id, webhook_id, event, payload, status, attempts,
        next_attempt_at, locked_until, last_error, response_status, created_at, sent_at)
    SELECT id, webhook_id, event, payload,
        CASE status WHEN 'delivered' THEN 'sent' WHEN 'cancelled' THEN 'failed' ELSE status END,
        attempts, next_attempt_at, locked_until, last_error, response_status, created_at, sent_at
    FROM webhook_deliveries;
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_old RENAME TO webhook_deliveries;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
