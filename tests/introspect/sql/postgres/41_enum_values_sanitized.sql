CREATE TYPE "weird values" AS ENUM ('1st', 'with space', 'ok', '', 'ünïcode');
CREATE TABLE holder (id integer PRIMARY KEY, v "weird values" DEFAULT 'with space', w "weird values" DEFAULT '1st');
