-- Editable email texts: a reseller's own wording of a candidate mail (invitation, reminder,
-- completion report) for one of its skins; without a row the default wording applies.
CREATE TABLE mail_texts (
    reseller_id TEXT NOT NULL REFERENCES resellers (id),
    brand_id TEXT NOT NULL REFERENCES brands (id),
    kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder', 'completion')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (reseller_id, brand_id, kind)
);

-- A project's own invitation wording (a client user's override of its reseller's text).
CREATE TABLE project_invitation_texts (
    project_id TEXT PRIMARY KEY REFERENCES projects (id),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
