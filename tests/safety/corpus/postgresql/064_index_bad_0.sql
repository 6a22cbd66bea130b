CREATE INDEX "idx_0" ON "User"("email");
