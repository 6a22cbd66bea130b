ALTER TABLE public."Account" ADD COLUMN "token" TEXT DEFAULT clock_timestamp();
