CREATE TABLE "PrismaClient" (id integer PRIMARY KEY);
CREATE TABLE "class" (id integer PRIMARY KEY, "enum" text);
CREATE TYPE "default" AS ENUM ('a');
CREATE TABLE uses_default (id integer PRIMARY KEY, d "default");
