-- Each API key has its own token bucket, shared by every process: up to `rate_per_minute`
-- requests at once, refilled at that rate. `bucket_tokens` is what was left at `bucket_at`
-- (NULL: never used, a full bucket); `request_count` counts the requests it allowed and is the
-- version a process checks when it takes a token.
ALTER TABLE api_keys ADD COLUMN rate_per_minute INTEGER NOT NULL DEFAULT 120;
ALTER TABLE api_keys ADD COLUMN bucket_tokens DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN bucket_at TIMESTAMP;
ALTER TABLE api_keys ADD COLUMN request_count BIGINT NOT NULL DEFAULT 0;
