DROP SCHEMA archive;
