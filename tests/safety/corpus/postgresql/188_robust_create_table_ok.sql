-- schemashift:transaction off
CREATE TABLE IF NOT EXISTS "Audit" ("id" BIGINT PRIMARY KEY);
