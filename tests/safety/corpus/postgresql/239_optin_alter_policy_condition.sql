ALTER POLICY "p" ON "User" USING ("tenant" = current_user);
