-- Reminders: a project may remind invited candidates who have not started, N days after the
-- last invitation or reminder mail, at most M times (off while reminder_after_days is NULL).
ALTER TABLE projects ADD COLUMN reminder_after_days INTEGER;
ALTER TABLE projects ADD COLUMN reminder_max INTEGER NOT NULL DEFAULT 1;

-- When the invitation (or a resend, or a reminder) was last mailed, and how many reminders it
-- got; the reminder job claims a due reminder by moving both with a conditional UPDATE, so only
-- one process wins.
ALTER TABLE invitations ADD COLUMN mailed_at TIMESTAMP;
ALTER TABLE invitations ADD COLUMN reminders_sent INTEGER NOT NULL DEFAULT 0;
UPDATE invitations SET mailed_at = created_at;

-- Each reminder sent: its number (1, 2, ...) per invitation and when.
CREATE TABLE invitation_reminders (
    invitation_id TEXT NOT NULL REFERENCES invitations (id),
    number INTEGER NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (invitation_id, number)
);
