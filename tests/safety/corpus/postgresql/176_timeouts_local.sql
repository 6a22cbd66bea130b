SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '30s';
CREATE INDEX "User_nickname_idx" ON "User"("nickname");
