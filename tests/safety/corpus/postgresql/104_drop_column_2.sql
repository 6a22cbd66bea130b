ALTER TABLE public."Account" DROP COLUMN "legacy";
