UPDATE "User" SET "a" = 1, "b" = 2 WHERE "id" = 1;
