ALTER TABLE users ADD CONSTRAINT "email_key_1" UNIQUE ("email");
