ALTER TABLE users ADD COLUMN "token" TEXT DEFAULT random();
