DROP TABLE invitation_reminders;
ALTER TABLE invitations DROP COLUMN reminders_sent;
ALTER TABLE invitations DROP COLUMN mailed_at;
ALTER TABLE projects DROP COLUMN reminder_max;
ALTER TABLE projects DROP COLUMN reminder_after_days;
