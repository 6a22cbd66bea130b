-- RenameIndex
ALTER INDEX "Post_authorId_index" RENAME TO "Post_authorId_idx";
