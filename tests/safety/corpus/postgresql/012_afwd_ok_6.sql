ALTER TABLE public."Account" ADD COLUMN "flag" TEXT DEFAULT lower('X');
