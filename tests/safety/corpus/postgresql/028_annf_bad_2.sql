ALTER TABLE public."Account" ALTER COLUMN "phone" SET NOT NULL;
