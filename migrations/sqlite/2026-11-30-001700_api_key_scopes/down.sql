DROP TABLE api_key_scopes;
