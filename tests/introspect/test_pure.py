"""The pure part of `db pull` (model -> PSL) on hand-made models: no database needed."""

from __future__ import annotations

from schemashift.introspect import introspect
from schemashift.introspect.names import field_name, sanitize, type_name
from schemashift.model import (
    Arity,
    Column,
    ColumnType,
    Family,
    ForeignKey,
    Index,
    IndexColumn,
    PrimaryKey,
    Schema,
    Table,
)

INT = ColumnType(Family.INT, "Int")


def test_prisma_sanitising_rules() -> None:
    assert sanitize("2weird-name") == "weird_name"
    assert sanitize("Last.Name") == "Last_Name"
    assert sanitize("123") == ""
    assert type_name("PrismaClient") == ("RenamedPrismaClient", "PrismaClient")
    assert type_name("class") == ("Renamedclass", "class")
    assert field_name("e-mail") == ("e_mail", "e-mail")
    assert field_name("ok_name") == ("ok_name", None)


def _mysql_tables() -> Schema:
    user = Table("User", (Column("id", INT),), PrimaryKey(None, (IndexColumn("id"),)))
    post = Table(
        "Post",
        (Column("id", INT), Column("userId", INT)),
        PrimaryKey(None, (IndexColumn("id"),)),
        indexes=(Index("Post_userId_fkey", (IndexColumn("userId"),)),),  # MySQL's own index for the FK
        foreign_keys=(ForeignKey("Post_userId_fkey", ("userId",), "User", ("id",)),),
    )
    return Schema(tables=(post, user))


def test_mysql_foreign_key_index_is_not_rendered() -> None:
    text = introspect(_mysql_tables(), "mysql").text
    assert "@@index" not in text
    assert "User   User @relation(fields: [userId], references: [id], onDelete: NoAction, onUpdate: NoAction)" in text


def test_relation_mode_prisma_copies_relations_from_the_existing_schema() -> None:
    existing = """datasource db {
  provider     = "mysql"
  url          = env("DATABASE_URL")
  relationMode = "prisma"
}

model User {
  id    Int    @id
  posts Post[]
}

model Post {
  id     Int  @id
  userId Int
  author User @relation(fields: [userId], references: [id])

  @@index([userId], map: "Post_userId_fkey")
}
"""
    schema = _mysql_tables()
    schema = Schema(tables=tuple(Table(t.name, t.columns, t.primary_key, t.indexes, ()) for t in schema.tables))
    result = introspect(schema, "mysql", [("schema.prisma", existing)])
    assert "author User @relation(fields: [userId], references: [id])" in result.text
    assert "posts Post[]" in result.text
    assert "Relations were copied from the previous data model" in result.warnings.render()


def test_warnings_block_as_prisma_prints_it() -> None:
    keyless = Table("log", (Column("at", INT, Arity.NULLABLE),))
    result = introspect(Schema(tables=(keyless,)), "postgresql")
    assert result.warnings.render_commented() == (
        "// *** WARNING ***\n"
        "// \n"
        "// The following models were ignored as they do not have a valid unique identifier or id. "
        "This is currently not supported by Prisma Client:\n"
        '//   - "log"\n'
        "// \n"
    )
    assert "@@ignore" in result.text
