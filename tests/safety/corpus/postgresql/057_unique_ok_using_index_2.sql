ALTER TABLE public."Account" ADD CONSTRAINT "email_key_2" UNIQUE USING INDEX "email_idx_2";
