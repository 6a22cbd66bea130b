DROP INDEX "idx_1";
