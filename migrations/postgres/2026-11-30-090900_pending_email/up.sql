-- An email change waits in users.pending_email until the new address confirms it with a
-- one-time link (purpose email_change), stored hashed like the other one-time links.
ALTER TABLE users ADD COLUMN pending_email TEXT;
ALTER TABLE one_time_tokens DROP CONSTRAINT one_time_tokens_purpose_check;
ALTER TABLE one_time_tokens ADD CONSTRAINT one_time_tokens_purpose_check
    CHECK (purpose IN ('welcome', 'password_reset', 'email_change'));
