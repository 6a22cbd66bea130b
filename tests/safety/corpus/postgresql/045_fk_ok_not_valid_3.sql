ALTER TABLE "order_items" ADD CONSTRAINT "fk_3" FOREIGN KEY ("authorId") REFERENCES "Author"("id") NOT VALID;
