-- The delivery log (GET /webhooks/{id}/deliveries): one word per state (a delivery cancelled
-- because its webhook was deleted is `cancelled`, a sent one `delivered`), when the last
-- attempt was made, and which delivery a redelivery repeats. Errors written before this
-- version could carry a client library's wording (with the URL): they become one sentence.
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_status_check;
UPDATE webhook_deliveries SET status = 'delivered' WHERE status = 'sent';
UPDATE webhook_deliveries SET status = 'cancelled'
    WHERE status = 'failed' AND last_error = 'cancelled: the webhook was deleted';
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check
    CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled'));
ALTER TABLE webhook_deliveries ADD COLUMN last_attempt_at TIMESTAMP;
ALTER TABLE webhook_deliveries ADD COLUMN redelivery_of TEXT REFERENCES webhook_deliveries (id);
UPDATE webhook_deliveries SET last_attempt_at = sent_at WHERE sent_at IS NOT NULL;
UPDATE webhook_deliveries SET last_error = 'The request failed'
    WHERE last_error IS NOT NULL AND last_error NOT LIKE 'HTTP %'
      AND last_error NOT LIKE 'refused: %' AND last_error NOT LIKE 'cancelled: %';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_redelivery ON webhook_deliveries (redelivery_of);
-- Webhook signing secrets are sealed (enc:v1:…) by the server at start (SQL cannot encrypt);
-- a secret still in clear keeps working until then.
