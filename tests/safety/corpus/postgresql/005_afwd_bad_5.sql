ALTER TABLE "User" ADD COLUMN "token" TEXT DEFAULT nextval('seq');
