ALTER TABLE "User" ADD CONSTRAINT "email_key_0" UNIQUE ("email");
