CREATE TABLE nothing ();
CREATE TABLE something (id integer PRIMARY KEY);
