PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DELETE FROM counters WHERE name = 'credit_note_number';
UPDATE invoices SET total_minor = total_minor - COALESCE((SELECT SUM(l.amount_minor) FROM invoice_lines l WHERE l.invoice_id = invoices.id AND l.credits < 0), 0);
DELETE FROM invoice_lines WHERE credits < 0;
CREATE TABLE invoice_lines_old (
    id TEXT PRIMARY KEY NOT NULL,
    invoice_id TEXT NOT NULL REFERENCES invoices (id),
    credit_order_id TEXT NOT NULL UNIQUE REFERENCES credit_orders (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    description TEXT NOT NULL,
    credits BIGINT NOT NULL,
    unit_price_minor BIGINT NOT NULL,
    discount_bp INTEGER NOT NULL,
    amount_minor BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO invoice_lines_old SELECT id, invoice_id, credit_order_id, client_id, description, credits, unit_price_minor, discount_bp, amount_minor, created_at FROM invoice_lines;
DROP TABLE invoice_lines;
ALTER TABLE invoice_lines_old RENAME TO invoice_lines;
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id, id);

ALTER TABLE credit_orders DROP COLUMN credits_returned;
DELETE FROM invoice_lines WHERE invoice_id IN (SELECT id FROM invoices WHERE kind = 'credit_note');
DELETE FROM invoices WHERE kind = 'credit_note';
CREATE TABLE invoices_old (
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
    UNIQUE (reseller_id, period)
);
INSERT INTO invoices_old SELECT id, reseller_id, period, currency, status, number, total_minor, issued_at, paid_at, created_at, updated_at FROM invoices;
DROP TABLE invoices;
ALTER TABLE invoices_old RENAME TO invoices;
COMMIT;
PRAGMA foreign_keys = ON;
