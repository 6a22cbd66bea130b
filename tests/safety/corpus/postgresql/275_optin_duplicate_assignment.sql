UPDATE "User" SET "a" = 1, "a" = 2 WHERE "id" = 1;
