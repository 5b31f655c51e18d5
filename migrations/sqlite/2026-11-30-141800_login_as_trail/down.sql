DROP INDEX sessions_impersonator;
