-- DropIndex
DROP INDEX "User_createdAt_idx";
