CREATE TABLE author (id serial PRIMARY KEY);
CREATE TABLE book (id serial PRIMARY KEY, author integer REFERENCES author(id));
