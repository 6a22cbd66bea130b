CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_2" ON public."Account"("email");
