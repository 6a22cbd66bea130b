ALTER DOMAIN positive_int DROP CONSTRAINT positive;
