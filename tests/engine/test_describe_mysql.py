"""The MySQL/MariaDB describer on hand-written DDL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from schemashift.connectors import connect
from schemashift.connectors.describe import describe
from schemashift.model import (
    Arity,
    BoolLit,
    ColumnType,
    DbGeneratedDefault,
    DecimalLit,
    EnumLit,
    EnumType,
    Family,
    FloatLit,
    ForeignKey,
    Index,
    IndexColumn,
    IndexKind,
    IntLit,
    LiteralDefault,
    NowDefault,
    PrimaryKey,
    ReferentialAction,
    Schema,
    SortOrder,
    StrLit,
)

pytestmark = pytest.mark.mysql

DDL = r"""
CREATE TABLE `User` (
  id INT NOT NULL AUTO_INCREMENT,
  email VARCHAR(191) NOT NULL,
  name VARCHAR(20) DEFAULT 'it''s \\ here',
  n INT DEFAULT -1,
  u INT UNSIGNED,
  tiny TINYINT,
  big BIGINT,
  score DOUBLE DEFAULT 1.5,
  price DECIMAL(10,2) DEFAULT 1.50,
  flag BOOLEAN NOT NULL DEFAULT true,
  created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  stamp TIMESTAMP NULL,
  role ENUM('USER','AD''MIN') NOT NULL DEFAULT 'USER',
  doc JSON,
  body TEXT,
  data LONGBLOB,
  shape POINT,
  nothing VARCHAR(3) DEFAULT NULL,
  generated_id VARCHAR(40) DEFAULT (uuid()),
  PRIMARY KEY (id),
  UNIQUE INDEX `User_email_key`(email),
  INDEX `User_name_n_idx`(name DESC, n),
  INDEX `User_body_idx`(body(10)),
  FULLTEXT INDEX `User_body_ft`(body)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE `Post` (
  a INT NOT NULL, b VARCHAR(10) NOT NULL, author INT, editor INT,
  PRIMARY KEY (b, a),
  INDEX `Post_author_idx`(author),
  CONSTRAINT `Post_author_fkey` FOREIGN KEY (author) REFERENCES `User`(id) ON DELETE CASCADE ON UPDATE SET NULL,
  CONSTRAINT `Post_editor_fkey` FOREIGN KEY (editor) REFERENCES `User`(id) ON DELETE RESTRICT ON UPDATE NO ACTION
);
CREATE VIEW `UserNames` AS SELECT name FROM `User`;
CREATE TABLE `_prisma_migrations` (id VARCHAR(36) PRIMARY KEY);
"""


@pytest.fixture(scope="module")
def schema() -> Iterator[Schema]:
    import dbutil

    admin = dbutil.admin_url_or_skip("mysql")
    with dbutil.mysql_database(admin) as url:
        with connect(url) as conn:
            conn.execute_script(DDL)
            before = conn.queries_sent
            described = describe(conn)
            assert conn.queries_sent - before == 7
            yield described


def _columns(schema: Schema, table: str) -> dict:  # type: ignore[type-arg]
    t = schema.table(table)
    assert t is not None
    return {c.name: c for c in t.columns}


def test_tables(schema: Schema) -> None:
    assert sorted(t.name for t in schema.tables) == ["Post", "User"]


@pytest.mark.parametrize(
    ("column", "ctype"),
    [
        ("id", ColumnType(Family.INT, "Int")),
        ("email", ColumnType(Family.STRING, "VarChar", (191,))),
        ("u", ColumnType(Family.INT, "UnsignedInt")),
        ("tiny", ColumnType(Family.INT, "TinyInt")),
        ("big", ColumnType(Family.BIGINT, "BigInt")),
        ("score", ColumnType(Family.FLOAT, "Double")),
        ("price", ColumnType(Family.DECIMAL, "Decimal", (10, 2))),
        ("flag", ColumnType(Family.BOOLEAN, "TinyInt")),
        ("created", ColumnType(Family.DATETIME, "DateTime", (3,))),
        ("stamp", ColumnType(Family.DATETIME, "Timestamp", (0,))),
        ("role", ColumnType(Family.ENUM, enum="User_role")),
        ("doc", ColumnType(Family.JSON, "Json")),
        ("body", ColumnType(Family.STRING, "Text")),
        ("data", ColumnType(Family.BINARY, "LongBlob")),
        ("shape", ColumnType(Family.UNSUPPORTED, raw="point")),
    ],
)
def test_column_types(schema: Schema, column: str, ctype: ColumnType) -> None:
    assert _columns(schema, "User")[column].type == ctype


def test_arity_and_autoincrement(schema: Schema) -> None:
    cols = _columns(schema, "User")
    assert cols["id"].arity is Arity.REQUIRED and cols["id"].autoincrement and cols["id"].default is None
    assert cols["name"].arity is Arity.NULLABLE and not cols["name"].autoincrement


@pytest.mark.parametrize(
    ("column", "default"),
    [
        ("name", LiteralDefault(StrLit("it's \\ here"))),
        ("n", LiteralDefault(IntLit(-1))),
        ("score", LiteralDefault(FloatLit("1.5"))),
        ("price", LiteralDefault(DecimalLit("1.50"))),
        ("flag", LiteralDefault(BoolLit(True))),
        ("created", NowDefault()),
        ("role", LiteralDefault(EnumLit("USER"))),
        ("nothing", None),
        ("email", None),
        ("generated_id", DbGeneratedDefault("(uuid())")),  # in parentheses, as Prisma writes it
    ],
)
def test_defaults(schema: Schema, column: str, default: object) -> None:
    assert _columns(schema, "User")[column].default == default


def test_inline_enums_become_schema_enums(schema: Schema) -> None:
    assert schema.enums == (EnumType("User_role", ("USER", "AD'MIN")),)


def test_keys_and_indexes(schema: Schema) -> None:
    user, post = schema.table("User"), schema.table("Post")
    assert user is not None and post is not None
    assert user.primary_key == PrimaryKey(None, (IndexColumn("id"),))
    assert post.primary_key == PrimaryKey(None, (IndexColumn("b"), IndexColumn("a")))
    assert sorted(user.indexes, key=lambda i: i.name) == [
        Index("User_body_ft", (IndexColumn("body"),), IndexKind.FULLTEXT),
        Index("User_body_idx", (IndexColumn("body", length=10),)),
        Index("User_email_key", (IndexColumn("email"),), IndexKind.UNIQUE),
        Index("User_name_n_idx", (IndexColumn("name", SortOrder.DESC), IndexColumn("n"))),
    ]


def test_foreign_keys(schema: Schema) -> None:
    post = schema.table("Post")
    assert post is not None
    assert post.foreign_keys == (
        ForeignKey("Post_author_fkey", ("author",), "User", ("id",), ReferentialAction.CASCADE, ReferentialAction.SET_NULL),
        ForeignKey("Post_editor_fkey", ("editor",), "User", ("id",), ReferentialAction.RESTRICT, ReferentialAction.NO_ACTION),
    )
    # MySQL created an index of its own for the FK column that had none; it is described as is
    assert {i.name for i in post.indexes} == {"Post_author_idx", "Post_editor_fkey"}


def test_query_count_does_not_grow_with_tables(mysql_url: str) -> None:
    with connect(mysql_url) as conn:
        conn.execute_script(
            "".join(
                f"CREATE TABLE `t{i}` (id INT PRIMARY KEY, v VARCHAR(20) UNIQUE, p INT,"
                f" CONSTRAINT `t{i}_p_fkey` FOREIGN KEY (p) REFERENCES `t0`(id) ON DELETE SET NULL);"
                for i in range(25)
            )
        )
        before = conn.queries_sent
        schema = describe(conn)
        assert conn.queries_sent - before == 7
    assert len(schema.tables) == 25
    assert all(
        [fk.on_delete for fk in t.foreign_keys] == [ReferentialAction.SET_NULL] and len(t.indexes) == 2
        for t in schema.tables
    )  # the unique index and the index MySQL made for the foreign key
