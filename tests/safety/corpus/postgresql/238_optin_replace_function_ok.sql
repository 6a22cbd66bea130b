CREATE FUNCTION three() RETURNS int AS 'select 3' LANGUAGE sql;
