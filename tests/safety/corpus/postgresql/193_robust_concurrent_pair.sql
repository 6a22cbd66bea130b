CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "User_email_key" ON "User"("email");
ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE USING INDEX "User_email_key";
