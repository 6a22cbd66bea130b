CREATE TABLE employee (id serial PRIMARY KEY, name text NOT NULL, manager_id integer REFERENCES employee(id), mentor_id integer REFERENCES employee(id) ON DELETE SET NULL);
CREATE TABLE category (id integer PRIMARY KEY, parent integer UNIQUE REFERENCES category(id));
