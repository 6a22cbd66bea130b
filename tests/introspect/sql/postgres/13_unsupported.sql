CREATE TABLE shapes (id integer PRIMARY KEY, c circle, p point DEFAULT '(0,0)', r int4range, ts tsvector, iv interval DEFAULT '1 day', mac macaddr, pts point[]);
