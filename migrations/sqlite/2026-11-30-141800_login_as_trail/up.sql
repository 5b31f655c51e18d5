-- The Login As trail belongs to the reseller as well as the client: requests made in a Login As
-- session were recorded with the client only, so the reseller's audit view missed them.
UPDATE audit_events
SET reseller_id = (SELECT clients.reseller_id FROM clients WHERE clients.id = audit_events.client_id)
WHERE action = 'impersonation.request' AND reseller_id IS NULL AND client_id IS NOT NULL;

-- Ending a reseller user's Login As sessions (deactivation, a new password) finds them by
-- the impersonator.
CREATE INDEX sessions_impersonator ON sessions (impersonator_id);
