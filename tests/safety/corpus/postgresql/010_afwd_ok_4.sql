ALTER TABLE users ADD COLUMN "flag" TEXT DEFAULT '{}'::jsonb;
