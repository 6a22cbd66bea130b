ALTER TABLE users DROP COLUMN "legacy";
