CREATE TYPE status AS ENUM ('active', 'in-active', 'DELETED');
CREATE TYPE "Color" AS ENUM ('RED', 'GREEN');
CREATE TYPE unused_enum AS ENUM ('x', 'y');
CREATE TABLE item (id integer PRIMARY KEY, st status NOT NULL DEFAULT 'active', color "Color" DEFAULT 'GREEN', st2 status DEFAULT 'in-active', colors "Color"[]);
