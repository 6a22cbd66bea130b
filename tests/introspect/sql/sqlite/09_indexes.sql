CREATE TABLE idx (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c INTEGER, d TEXT);
CREATE INDEX idx_custom ON idx (a, b);
CREATE INDEX idx_c_idx ON idx (c DESC);
CREATE UNIQUE INDEX idx_b_d_key ON idx (b, d);
CREATE UNIQUE INDEX custom_unique ON idx (d);
CREATE TABLE uq (id INTEGER PRIMARY KEY, x TEXT, y TEXT, UNIQUE (x, y));
