DROP DOMAIN IF EXISTS positive_int;
