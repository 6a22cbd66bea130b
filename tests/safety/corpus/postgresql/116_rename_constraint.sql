ALTER TABLE "Post" RENAME CONSTRAINT "Post_a_fkey" TO "Post_author_fkey";
