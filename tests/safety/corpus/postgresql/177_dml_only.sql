UPDATE "User" SET "role" = 'USER' WHERE "role" IS NULL;
INSERT INTO "Setting" ("key", "value") VALUES ('theme', 'dark');
