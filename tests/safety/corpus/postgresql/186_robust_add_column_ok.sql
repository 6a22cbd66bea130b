-- schemashift:transaction off
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "bio" TEXT;
