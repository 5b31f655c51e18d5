DROP TABLE credit_returns;
ALTER TABLE credit_orders DROP COLUMN resale_price_minor;
DROP TABLE resale_prices;
