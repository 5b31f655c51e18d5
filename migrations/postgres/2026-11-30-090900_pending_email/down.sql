DELETE FROM one_time_tokens WHERE purpose = 'email_change';
ALTER TABLE one_time_tokens DROP CONSTRAINT one_time_tokens_purpose_check;
ALTER TABLE one_time_tokens ADD CONSTRAINT one_time_tokens_purpose_check
    CHECK (purpose IN ('welcome', 'password_reset'));
ALTER TABLE users DROP COLUMN pending_email;
