-- ATS connectors: a client's credential for one applicant tracking system (Greenhouse,
-- Workable), which calls Credence with it. Only the credential's SHA-256 is kept; at most one
-- enabled connector per client and kind. `callback_token` (sealed) is what the ATS gave the
-- client for requests back to it (Workable), if any.
CREATE TABLE ats_connectors (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id),
    kind TEXT NOT NULL CHECK (kind IN ('greenhouse', 'workable')),
    credential_hash TEXT NOT NULL,
    callback_token TEXT,
    enabled BOOLEAN NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP
);
CREATE UNIQUE INDEX ats_connectors_credential ON ats_connectors (credential_hash);
CREATE INDEX ats_connectors_client ON ats_connectors (client_id, id);
CREATE UNIQUE INDEX ats_connectors_one_enabled ON ats_connectors (client_id, kind) WHERE enabled;

-- What an ATS sent: its own id for the application (`external_id`, unique per connector: a
-- repeated send answers with the same link), the invitation made for it, where to report back.
CREATE TABLE ats_links (
    id TEXT PRIMARY KEY NOT NULL,
    connector_id TEXT NOT NULL REFERENCES ats_connectors (id),
    external_id TEXT NOT NULL,
    invitation_id TEXT NOT NULL REFERENCES invitations (id),
    callback_url TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX ats_links_external ON ats_links (connector_id, external_id);
CREATE INDEX ats_links_invitation ON ats_links (invitation_id);

-- Results pushed to the ATS when the candidate completes: one per link, retried with backoff,
-- claimed with a conditional UPDATE (`locked_until`) like webhook deliveries.
CREATE TABLE ats_callbacks (
    id TEXT PRIMARY KEY NOT NULL,
    link_id TEXT NOT NULL REFERENCES ats_links (id),
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    response_status INTEGER,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE UNIQUE INDEX ats_callbacks_link ON ats_callbacks (link_id);
CREATE INDEX ats_callbacks_due ON ats_callbacks (status, next_attempt_at);
