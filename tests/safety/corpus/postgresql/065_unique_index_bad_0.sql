CREATE UNIQUE INDEX "uniq_0" ON "User"("email", "tenant");
