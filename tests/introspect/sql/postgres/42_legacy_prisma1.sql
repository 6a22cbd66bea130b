CREATE TABLE "_Migration" (revision serial PRIMARY KEY, name text, datamodel text, status text, applied integer, rolled_back integer, datamodel_steps text, database_migration text, errors text, started_at timestamp, finished_at timestamp);
CREATE TABLE "_RelayId" (id varchar(36) PRIMARY KEY, "stableModelIdentifier" varchar(25));
CREATE TABLE "User" (id varchar(25) PRIMARY KEY, name text);
