CREATE INDEX "idx_1" ON users("email");
