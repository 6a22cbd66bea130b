ALTER TABLE "User" ALTER COLUMN "full" SET EXPRESSION AS ("first" || ' ' || "last");
