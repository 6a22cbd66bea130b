-- schemashift:transaction off
ALTER TABLE "User" RENAME COLUMN "a" TO "b";
