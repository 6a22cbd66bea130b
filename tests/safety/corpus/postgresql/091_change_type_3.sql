ALTER TABLE "order_items" ALTER COLUMN "qty" SET DATA TYPE INTEGER USING "qty"::integer;
