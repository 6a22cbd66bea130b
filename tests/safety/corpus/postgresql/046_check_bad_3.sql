ALTER TABLE "order_items" ADD CONSTRAINT "age_positive_3" CHECK ("age" > 0);
