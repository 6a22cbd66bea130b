CREATE INDEX "idx_2" ON public."Account"("email");
