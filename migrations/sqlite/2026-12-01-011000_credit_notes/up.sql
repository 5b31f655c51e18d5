-- Credit notes: credits a reseller takes back from a client are credited at the price paid for
-- them. A credit note is a document like an invoice (`kind`): one per reseller per month,
-- issued with its own gap-free number (`CN-000001`). `credits_returned` counts an order's
-- credits already credited, so each credit is credited once, oldest order first.
--
-- SQLite cannot change a table's UNIQUE: `invoices` and `invoice_lines` are rebuilt with foreign keys off (ignored
-- inside a transaction, hence metadata.toml's run_in_transaction = false).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE invoices_new (
    id TEXT PRIMARY KEY NOT NULL,
    reseller_id TEXT NOT NULL REFERENCES resellers (id),
    period TEXT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'paid', 'void')),
    number TEXT UNIQUE,
    total_minor BIGINT NOT NULL,
    issued_at TIMESTAMP,
    paid_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL DEFAULT 'invoice' CHECK (kind IN ('invoice', 'credit_note')),
    UNIQUE (reseller_id, period, kind)
);
INSERT INTO invoices_new (id, reseller_id, period, currency, status, number, total_minor, issued_at, paid_at, created_at, updated_at)
    SELECT id, reseller_id, period, currency, status, number, total_minor, issued_at, paid_at, created_at, updated_at FROM invoices;
DROP TABLE invoices;
ALTER TABLE invoices_new RENAME TO invoices;
ALTER TABLE credit_orders ADD COLUMN credits_returned BIGINT NOT NULL DEFAULT 0
    CHECK (credits_returned >= 0 AND credits_returned <= credits);
INSERT INTO counters (name, value) VALUES ('credit_note_number', 0);
-- An order is billed on one line; it may be credited on several (negative credits).
CREATE TABLE invoice_lines_new (
    id TEXT PRIMARY KEY NOT NULL,
    invoice_id TEXT NOT NULL REFERENCES invoices (id),
    credit_order_id TEXT NOT NULL REFERENCES credit_orders (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    description TEXT NOT NULL,
    credits BIGINT NOT NULL,
    unit_price_minor BIGINT NOT NULL,
    discount_bp INTEGER NOT NULL,
    amount_minor BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO invoice_lines_new SELECT id, invoice_id, credit_order_id, client_id, description, credits, unit_price_minor, discount_bp, amount_minor, created_at FROM invoice_lines;
DROP TABLE invoice_lines;
ALTER TABLE invoice_lines_new RENAME TO invoice_lines;
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id, id);
CREATE UNIQUE INDEX invoice_lines_billed_order ON invoice_lines (credit_order_id) WHERE credits > 0;
COMMIT;
PRAGMA foreign_keys = ON;
