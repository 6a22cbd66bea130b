CREATE TABLE a (id integer PRIMARY KEY);
CREATE TABLE b (id integer PRIMARY KEY, a_id integer, CONSTRAINT fk_one FOREIGN KEY (a_id) REFERENCES a(id), CONSTRAINT fk_two FOREIGN KEY (a_id) REFERENCES a(id));
