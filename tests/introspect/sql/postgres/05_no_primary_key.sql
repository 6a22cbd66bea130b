CREATE TABLE log_line (at timestamptz NOT NULL, message text);
CREATE TABLE has_unique (code text NOT NULL UNIQUE, other integer);
CREATE TABLE nullable_unique (code text UNIQUE, other integer);
