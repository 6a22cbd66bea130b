CREATE TABLE tasks (id integer PRIMARY KEY, done boolean NOT NULL DEFAULT false, title text);
CREATE INDEX tasks_open_idx ON tasks (title) WHERE NOT done;
