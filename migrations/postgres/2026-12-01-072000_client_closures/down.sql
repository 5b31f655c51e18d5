DROP INDEX clients_closing;
DROP TABLE client_closures;
ALTER TABLE clients DROP COLUMN closes_at;
