-- schemashift:transaction off
DROP TABLE "Audit";
