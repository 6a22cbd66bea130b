ALTER TABLE public."Account" RENAME TO "renamed_2";
