CREATE TABLE commented (id integer PRIMARY KEY, note text);
COMMENT ON TABLE commented IS 'a table comment';
COMMENT ON COLUMN commented.note IS 'a column comment';
CREATE TABLE col_only (id integer PRIMARY KEY, x integer);
COMMENT ON COLUMN col_only.x IS 'x';
