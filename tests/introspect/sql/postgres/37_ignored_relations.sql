CREATE TABLE club (id integer PRIMARY KEY);
CREATE TABLE visit (club_id integer NOT NULL REFERENCES club(id), at timestamptz);
CREATE TABLE keyless_parent (code text UNIQUE);
CREATE TABLE kid (id integer PRIMARY KEY, parent_code text REFERENCES keyless_parent(code));
