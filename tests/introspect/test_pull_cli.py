"""`schemashift db pull`: writing, printing, --force, --url, P4001, and what re-introspection keeps."""

from __future__ import annotations

import os
from pathlib import Path

HEADER = """generator client {{
  provider = "prisma-client-js"
}}

datasource db {{
  provider = "{provider}"
  url      = env("DATABASE_URL")
}}
"""


def _create(url: str, provider: str, body: str) -> None:
    """Create the database objects of a schema (the diff empty -> schema, executed)."""
    from schemashift.connectors import connect
    from schemashift.migrations import engine
    from schemashift.model import Schema

    target = engine.target_schema([("schema.prisma", HEADER.format(provider=provider) + body)], provider)
    with connect(url) as conn:
        engine.apply_script(conn, engine.render(engine.diff(Schema(), target, engine.dialect_for(provider)), engine.dialect_for(provider)))


def _project(tmp_path: Path, url: str, provider: str, body: str = "") -> Path:
    schema = tmp_path / "prisma" / "schema.prisma"
    schema.parent.mkdir(parents=True, exist_ok=True)
    schema.write_text(HEADER.format(provider=provider) + body, encoding="utf-8")
    os.environ["DATABASE_URL"] = url
    return schema


# A schema whose re-introspection must keep what the user wrote: custom names and maps, relation
# names, a self relation, an implicit many-to-many, enum value maps, docs, client-side defaults,
# @updatedAt; its fields are in an order that is not the column order, which Prisma 7 does not keep.
KEEPER = """
/// People who write
model Author {
  /// the key
  id        Int      @id @default(autoincrement())
  fullName  String   @map("full_name")
  handle    String   @unique(map: "author_handle_uq")
  posts     Post[]   @relation("written")
  mentorId  Int?     @map("mentor_id")
  mentor    Author?  @relation("mentoring", fields: [mentorId], references: [id])
  mentees   Author[] @relation("mentoring")
  updatedAt DateTime @updatedAt @map("updated_at")

  @@map("authors")
}

model Post {
  id       String  @id @default(cuid())
  title    String
  writerId Int     @map("writer_id")
  writer   Author  @relation("written", fields: [writerId], references: [id], onDelete: Cascade)
  state    State   @default(DRAFT)
  labels   Label[]

  @@index([title(sort: Desc)], map: "post_title")
  @@map("posts")
}

model Label {
  id    Int    @id
  name  String
  posts Post[]
}

enum State {
  DRAFT     @map("draft")
  PUBLISHED @map("published")

  @@map("post_state")
}
"""


# KEEPER re-introspected, as Prisma 7.10 prints it on PostgreSQL (checked with ../shared/oracle/prisma7):
# scalar fields in column order, then relation fields; the many-to-many relation's name written out
KEEPER_PULLED = """
/// People who write
model Author {
  /// the key
  id        Int      @id @default(autoincrement())
  fullName  String   @map("full_name")
  handle    String   @unique(map: "author_handle_uq")
  mentorId  Int?     @map("mentor_id")
  updatedAt DateTime @updatedAt @map("updated_at")
  mentor    Author?  @relation("mentoring", fields: [mentorId], references: [id])
  mentees   Author[] @relation("mentoring")
  posts     Post[]   @relation("written")

  @@map("authors")
}

model Post {
  id       String  @id @default(cuid())
  title    String
  writerId Int     @map("writer_id")
  state    State   @default(DRAFT)
  writer   Author  @relation("written", fields: [writerId], references: [id], onDelete: Cascade)
  labels   Label[] @relation("LabelToPost")

  @@index([title(sort: Desc)], map: "post_title")
  @@map("posts")
}

model Label {
  id    Int    @id
  name  String
  posts Post[] @relation("LabelToPost")
}

enum State {
  DRAFT     @map("draft")
  PUBLISHED @map("published")

  @@map("post_state")
}
"""


def test_reintrospection_keeps_what_the_user_wrote(tmp_path, db_url, provider, run_cli):  # type: ignore[no-untyped-def]
    _create(db_url, provider, KEEPER)
    schema = _project(tmp_path, db_url, provider, KEEPER)
    result = run_cli("db", "pull", "--schema", str(schema))
    assert result.exit_code == 0, result.err
    assert "Introspected 3 models and 1 enum and wrote them into" in result.out
    assert schema.read_text() == HEADER.format(provider=provider) + KEEPER_PULLED
    assert run_cli("db", "pull", "--schema", str(schema)).exit_code == 0
    assert schema.read_text() == HEADER.format(provider=provider) + KEEPER_PULLED  # stable
    assert "enriched with `@map` information" in result.out  # Prisma's re-introspection warnings


def test_force_ignores_the_existing_models(tmp_path, postgres_url, run_cli):  # type: ignore[no-untyped-def]
    _create(postgres_url, "postgresql", KEEPER)
    schema = _project(tmp_path, postgres_url, "postgresql", KEEPER)
    result = run_cli("db", "pull", "--schema", str(schema), "--force")
    assert result.exit_code == 0, result.err
    text = schema.read_text()
    assert text.startswith(HEADER.format(provider="postgresql"))  # datasource and generator kept
    authors = text.split("model authors {")[1].split("}")[0]
    assert "full_name" in authors and "@map(" not in authors
    assert "@default(cuid())" not in text  # a client-side default is not in the database
    assert "enum post_state {" in text


def test_print_leaves_the_file_alone(tmp_path, db_url, provider, run_cli):  # type: ignore[no-untyped-def]
    body = "\nmodel Thing {\n  id   String @id\n  name String @unique\n}\n"
    _create(db_url, provider, body)
    schema = _project(tmp_path, db_url, provider)
    original = schema.read_text()
    result = run_cli("db", "pull", "--schema", str(schema), "--print")
    assert result.exit_code == 0, result.err
    assert schema.read_text() == original
    # Prisma 7's --print: the schema, a newline, and the empty line its CLI ends with
    expected = "\nmodel Thing {\n  id   String @id\n  name String @unique\n}\n\n\n"
    assert result.out == HEADER.format(provider=provider) + expected


def test_write_then_pull_again_is_stable(tmp_path, db_url, provider, run_cli):  # type: ignore[no-untyped-def]
    body = (
        "\nmodel User {\n  id    Int    @id @default(autoincrement())\n  posts Post[]\n}\n"
        "\nmodel Post {\n  id     Int  @id @default(autoincrement())\n  userId Int\n"
        "  user   User @relation(fields: [userId], references: [id])\n\n  @@index([userId])\n}\n"
    )
    _create(db_url, provider, body)
    schema = _project(tmp_path, db_url, provider)
    assert run_cli("db", "pull", "--schema", str(schema)).exit_code == 0
    first = schema.read_text()
    assert "model Post {" in first and "model User {" in first
    assert run_cli("db", "pull", "--schema", str(schema)).exit_code == 0
    assert schema.read_text() == first


def test_empty_database_is_p4001(tmp_path, db_url, provider, run_cli):  # type: ignore[no-untyped-def]
    if provider == "sqlite":
        from schemashift.connectors import connect

        with connect(db_url) as conn:  # the file exists, with no table
            conn.execute("CREATE TABLE t (x INTEGER)")
            conn.execute("DROP TABLE t")
    schema = _project(tmp_path, db_url, provider)
    original = schema.read_text()
    result = run_cli("db", "pull", "--schema", str(schema))
    assert result.exit_code == 1
    assert "P4001 The introspected database was empty:" in result.err
    assert schema.read_text() == original


def test_url_option_overrides_the_datasource(tmp_path, sqlite_url, run_cli):  # type: ignore[no-untyped-def]
    _create(sqlite_url, "sqlite", "\nmodel A {\n  id Int @id\n}\n")
    schema = _project(tmp_path, "file:/nonexistent/elsewhere.db", "sqlite")
    result = run_cli("db", "pull", "--schema", str(schema), "--print", "--url", sqlite_url)
    assert result.exit_code == 0, result.err
    assert "model A {" in result.out


def test_warnings_go_to_stderr_when_printing(tmp_path, postgres_url, run_cli):  # type: ignore[no-untyped-def]
    from schemashift.connectors import connect

    with connect(postgres_url) as conn:
        conn.execute("CREATE TABLE keyless (a integer, b text)")
    schema = _project(tmp_path, postgres_url, "postgresql")
    result = run_cli("db", "pull", "--schema", str(schema), "--print")
    assert result.exit_code == 0, result.err
    assert "@@ignore" in result.out
    assert '// The following models were ignored as they do not have a valid unique identifier' in result.err
    assert '//   - "keyless"' in result.err
