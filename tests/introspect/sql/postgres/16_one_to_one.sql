CREATE TABLE "user" (id serial PRIMARY KEY);
CREATE TABLE profile (id serial PRIMARY KEY, user_id integer NOT NULL UNIQUE REFERENCES "user"(id) ON DELETE CASCADE);
CREATE TABLE avatar (user_id integer PRIMARY KEY REFERENCES "user"(id));
