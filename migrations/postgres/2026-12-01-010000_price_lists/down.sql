ALTER TABLE settings ADD COLUMN list_price_minor BIGINT NOT NULL DEFAULT 0;
UPDATE settings SET list_price_minor = COALESCE((
    SELECT p.unit_price_minor FROM credit_prices p
    WHERE p.currency = settings.currency AND p.reseller_id IS NULL
    ORDER BY p.valid_from DESC LIMIT 1), 0);
DROP TABLE credit_prices;
