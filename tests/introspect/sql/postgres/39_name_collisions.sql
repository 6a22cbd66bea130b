CREATE TYPE "Thing" AS ENUM ('A', 'B');
CREATE TABLE "thing-table" (id integer PRIMARY KEY, kind "Thing");
CREATE TABLE "Thing_" (id integer PRIMARY KEY);
CREATE TABLE x (id integer PRIMARY KEY, "Thing_" integer REFERENCES "Thing_"(id));
