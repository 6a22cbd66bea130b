/*
  Warnings:

  - You are about to drop the column `legacy` on the `User` table. All the data in the column will be lost.

*/
-- schemashift:ignore ban-drop-column the app stopped reading `legacy` in release 41
-- squawk-ignore ban-drop-column
ALTER TABLE "User" DROP COLUMN "legacy";
