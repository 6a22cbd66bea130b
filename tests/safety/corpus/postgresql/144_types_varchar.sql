CREATE TABLE "Tag" ("id" BIGINT NOT NULL, "name" VARCHAR(100) NOT NULL, "slug" varchar NOT NULL);
