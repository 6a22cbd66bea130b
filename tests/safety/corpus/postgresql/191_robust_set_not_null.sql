-- schemashift:transaction off
ALTER TABLE "User" ALTER COLUMN "bio" SET NOT NULL;
