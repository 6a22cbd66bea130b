DROP INDEX "idx_2";
