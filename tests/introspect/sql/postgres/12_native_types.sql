CREATE TABLE natives (id smallint PRIMARY KEY, a integer, b bigint, c real, d double precision, e numeric, f numeric(65,30), g numeric(8,3),
  h varchar, i varchar(10), j char(5), k character, l text, n timestamp, o timestamp(3), p timestamptz(2),
  q date, r time, s time(3), t timetz, u boolean, v bytea, w inet, x xml, y bit(3), z varbit(8), aa money, bb oid, cc json);
