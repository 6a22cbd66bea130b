"""PostgreSQL rendering, byte for byte as Prisma 6.19 prints it (expected texts checked with its engine)."""

from __future__ import annotations

import pytest

from schemashift.diff import steps as st
from schemashift.dialects.postgres import PostgresDialect, render_default
from schemashift.dialects.postgres_casts import native_type_change
from schemashift.migrations.engine import diff_schemas
from schemashift.model import (
    DateTimeLit,
    FloatLit,
    ListLit,
    LiteralDefault,
    StrLit,
)

CATS_V1 = """\
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
enum Mood {
  HAPPY
  SAD
}
model Cat {
  id    Int      @id @default(autoincrement())
  name  String   @db.VarChar(20)
  mood  Mood     @default(HAPPY)
  born  DateTime @default(now())
  tags  String[] @default(["a"])
  meta  Json     @default("{\\"k\\": \\"it's\\"}")
  @@index([name(sort: Desc)])
}
"""

CATS_V2 = """\
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
enum Mood {
  HAPPY
  SAD
  ANGRY
  BORED
}
model Cat {
  id    Int      @id
  name  String?  @db.VarChar(10)
  mood  Mood     @default(SAD)
  born  DateTime @default(now()) @db.Timestamptz(6)
  tags  String[]
  meta  Json     @default("{\\"k\\": \\"it's\\"}")
  @@index([name(sort: Desc)], map: "cat_name")
}
"""

CREATE_V1 = """\
-- CreateEnum
CREATE TYPE "Mood" AS ENUM ('HAPPY', 'SAD');

-- CreateTable
CREATE TABLE "Cat" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(20) NOT NULL,
    "mood" "Mood" NOT NULL DEFAULT 'HAPPY',
    "born" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "tags" TEXT[] DEFAULT ARRAY['a']::TEXT[],
    "meta" JSONB NOT NULL DEFAULT '{"k": "it''s"}',

    CONSTRAINT "Cat_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Cat_name_idx" ON "Cat"("name" DESC);
"""

MIGRATE_V1_V2 = """\
-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "Mood" ADD VALUE 'ANGRY';
ALTER TYPE "Mood" ADD VALUE 'BORED';

-- AlterTable
ALTER TABLE "Cat" ALTER COLUMN "id" DROP DEFAULT,
ALTER COLUMN "name" DROP NOT NULL,
ALTER COLUMN "name" SET DATA TYPE VARCHAR(10),
ALTER COLUMN "mood" SET DEFAULT 'SAD',
ALTER COLUMN "born" SET DATA TYPE TIMESTAMPTZ(6),
ALTER COLUMN "tags" DROP DEFAULT;
DROP SEQUENCE "";

-- RenameIndex
ALTER INDEX "Cat_name_idx" RENAME TO "cat_name";
"""


def test_create_from_empty() -> None:
    assert diff_schemas(None, CATS_V1) == CREATE_V1


def test_migration_with_enum_values_alter_columns_sequence_and_index_rename() -> None:
    assert diff_schemas(CATS_V1, CATS_V2) == MIGRATE_V1_V2


def test_no_changes_is_an_empty_migration() -> None:
    assert diff_schemas(CATS_V1, CATS_V1) == "-- This is an empty migration.\n"
    assert PostgresDialect().render_script([]) == "-- This is an empty migration.\n"


@pytest.mark.parametrize(
    ("literal", "sql"),
    [
        (StrLit("it's"), "'it''s'"),
        (FloatLit("3.20"), "3.20"),
        (DateTimeLit("2020-09-21T20:00:00+02:00"), "'2020-09-21 20:00:00 +02:00'"),
        (DateTimeLit("2019-06-17T14:20:57.5Z"), "'2019-06-17 14:20:57.500 +00:00'"),
        (ListLit(()), "ARRAY[]::INTEGER[]"),
    ],
)
def test_default_literals(literal, sql: str) -> None:
    assert render_default(LiteralDefault(literal), "INTEGER[]") == sql


@pytest.mark.parametrize(
    ("previous", "next", "expected"),
    [
        (("Integer", ()), ("BigInt", ()), st.TypeChange.SAFE_CAST),
        (("BigInt", ()), ("Integer", ()), st.TypeChange.RISKY_CAST),
        (("Integer", ()), ("VarChar", (5,)), st.TypeChange.RISKY_CAST),
        (("Text", ()), ("VarChar", ()), st.TypeChange.SAFE_CAST),
        (("VarChar", (20,)), ("VarChar", (10,)), st.TypeChange.RISKY_CAST),
        (("Timestamp", ()), ("Timestamp", (6,)), None),
        (("Timestamp", (3,)), ("Timestamptz", (6,)), st.TypeChange.SAFE_CAST),
        (("Boolean", ()), ("Integer", ()), st.TypeChange.NOT_CASTABLE),
        (("Decimal", (10, 2)), ("Decimal", (10, 4)), st.TypeChange.RISKY_CAST),
        (("JsonB", ()), ("Json", ()), st.TypeChange.SAFE_CAST),
    ],
)
def test_native_type_change_rules(previous, next, expected) -> None:
    assert native_type_change(previous, next) is expected


def test_sequence_still_used_elsewhere_is_kept() -> None:
    header = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'
    serial = "  id Int @id @default(autoincrement())\n"
    both = header + f"model A {{\n{serial}}}\nmodel B {{\n{serial}}}\n"
    one = header + "model A {\n  id Int @id\n}\nmodel B {\n  id Int @id @default(autoincrement())\n}\n"
    alone = header + "model A {\n  id Int @id @default(autoincrement())\n}\n"
    alone_off = header + "model A {\n  id Int @id\n}\n"
    assert diff_schemas(both, one) == '-- AlterTable\nALTER TABLE "A" ALTER COLUMN "id" DROP DEFAULT;\n'
    # Prisma's calculated sequence has no name: it drops the sequence ""
    assert diff_schemas(alone, alone_off) == (
        '-- AlterTable\nALTER TABLE "A" ALTER COLUMN "id" DROP DEFAULT;\nDROP SEQUENCE "";\n'
    )


def test_drops_leave_out_the_default_namespace() -> None:
    head = (
        'generator c {\n  provider = "prisma-client-js"\n  previewFeatures = ["multiSchema"]\n}\n'
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n'
        '  schemas  = ["public", "other"]\n}\n'
    )
    before = head + (
        'model A {\n  id Int @id\n  name String @unique\n  @@schema("public")\n}\n'
        'model B {\n  id Int @id\n  name String @unique\n  @@schema("other")\n}\n'
    )
    after = head + 'model A {\n  id Int @id\n  name String\n  @@schema("public")\n}\n'
    assert diff_schemas(before, after) == (
        '-- DropIndex\nDROP INDEX "A_name_key";\n\n-- DropTable\nDROP TABLE "other"."B";\n'
    )


def test_to_empty_qualifies_drops_with_the_default_namespace() -> None:
    source = 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\nenum E {\n  A\n}\n'
    assert diff_schemas(source, None) == '-- DropEnum\nDROP TYPE "public"."E";\n'
    empty_target = 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n'
    assert diff_schemas(source, empty_target) == '-- DropEnum\nDROP TYPE "E";\n'
