"""Schemas for the ERD tests: every relation kind, hostile text, and 200-model generators."""

from __future__ import annotations

import importlib.util
from pathlib import Path

HEADER = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'

# every relation kind: 1-1 (Profile-User), 1-n (Post-User), self 1-n (User.manager), self 1-1
# (User.mentor), implicit m-n (Category-Post), self implicit m-n (User.friends), explicit m-n
# through a join model (TagOnPost), an enum, a view and a compound key
RELATIONS = HEADER + """
generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["views"]
}

/// A person.
model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  role      Role     @default(USER)
  profile   Profile?
  posts     Post[]
  manager   User?    @relation("Mgmt", fields: [managerId], references: [id])
  managerId Int?
  reports   User[]   @relation("Mgmt")
  mentor    User?    @relation("Mentoring", fields: [mentorId], references: [id])
  mentorId  Int?     @unique
  mentee    User?    @relation("Mentoring")
  friends   User[]   @relation("Friends")
  friendOf  User[]   @relation("Friends")
  @@map("users")
}

model Profile {
  id     Int    @id @default(autoincrement())
  bio    String
  user   User   @relation(fields: [userId], references: [id])
  userId Int    @unique
}

model Post {
  id         Int         @id @default(autoincrement())
  title      String
  author     User        @relation(fields: [authorId], references: [id])
  authorId   Int
  categories Category[]
  tags       TagOnPost[]
}

model Category {
  id    Int    @id @default(autoincrement())
  name  String
  posts Post[]
}

model Tag {
  id    Int         @id
  label String
  posts TagOnPost[]
}

model TagOnPost {
  post   Post @relation(fields: [postId], references: [id])
  postId Int
  tag    Tag  @relation(fields: [tagId], references: [id])
  tagId  Int
  @@id([postId, tagId])
  @@unique([tagId, postId])
}

view PostCount {
  authorId Int @unique
  posts    Int
}

enum Role {
  USER
  ADMIN @map("admin")
}
"""

MODELS = ["User", "Profile", "Post", "Category", "Tag", "TagOnPost", "PostCount"]
ENUMS = ["Role"]
# (kind, source, target, source end, target end): written out by hand from the schema above
EDGES = {
    ("1-1", "Profile", "User", "zero_or_one", "one"),
    ("1-n", "Post", "User", "zero_or_many", "one"),
    ("1-n", "User", "User", "zero_or_many", "zero_or_one"),  # manager / reports
    ("1-1", "User", "User", "zero_or_one", "zero_or_one"),  # mentor / mentee
    ("m-n", "Category", "Post", "zero_or_many", "zero_or_many"),
    ("m-n", "User", "User", "zero_or_many", "zero_or_many"),  # friends / friendOf
    ("1-n", "TagOnPost", "Post", "zero_or_many", "one"),
    ("1-n", "TagOnPost", "Tag", "zero_or_many", "one"),
    ("enum", "User", "Role", "zero_or_many", "one"),
}

# text that must reach every format intact and inert
NASTY_DOC = 'Evil </title></g><script>alert("x")</script> & ]]> --> #quot; "q" \\ end\\'
NASTY_DEFAULT = '<b onload="x">&amp; \\" #35;'
NASTY = HEADER + f"""
/// {NASTY_DOC}
model Evil {{
  id    Int    @id
  /// field doc <i>&</i>
  label String @default("{NASTY_DEFAULT.replace(chr(92), chr(92) * 2).replace('"', chr(92) + '"')}")
  other Other  @relation(fields: [otherId], references: [id])
  otherId Int
  @@map("evil<table>\\"name")
}}

model Other {{
  id   Int    @id
  evil Evil[]
}}
"""


def _genschema() -> object:
    path = Path(__file__).resolve().parents[2] / "bench" / "genschema.py"
    spec = importlib.util.spec_from_file_location("erd_genschema", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def chain_schema(models: int = 200) -> str:
    """bench/genschema.py's schema: a chain of models, each referencing the previous one."""
    return _genschema().generate("postgresql", models)  # type: ignore[attr-defined, no-any-return]


def star_schema(models: int = 200) -> str:
    """One hub referenced by every other model, some with an enum and m-n links between
    neighbours: one very wide rank."""
    blocks = [HEADER, "enum Status {\n  ON\n  OFF\n}\n", "model Hub {\n  id Int @id\n" + "".join(
        f"  m{i:03d} M{i:03d}[]\n" for i in range(1, models)
    ) + "}\n"]
    for i in range(1, models):
        extra = "  status Status\n" if i % 10 == 0 else ""
        link = f"  next M{i + 1:03d}[] @relation(\"L{i}\")\n" if i + 1 < models else ""
        back = f"  prev M{i - 1:03d}[] @relation(\"L{i - 1}\")\n" if i > 1 else ""
        blocks.append(
            f"model M{i:03d} {{\n  id Int @id\n  name String\n  hubId Int\n"
            f"  hub Hub @relation(fields: [hubId], references: [id])\n{extra}{link}{back}}}\n"
        )
    return "\n".join(blocks)

# MongoDB: a composite type used by a model and by another type, and a two-way embedded m-n
MONGO = """datasource db {
  provider = "mongodb"
  url      = env("DATABASE_URL")
}

type Address {
  street String
  geo    Geo?
}

type Geo {
  lat Float
  lng Float
}

model Person {
  id        String   @id @default(auto()) @map("_id") @db.ObjectId
  addresses Address[]
  tagIds    String[] @db.ObjectId
  tags      Tag[]    @relation(fields: [tagIds], references: [id])
}

model Tag {
  id        String   @id @default(auto()) @map("_id") @db.ObjectId
  personIds String[] @db.ObjectId
  people    Person[] @relation(fields: [personIds], references: [id])
}
"""
