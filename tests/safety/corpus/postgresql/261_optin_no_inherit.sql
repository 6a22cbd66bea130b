ALTER TABLE measurements_2019 NO INHERIT measurements;
