"""The differ on lowered models: pairing, change classification, ordering, capabilities."""

from __future__ import annotations

from schemashift.diff import steps as st
from schemashift.diff.differ import diff
from schemashift.dialects import get_dialect
from schemashift.dialects.base import TablePairFacts
from schemashift.dialects.postgres import PostgresDialect
from schemashift.migrations.engine import empty_schema
from schemashift.lower import lower_source

PG = get_dialect("postgresql")
HEADER = 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n'


def lower(body: str):
    return lower_source(HEADER + body)


def kinds(steps: list[st.Step]) -> list[str]:
    return [st.step_name(s) for s in steps]


def test_equal_schemas_give_no_steps() -> None:
    s = lower("model A {\n  id Int @id @default(autoincrement())\n  n String? @unique\n}\n")
    assert diff(s, s, PG) == []


def test_from_empty_orders_like_prisma() -> None:
    s = lower(
        "model B {\n  id Int @id\n  aId Int\n  a A @relation(fields: [aId], references: [id])\n  @@index([aId])\n}\n"
        "model A {\n  id Int @id\n  bs B[]\n  e E\n}\nenum E {\n  X\n}\n"
    )
    steps = diff(empty_schema("postgresql"), s, PG)
    assert kinds(steps) == ["CreateEnum", "CreateTable", "CreateTable", "CreateIndex", "AddForeignKey"]
    assert [s.table.name for s in steps if isinstance(s, st.CreateTable)] == ["B", "A"]


def test_index_name_change_is_a_rename() -> None:
    a = lower("model A {\n  id Int @id\n  x Int\n  @@index([x])\n}\n")
    b = lower('model A {\n  id Int @id\n  x Int\n  @@index([x], map: "by_x")\n}\n')
    (step,) = diff(a, b, PG)
    assert isinstance(step, st.RenameIndex) and (step.previous.name, step.next.name) == ("A_x_idx", "by_x")


def test_column_changes_are_classified() -> None:
    a = lower("model A {\n  id Int @id\n  n Int\n  s String?\n  e Int\n}\n")
    b = lower('model A {\n  id Int @id\n  n BigInt\n  s String @default("x")\n  e Boolean\n}\n')
    (alter,) = diff(a, b, PG)
    assert isinstance(alter, st.AlterTable)
    by_name = {getattr(c, "previous").name: c for c in alter.changes}
    assert isinstance(by_name["n"], st.AlterColumn) and by_name["n"].type_change is st.TypeChange.SAFE_CAST
    assert by_name["s"].changes == st.ColumnChange.ARITY | st.ColumnChange.DEFAULT
    assert isinstance(by_name["e"], st.DropAndRecreateColumn)  # Int -> Boolean cannot be cast
    assert alter.loses_data


def test_enum_value_changes() -> None:
    a = lower("enum E {\n  X\n  Y\n}\nmodel A {\n  id Int @id\n  e E @default(X)\n}\n")
    b = lower("enum E {\n  X\n  Z\n}\nmodel A {\n  id Int @id\n  e E @default(X)\n}\n")
    (step,) = diff(a, b, PG)
    assert isinstance(step, st.AlterEnum)
    assert (step.added, step.dropped) == (("Z",), ("Y",))
    assert [u.column.name for u in step.default_usages] == ["e"]
    assert [u.column.name for u in step.column_usages] == ["e"]


def test_unique_to_primary_key_moves_drop_index_after_alter_table() -> None:
    a = lower("model A {\n  x Int @unique\n}\n")
    b = lower("model A {\n  x Int @id\n}\n")
    assert kinds(diff(a, b, PG)) == ["AlterTable", "DropIndex"]


def test_reversed_diff_undoes() -> None:
    a = lower("model A {\n  id Int @id\n}\n")
    b = lower("model A {\n  id Int @id\n  n Int?\n}\nmodel B {\n  id Int @id\n}\n")
    forward, backward = diff(a, b, PG), diff(b, a, PG)
    assert kinds(forward) == ["AlterTable", "CreateTable"]
    assert kinds(backward) == ["AlterTable", "DropTable"]
    assert {type(s.reverse()) for s in forward} == {type(s) for s in backward}


class RebuildingDialect(PostgresDialect):
    """A dialect that rebuilds any changed table (as SQLite must)."""

    rebuilds_tables = True

    def needs_table_rebuild(self, facts: TablePairFacts) -> bool:
        return bool(facts.dropped_columns or facts.added_columns or facts.any_column_changed)


def test_capability_turns_table_changes_into_redefine_tables() -> None:
    a = lower("model A {\n  id Int @id\n  n Int\n  @@index([n])\n}\nmodel C {\n  id Int @id\n}\n")
    b = lower("model A {\n  id Int @id\n  m Int\n}\nmodel C {\n  id Int @id\n}\n")
    (step,) = diff(a, b, RebuildingDialect())
    assert isinstance(step, st.RedefineTables)
    (table,) = step.tables
    assert [c.name for c in table.dropped_columns] == ["n"] and [c.name for c in table.added_columns] == ["m"]
    assert step.loses_data


def test_added_column_with_client_side_default_has_virtual_default() -> None:
    a = lower("model A {\n  id Int @id\n}\n")
    b = lower("model A {\n  id Int @id\n  token String @default(cuid())\n  name String\n}\n")
    (alter,) = diff(a, b, PG)
    flags = {c.column.name: c.has_virtual_default for c in alter.changes if isinstance(c, st.AddColumn)}
    assert flags == {"token": True, "name": False}


def test_mysql_index_serving_a_foreign_key_is_dropped_between_drop_and_add_of_the_key() -> None:
    mysql_header = 'datasource db {\n  provider = "mysql"\n  url = env("DATABASE_URL")\n}\n'
    user = "model User {\n  id Int @id\n  posts Post[]\n}\n"
    post = "model Post {\n  id Int @id\n  authorId Int?{}\n  author User? @relation(fields: [authorId], references: [id])\n}\n"
    before = lower_source(mysql_header + user + post.replace("{}", " @unique"))
    after = lower_source(mysql_header + user + post.replace("{}", ""))
    steps = diff(before, after, get_dialect("mysql"))
    assert kinds(steps) == ["DropForeignKey", "DropIndex", "AddForeignKey"]
    assert steps[1].index.name == "Post_authorId_key"
    # the same change on PostgreSQL drops the index alone
    assert kinds(diff(lower(user + post.replace("{}", " @unique")), lower(user + post.replace("{}", "")), PG)) == [
        "DropIndex"
    ]


def test_mysql_indexes_on_a_recreated_column_are_dropped_before_and_created_after() -> None:
    """Departure from Prisma: MySQL/MariaDB reject DROP COLUMN + ADD COLUMN of an indexed column in
    one ALTER TABLE (error 1089); the indexes go around the AlterTable (a renamed one is created
    under its new name, not renamed), with the foreign keys they serve."""
    mysql_header = 'datasource db {\n  provider = "mysql"\n  url = env("DATABASE_URL")\n}\n'
    parent = "model P {\n  id Int @id\n  cs C[]\n}\n"
    child = (
        "model C {\n  id Int @id\n  s String\n  pid Int\n  p P @relation(fields: [pid], references: [id])\n"
        "  f {type}\n  other Int\n  @@index([f]{map})\n  @@index([pid, f])\n  @@index([other])\n}\n"
    )
    before = lower_source(mysql_header + parent + child.replace("{type}", "Int").replace("{map}", ""))
    after = lower_source(mysql_header + parent + child.replace("{type}", "DateTime").replace("{map}", ', map: "by_f"'))
    for dialect in (get_dialect("mysql"), get_dialect("mysql", mariadb=True)):
        steps = diff(before, after, dialect)
        assert kinds(steps) == [
            "DropForeignKey", "DropIndex", "DropIndex", "AlterTable", "CreateIndex", "CreateIndex", "AddForeignKey"
        ]
        assert [s.index.name for s in steps if isinstance(s, st.DropIndex)] == ["C_f_idx", "C_pid_f_idx"]
        created = [s for s in steps if isinstance(s, st.CreateIndex)]
        assert [s.index.name for s in created] == ["by_f", "C_pid_f_idx"]
        assert all(s.from_drop_and_recreate for s in created)
        (alter,) = [s for s in steps if isinstance(s, st.AlterTable)]
        assert [type(c) for c in alter.changes] == [st.DropAndRecreateColumn]
    # a castable change keeps the indexes (Prisma's MODIFY)
    castable = lower_source(mysql_header + parent + child.replace("{type}", "BigInt").replace("{map}", ""))
    assert kinds(diff(before, castable, get_dialect("mysql"))) == ["AlterTable"]
