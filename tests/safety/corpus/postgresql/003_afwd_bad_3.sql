ALTER TABLE "order_items" ADD COLUMN "token" TEXT DEFAULT uuid_generate_v4();
