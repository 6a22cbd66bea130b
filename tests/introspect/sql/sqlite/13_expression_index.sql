CREATE TABLE task (id INTEGER PRIMARY KEY, done BOOLEAN NOT NULL DEFAULT 0, title TEXT, email TEXT);
CREATE INDEX task_lower ON task (lower(email));
CREATE UNIQUE INDEX task_title_key ON task (title, email);
-- A partial index is left out here: prisma7 pull (7.10.1, better-sqlite3 adapter) fails on it with
-- "Error describing the database. Error accessing result set, column not found" (not comparable).
