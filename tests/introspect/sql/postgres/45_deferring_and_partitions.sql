-- DEFERRABLE constraints (warning, and the doc comment of a new model); partitioned tables: the
-- warning only for one that has partitions; an inherited table
CREATE TABLE owner (id integer PRIMARY KEY, code text NOT NULL);
CREATE TABLE ticket (id integer PRIMARY KEY DEFERRABLE INITIALLY DEFERRED);
ALTER TABLE owner ADD CONSTRAINT owner_code_key UNIQUE (code) DEFERRABLE;
CREATE TABLE pet (id serial PRIMARY KEY, owner_id integer NOT NULL REFERENCES owner (id) DEFERRABLE INITIALLY IMMEDIATE);
CREATE TABLE pending (id integer NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE measure (id integer NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE measure_2020 PARTITION OF measure FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE base (id integer PRIMARY KEY, note text);
CREATE TABLE derived (extra integer) INHERITS (base);
