CREATE TABLE "Flag" ("id" BIGINT NOT NULL, "level" SMALLINT NOT NULL, "x" smallserial, "y" int2);
