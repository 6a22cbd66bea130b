DROP DOMAIN positive_int;
