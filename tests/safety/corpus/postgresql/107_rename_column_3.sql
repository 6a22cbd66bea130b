ALTER TABLE "order_items" RENAME COLUMN "name" TO "full_name";
