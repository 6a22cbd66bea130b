"""Lowering PSL to the neutral model: types, defaults, keys, names, relations, per provider."""

from __future__ import annotations

import pytest

from schemashift.lower import LoweringError, lower_source
from schemashift.model import (
    Arity,
    BoolLit,
    BytesLit,
    ColumnType,
    DbGeneratedDefault,
    DecimalLit,
    EnumLit,
    Family,
    IndexAlgorithm,
    IndexKind,
    IntLit,
    ListLit,
    LiteralDefault,
    NowDefault,
    ReferentialAction,
    SortOrder,
    StrLit,
)


def schema(provider: str, body: str, extra_ds: str = "", generator: str = "") -> str:
    return (
        f'datasource db {{\n  provider = "{provider}"\n  url = env("DATABASE_URL")\n{extra_ds}}}\n'
        f"{generator}\n{body}"
    )


SCALARS = """
model T {
  id Int @id
  s String
  i Int
  b BigInt
  f Float
  d Decimal
  o Boolean
  t DateTime
  j Json
  y Bytes
}
"""


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        (
            "postgresql",
            [("Text", ()), ("Integer", ()), ("BigInt", ()), ("DoublePrecision", ()), ("Decimal", (65, 30)),
             ("Boolean", ()), ("Timestamp", (3,)), ("JsonB", ()), ("ByteA", ())],
        ),
        (
            "mysql",
            [("VarChar", (191,)), ("Int", ()), ("BigInt", ()), ("Double", ()), ("Decimal", (65, 30)),
             ("TinyInt", ()), ("DateTime", (3,)), ("Json", ()), ("LongBlob", ())],
        ),
        (
            "sqlite",
            [("TEXT", ()), ("INTEGER", ()), ("BIGINT", ()), ("REAL", ()), ("DECIMAL", ()), ("BOOLEAN", ()),
             ("DATETIME", ()), ("JSONB", ()), ("BLOB", ())],
        ),
    ],
)
def test_default_types_per_provider(provider: str, expected: list[tuple[str, tuple[int, ...]]]) -> None:
    table = lower_source(schema(provider, SCALARS)).tables[0]
    assert [(c.type.native, c.type.args) for c in table.columns[1:]] == expected
    assert [c.type.family for c in table.columns[1:]] == [
        Family.STRING, Family.INT, Family.BIGINT, Family.FLOAT, Family.DECIMAL, Family.BOOLEAN,
        Family.DATETIME, Family.JSON, Family.BINARY,
    ]


def test_native_types_arity_and_unsupported() -> None:
    table = lower_source(
        schema(
            "postgresql",
            """
model T {
  id String @id @db.Uuid
  name String? @db.VarChar(255)
  amount Decimal @db.Decimal(10, 2)
  tags String[]
  shape Unsupported("circle")?
}
""",
        )
    ).tables[0]
    cols = {c.name: c for c in table.columns}
    assert cols["id"].type == ColumnType(Family.STRING, "Uuid")
    assert cols["name"].type.args == (255,) and cols["name"].arity is Arity.NULLABLE
    assert cols["amount"].type == ColumnType(Family.DECIMAL, "Decimal", (10, 2))
    assert cols["tags"].arity is Arity.LIST
    assert cols["shape"].type == ColumnType(Family.UNSUPPORTED, raw="circle")


def test_defaults_are_typed() -> None:
    table = lower_source(
        schema(
            "postgresql",
            """
enum Role {
  USER  @map("user")
  ADMIN
}
model T {
  id     Int      @id @default(autoincrement())
  uid    String   @default(uuid())
  name   String   @default("it's")
  n      Int      @default(-3)
  ok     Boolean  @default(true)
  price  Decimal  @default("1.50")
  at     DateTime @default(now())
  gen    String   @default(dbgenerated("gen_random_uuid()"))
  role   Role     @default(USER)
  roles  Role[]   @default([USER, ADMIN])
  blob   Bytes    @default("AQID")
  nums   Int[]    @default([1, 2])
}
""",
        )
    ).tables[0]
    d = {c.name: c.default for c in table.columns}
    assert table.column("id").autoincrement and d["id"] is None
    assert d["uid"] is None  # client-side
    assert d["name"] == LiteralDefault(StrLit("it's"))
    assert d["n"] == LiteralDefault(IntLit(-3))
    assert d["ok"] == LiteralDefault(BoolLit(True))
    assert d["price"] == LiteralDefault(DecimalLit("1.50"))
    assert d["at"] == NowDefault()
    assert d["gen"] == DbGeneratedDefault("gen_random_uuid()")
    assert d["role"] == LiteralDefault(EnumLit("user"))
    assert d["roles"] == LiteralDefault(ListLit((EnumLit("user"), EnumLit("ADMIN"))))
    assert d["blob"] == LiteralDefault(BytesLit("AQID"))
    assert d["nums"] == LiteralDefault(ListLit((IntLit(1), IntLit(2))))


def test_keys_indexes_and_prisma_names_in_prisma_order() -> None:
    table = lower_source(
        schema(
            "postgresql",
            """
model Post {
  id    Int    @id
  slug  String @unique
  a     Int    @map("a_col")
  b     Int
  @@unique([a, b])
  @@index([b(sort: Desc)], type: Hash)
  @@index([a], map: "custom")
  @@map("posts")
}
""",
        )
    ).tables[0]
    assert table.name == "posts"
    assert table.primary_key is not None and table.primary_key.name == "posts_pkey"
    # field @unique first, then @@index in order, then @@unique
    assert [(i.name, i.kind) for i in table.indexes] == [
        ("posts_slug_key", IndexKind.UNIQUE),
        ("posts_b_idx", IndexKind.NORMAL),
        ("custom", IndexKind.NORMAL),
        ("posts_a_col_b_key", IndexKind.UNIQUE),
    ]
    hashed = table.index("posts_b_idx")
    assert hashed is not None and hashed.algorithm is IndexAlgorithm.HASH
    assert hashed.columns[0].sort is SortOrder.DESC


def test_identifier_truncation_postgres() -> None:
    long = "A" * 70
    table = lower_source(schema("postgresql", f"model {long} {{\n  id Int @id\n  x Int @unique\n}}\n")).tables[0]
    assert table.primary_key is not None and table.primary_key.name == "A" * 58 + "_pkey"
    assert table.indexes[0].name == "A" * 59 + "_key"
    assert all(len(n) == 63 for n in (table.primary_key.name, table.indexes[0].name))


def test_relations_default_actions_and_fk_names() -> None:
    s = lower_source(
        schema(
            "postgresql",
            """
model User {
  id    Int    @id
  posts Post[]
  notes Note[]
}
model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}
model Note {
  id     Int   @id
  userId Int?
  user   User? @relation(fields: [userId], references: [id], onUpdate: NoAction)
}
""",
        )
    )
    post_fk = s.table("Post").foreign_keys[0]
    note_fk = s.table("Note").foreign_keys[0]
    assert (post_fk.name, post_fk.columns, post_fk.referenced_table, post_fk.referenced_columns) == (
        "Post_authorId_fkey", ("authorId",), "User", ("id",)
    )
    assert (post_fk.on_delete, post_fk.on_update) == (ReferentialAction.RESTRICT, ReferentialAction.CASCADE)
    assert (note_fk.on_delete, note_fk.on_update) == (ReferentialAction.SET_NULL, ReferentialAction.NO_ACTION)


@pytest.mark.parametrize(("provider", "uses_pk"), [("postgresql", True), ("sqlite", False), ("mysql", False)])
def test_implicit_many_to_many_join_table(provider: str, uses_pk: bool) -> None:
    s = lower_source(
        schema(
            provider,
            """
model Tag {
  id    String @id
  posts Post[]
}
model Post {
  id   Int   @id
  tags Tag[]
}
""",
        )
    )
    join = s.tables[-1]
    assert join.name == "_PostToTag"
    assert [c.name for c in join.columns] == ["A", "B"]
    assert join.column("A").type.family is Family.INT  # A = Post (first by name)
    assert join.column("B").type.family is Family.STRING
    if uses_pk:
        assert join.primary_key is not None and join.primary_key.name == "_PostToTag_AB_pkey"
        assert [i.name for i in join.indexes] == ["_PostToTag_B_index"]
    else:
        assert join.primary_key is None
        assert [(i.name, i.kind) for i in join.indexes] == [
            ("_PostToTag_AB_unique", IndexKind.UNIQUE), ("_PostToTag_B_index", IndexKind.NORMAL)
        ]
    assert [(f.name, f.referenced_table, f.on_delete) for f in join.foreign_keys] == [
        ("_PostToTag_A_fkey", "Post", ReferentialAction.CASCADE),
        ("_PostToTag_B_fkey", "Tag", ReferentialAction.CASCADE),
    ]


def test_enums_per_provider() -> None:
    body = "enum Color {\n  RED\n  GREEN\n}\nmodel T {\n  id Int @id\n  c Color @default(RED)\n}\n"
    pg = lower_source(schema("postgresql", body))
    assert [(e.name, e.values) for e in pg.enums] == [("Color", ("RED", "GREEN"))]
    assert pg.tables[0].column("c").type == ColumnType(Family.ENUM, enum="Color")
    my = lower_source(schema("mysql", body))
    assert [(e.name, e.values) for e in my.enums] == [("T_c", ("RED", "GREEN"))]
    assert my.tables[0].column("c").type.enum == "T_c"
    lite = lower_source(schema("sqlite", body))
    assert lite.enums == () and lite.tables[0].column("c").type.family is Family.STRING


def test_multi_schema_namespaces() -> None:
    s = lower_source(
        schema(
            "postgresql",
            'model A {\n  id Int @id\n  @@schema("b")\n}\nenum E {\n  X\n  @@schema("a")\n}\n',
            extra_ds='  schemas = ["b", "a"]\n',
            generator='generator c {\n  provider = "prisma-client-js"\n  previewFeatures = ["multiSchema"]\n}\n',
        )
    )
    assert s.namespaces == ("a", "b")
    assert s.tables[0].schema == "b" and s.enums[0].schema == "a"


def test_views_are_not_tables_and_relations_to_views_have_no_fk() -> None:
    s = lower_source(
        schema(
            "postgresql",
            "model A {\n  id Int @id\n  v V[]\n}\nview V {\n  id Int @unique\n  aId Int\n"
            "  a A @relation(fields: [aId], references: [id])\n}\n",
        )
    )
    assert [t.name for t in s.tables] == ["A"]
    assert [c.name for c in s.tables[0].columns] == ["id"]


def test_syntax_errors_are_not_lowered() -> None:
    with pytest.raises(LoweringError):
        lower_source('datasource db {\n  provider = "postgresql"\n}\nmodel {')


def test_sqlite_single_int_id_autoincrements_implicitly() -> None:
    s = lower_source(schema("sqlite", "model A {\n  id Int @id\n}\nmodel B {\n  a Int\n  b Int\n  @@id([a, b])\n}\n"))
    assert s.table("A").column("id").autoincrement
    assert not s.table("B").column("a").autoincrement
    assert not lower_source(schema("postgresql", "model A {\n  id Int @id\n}\n")).tables[0].column("id").autoincrement


def test_relation_mode_prisma_has_no_foreign_keys() -> None:
    body = (
        "model A {\n  id Int @id\n  bs B[]\n  cs C[]\n}\n"
        "model B {\n  id Int @id\n  aId Int\n  a A @relation(fields: [aId], references: [id])\n}\n"
        "model C {\n  id Int @id\n  as A[]\n}\n"
    )
    s = lower_source(schema("postgresql", body, extra_ds='  relationMode = "prisma"\n'))
    assert all(t.foreign_keys == () for t in s.tables)
    assert [t.name for t in s.tables] == ["A", "B", "C", "_AToC"]


def test_single_values_where_lists_are_expected() -> None:
    s = lower_source(
        schema(
            "postgresql",
            "model U {\n  uid Int @id\n  posts P[]\n}\n"
            "model P {\n  id Int @id\n  uid Int\n  u U @relation(fields: uid, references: uid)\n}\n",
            extra_ds="  extensions = postgis\n",
            generator='generator c {\n  provider = "prisma-client-js"\n  previewFeatures = ["postgresqlExtensions"]\n}\n',
        )
    )
    assert [e.name for e in s.extensions] == ["postgis"]
    fk = s.table("P").foreign_keys[0]
    assert (fk.columns, fk.referenced_columns) == (("uid",), ("uid",))
