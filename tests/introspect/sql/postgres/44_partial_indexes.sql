-- partial indexes (Prisma 7: `where: raw(...)`, the partialIndexes preview feature)
CREATE TABLE nopk (a integer NOT NULL, b text);
CREATE UNIQUE INDEX nopk_a ON nopk (a) WHERE a > 0;
CREATE TABLE p (id integer PRIMARY KEY, tags jsonb, x integer NOT NULL);
CREATE INDEX p_gin ON p USING GIN (tags) WHERE x > 1;
CREATE UNIQUE INDEX p_x_part ON p (x) WHERE x < 100;
CREATE TABLE c (id integer PRIMARY KEY, pid integer REFERENCES p (id), flag boolean NOT NULL DEFAULT true);
CREATE UNIQUE INDEX c_pid ON c (pid) WHERE pid IS NOT NULL;
CREATE INDEX c_flag ON c (id) WHERE flag;
CREATE INDEX c_str ON c (id) WHERE flag AND id::text LIKE 'a%';
CREATE UNIQUE INDEX "c_id_key" ON c (id) WHERE id > 5;
CREATE INDEX c_desc ON c (pid DESC, id) WHERE (pid > 1 AND id < 5) OR NOT flag;
CREATE UNIQUE INDEX c_pair ON c (pid, flag) WHERE pid IS NULL;
