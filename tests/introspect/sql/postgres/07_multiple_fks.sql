CREATE TABLE account (id serial PRIMARY KEY, email text NOT NULL);
CREATE TABLE transfer (id serial PRIMARY KEY,
  from_id integer NOT NULL REFERENCES account(id),
  to_id integer NOT NULL REFERENCES account(id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  approver_id integer REFERENCES account(id) ON DELETE SET NULL ON UPDATE CASCADE);
