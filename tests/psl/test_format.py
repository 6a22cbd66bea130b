"""Formatter behaviour on small schemas. Every expected text was produced by Prisma 6.19's own
``prisma format`` (``/work/shared/oracle/prisma6 format``)."""

from __future__ import annotations

import pytest

from schemashift.psl import format as format_one
from schemashift.psl import format_files
from schemashift.psl.formatter.inflect import to_camel_case, to_plural


def test_aligns_columns_and_moves_block_attributes_last() -> None:
    src = "model A {\n  id Int @id\n  /* about\n     the index */\n  @@index([id])\n  longName String?  @unique\n}\n"
    assert format_one(src) == (
        "model A {\n"
        "  id       Int     @id\n"
        "  longName String? @unique\n"
        "\n"
        "  /**\n"
        "   * about\n"
        "   * the index\n"
        "   */\n"
        "  @@index([id])\n"
        "}\n"
    )


def test_crlf_input_and_invalid_line_keep_their_carriage_return() -> None:
    src = "model A {\r\n  id Int @id\r\n  this is bad\r\n  b String\r\n}\r\n"
    assert format_one(src) == "model A {\n  id Int    @id\n  this is bad\r\n  b  String\n}\n"


def test_enum_values_comments_and_block_attributes() -> None:
    src = (
        'enum Role {\n  // c\n  USER @map("u") // x\n\n  ADMIN\n  @@map("roles")\n'
        '  /// doc\n  @@schema("s")\n}\n'
    )
    assert format_one(src) == (
        'enum Role {\n  // c\n  USER @map("u") // x\n\n  ADMIN\n\n  @@map("roles")\n'
        '  /// doc\n  @@schema("s")\n}\n'
    )


def test_enum_attributes_are_written_without_separator() -> None:
    src = 'enum E {\n  A @map("a") @foo // c  \n  B\n}\n'
    assert format_one(src) == 'enum E {\n  A @map("a")@foo // c  \n  B\n}\n'


def test_column_widths_count_utf8_bytes() -> None:
    src = 'model Ü {\n  id Int @id\n  naïve String @default("ßßß")\n  b Int @map("é")\n  c Int\n}\n'
    assert format_one(src) == (
        "model Ü {\n"
        "  id     Int    @id\n"
        '  naïve String @default("ßßß")\n'
        '  b      Int    @map("é")\n'
        "  c      Int\n"
        "}\n"
    )


def test_blank_lines_and_trailing_whitespace() -> None:
    src = "\n\n   \nmodel A {   \n\n  id Int @id    \n  \n\n}   \n  \n\n"
    assert format_one(src) == "model A {\n  id Int @id\n}\n"


def test_arguments_are_canonicalised() -> None:
    src = (
        "model A {\n  id Int @id\n  x   Int @default( 1 ) @map( \"x\" , )\n"
        "  y Int[] @default([1,2 ,3])\n  w Unsupported( \"circle\" )?\n}\n"
    )
    assert format_one(src) == (
        "model A {\n"
        "  id Int                      @id\n"
        '  x  Int                      @default(1) @map("x")\n'
        "  y  Int[]                    @default([1, 2, 3])\n"
        '  w  Unsupported( "circle" )?\n'
        "}\n"
    )


def test_config_blocks_align_equal_signs_and_keep_comments() -> None:
    src = (
        'generator client {\n  provider = "prisma-client-js"\n  // comment\n\n'
        '  output = "../x" // out\n  binaryTargets = ["native", "linux"]\n}\n'
        "datasource db {\n  url =\n}\n"
    )
    assert format_one(src) == (
        'generator client {\n  provider = "prisma-client-js"\n  // comment\n\n'
        '  output        = "../x" // out\n  binaryTargets = ["native", "linux"]\n}\n'
        "\ndatasource db {\n  url\n}\n"
    )


def test_unparsable_block_lines_are_kept_verbatim() -> None:
    # `_M` is not an identifier: every line is an invalid top-level line, left-trimmed.
    src = "model _M {\n  _id Int @id // trailing   \n}\n"
    assert format_one(src) == "model _M {\n_id Int @id // trailing   \n}\n"


def test_empty_schema_is_a_single_newline() -> None:
    assert format_one("") == "\n"


def test_adds_back_relation_forward_field_and_scalars() -> None:
    src = "model A {\n  id Int @id\n  bs B[]\n}\nmodel B {\n  id String @id @db.Uuid\n}\n"
    assert format_one(src) == (
        "model A {\n  id Int @id\n  bs B[]\n}\n\n"
        "model B {\n  id  String @id @db.Uuid\n  a   A?     @relation(fields: [aId], references: [id])\n"
        "  aId Int?\n}\n"
    )


def test_native_type_of_the_referenced_key_is_copied() -> None:
    src = (
        'datasource db {\n  provider = "postgresql"\n  url = env("X")\n}\n'
        "model A {\n  id String @id @db.Uuid\n}\nmodel B {\n  id Int @id\n  a A\n}\n"
    )
    out = format_one(src)
    assert "  a   A      @relation(fields: [aId], references: [id])\n  aId String @db.Uuid\n" in out
    assert "model A {\n  id String @id @db.Uuid\n  bs B[]\n}\n" in out


def test_self_relations_and_ignored_models() -> None:
    src = (
        'model Person {\n  id Int @id\n  friends Person[] @relation("f")\n'
        '  friendOf Person? @relation("f", fields: [friendOfId], references: [id])\n'
        "  friendOfId Int?\n  mentor Person?\n}\n"
    )
    assert format_one(src) == (
        "model Person {\n"
        "  id         Int      @id\n"
        '  friends    Person[] @relation("f")\n'
        '  friendOf   Person?  @relation("f", fields: [friendOfId], references: [id])\n'
        "  friendOfId Int?\n"
        "  mentor     Person?  @relation(fields: [personId], references: [id])\n"
        "  people     Person[]\n"
        "  personId   Int?\n"
        "}\n"
    )
    ignored = "model A {\n  id Int @id\n  @@ignore\n  b B @relation(fields: [bId], references: [id])\n  bId Int\n}\n"
    assert "model B {\n  id Int @id\n  as A[] @ignore\n}\n" in format_one(ignored + "model B {\n  id Int @id\n}\n")


def test_empty_relation_arguments_get_prismas_literal_insertion() -> None:
    src = "model A {\n  id Int @id\n  b B @relation()\n}\nmodel B {\n  id Int @id\n}\n"
    assert format_one(src).startswith(
        "model A {\n  id  Int @id\n  b B @relation()(fields: [bId], references: [id])\n  bId Int\n}\n"
    )


def test_no_relation_completion_when_the_schema_has_errors() -> None:
    src = "model A {\n  id Int @id\n  bs B[]\n  x Nope\n}\nmodel B {\n  id Int @id\n}\n"
    assert format_one(src) == "model A {\n  id Int  @id\n  bs B[]\n  x  Nope\n}\n\nmodel B {\n  id Int @id\n}\n"


def test_multi_file_relations_land_in_the_referenced_file() -> None:
    files = [
        ("a.prisma", "model A {\n  id Int @id\n  b B @relation(fields: [bId], references: [id])\n  bId Int\n}\n"),
        ("b.prisma", "model B {\n  id Int @id\n}\n"),
    ]
    out = format_files(files)
    assert out[0] == ("a.prisma", "model A {\n  id  Int @id\n  b   B   @relation(fields: [bId], references: [id])\n  bId Int\n}\n")
    assert out[1] == ("b.prisma", "model B {\n  id Int @id\n  as A[]\n}\n")


@pytest.mark.parametrize(
    "source",
    [
        "model A {\n  id Int @id\n",
        "model A { id Int @id }\n",
        "}}}{{{\n\r\r\n\t\t@@@\n",
        '"unterminated\n/* open comment\n',
        "model A {\n  b B @relation(fields: [x], references: [y])\n}\nmodel B {\n  id Int @id\n}\n",
    ],
)
def test_invalid_input_never_raises_and_is_stable(source: str) -> None:
    out = format_one(source)
    assert out.endswith("\n")
    assert format_one(out) == out


@pytest.mark.parametrize(
    ("word", "plural"),
    [("post", "posts"), ("category", "categories"), ("box", "boxes"), ("person", "people"), ("news", "news")],
)
def test_plural(word: str, plural: str) -> None:
    assert to_plural(word) == plural


@pytest.mark.parametrize(
    ("name", "camel"), [("OhWhatAUser", "ohWhatAUser"), ("USER", "user"), ("user_profile", "userProfile"), ("Post2", "post2")]
)
def test_camel_case(name: str, camel: str) -> None:
    assert to_camel_case(name) == camel


def test_comments_move_with_block_attributes_and_keep_prismas_quirks() -> None:
    src = (
        "model A {\n  id Int @id\n  // c1\n  /* c2 */  /// c3\n  @@unique([id])\n\n  // lone\n\n"
        "  /// x\n  name String\n}\n\n/// doc\n/* b */\ntype T = String @db.Text   \nfoo bar\n\n"
        "model B {\n  id Int @id\n}\n"
    )
    assert format_one(src) == (
        "model A {\n  id Int @id\n\n  // lone\n\n  /// x\n  name String\n\n  // c1\n  /**\n"
        "   * /* c2\n   */\n  /// c3\n  @@unique([id])\n}\n\n/// doc\n/**\n * b\n */\n"
        "type T = String @db.Text   \nfoo bar\n\nmodel B {\n  id Int @id\n}\n"
    )


def test_tabs_are_whitespace() -> None:
    src = 'model A {\n\tid\tInt\t@id\n\tname String  @map("x")\t// tab\n}\n'
    assert format_one(src) == 'model A {\n  id   Int    @id\n  name String @map("x") // tab\n}\n'


_B = "model B {\n  id Int @id\n}\n"


@pytest.mark.parametrize(
    ("source", "completed"),
    [
        ('model A {\n  id Int @id @unique(map: "")\n  bs B[]\n}\n' + _B, False),
        ("model A {\n  id Int @id @default(1, 2)\n  bs B[]\n}\n" + _B, False),
        ("model A {\n  id Int @id @updatedAt\n  bs B[]\n}\n" + _B, False),
        ("model A {\n  id Int @id\n  bs B[]\n  @@index([id], type: Foo)\n}\n" + _B, False),
        ('model A {\n  id Int @id @default("\\q")\n  bs B[]\n}\n' + _B, False),
        ("model A {\n  id Int @id\n  bs B[]\n  @@foo\n}\n" + _B, False),
        ('datasource db {\n  provider = "nope"\n}\nmodel A {\n  id Int @id\n  bs B[]\n}\n' + _B, True),
        ('generator a {\n  provider = "x"\n}\ndatasource a {\n  provider = "sqlite"\n  url = "file:x"\n}\n'
         "model A {\n  id Int @id\n  bs B[]\n}\n" + _B, True),
    ],
)
def test_completion_only_without_parser_database_errors(source: str, completed: bool) -> None:
    """Which errors stop the completion, as prisma6 decides (configuration errors do not)."""
    out = format_one(source)
    assert ("  a   A?   @relation(fields: [aId], references: [id])\n  aId Int?\n" in out) is completed
