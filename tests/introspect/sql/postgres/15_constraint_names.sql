CREATE TABLE parent (id integer, CONSTRAINT custom_pk PRIMARY KEY (id));
CREATE TABLE child (id integer PRIMARY KEY, parent_id integer NOT NULL, code text,
  CONSTRAINT child_code_unique UNIQUE (code),
  CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent(id) ON DELETE CASCADE ON UPDATE CASCADE);
