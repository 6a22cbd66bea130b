CREATE TABLE "Country" ("code" CHAR(2) NOT NULL, "alt" character(3), "name" TEXT NOT NULL);
