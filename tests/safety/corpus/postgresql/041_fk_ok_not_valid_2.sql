ALTER TABLE public."Account" ADD CONSTRAINT "fk_2" FOREIGN KEY ("authorId") REFERENCES "Author"("id") NOT VALID;
