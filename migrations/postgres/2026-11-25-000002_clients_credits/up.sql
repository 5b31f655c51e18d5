-- Clients of resellers, their users, the credit ledger, credit orders and monthly invoices.

CREATE TABLE clients (
    id TEXT PRIMARY KEY NOT NULL,
    reseller_id TEXT NOT NULL REFERENCES resellers (id),
    -- Human-friendly, unique and never reused (clients are archived, never deleted).
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    phone TEXT,
    address TEXT,
    notes TEXT,
    brand_id TEXT NOT NULL REFERENCES brands (id),
    logo_id TEXT REFERENCES logos (id),
    credit_balance BIGINT NOT NULL CHECK (credit_balance >= 0),
    credit_threshold BIGINT NOT NULL CHECK (credit_threshold >= 0),
    -- Set when the low-credit email went out; cleared when the balance is back at the threshold.
    low_credit_notified BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'archived')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX clients_reseller ON clients (reseller_id, id);

ALTER TABLE users ADD COLUMN client_id TEXT REFERENCES clients (id);
CREATE INDEX users_client ON users (client_id, id);

-- Append-only: every change of a client's balance. The sum of deltas equals the balance.
CREATE TABLE ledger_entries (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id),
    kind TEXT NOT NULL CHECK (kind IN ('initial', 'order', 'invite_charge', 'refund', 'adjustment')),
    delta BIGINT NOT NULL,
    balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
    reference TEXT,
    reason TEXT,
    actor_id TEXT,
    impersonator_id TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ledger_entries_client ON ledger_entries (client_id, id);

-- One per reseller per calendar month (UTC): draft while the month is open, then issued.
CREATE TABLE invoices (
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

CREATE TABLE credit_orders (
    id TEXT PRIMARY KEY NOT NULL,
    reseller_id TEXT NOT NULL REFERENCES resellers (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    kind TEXT NOT NULL CHECK (kind IN ('initial', 'order')),
    credits BIGINT NOT NULL CHECK (credits BETWEEN 1 AND 1000000),
    list_price_minor BIGINT NOT NULL,
    discount_bp INTEGER NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    note TEXT,
    po_reference TEXT,
    invoice_id TEXT NOT NULL REFERENCES invoices (id),
    actor_id TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX credit_orders_reseller ON credit_orders (reseller_id, id);

CREATE TABLE invoice_lines (
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
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id, id);

-- Gap-free sequences (invoice numbers): incremented inside the issuing transaction.
CREATE TABLE counters (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('invoice_number', 0);
