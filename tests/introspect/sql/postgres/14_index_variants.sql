CREATE TABLE idx (id integer PRIMARY KEY, a integer, b text, c integer, d text, e integer);
CREATE INDEX idx_custom_name ON idx (a, b);
CREATE INDEX ON idx (c DESC);
CREATE UNIQUE INDEX idx_b_d_key ON idx (b, d);
CREATE UNIQUE INDEX custom_unique ON idx (e);
CREATE INDEX idx_hash ON idx USING hash (d);
CREATE INDEX idx_brin ON idx USING brin (c int4_minmax_ops);
CREATE INDEX idx_lower ON idx (lower(b));
