CREATE TABLE team (id integer PRIMARY KEY, team integer REFERENCES team(id));
CREATE TABLE player (id integer PRIMARY KEY, team integer NOT NULL REFERENCES team(id));
