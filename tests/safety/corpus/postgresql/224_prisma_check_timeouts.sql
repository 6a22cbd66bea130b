SET lock_timeout = '3s';
SET statement_timeout = '1min';
-- CreateIndex
CREATE INDEX CONCURRENTLY IF NOT EXISTS "Post_title_idx" ON "Post"("title");
