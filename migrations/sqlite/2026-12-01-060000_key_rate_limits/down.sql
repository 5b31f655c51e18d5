ALTER TABLE api_keys DROP COLUMN request_count;
ALTER TABLE api_keys DROP COLUMN bucket_at;
ALTER TABLE api_keys DROP COLUMN bucket_tokens;
ALTER TABLE api_keys DROP COLUMN rate_per_minute;
