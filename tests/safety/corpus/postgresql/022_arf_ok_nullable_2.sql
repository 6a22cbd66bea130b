ALTER TABLE public."Account" ADD COLUMN "phone" TEXT;
