CREATE TABLE "order items" ("item id" INTEGER PRIMARY KEY, "2nd" TEXT, "ok_name" TEXT);
CREATE TABLE "class" (id INTEGER PRIMARY KEY);
