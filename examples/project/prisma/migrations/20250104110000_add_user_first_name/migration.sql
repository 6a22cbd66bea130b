-- AlterTable
ALTER TABLE "User" ADD COLUMN     "firstName" TEXT;
