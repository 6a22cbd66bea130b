"""Renames (diff/renames.py): the rename steps keep rows, keys and foreign keys on the three
databases, the next diff is empty, and the reverse diff (down.sql) takes the database back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from schemashift.connectors import Connector, connect
from schemashift.diff import steps as st
from schemashift.diff.renames import Rename, RenameError, choose, parse_rename
from schemashift.lower import lower_schema, parse_checked
from schemashift.migrations import engine
from schemashift.model import Schema

URL = {"sqlite": "file:dev.db", "postgresql": "postgresql://u@h/db", "mysql": "mysql://u@h/db"}

V1 = """
model User {
  id    Int    @id @default(autoincrement())
  name  String @unique
  age   Int    @default(0)
  posts Post[]
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])

  @@index([authorId])
}
"""


def schema(provider: str, models: str) -> Schema:
    src = f'datasource db {{\n  provider = "{provider}"\n  url = "{URL[provider]}"\n}}\n{models}'
    return lower_schema(parse_checked([("schema.prisma", src)]), provider)


@pytest.fixture
def conn(db_url: str) -> Iterator[Connector]:
    with connect(db_url) as c:
        yield c


def q(conn: Connector, name: str) -> str:
    return conn.dialect.quote(name)


def migrate(conn: Connector, previous: Schema, next: Schema, renames: list[Rename]) -> list[st.Step]:
    steps = engine.diff(previous, next, conn.dialect, renames)
    engine.apply_script(conn, engine.render(steps, conn.dialect))
    return steps


def remaining(conn: Connector, target: Schema) -> str:
    steps = engine.diff(engine.describe(conn), target, conn.dialect)
    return engine.render(steps, conn.dialect) if steps else ""


def setup_v1(conn: Connector, provider: str) -> Schema:
    v1 = schema(provider, V1)
    engine.apply_script(conn, engine.render(engine.diff(engine.empty_schema(provider), v1, conn.dialect), conn.dialect))
    for i, name in enumerate(["ann", "bob", "cy"], start=1):
        conn.execute(f"INSERT INTO {q(conn, 'User')} ({q(conn, 'id')}, {q(conn, 'name')}, {q(conn, 'age')}) VALUES ({i}, '{name}', {20 + i})")
        conn.execute(f"INSERT INTO {q(conn, 'Post')} ({q(conn, 'title')}, {q(conn, 'authorId')}) VALUES ('t{i}', {i})")
    return v1


def rows(conn: Connector, table: str, *columns: str) -> list[tuple[object, ...]]:
    cols = ", ".join(q(conn, c) for c in columns)
    return sorted(tuple(r) for r in conn.query(f"SELECT {cols} FROM {q(conn, table)}"))


def test_parse_rename() -> None:
    assert parse_rename("User.name:fullName") == Rename("name", "fullName", "User")
    assert parse_rename("User:Person") == Rename("User", "Person")
    for bad in ("User", "User.name", ":x", "User.:x", "A.b:c.d", "A:B:C", "A:b.c"):
        with pytest.raises(RenameError, match="Invalid --rename"):
            parse_rename(bad)


def test_candidates_and_checks() -> None:
    v1 = schema("postgresql", V1)
    v2 = schema("postgresql", V1.replace("name  String", "fullName String").replace("age   Int    @default(0)", "years String"))
    plan = choose(v1, v2)
    # name -> fullName is a candidate; age (Int) -> years (String) is not (another type family)
    assert plan.accepted == [] and plan.declined == [Rename("name", "fullName", "User")]
    asked: list[Rename] = []
    plan = choose(v1, v2, ask=lambda r: asked.append(r) or True)
    assert asked == [Rename("name", "fullName", "User")] and plan.accepted == asked
    with pytest.raises(RenameError, match="no column `nope`"):
        choose(v1, v2, [Rename("nope", "fullName", "User")])
    with pytest.raises(RenameError, match="still in the schema"):
        choose(v1, v2, [Rename("id", "fullName", "User")])
    v3 = schema("postgresql", V1.replace("model User {", "model Person {").replace("User   @relation", "Person @relation"))
    assert choose(v1, v3).declined == [Rename("User", "Person")]
    # a column of a renamed table, named by its previous or its next table name
    v4 = schema("postgresql", V1.replace("model User {", "model Person {").replace("User   @relation", "Person @relation").replace("name  String", "fullName String"))
    # the table renamed with one of its columns is still a candidate, then the column in it
    assert choose(v1, v4, ask=lambda r: True).accepted == [Rename("User", "Person"), Rename("name", "fullName", "Person")]
    for table in ("User", "Person"):
        plan = choose(v1, v4, [Rename("User", "Person"), Rename("name", "fullName", table)])
        assert plan.accepted == [Rename("User", "Person"), Rename("name", "fullName", "Person")] and plan.declined == []


def test_steps_reverse() -> None:
    v1 = schema("sqlite", V1)
    v2 = schema("sqlite", V1.replace("name  String", "fullName String"))
    (step,) = [s for s in engine.diff(v1, v2, engine.dialect_for("sqlite"), [Rename("name", "fullName", "User")]) if isinstance(s, st.RenameColumn)]
    assert step.reverse().previous.name == "fullName" and step.reverse().next.name == "name"
    assert not step.loses_data


def test_column_rename_keeps_data(conn: Connector, provider: str) -> None:
    v1 = setup_v1(conn, provider)
    v2 = schema(provider, V1.replace("name  String", "fullName String"))
    steps = migrate(conn, v1, v2, [Rename("name", "fullName", "User")])
    assert not any(s.loses_data for s in steps)
    assert rows(conn, "User", "id", "fullName") == [(1, "ann"), (2, "bob"), (3, "cy")]
    assert remaining(conn, v2) == ""
    # the unique index follows the column: its Prisma name is renamed too
    assert engine.describe(conn).table("User").index("User_fullName_key") is not None  # type: ignore[union-attr]
    # down: the reverse diff with the reversed renames
    back = engine.reversed_renames([Rename("name", "fullName", "User")], v1, v2)
    migrate(conn, v2, v1, back)
    assert rows(conn, "User", "id", "name") == [(1, "ann"), (2, "bob"), (3, "cy")]
    assert remaining(conn, v1) == ""


def test_table_rename_keeps_data_and_foreign_keys(conn: Connector, provider: str) -> None:
    v1 = setup_v1(conn, provider)
    models = V1.replace("model User {", "model Person {").replace("User   @relation", "Person @relation")
    v2 = schema(provider, models)
    migrate(conn, v1, v2, [Rename("User", "Person")])
    assert rows(conn, "Person", "id", "name") == [(1, "ann"), (2, "bob"), (3, "cy")]
    assert rows(conn, "Post", "title", "authorId") == [("t1", 1), ("t2", 2), ("t3", 3)]
    assert remaining(conn, v2) == ""
    (fk,) = engine.describe(conn).table("Post").foreign_keys  # type: ignore[union-attr]
    assert fk.referenced_table == "Person"
    with pytest.raises(Exception):  # the foreign key is enforced
        conn.execute(f"INSERT INTO {q(conn, 'Post')} ({q(conn, 'title')}, {q(conn, 'authorId')}) VALUES ('x', 99)")


def test_foreign_key_column_rename_keeps_the_foreign_key(conn: Connector, provider: str) -> None:
    v1 = setup_v1(conn, provider)
    v2 = schema(provider, V1.replace("authorId", "writerId"))
    migrate(conn, v1, v2, [Rename("authorId", "writerId", "Post")])
    assert rows(conn, "Post", "title", "writerId") == [("t1", 1), ("t2", 2), ("t3", 3)]
    assert remaining(conn, v2) == ""
    (fk,) = engine.describe(conn).table("Post").foreign_keys  # type: ignore[union-attr]
    assert fk.columns == ("writerId",) and fk.referenced_table == "User"
    with pytest.raises(Exception):
        conn.execute(f"INSERT INTO {q(conn, 'Post')} ({q(conn, 'title')}, {q(conn, 'writerId')}) VALUES ('x', 99)")


def test_rename_with_type_change(conn: Connector, provider: str) -> None:
    """A rename combined with a type change: the rename, then the type change."""
    v1 = setup_v1(conn, provider)
    v2 = schema(provider, V1.replace("age   Int    @default(0)", "years BigInt @default(0)"))
    steps = migrate(conn, v1, v2, [Rename("age", "years", "User")])
    assert isinstance(steps[0], st.RenameColumn)
    assert rows(conn, "User", "id", "years") == [(1, 21), (2, 22), (3, 23)]
    assert remaining(conn, v2) == ""


# ---------------------------------------------------------------- property: random column renames

TABLE = """
model Item {
  id Int @id
%s
}
"""
COLUMN_TYPES = ["Int", "String", "Boolean", "Int?", "String?"]
VALUES = {"Int": "7", "String": "'v'", "Boolean": "true", "Int?": "NULL", "String?": "'w'"}


def _model(columns: list[tuple[str, str]]) -> str:
    return TABLE % "\n".join(f"  {n} {t}" for n, t in columns)


names = hs.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8).map(lambda s: "c_" + s)


@hs.composite
def renames_case(draw: hs.DrawFn) -> tuple[list[tuple[str, str]], dict[str, str]]:
    cols = draw(hs.lists(names, min_size=1, max_size=5, unique=True))
    types = [draw(hs.sampled_from(COLUMN_TYPES)) for _ in cols]
    renamed = draw(hs.lists(hs.sampled_from(cols), unique=True, max_size=len(cols)))
    new_names = draw(hs.lists(names.filter(lambda n: n not in cols), min_size=len(renamed), max_size=len(renamed), unique=True))
    return list(zip(cols, types)), dict(zip(renamed, new_names))


@pytest.mark.parametrize("examples", [pytest.param(None, id="props")])
def test_random_column_renames_keep_every_row(db_url: str, provider: str, examples: None) -> None:
    @settings(max_examples=12 if provider == "sqlite" else 4, deadline=None, suppress_health_check=list(HealthCheck))
    @given(renames_case())
    def check(case: tuple[list[tuple[str, str]], dict[str, str]]) -> None:
        columns, mapping = case
        with connect(db_url) as conn:
            engine.apply_script(conn, f"DROP TABLE IF EXISTS {q(conn, 'Item')}")
            v1 = schema(provider, _model(columns))
            engine.apply_script(conn, engine.render(engine.diff(engine.empty_schema(provider), v1, conn.dialect), conn.dialect))
            values = [VALUES[t] for _, t in columns]
            if provider != "postgresql":
                values = [{"true": "1"}.get(v, v) for v in values]
            col_sql = ", ".join(q(conn, n) for n, _ in columns)
            for i in range(1, 6):
                conn.execute(f"INSERT INTO {q(conn, 'Item')} ({q(conn, 'id')}, {col_sql}) VALUES ({i}, {', '.join(values)})")
            before = rows(conn, "Item", "id", *(n for n, _ in columns))
            v2 = schema(provider, _model([(mapping.get(n, n), t) for n, t in columns]))
            plan = choose(v1, v2, [Rename(o, n, "Item") for o, n in mapping.items()])
            migrate(conn, v1, v2, plan.accepted)
            assert rows(conn, "Item", "id", *(mapping.get(n, n) for n, _ in columns)) == before
            assert remaining(conn, v2) == ""

    check()


def test_referenced_primary_key_column_rename(conn: Connector, provider: str) -> None:
    """The primary key column a foreign key of another table references."""
    v1 = setup_v1(conn, provider)
    models = V1.replace("  id    Int    @id", "  uid   Int    @id").replace("references: [id]", "references: [uid]")
    v2 = schema(provider, models)
    migrate(conn, v1, v2, [Rename("id", "uid", "User")])
    assert rows(conn, "User", "uid", "name") == [(1, "ann"), (2, "bob"), (3, "cy")]
    assert remaining(conn, v2) == ""
    (fk,) = engine.describe(conn).table("Post").foreign_keys  # type: ignore[union-attr]
    assert fk.referenced_columns == ("uid",)


def test_rename_of_the_table_that_owns_the_foreign_key(conn: Connector, provider: str) -> None:
    """`Post` -> `Article`: `Post_pkey`, `Post_authorId_fkey`, `Post_authorId_idx` follow."""
    v1 = setup_v1(conn, provider)
    v2 = schema(provider, V1.replace("model Post {", "model Article {").replace("posts Post[]", "posts Article[]"))
    plan = choose(v1, v2, ask=lambda r: True)
    assert plan.accepted == [Rename("Post", "Article")]
    migrate(conn, v1, v2, plan.accepted)
    assert rows(conn, "Article", "title", "authorId") == [("t1", 1), ("t2", 2), ("t3", 3)]
    assert remaining(conn, v2) == ""
    with pytest.raises(Exception):
        conn.execute(f"INSERT INTO {q(conn, 'Article')} ({q(conn, 'title')}, {q(conn, 'authorId')}) VALUES ('x', 99)")


def test_render_escapes_and_summary() -> None:
    from schemashift.model import Column, ColumnType, Family, Table

    col = Column("a`b\"c", ColumnType(Family.INT))
    table = Table('t"1`', (col,), schema=None)
    steps: list[st.Step] = [
        st.RenameTable(table, Table('n"2`', (col,))),
        st.RenameColumn(Table('n"2`', (col,)), col, Column('d"e`', ColumnType(Family.INT))),
    ]
    pg = engine.render(steps, engine.dialect_for("postgresql"))
    assert 'ALTER TABLE "t""1`" RENAME TO "n""2`"' in pg
    assert 'ALTER TABLE "n""2`" RENAME COLUMN "a`b""c" TO "d""e`"' in pg
    my = engine.render(steps, engine.dialect_for("mysql"))
    assert 'ALTER TABLE `t"1``` RENAME TO `n"2```' in my
    assert 'ALTER TABLE `n"2``` RENAME COLUMN `a``b"c` TO `d"e```' in my
    namespaced = st.RenameTable(Table("u", (col,), schema="s"), Table("v", (col,), schema="s"))
    assert 'ALTER TABLE "s"."u" RENAME TO "v"' in engine.render([namespaced], engine.dialect_for("postgresql"))
    text = engine.summary(steps)
    assert "[*] Renamed the table `t\"1`` to `n\"2``" in text and "[*] Renamed column `a`b\"c` to `d\"e``" in text


def test_live_data_loss_check_counts_under_the_old_names(conn: Connector, provider: str) -> None:
    """The live check runs before the migration: a probe of a renamed column reads its old name."""
    v1 = setup_v1(conn, provider)
    conn.execute(f"UPDATE {q(conn, 'User')} SET {q(conn, 'age')} = 30")
    models = (
        V1.replace("model User {", "model Person {").replace("User   @relation", "Person @relation")
        .replace("age   Int    @default(0)", "years Int    @default(0) @unique")
    )
    v2 = schema(provider, models)
    steps = engine.diff(v1, v2, conn.dialect, [Rename("User", "Person"), Rename("age", "years", "Person")])
    warnings = engine.data_loss_warnings(conn, steps)
    assert [w.unexecutable for w in warnings] == [True], warnings
    assert "`years`" in warnings[0].message or "years" in warnings[0].message


def test_map_changes_are_candidates() -> None:
    """`@map`/`@@map` added while the Prisma names stay: a rename of the database objects."""
    v1 = schema("postgresql", V1)
    mapped = V1.replace("name  String @unique", 'name  String @unique @map("full_name")').replace(
        "  posts Post[]\n}", '  posts Post[]\n\n  @@map("users")\n}'
    )
    v2 = schema("postgresql", mapped)
    plan = choose(v1, v2, ask=lambda r: True)
    assert plan.accepted == [Rename("User", "users"), Rename("name", "full_name", "users")]
    steps = engine.diff(v1, v2, engine.dialect_for("postgresql"), plan.accepted)
    script = engine.render(steps, engine.dialect_for("postgresql"))
    assert 'ALTER TABLE "User" RENAME TO "users"' in script and "DROP" not in script
