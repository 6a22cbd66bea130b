ALTER TABLE "User" RENAME TO "renamed_0";
