CREATE UNIQUE INDEX "uniq_1" ON users("email", "tenant");
