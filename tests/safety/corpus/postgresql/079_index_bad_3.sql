CREATE INDEX "idx_3" ON "order_items"("email");
