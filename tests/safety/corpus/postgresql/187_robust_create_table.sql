-- schemashift:transaction off
CREATE TABLE "Audit" ("id" BIGINT PRIMARY KEY);
