ALTER TABLE public."Account" DROP COLUMN IF EXISTS "legacy";
