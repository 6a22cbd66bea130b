DROP TRIGGER "audit" ON "User";
