-- squawk-ignore ban-drop-tabel
-- schemashift:ignore ban-drop-tabel a typo in the rule name silences nothing
ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "bio" TEXT;
