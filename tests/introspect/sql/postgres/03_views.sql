CREATE TABLE product (id serial PRIMARY KEY, name text NOT NULL, price numeric(10,2));
CREATE VIEW cheap_products AS SELECT id, name FROM product WHERE price < 10;
CREATE MATERIALIZED VIEW product_count AS SELECT count(*) AS n FROM product;
