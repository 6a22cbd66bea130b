DROP INDEX "idx_0";
