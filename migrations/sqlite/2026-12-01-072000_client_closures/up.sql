-- Closing a client (domain::clients::closure): a reseller closes a client with a reason and a
-- grace period. Until `clients.closes_at` the client's users can still sign in and export
-- their data, but nothing new is invited, ordered or added; then the housekeeping job
-- anonymises every candidate, deactivates the users, archives the client and stamps
-- `client_closures.closed_at`. Invoices, orders and the ledger stay for accounting.
-- Withdrawing a pending closure clears `closes_at` and deletes its row.
ALTER TABLE clients ADD COLUMN closes_at TIMESTAMP;
CREATE TABLE client_closures (
    client_id TEXT PRIMARY KEY REFERENCES clients (id),
    reseller_id TEXT NOT NULL REFERENCES resellers (id),
    reason TEXT NOT NULL,
    requested_by TEXT,
    requested_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);
-- The job looks for clients whose closure is due.
CREATE INDEX clients_closing ON clients (closes_at) WHERE closes_at IS NOT NULL;
