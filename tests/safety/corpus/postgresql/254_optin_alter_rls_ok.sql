ALTER TABLE "User" CLUSTER ON "User_pkey";
