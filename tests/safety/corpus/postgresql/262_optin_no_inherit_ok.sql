ALTER TABLE measurements_2019 INHERIT measurements;
