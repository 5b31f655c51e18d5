-- The scopes each API key was given (`ApiKeyScope`): what the key's tokens may do. Whatever
-- its scopes, a key never manages keys, users, webhooks, passwords or Login As.
CREATE TABLE api_key_scopes (
    api_key_id TEXT NOT NULL REFERENCES api_keys (id),
    scope TEXT NOT NULL CHECK (scope IN ('read', 'candidates', 'projects', 'credits', 'clients')),
    PRIMARY KEY (api_key_id, scope)
);

-- Keys made before scopes existed keep what their owner could do through them: every scope
-- of the owner's role (as a key made without `scopes` gets today).
INSERT INTO api_key_scopes (api_key_id, scope)
SELECT k.id, s.scope
FROM api_keys k
JOIN users u ON u.id = k.owner_id
JOIN (SELECT 'read' AS scope UNION ALL SELECT 'candidates' UNION ALL SELECT 'projects') s ON 1 = 1
WHERE u.role IN ('reseller', 'client_user');

INSERT INTO api_key_scopes (api_key_id, scope)
SELECT k.id, s.scope
FROM api_keys k
JOIN users u ON u.id = k.owner_id
JOIN (SELECT 'credits' AS scope UNION ALL SELECT 'clients') s ON 1 = 1
WHERE u.role = 'reseller';
