ALTER TABLE public."Account" ADD CONSTRAINT "email_key_2" UNIQUE ("email");
