-- Resale: what a reseller charges its clients per credit. `client_id` NULL is the reseller's
-- default; a row with a client is that client's own price, and a NULL price there means "the
-- default again". Setting a price adds a row, so the newest row of each kind is the one in
-- effect and the history stays. A credit order copies the resale price in effect when it was
-- placed, so a later change never alters a statement.
CREATE TABLE resale_prices (
    id TEXT PRIMARY KEY,
    reseller_id TEXT NOT NULL REFERENCES resellers (id),
    client_id TEXT REFERENCES clients (id),
    unit_price_minor BIGINT CHECK (unit_price_minor >= 0),
    actor_id TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX resale_prices_lookup ON resale_prices (reseller_id, client_id, created_at);

ALTER TABLE credit_orders ADD COLUMN resale_price_minor BIGINT;

-- Credits taken back from a client, per order they were matched to (oldest first, as the
-- credit note credits them): what the client's statement refunds at that order's resale price.
-- `period` is the billing month the return fell in.
CREATE TABLE credit_returns (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id),
    credit_order_id TEXT NOT NULL REFERENCES credit_orders (id),
    credits BIGINT NOT NULL CHECK (credits > 0),
    period TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX credit_returns_client ON credit_returns (client_id, created_at);
CREATE INDEX credit_returns_order ON credit_returns (credit_order_id);

-- The returns credited so far, from their credit-note lines.
INSERT INTO credit_returns (id, client_id, credit_order_id, credits, period, created_at)
SELECT l.id, l.client_id, l.credit_order_id, -l.credits, i.period, l.created_at
FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
WHERE l.credits < 0;
