ALTER TABLE "User" ADD COLUMN "status" TEXT;
UPDATE "User" SET "status" = 'active';
