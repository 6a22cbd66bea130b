ALTER TABLE "User" ADD COLUMN "token" TEXT DEFAULT gen_random_uuid();
