DROP TABLE public."Account";
