CREATE TABLE by_range (r int4range PRIMARY KEY, note text);
CREATE TABLE refs_range (id integer PRIMARY KEY, r int4range REFERENCES by_range(r));
