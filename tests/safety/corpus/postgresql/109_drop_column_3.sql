ALTER TABLE "order_items" DROP COLUMN "legacy";
