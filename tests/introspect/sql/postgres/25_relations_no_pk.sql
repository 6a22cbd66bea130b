CREATE TABLE owner (id serial PRIMARY KEY);
CREATE TABLE pet (name text, owner_id integer REFERENCES owner(id));
