SET lock_timeout = '2s';
ALTER TABLE "User" ADD COLUMN "nickname" TEXT;
