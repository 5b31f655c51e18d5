-- Credit notes: credits a reseller takes back from a client are credited at the price paid for
-- them. A credit note is a document like an invoice (`kind`): one per reseller per month,
-- issued with its own gap-free number (`CN-000001`). `credits_returned` counts an order's
-- credits already credited, so each credit is credited once, oldest order first.
ALTER TABLE invoices ADD COLUMN kind TEXT NOT NULL DEFAULT 'invoice'
    CHECK (kind IN ('invoice', 'credit_note'));
ALTER TABLE invoices DROP CONSTRAINT invoices_reseller_id_period_key;
ALTER TABLE invoices ADD CONSTRAINT invoices_reseller_period_kind UNIQUE (reseller_id, period, kind);
ALTER TABLE credit_orders ADD COLUMN credits_returned BIGINT NOT NULL DEFAULT 0
    CHECK (credits_returned >= 0 AND credits_returned <= credits);
INSERT INTO counters (name, value) VALUES ('credit_note_number', 0);
-- An order is billed on one line; it may be credited on several (negative credits).
ALTER TABLE invoice_lines DROP CONSTRAINT invoice_lines_credit_order_id_key;
CREATE UNIQUE INDEX invoice_lines_billed_order ON invoice_lines (credit_order_id) WHERE credits > 0;
