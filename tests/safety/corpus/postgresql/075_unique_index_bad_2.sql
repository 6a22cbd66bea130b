CREATE UNIQUE INDEX "uniq_2" ON public."Account"("email", "tenant");
