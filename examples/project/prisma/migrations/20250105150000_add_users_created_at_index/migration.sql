-- schemashift:transaction off
-- The guide's "Creating Indexes": build it without blocking writes to "User".
-- CreateIndex
CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_users_created_at" ON "User"("createdAt");
