CREATE TABLE "Person" (id serial PRIMARY KEY);
CREATE TABLE "_friends" ("A" integer NOT NULL REFERENCES "Person"(id) ON DELETE CASCADE ON UPDATE CASCADE, "B" integer NOT NULL REFERENCES "Person"(id) ON DELETE CASCADE ON UPDATE CASCADE, CONSTRAINT "_friends_AB_pkey" PRIMARY KEY ("A", "B"));
CREATE INDEX "_friends_B_index" ON "_friends"("B");
CREATE TABLE "Group" (id serial PRIMARY KEY);
CREATE TABLE "_members" ("A" integer NOT NULL REFERENCES "Group"(id) ON DELETE CASCADE, "B" integer NOT NULL REFERENCES "Person"(id) ON DELETE CASCADE);
CREATE UNIQUE INDEX "_members_AB_unique" ON "_members"("A", "B");
CREATE INDEX "_members_B_index" ON "_members"("B");
CREATE TABLE "_admins" ("A" integer NOT NULL REFERENCES "Group"(id) ON DELETE CASCADE, "B" integer NOT NULL REFERENCES "Person"(id) ON DELETE CASCADE, CONSTRAINT "_admins_AB_pkey" PRIMARY KEY ("A", "B"));
CREATE INDEX "_admins_B_index" ON "_admins"("B");
