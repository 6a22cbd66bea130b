ALTER TABLE "order_items" ADD CONSTRAINT "email_key_3" UNIQUE USING INDEX "email_idx_3";
