ALTER TABLE public."Account" RENAME COLUMN "name" TO "full_name";
