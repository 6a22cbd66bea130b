ALTER TABLE "order_items" ADD COLUMN "phone" TEXT;
