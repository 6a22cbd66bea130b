CREATE TABLE "User Accounts" ("User ID" serial PRIMARY KEY, "e-mail" varchar(255) NOT NULL UNIQUE, "1st_name" text, "Last.Name" text);
CREATE TABLE "order-items" (id integer PRIMARY KEY, "qty#" integer DEFAULT 1 NOT NULL);
CREATE TABLE "ÄÖÜ" (id integer PRIMARY KEY, "straße" text);
