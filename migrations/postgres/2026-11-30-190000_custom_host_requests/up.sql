-- Custom host requests: a reseller asks for a host (requested_host, host_status 'requested'),
-- the vendor approves it (it becomes custom_host, 'approved') or rejects it (with a reason).
-- The last DNS check of the host is kept with its time (resolution only).
ALTER TABLE resellers ADD COLUMN requested_host TEXT;
ALTER TABLE resellers ADD COLUMN host_status TEXT NOT NULL DEFAULT 'none'
    CHECK (host_status IN ('none', 'requested', 'approved', 'rejected'));
ALTER TABLE resellers ADD COLUMN host_requested_at TIMESTAMP;
ALTER TABLE resellers ADD COLUMN host_rejection_reason TEXT;
ALTER TABLE resellers ADD COLUMN host_checked_host TEXT;
ALTER TABLE resellers ADD COLUMN host_check_result TEXT
    CHECK (host_check_result IN ('points_here', 'points_elsewhere', 'not_found'));
ALTER TABLE resellers ADD COLUMN host_check_addresses TEXT;
ALTER TABLE resellers ADD COLUMN host_checked_at TIMESTAMP;
UPDATE resellers SET host_status = 'approved' WHERE custom_host IS NOT NULL;
-- Two requests waiting for one host cannot both be stored, whatever the concurrency (the
-- check against hosts in use is domain::custom_hosts::check_host's, in the same transaction).
CREATE UNIQUE INDEX resellers_requested_host_waiting ON resellers (requested_host)
    WHERE host_status = 'requested';
