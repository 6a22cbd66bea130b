CREATE TABLE defaults (
  id integer PRIMARY KEY,
  a text DEFAULT 'it''s',
  b varchar(20) DEFAULT 'x'::character varying,
  c integer DEFAULT -5,
  d bigint DEFAULT 42,
  e double precision DEFAULT 1.5,
  f numeric(10,2) DEFAULT 3.10,
  g boolean DEFAULT true,
  h timestamp(3) DEFAULT CURRENT_TIMESTAMP,
  i timestamptz DEFAULT now(),
  j timestamp DEFAULT '2020-01-01 10:00:00',
  k date DEFAULT CURRENT_DATE,
  l text DEFAULT md5(random()::text),
  m integer DEFAULT (1 + 2),
  n jsonb DEFAULT '{"a": [1, 2]}'::jsonb,
  o bytea DEFAULT '\x0102ff'::bytea,
  p text DEFAULT 'line1
line2',
  q real DEFAULT 0,
  r text DEFAULT ''
);
