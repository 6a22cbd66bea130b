ALTER POLICY "p" ON "User" TO app_user;
