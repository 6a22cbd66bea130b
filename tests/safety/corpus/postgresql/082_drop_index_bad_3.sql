DROP INDEX "idx_3";
