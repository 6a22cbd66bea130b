ALTER TABLE "order_items" DROP COLUMN IF EXISTS "legacy";
