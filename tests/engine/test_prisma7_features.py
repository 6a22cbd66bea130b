"""Prisma 7.10's schema features, one case each, against the real Prisma 7.10 CLI
(``../shared/oracle/prisma7``): ``validate`` gives the same verdict (and error lines), and where the
schema is valid the SQL from the empty database and to a changed schema (``migrate diff --script``)
is byte-identical. Preview features of 7.10 (its ``validate`` lists them): fullTextSearchPostgres,
nativeDistinct, partialIndexes (tests/engine/test_partial_indexes.py), postgresqlExtensions,
relationJoins, shardKeys, strictUndefinedChecks, typedSql, views (schemaEngineDriverAdapters
keeps Prisma 6's rules in schemashift, a url-less schema with it is valid for prisma7: see
docs/cli.md, "Prisma 7 features");
and the GA features that shape columns: ``uuid(4|7)``, ``ulid()``, ``cuid(1|2)``, ``nanoid(n)``,
``dbgenerated(...)``, ``Unsupported(...)``, ``autoincrement()``/``sequence``, multiSchema's
``@@schema``, native types, enums with ``@map``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from schemashift.migrations.engine import diff_schemas
from test_prisma7_sql import ORACLE, _prisma7, pytestmark  # noqa: F401 - the oracle's skip mark

HEAD = 'generator client {{\n  provider        = "prisma-client"\n  output          = "./generated"\n  previewFeatures = [{features}]\n}}\n\ndatasource db {{\n  provider = "{provider}"{extra}\n}}\n\n'

#: (provider, preview features, datasource lines, models): each a feature of Prisma 7.10
CASES: dict[str, tuple[str, str, str, str]] = {
    "uuid7-ulid-cuid2-nanoid": (
        "postgresql", "", "",
        "model A {\n  id  String @id @default(uuid(7))\n  u4  String @default(uuid(4)) @db.Uuid\n  ul  String @default(ulid())\n"
        "  c2  String @default(cuid(2))\n  c1  String @default(cuid())\n  n   String @default(nanoid(12))\n}\n",
    ),
    "uuid7-ulid-sqlite": (
        "sqlite", "", "",
        "model A {\n  id String @id @default(uuid(7))\n  ul String @default(ulid())\n  c2 String @default(cuid(2))\n  n  String @default(nanoid())\n}\n",
    ),
    "dbgenerated-and-unsupported": (
        "postgresql", "", "",
        'model A {\n  id   String                   @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid\n'
        '  at   DateTime                 @default(dbgenerated("now()")) @db.Timestamptz(3)\n'
        '  geom Unsupported("circle")?\n  tsv  Unsupported("tsvector")? @default(dbgenerated("\'\'::tsvector"))\n\n'
        '  @@index([tsv], type: Gin)\n}\n',
    ),
    "dbgenerated-sqlite": (
        "sqlite", "", "",
        'model A {\n  id Int    @id @default(autoincrement())\n  at String @default(dbgenerated("CURRENT_TIMESTAMP"))\n'
        '  x  Unsupported("NUMERIC")?\n}\n',
    ),
    "multi-schema": (
        "postgresql", "", '\n  schemas  = ["base", "public"]',
        'model A {\n  id Int @id\n  b  B[]\n  @@schema("base")\n}\n\nmodel B {\n  id  Int  @id\n  aId Int\n  k   Kind\n'
        '  a   A    @relation(fields: [aId], references: [id])\n  @@schema("public")\n}\n\n'
        'enum Kind {\n  X\n  Y @map("y")\n  @@schema("base")\n}\n',
    ),
    "postgresql-extensions": (
        "postgresql", '"postgresqlExtensions"', '\n  extensions = [citext, pg_trgm(schema: "public"), hstore]',
        'model A {\n  id    Int    @id\n  email String @db.Citext\n  name  String\n\n  @@index([name(ops: raw("gin_trgm_ops"))], type: Gin)\n}\n',
    ),
    "views": (
        "postgresql", '"views"', "",
        "model A {\n  id   Int    @id\n  name String\n}\n\nview AView {\n  id   Int    @unique\n  name String\n}\n",
    ),
    "views-sqlite": (
        "sqlite", '"views"', "",
        "model A {\n  id   Int    @id\n  name String\n}\n\nview AView {\n  id   Int    @unique\n  name String\n}\n",
    ),
    "client-only-previews": (
        "postgresql", '"relationJoins", "nativeDistinct", "strictUndefinedChecks", "typedSql", "fullTextSearchPostgres"', "",
        "model A {\n  id   Int    @id @default(autoincrement())\n  name String\n  b    B[]\n}\n\n"
        "model B {\n  id  BigInt @id @default(autoincrement())\n  aId Int\n  a   A      @relation(fields: [aId], references: [id], onDelete: Cascade)\n\n  @@index([aId])\n}\n",
    ),
    "native-types-and-mapped-enum": (
        "postgresql", "", "",
        'enum Role {\n  ADMIN @map("admin")\n  USER\n\n  @@map("role")\n}\n\nmodel A {\n  id  Int      @id @default(autoincrement()) @db.SmallInt\n'
        '  d   Decimal  @db.Decimal(10, 2)\n  t   DateTime @default(now()) @db.Timestamptz(6)\n  j   Json     @default("{}") @db.JsonB\n'
        '  r   Role     @default(USER)\n  v   String   @db.VarChar(40)\n  b   Bytes?\n  ids Int[]\n\n  @@map("a_table")\n}\n',
    ),
    "shard-keys-not-postgres": (  # shardKeys is for MySQL (PlanetScale): refused on PostgreSQL by both
        "postgresql", '"shardKeys"', "",
        "model A {\n  id     Int @id\n  region Int @shardKey\n}\n",
    ),
}

#: a change of each valid case, for the schema-to-schema script
CHANGES = {
    "uuid7-ulid-cuid2-nanoid": ("  n   String @default(nanoid(12))\n", "  n   String @default(nanoid(12))\n  u7  String? @default(uuid(7)) @db.Uuid\n"),
    "multi-schema": ("  k   Kind\n", "  k   Kind\n  note String?\n"),
    "postgresql-extensions": ("hstore]", "hstore, pgcrypto]"),
    "views": ("  name String\n}\n\nview", "  name String\n  age  Int?\n}\n\nview"),
    "native-types-and-mapped-enum": ("  USER\n", "  USER\n  GUEST\n"),
}


def _schema(case: str) -> str:
    provider, features, extra, body = CASES[case]
    return HEAD.format(features=features, provider=provider, extra=extra) + body


@pytest.mark.parametrize("case", sorted(CASES))
def test_feature_validates_as_prisma7(case: str, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schema.prisma").write_text(_schema(case))
    p = subprocess.run([str(ORACLE), "validate", "schema.prisma"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    ours = run_cli("validate", "--schema", "schema.prisma")
    theirs_valid = p.returncode == 0 and "is valid" in p.stdout + p.stderr
    assert (ours.exit_code == 0) == theirs_valid, p.stdout + p.stderr + "\n---\n" + ours.out + ours.err
    for line in (p.stdout + p.stderr).splitlines():
        if line.startswith("error: "):
            assert line in ours.err, line


@pytest.mark.parametrize("case", sorted(c for c in CASES if not c.startswith("shard-keys")))
def test_feature_sql_as_prisma7(case: str, tmp_path: Path) -> None:
    """From the empty database, and (where listed) to a changed schema, byte for byte."""
    before = _schema(case)
    expected = _prisma7(None, before, tmp_path / "empty")
    assert expected is not None, "prisma7 rejected the schema"
    assert diff_schemas(None, before) == expected
    if case in CHANGES:
        old, new = CHANGES[case]
        assert old in before
        after = before.replace(old, new)
        expected = _prisma7(before, after, tmp_path / "change")
        assert expected is not None and expected.strip(), "prisma7 rejected the change"
        assert diff_schemas(before, after) == expected
