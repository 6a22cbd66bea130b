ALTER TABLE "order_items" RENAME TO "renamed_3";
