DROP INDEX resellers_requested_host_waiting;
ALTER TABLE resellers DROP COLUMN host_checked_at;
ALTER TABLE resellers DROP COLUMN host_check_addresses;
ALTER TABLE resellers DROP COLUMN host_check_result;
ALTER TABLE resellers DROP COLUMN host_checked_host;
ALTER TABLE resellers DROP COLUMN host_rejection_reason;
ALTER TABLE resellers DROP COLUMN host_requested_at;
ALTER TABLE resellers DROP COLUMN host_status;
ALTER TABLE resellers DROP COLUMN requested_host;
