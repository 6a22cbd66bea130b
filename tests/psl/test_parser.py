"""Parser diagnostics against Prisma's own PSL test corpus (read in place from ../shared).

For every validation case, the blocks of the expected output whose message is one the parser
emits (invalid lines, legacy syntax, bad escapes, composite-type block rules...) must be exactly
the blocks our parser's diagnostics render to, in the same order: same message, line and span.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemashift.diagnostics import Span
from schemashift.psl import ast
from schemashift.psl.parser import parse_files
from schemashift.psl.render import render_diagnostics

from psl_corpus import CORPUS, case_source, validation_cases

PARSER_MESSAGES = re.compile(
    r"^error: (?:"
    r"Error validating: This line is |"
    r"Error validating: This block is invalid|"
    r"Error validating: Invalid type definition|"
    r"Error validating \w+ \"[^\"]*\": This field declaration is invalid|"
    r"Field declarations don't require|"
    r"Fields are required by default|"
    r"To specify a list, please use|"
    r"Optional lists are not supported|"
    r"Unknown escape sequence|"
    r"Invalid unicode escape sequence|"
    r"Unexpected token\.|"
    r"Error validating: The name of a composite type is not persisted|"
    r"Error validating: An? (?:unique constraint|index|fulltext index) should be defined in the model containing|"
    r"Error validating: A composite type cannot|"
    r"Error validating: Defining `@\w+` attribute for a field in a composite type"
    r")"
)


def _cases() -> list[tuple[str, str, str]]:
    return [(suite, d["path"], d["expected_plain"]) for suite, d in validation_cases()]


def _blocks(rendered: str) -> list[str]:
    return [b for b in re.split(r"(?m)^(?=error: |warning: )", rendered) if b]


CASES = _cases()
needs_corpus = pytest.mark.skipif(not CASES, reason="conformance corpus not available")


def _parser_blocks(suite: str, path: str) -> tuple[list[str], str]:
    source = case_source(suite, path)
    _, diags = parse_files([("schema.prisma", source)])
    return _blocks(render_diagnostics(source, diags.all())), source


@needs_corpus
@pytest.mark.parametrize(("suite", "path", "expected"), CASES, ids=[f"{s}/{p}" for s, p, _ in CASES])
def test_parser_diagnostics_match_prisma(suite: str, path: str, expected: str) -> None:
    ours, _ = _parser_blocks(suite, path)
    wanted = [b for b in _blocks(expected) if PARSER_MESSAGES.match(b)]
    assert ours == wanted


@needs_corpus
def test_corpus_has_parser_error_cases() -> None:
    with_parser_errors = [c for c in CASES if any(PARSER_MESSAGES.match(b) for b in _blocks(c[2]))]
    assert len(with_parser_errors) >= 20


# ---------------------------------------------------------------- unit tests

def parse_ok(source: str) -> ast.SchemaFile:
    schema, diags = parse_files([("schema.prisma", source)])
    assert diags.errors == []
    return schema.files[0]


def errors(source: str) -> list[tuple[str, str]]:
    """(message, spanned text) of each parser error."""
    _, diags = parse_files([("schema.prisma", source)])
    return [(d.message, source[d.span.start : d.span.end]) for d in diags.errors]


def text(source: str, span: object) -> str:
    assert isinstance(span, Span)
    return source[span.start : span.end]


FULL = """// leading comment

/// The datasource
datasource db {
  provider = "postgresql" // trailing
  url      = env("DATABASE_URL")
  extensions = [pg_trgm, postgis(version: "3.1")]
}

generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["views", "multiSchema"]
  binaryTargets   = []
}

/// A user
/// of the app
model User {
  id        Int       @id @default(autoincrement())
  email     String    @unique @db.VarChar(255)
  /// the name
  name      String?   // not documentation
  posts     Post[]
  balance   Decimal   @default(-1.5)
  geom      Unsupported("geometry(Point, 4326)")?
  createdAt DateTime  @default(now()) @map("created_at")

  @@index([email(sort: Desc), name], map: "idx")
  @@map("users")
}

view Active {
  id Int @unique
}

enum Role {
  USER  @map("user") /// doc of USER
  ADMIN
  @@map("roles")
}

type Address {
  street String
  zip    String?
}
"""


def test_full_schema_shapes() -> None:
    f = parse_ok(FULL)
    kinds = [type(t).__name__ for t in f.tops]
    assert kinds == ["SourceConfig", "GeneratorConfig", "Model", "Model", "Enum", "CompositeType"]
    user = f.tops[2]
    assert isinstance(user, ast.Model) and not user.is_view and user.name.name == "User"
    assert user.documentation == "A user\nof the app"
    assert [fl.name.name for fl in user.fields] == ["id", "email", "name", "posts", "balance", "geom", "createdAt"]
    assert [fl.arity for fl in user.fields[2:4]] == [ast.FieldArity.OPTIONAL, ast.FieldArity.LIST]
    assert user.fields[2].documentation == "the name"
    assert [a.name.name for a in user.attributes] == ["index", "map"]
    view = f.tops[3]
    assert isinstance(view, ast.Model) and view.is_view
    assert f.tops[0].documentation is None  # a datasource never takes the comment above it


def test_field_spans_and_types() -> None:
    f = parse_ok(FULL)
    user = f.tops[2]
    assert isinstance(user, ast.Model)
    email = user.fields[1]
    assert text(FULL, email.span) == "email     String    @unique @db.VarChar(255)\n"
    assert text(FULL, email.name.span) == "email"
    assert isinstance(email.field_type, ast.SupportedFieldType) and text(FULL, email.field_type.span) == "String"
    native = email.attributes[1]
    assert native.name.name == "db.VarChar" and text(FULL, native.span) == "@db.VarChar(255)"
    arg = native.arguments.arguments[0]
    assert isinstance(arg.value, ast.NumericValue) and arg.value.value == "255" and arg.name is None
    geom = user.fields[5]
    assert isinstance(geom.field_type, ast.UnsupportedFieldType)
    assert geom.field_type.literal == "geometry(Point, 4326)" and geom.arity == ast.FieldArity.OPTIONAL
    assert text(FULL, geom.field_type.span) == '"geometry(Point, 4326)"'
    assert text(FULL, user.span).startswith("model User {") and text(FULL, user.span).endswith("}")


def test_attribute_span_keeps_trailing_whitespace_like_pest() -> None:
    src = "model A {\n  id Int @id   @unique\n  @@index([id])   // c\n  @@map(\"a\")  \n}\n"
    m = parse_ok(src).tops[0]
    assert isinstance(m, ast.Model)
    assert [text(src, a.span) for a in m.fields[0].attributes] == ["@id   ", "@unique"]
    assert [text(src, a.span) for a in m.attributes] == ["@@index([id])   // c", '@@map("a")  ']


def test_expressions() -> None:
    src = (
        "model A {\n"
        '  a String @default("q\\"\\\\\\n\\u00e9\\ud83d\\ude00")\n'
        "  b Int @default(-42)\n"
        "  c Float @default(3.25)\n"
        "  d Role @default(ADMIN)\n"
        '  e String @default(dbgenerated("gen_random_uuid()"))\n'
        "  f Int[] @default([1, 2, 3])\n"
        "  g Int @default(now ( ))\n"
        "}\n"
    )
    m = parse_ok(src).tops[0]
    assert isinstance(m, ast.Model)
    values = [fl.attributes[0].arguments.arguments[0].value for fl in m.fields]
    assert isinstance(values[0], ast.StringValue) and values[0].value == 'q"\\\né\U0001F600'
    assert isinstance(values[1], ast.NumericValue) and values[1].value == "-42"
    assert isinstance(values[2], ast.NumericValue) and values[2].value == "3.25"
    assert isinstance(values[3], ast.ConstantValue) and values[3].value == "ADMIN"
    call = values[4]
    assert isinstance(call, ast.FunctionCall) and call.name == "dbgenerated"
    inner = call.arguments.arguments[0].value
    assert isinstance(inner, ast.StringValue) and inner.value == "gen_random_uuid()"
    arr = values[5]
    assert isinstance(arr, ast.ArrayExpression) and [e.value for e in arr.elements] == ["1", "2", "3"]  # type: ignore[union-attr]
    assert isinstance(values[6], ast.FunctionCall) and values[6].name == "now" and text(src, values[6].span) == "now ( )"


def test_named_empty_and_trailing_comma_arguments() -> None:
    src = "model A {\n  id Int\n  @@index([id(sort: Desc, ops: )], name: , map: \"m\",)\n}\n"
    m = parse_ok(src).tops[0]
    assert isinstance(m, ast.Model)
    args = m.attributes[0].arguments
    assert [a.name.name if a.name else None for a in args.arguments] == [None, "map"]
    assert [e.name.name for e in args.empty_arguments] == ["name"]
    assert args.trailing_comma is not None and text(src, args.trailing_comma) == ","
    arr = args.arguments[0].value
    assert isinstance(arr, ast.ArrayExpression)
    call = arr.elements[0]
    assert isinstance(call, ast.FunctionCall) and call.name == "id"
    assert [e.name.name for e in call.arguments.empty_arguments] == ["ops"]
    assert text(src, args.arguments[1].span) == 'map: "m"'


def test_config_properties() -> None:
    src = 'datasource db {\n  provider = "sqlite"\n  url =\n  relationMode = prisma\n}\n'
    ds = parse_ok(src).tops[0]
    assert isinstance(ds, ast.SourceConfig)
    assert [p.name.name for p in ds.properties] == ["provider", "url", "relationMode"]
    assert ds.properties[1].value is None
    assert isinstance(ds.properties[2].value, ast.ConstantValue)
    assert text(src, ds.properties[0].span) == 'provider = "sqlite"\n'


def test_enum_values_and_docs() -> None:
    f = parse_ok(FULL)
    role = f.tops[4]
    assert isinstance(role, ast.Enum)
    assert [v.name.name for v in role.values] == ["USER", "ADMIN"]
    assert role.values[0].documentation == "doc of USER"
    assert role.values[0].attributes[0].name.name == "map"
    assert [a.name.name for a in role.attributes] == ["map"]


def test_block_comments_and_unicode_identifiers() -> None:
    src = "/* a\n b */ model Lööp {\n  /** the id */ id Int @id /* trailing */\n  grüße String\n}\n"
    m = parse_ok(src).tops[0]
    assert isinstance(m, ast.Model) and m.name.name == "Lööp"
    assert m.fields[0].documentation == "* the id\ntrailing"
    assert m.fields[1].name.name == "grüße"


def test_file_ids_in_multi_file_schemas() -> None:
    schema, diags = parse_files([("a.prisma", "model A {\n  id Int @id\n}\n"), ("b.prisma", "oops\n")])
    assert [f.path for f in schema.files] == ["a.prisma", "b.prisma"]
    a = schema.files[0].tops[0]
    assert isinstance(a, ast.Model) and a.span.file_id == 0 and a.fields[0].name.span.file_id == 0
    assert [(d.span.file_id, d.span.start) for d in diags.errors] == [(1, 0)]


def test_invalid_lines_recover() -> None:
    src = "model A {\n  id Int @id\n  foo Bar Baz\n  @@\n}\nenum E {\n  A B\n}\nwhat is this\nFoo {\n}\n"
    assert errors(src) == [
        (_msg("This line is not a valid field or attribute definition."), "foo Bar Baz\n"),
        (_msg("This line is not a valid field or attribute definition."), "@@\n"),
        (_msg("This line is not an enum value definition."), "A B\n"),
        (_msg("This line is invalid. It does not start with any known Prisma schema keyword."), "what is this\n"),
        (
            _msg(
                "This block is invalid. It does not start with any known Prisma schema keyword. "
                "Valid keywords include 'model', 'enum', 'type', 'datasource' and 'generator'."
            ),
            "Foo {\n}",
        ),
    ]
    schema, _ = parse_files([("s", src)])
    model = schema.files[0].tops[0]
    assert isinstance(model, ast.Model) and [f.name.name for f in model.fields] == ["id"]


def _msg(m: str) -> str:
    return "Error validating: " + m


def test_unclosed_block_falls_back_to_line_errors() -> None:
    src = "model A {\n  id Int @id\n"
    assert [t for _, t in errors(src)] == ["model A {\n", "id Int @id\n"]
    assert parse_files([("s", src)])[0].files[0].tops == []


def test_legacy_syntax_errors() -> None:
    src = "model A {\n  a: Int\n  b Int!\n  c [Int]\n  d Int[]?\n  e\n}\n"
    assert errors(src) == [
        ("Field declarations don't require a `:`.", ":"),
        ("Fields are required by default, `!` is no longer required.", "Int!"),
        ("To specify a list, please use `Type[]` instead of `[Type]`.", "[Int]"),
        ("Optional lists are not supported. Use either `Type[]` or `Type?`.", "Int[]?"),
        ('Error validating model "A": This field declaration is invalid. It is either missing a name or a type.', "e\n"),
    ]
    model = parse_files([("s", src)])[0].files[0].tops[0]
    assert isinstance(model, ast.Model) and model.fields == []


def test_string_escape_errors() -> None:
    src = 'model A {\n  a String @default("x\\qy")\n  b String @default("\\u12G4")\n}\n'
    assert errors(src) == [
        ("Unknown escape sequence. If the value is a windows-style path, `\\` must be escaped as `\\\\`.", "\\q"),
        ("Invalid unicode escape sequence.", "\\u12"),
    ]


def test_type_alias_and_composite_type_block_attributes() -> None:
    src = "type X = Int @default(1)\ntype T {\n  a Int @id\n  @@map(\"t\")\n}\n"
    assert errors(src) == [
        (_msg("Invalid type definition. Please check the documentation in https://pris.ly/d/composite-types"), "type X = Int @default(1)"),
        (_msg("Defining `@id` attribute for a field in a composite type is not allowed."), "a Int @id\n"),
        (
            _msg("The name of a composite type is not persisted in the database, therefore it does not need a mapped database name."),
            '@@map("t")',
        ),
    ]


def test_crlf_and_tabs() -> None:
    src = "model A {\r\n\tid\tInt\t@id\r\n}\r\n"
    m = parse_ok(src).tops[0]
    assert isinstance(m, ast.Model) and m.fields[0].name.name == "id"
    assert text(src, m.fields[0].span) == "id\tInt\t@id\r\n"


@needs_corpus
def test_every_conformance_schema_parses() -> None:
    """All corpus schemas (validation, reformat, migrations) parse without an exception; when a
    file has no parser error, each `model X {` / `view X {` line became a model."""
    header = re.compile(r"^[ \t]*(?:model|view)[ \t]+\w+[ \t]*\{[^\n]*$", re.M)
    paths = sorted(CORPUS.glob("**/*.prisma"))
    assert len(paths) > 1000
    for p in paths:
        source = p.read_bytes().decode("utf-8")
        schema, diags = parse_files([(p.name, source)])
        if not diags.errors:
            assert len(schema.models()) == len(header.findall(source)), p


def _big_schema(models: int) -> str:
    lines = ['datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n']
    for i in range(models):
        lines.append(f"model M{i} {{\n  id Int @id @default(autoincrement())\n")
        lines.extend(f'  f{j} String? @unique @map("c{j}")\n' for j in range(9))
        lines.append("  @@index([f1, f2])\n}\n\n")
    return "".join(lines)


def _best_parse_time(src: str, models: int) -> float:
    best = float("inf")
    for _ in range(2):
        t = time.process_time()
        schema, diags = parse_files([("s", src)])
        best = min(best, time.process_time() - t)
        assert not diags.errors and len(schema.models()) == models
    return best


def test_big_schema_parses_in_linear_time() -> None:
    small, big = _best_parse_time(_big_schema(250), 250), _best_parse_time(_big_schema(1000), 1000)
    # ~0.1 s for 1,000 models on an idle laptop; bounds are loose for loaded CI machines
    assert big < 2.0
    assert big < 8 * small + 0.05


_TOKENS = [
    "model", "enum", "type", "view", "datasource", "generator", " ", "\t", "\n", "\r\n", "{", "}",
    "@", "@@", "(", ")", "[", "]", ",", ":", "=", "?", "!", ".", "-", '"', "\\", "\\u", "\\ud800",
    "//", "///", "/*", "*/", "A", "id", "Int", "é", "²", "0", "1.5", "Unsupported(", "\u00a0",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join))
def test_any_input_parses_and_renders(source: str) -> None:
    schema, diags = parse_files([("schema.prisma", source)])
    for d in diags.errors:
        assert 0 <= d.span.start <= d.span.end <= len(source)
    for top in schema.files[0].tops:
        assert 0 <= top.span.start < top.span.end <= len(source)
    rendered = render_diagnostics(source, diags.all())
    assert rendered.count("\n  -->  schema.prisma:") == len(diags.errors)
