CREATE TABLE booking (id integer PRIMARY KEY, room integer, during tsrange, EXCLUDE USING gist (during WITH &&));
CREATE TABLE measurement (id integer NOT NULL, logdate date NOT NULL, PRIMARY KEY (id, logdate)) PARTITION BY RANGE (logdate);
CREATE TABLE measurement_2020 PARTITION OF measurement FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
