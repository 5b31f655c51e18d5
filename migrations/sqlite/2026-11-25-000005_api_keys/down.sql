ALTER TABLE sessions DROP COLUMN api_key_id;
DROP INDEX api_keys_owner;
DROP TABLE api_keys;
