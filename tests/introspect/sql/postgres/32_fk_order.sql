CREATE TABLE zeta (id integer PRIMARY KEY);
CREATE TABLE alpha (id integer PRIMARY KEY);
CREATE TABLE link (id integer PRIMARY KEY, z integer REFERENCES zeta(id), a integer REFERENCES alpha(id), CONSTRAINT "aaa_fk" FOREIGN KEY (id) REFERENCES zeta(id));
