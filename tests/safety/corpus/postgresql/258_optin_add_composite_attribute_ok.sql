CREATE TYPE address2 AS (street text);
