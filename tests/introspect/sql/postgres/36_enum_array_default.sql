CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE moods (id integer PRIMARY KEY, ms mood[] DEFAULT '{happy}', m mood DEFAULT 'sad'::mood);
