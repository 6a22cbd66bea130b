CREATE UNIQUE INDEX "uniq_3" ON "order_items"("email", "tenant");
