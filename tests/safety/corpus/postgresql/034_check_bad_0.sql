ALTER TABLE "User" ADD CONSTRAINT "age_positive_0" CHECK ("age" > 0);
