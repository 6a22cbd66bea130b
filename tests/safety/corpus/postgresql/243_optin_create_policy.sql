CREATE POLICY "p" ON "User" USING (true);
