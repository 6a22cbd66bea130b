-- schemashift: edited by hand to build the index without blocking writes
CREATE INDEX CONCURRENTLY IF NOT EXISTS "Post_publishedAt_idx" ON "Post"("publishedAt");
