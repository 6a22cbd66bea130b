CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_3" ON "order_items"("email");
