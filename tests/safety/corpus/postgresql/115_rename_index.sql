ALTER INDEX "User_email_key" RENAME TO "User_email_unique";
