"""The SQLite describer on hand-written DDL."""

from __future__ import annotations

import pytest

from schemashift.connectors import connect
from schemashift.connectors.describe import describe
from schemashift.model import (
    Arity,
    BoolLit,
    BytesLit,
    ColumnType,
    DbGeneratedDefault,
    DecimalLit,
    Family,
    FloatLit,
    ForeignKey,
    Index,
    IndexColumn,
    IndexKind,
    IntLit,
    JsonLit,
    LiteralDefault,
    NowDefault,
    PrimaryKey,
    ReferentialAction,
    Schema,
    SortOrder,
    StrLit,
)

DDL = """
CREATE TABLE "User" (
  "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  "email" TEXT NOT NULL,
  "name" TEXT DEFAULT 'it''s',
  "n" INTEGER DEFAULT -1,
  "big" BIGINT,
  "score" REAL DEFAULT 1.5,
  "price" DECIMAL DEFAULT 1.50,
  "flag" BOOLEAN NOT NULL DEFAULT true,
  "created" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "blob" BLOB DEFAULT X'0102',
  "doc" JSONB,
  "short" VARCHAR(20),
  "shape" geometry,
  "lowered" TEXT DEFAULT (lower('A')),
  "stamp" DATETIME DEFAULT (datetime('now')),
  "label" CHARACTER VARYING(10),
  "amount" NUMERIC(10, 2),
  "counter" INTEGER DEFAULT (abs(-3)),
  "tags" JSONB NOT NULL DEFAULT ["a",1],
  "meta" JSONB DEFAULT '{"a": 1}'
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE INDEX "User_name_n_idx" ON "User"("name" DESC, "n");
CREATE INDEX "User_expr_idx" ON "User"(lower("name"));
CREATE TABLE "Post" (
  "a" INTEGER NOT NULL, "b" TEXT NOT NULL, "author" INTEGER, "editor" INTEGER,
  PRIMARY KEY ("b", "a"),
  CONSTRAINT "Post_author_fkey" FOREIGN KEY ("author") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE SET NULL,
  CONSTRAINT "Post_editor_fkey" FOREIGN KEY ("editor") REFERENCES "User" ON DELETE RESTRICT
);
CREATE TABLE "Plain" ("id" INTEGER NOT NULL PRIMARY KEY, "v" TEXT);
CREATE VIEW "UserNames" AS SELECT "name" FROM "User";
CREATE TABLE "_prisma_migrations" ("id" TEXT PRIMARY KEY NOT NULL);
"""


@pytest.fixture
def schema(sqlite_url: str) -> Schema:
    with connect(sqlite_url) as conn:
        conn.execute_script(DDL)
        before = conn.queries_sent
        described = describe(conn)
        assert conn.queries_sent - before == 3
        return described


def test_tables(schema: Schema) -> None:
    assert sorted(t.name for t in schema.tables) == ["Plain", "Post", "User"]


def test_types_and_arity(schema: Schema) -> None:
    user = schema.table("User")
    assert user is not None
    types = {c.name: (c.type, c.arity) for c in user.columns}
    assert types["id"] == (ColumnType(Family.INT, "INTEGER"), Arity.REQUIRED)
    assert types["name"] == (ColumnType(Family.STRING, "TEXT"), Arity.NULLABLE)
    assert types["big"][0] == ColumnType(Family.BIGINT, "BIGINT")
    assert types["score"][0] == ColumnType(Family.FLOAT, "REAL")
    assert types["price"][0] == ColumnType(Family.DECIMAL, "DECIMAL")
    assert types["flag"] == (ColumnType(Family.BOOLEAN, "BOOLEAN"), Arity.REQUIRED)
    assert types["created"][0] == ColumnType(Family.DATETIME, "DATETIME")
    assert types["blob"][0] == ColumnType(Family.BINARY, "BLOB")
    assert types["doc"][0] == ColumnType(Family.JSON, "JSONB")
    assert types["short"][0] == ColumnType(Family.STRING, "VARCHAR", (20,))
    assert types["shape"][0] == ColumnType(Family.UNSUPPORTED, raw="geometry")
    assert types["label"][0] == ColumnType(Family.STRING, "CHARACTER VARYING", (10,))
    assert types["amount"][0] == ColumnType(Family.DECIMAL, "NUMERIC", (10, 2))


def test_defaults(schema: Schema) -> None:
    user = schema.table("User")
    assert user is not None
    defaults = {c.name: c.default for c in user.columns}
    assert defaults == {
        "id": None,
        "email": None,
        "name": LiteralDefault(StrLit("it's")),
        "n": LiteralDefault(IntLit(-1)),
        "big": None,
        "score": LiteralDefault(FloatLit("1.5")),
        "price": LiteralDefault(DecimalLit("1.50")),
        "flag": LiteralDefault(BoolLit(True)),
        "created": NowDefault(),
        "blob": LiteralDefault(BytesLit("AQI=")),
        "doc": None,
        "short": None,
        "shape": None,
        # an expression is a database default, in the parentheses SQLite needed (dflt_value drops them)
        "lowered": DbGeneratedDefault("(lower('A'))"),
        "stamp": NowDefault(),
        "label": None,
        "amount": None,
        "counter": DbGeneratedDefault("(abs(-3))"),
        "tags": LiteralDefault(JsonLit('["a",1]')),  # unquoted, as Prisma renders JSON defaults here
        "meta": LiteralDefault(JsonLit('{"a": 1}')),
    }


def test_integer_primary_key_is_autoincrement_as_in_prisma(schema: Schema) -> None:
    user, plain, post = schema.table("User"), schema.table("Plain"), schema.table("Post")
    assert user is not None and plain is not None and post is not None
    assert [c.name for c in user.columns if c.autoincrement] == ["id"]
    assert [c.name for c in plain.columns if c.autoincrement] == ["id"]  # rowid alias, no keyword
    assert not any(c.autoincrement for c in post.columns)  # compound key


def test_primary_keys_keep_their_column_order(schema: Schema) -> None:
    post, user = schema.table("Post"), schema.table("User")
    assert post is not None and user is not None
    assert post.primary_key == PrimaryKey(None, (IndexColumn("b"), IndexColumn("a")))
    assert user.primary_key == PrimaryKey(None, (IndexColumn("id"),))


def test_indexes(schema: Schema) -> None:
    user, post = schema.table("User"), schema.table("Post")
    assert user is not None and post is not None
    assert sorted(user.indexes, key=lambda i: i.name) == [
        Index("User_email_key", (IndexColumn("email"),), IndexKind.UNIQUE),
        Index("User_name_n_idx", (IndexColumn("name", SortOrder.DESC), IndexColumn("n"))),
    ]
    assert post.indexes == ()  # the primary key's automatic index is the primary key


def test_foreign_keys_in_declaration_order(schema: Schema) -> None:
    post = schema.table("Post")
    assert post is not None
    assert post.foreign_keys == (
        ForeignKey(None, ("author",), "User", ("id",), ReferentialAction.CASCADE, ReferentialAction.SET_NULL),
        ForeignKey(None, ("editor",), "User", ("id",), ReferentialAction.RESTRICT, ReferentialAction.NO_ACTION),
    )


def test_query_count_does_not_grow_with_tables(sqlite_url: str) -> None:
    with connect(sqlite_url) as conn:
        conn.execute_script(
            "".join(
                f'CREATE TABLE "t{i}" ("id" INTEGER NOT NULL PRIMARY KEY, "v" TEXT, "p" INTEGER REFERENCES "t0"("id"));'
                f'CREATE UNIQUE INDEX "t{i}_v_key" ON "t{i}"("v");'
                for i in range(30)
            )
        )
        before = conn.queries_sent
        schema = describe(conn)
        assert conn.queries_sent - before == 3
    assert len(schema.tables) == 30
    assert all(len(t.foreign_keys) == 1 and len(t.indexes) == 1 for t in schema.tables)
