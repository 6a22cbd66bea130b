CLUSTER "User" USING "User_pkey";
