-- schemashift:transaction off
ALTER TABLE "User" ADD COLUMN "bio" TEXT;
