-- schemashift:transaction off
BEGIN;
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "bio" TEXT;
