ALTER TABLE users ADD CONSTRAINT "age_positive_1" CHECK ("age" > 0) NOT VALID;
