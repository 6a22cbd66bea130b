DROP POLICY "tenant_isolation" ON "User";
