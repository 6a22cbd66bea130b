ALTER TABLE public."Account" ADD CONSTRAINT "age_positive_2" CHECK ("age" > 0);
