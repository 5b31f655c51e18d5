ALTER TABLE outbox DROP COLUMN from_address;
ALTER TABLE outbox DROP COLUMN from_name;
ALTER TABLE resellers DROP COLUMN mail_from;
