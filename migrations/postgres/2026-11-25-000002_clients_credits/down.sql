DROP TABLE counters;
DROP TABLE invoice_lines;
DROP TABLE credit_orders;
DROP TABLE invoices;
DROP TABLE ledger_entries;
ALTER TABLE users DROP COLUMN client_id;
DROP TABLE clients;
