ALTER TABLE "order_items" ADD CONSTRAINT "email_key_3" UNIQUE ("email");
