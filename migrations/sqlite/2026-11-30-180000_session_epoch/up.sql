-- The session epoch: one row, one number, raised in the same transaction as anything that ends
-- sessions or makes them no longer live (logout, a new password, deactivating a user, suspending
-- a client or reseller, ending a Login As, revoking an API key, confirming an email change).
-- Every process reads it before it trusts its in-memory cache of live sessions and forgets the
-- cache when it moved (domain::sessions).
CREATE TABLE session_epoch (
    id INTEGER PRIMARY KEY NOT NULL,
    epoch BIGINT NOT NULL
);
INSERT INTO session_epoch (id, epoch) VALUES (1, 0);
