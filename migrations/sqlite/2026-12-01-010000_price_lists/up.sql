-- Price lists: the vendor's price per credit in each currency (`reseller_id` NULL: the list
-- price) and, optionally, one reseller's own price that overrides it. Each row applies from
-- `valid_from` until `valid_until` (NULL: until a newer row replaces it). Orders and invoice
-- lines copy the price they used, so a later change never alters an existing invoice.
CREATE TABLE credit_prices (
    id TEXT PRIMARY KEY,
    currency TEXT NOT NULL,
    reseller_id TEXT REFERENCES resellers (id),
    unit_price_minor BIGINT NOT NULL CHECK (unit_price_minor >= 0),
    valid_from TIMESTAMP NOT NULL,
    valid_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CHECK (valid_until IS NULL OR valid_until > valid_from)
);
CREATE INDEX credit_prices_lookup ON credit_prices (currency, reseller_id, valid_from);

-- The one list price so far becomes the list price in the settings' currency, and in every
-- other currency a reseller already uses (the number those resellers were billed until now),
-- so that nobody stops being able to order; the vendor then sets each currency's own price.
INSERT INTO credit_prices (id, currency, reseller_id, unit_price_minor, valid_from, created_at)
SELECT '00000000-0000-7000-8000-000000' || lower(hex(c.currency)),
       c.currency, NULL, s.list_price_minor, '1970-01-01 00:00:00', s.updated_at
FROM settings s,
     (SELECT currency FROM settings WHERE id = 1 UNION SELECT currency FROM resellers) c
WHERE s.id = 1;

ALTER TABLE settings DROP COLUMN list_price_minor;
