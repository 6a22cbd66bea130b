-- DropForeignKey
ALTER TABLE "Post" DROP CONSTRAINT "Post_reviewerId_fkey";

-- AlterTable
ALTER TABLE "Post" DROP COLUMN "reviewerId";
