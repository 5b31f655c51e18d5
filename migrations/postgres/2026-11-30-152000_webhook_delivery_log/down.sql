DROP INDEX webhook_deliveries_redelivery;
DROP INDEX webhook_deliveries_log;
ALTER TABLE webhook_deliveries DROP COLUMN redelivery_of;
ALTER TABLE webhook_deliveries DROP COLUMN last_attempt_at;
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_status_check;
UPDATE webhook_deliveries SET status = 'sent' WHERE status = 'delivered';
UPDATE webhook_deliveries SET status = 'failed' WHERE status = 'cancelled';
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check
    CHECK (status IN ('pending', 'sent', 'failed'));
