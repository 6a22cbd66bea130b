-- AlterTable
ALTER TABLE "Post" ALTER COLUMN "published" SET DEFAULT true,
ALTER COLUMN "published" DROP NOT NULL;
