CREATE TABLE checked (id integer PRIMARY KEY, age integer CHECK (age >= 0), name text, CONSTRAINT name_len CHECK (char_length(name) > 2));
