ALTER TABLE "User" RENAME COLUMN "name" TO "full_name";
