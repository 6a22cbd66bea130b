CREATE TABLE country (id serial PRIMARY KEY, iso char(2) NOT NULL UNIQUE);
CREATE TABLE city (id serial PRIMARY KEY, country_iso char(2) NOT NULL REFERENCES country(iso));
