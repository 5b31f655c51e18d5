-- The floor under an invite: one transaction that moves the client's balance (the hot row every
-- invite of that client updates) and writes its ledger line, as domain::credits::apply does.
BEGIN;
UPDATE clients SET credit_balance = credit_balance - 1, updated_at = now()
WHERE id = :client_id AND credit_balance - 1 >= 0
RETURNING credit_balance AS balance \gset
INSERT INTO ledger_entries (id, client_id, kind, delta, balance_after, reference, reason, actor_id,
                            impersonator_id, created_at)
VALUES (gen_random_uuid()::text, :client_id, 'adjustment', -1, :balance, NULL, 'pgbench', NULL, NULL, now());
COMMIT;
