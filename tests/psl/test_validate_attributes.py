"""The ``attributes`` pass and the index/default/primary key/constraint name checks.

Two parts:

- focused unit tests: the attributes pass (and the checks) run on a context whose names were
  resolved by :func:`_context` (a minimal stand-in for the names pass, so these tests do not
  depend on it), asserting Prisma's exact messages and lines;
- data-driven tests over the corpus cases of this area (``attributes/``, ``postgres_indexes/``,
  minus relations), through the whole public ``validate``: each case must give Prisma's messages
  and lines, except the listed known misses, which must still differ.
"""

from __future__ import annotations

import re

import pytest

from schemashift.diagnostics import Diagnostics
from schemashift.psl import ast, parse, validate
from schemashift.psl.validator import attributes, relation_fields
from schemashift.psl.validator.checks import constraint_names, defaults, indexes, primary_keys
from schemashift.psl.validator.context import Context, FieldInfo, ModelInfo

from psl_corpus import case_source, validation_cases


# ------------------------------------------------------------------ helpers


def _context(source: str) -> Context:
    schema, diags = parse(source)
    assert not diags.errors, diags.errors
    ctx = Context(ast=schema, diags=Diagnostics())
    for top in schema.tops():
        if isinstance(top, ast.Enum):
            ctx.enums[top.name.name] = top
        elif isinstance(top, ast.CompositeType):
            ctx.composite_types[top.name.name] = top
        elif isinstance(top, ast.SourceConfig):
            for prop in top.properties:
                if prop.name.name == "provider" and isinstance(prop.value, ast.StringValue):
                    ctx.provider = prop.value.value
        elif isinstance(top, ast.GeneratorConfig):
            for prop in top.properties:
                if prop.name.name == "previewFeatures" and isinstance(prop.value, ast.ArrayExpression):
                    ctx.preview_features |= {
                        e.value for e in prop.value.elements if isinstance(e, ast.StringValue)
                    }
    for top in schema.tops():
        if isinstance(top, ast.Model):
            ctx.models[top.name.name] = ModelInfo(node=top)
    for model in ctx.models.values():
        for f in model.node.fields:
            kind, target = attributes.resolve_kind(ctx, f)
            model.fields.setdefault(f.name.name, FieldInfo(node=f, kind=kind, target=target))  # type: ignore[arg-type]
    return ctx


def _lines(source: str, ctx: Context) -> list[tuple[str, int]]:
    return [(d.message, source.count("\n", 0, d.span.start) + 1) for d in ctx.diags.errors]


def _attributes(source: str) -> tuple[Context, list[tuple[str, int]]]:
    ctx = _context(source)
    relation_fields.run(ctx)  # the pass before attributes in the pipeline
    attributes.run(ctx)
    return ctx, _lines(source, ctx)


def _checks(source: str) -> list[tuple[str, int]]:
    """Attributes pass, then this area's checks in Prisma's order (as ``checks/__init__`` does)."""
    ctx, errors = _attributes(source)
    assert not errors, errors
    names = constraint_names.build(ctx)
    defaults.unknown_default_functions(ctx)
    for model in ctx.models.values():
        primary_keys.model_checks(ctx, model, names)
        indexes.only_one_fulltext_attribute_allowed(ctx, model)
        indexes.connector_specific(ctx, model)
        defaults.validate_auto_increment(ctx, model)
        primary_keys.key_field_checks(ctx, model)
        for info in model.fields.values():
            if info.kind not in ("model", "unknown"):
                defaults.unique_default_constraint_name(ctx, model, info, names)
                defaults.validate_default_value(ctx, model, info)
        for index in model.indexes:
            indexes.index_checks(ctx, model, index, names)
    return _lines(source, ctx)


def _ds(provider: str) -> str:
    return f'datasource db {{\n  provider = "{provider}"\n  url = "x"\n}}\n'


# ------------------------------------------------------------------ attributes pass: resolution


def test_resolves_ids_indexes_maps_and_defaults() -> None:
    source = _ds("postgresql") + (
        "model User {\n"
        '  id    Int    @id @default(autoincrement()) @map("user_id")\n'
        '  email String @unique(map: "email_key") @db.VarChar(200)\n'
        "  name  String\n"
        '  @@index([name(sort: Desc, ops: raw("text_ops")), email], type: Brin, map: "ix")\n'
        '  @@unique([name, email], name: "byName")\n'
        '  @@map("users")\n'
        "}\n"
    )
    ctx, errors = _attributes(source)
    assert errors == []
    user = ctx.models["User"]
    assert user.db_name == "users"
    assert user.primary_key is not None and user.primary_key.fields == ["id"] and user.primary_key.from_field
    id_field = user.fields["id"]
    assert id_field.db_name == "user_id"
    assert isinstance(id_field.default_value, ast.FunctionCall) and id_field.default_value.name == "autoincrement"
    assert user.fields["email"].native_type is not None
    assert user.fields["email"].native_type.name.name == "db.VarChar"
    kinds = [(i.kind, i.fields, i.map, i.name) for i in user.indexes]
    assert kinds == [
        ("unique", ["email"], "email_key", None),
        ("index", ["name", "email"], "ix", None),
        ("unique", ["name", "email"], None, "byName"),
    ]
    brin = user.indexes[1]
    assert brin.algorithm == "Brin"
    assert (brin.field_args[0].sort, brin.field_args[0].ops, brin.field_args[0].ops_raw) == ("Desc", "text_ops", True)


def test_unknown_duplicate_and_unused_attributes_and_arguments() -> None:
    source = (
        "model A {\n"
        "  id Int @id @foo\n"
        '  b  String @map("x") @map("y")\n'
        "  c  Int @default(1, nope: 2)\n"
        "  @@index([b], name: \"a\", name: \"b\")\n"
        "}\n"
    )
    _, errors = _attributes(source)
    assert errors == [
        ('Attribute not known: "@foo".', 2),
        ('Attribute "@map" can only be defined once.', 3),
        ('Attribute "@map" can only be defined once.', 3),
        ("No such argument.", 4),
        ('Argument "name" is already specified.', 5),
    ]


def test_multiple_unnamed_arguments_and_missing_argument() -> None:
    source = "model A {\n  id Int @id\n  a Int @unique(a, b)\n  @@map\n}\n"
    _, errors = _attributes(source)
    assert errors == [
        (
            'Error parsing attribute "@unique": You provided multiple unnamed arguments. This is not possible. '
            "Did you forget the brackets? Did you mean `[a, b]`?",
            3,
        ),
        ("No such argument.", 3),
        ('Argument "name" is missing.', 4),
    ]


def test_id_rules() -> None:
    source = (
        "model A {\n  a Int @id\n  b Int? @id\n}\n"
        "model B {\n  a Int\n  b Int?\n  @@id([a, b, c])\n}\n"
        "model C {\n  a Int\n  b Int?\n  @@id([a, b])\n}\n"
    )
    _, errors = _attributes(source)
    assert errors == [
        ('Error validating model "A": At most one field must be marked as the id field with the `@id` attribute.', 1),
        ('Error validating model "B": The multi field id declaration refers to the unknown field `c`.', 8),
        (
            'Error validating model "C": The id definition refers to the optional field `b`. '
            "ID definitions must reference only required fields.",
            13,
        ),
    ]


def test_optional_field_id_must_be_required_unless_ignored() -> None:
    _, errors = _attributes("model A {\n  id Int? @id\n}\nmodel B {\n  id Int? @id\n  @@ignore\n}\n")
    assert errors == [('Error parsing attribute "@id": Fields that are marked as id must be required.', 2)]


def test_index_field_resolution_errors() -> None:
    source = (
        "model A {\n  id Int @id\n  b  B @relation(fields: [bId], references: [id])\n  bId Int\n"
        "  @@index([b])\n  @@unique([id, id])\n  @@unique([nope])\n}\n"
        "model B {\n  id Int @id\n  a A[]\n}\n"
    )
    _, errors = _attributes(source)
    assert errors == [
        (
            'Error validating model "A": The index definition refers to the relation fields b. Index definitions '
            "must reference only scalar fields. Did you mean `@@index([bId])`?",
            5,
        ),
        ('Error validating model "A": The unique index definition refers to the field id multiple times.', 6),
        ('Error validating model "A": The unique index definition refers to the unknown fields: nope.', 7),
    ]


def test_updated_at_ignore_and_relation_on_scalar() -> None:
    source = (
        "model A {\n  id Int @id\n  a Int @updatedAt\n  b DateTime[] @updatedAt\n"
        '  c Unsupported("x") @ignore\n  d Int @relation("x")\n}\n'
    )
    ctx, errors = _attributes(source)
    assert errors == [
        ('Error parsing attribute "@updatedAt": Fields that are marked with @updatedAt must be of type DateTime.', 3),
        ('Error parsing attribute "@updatedAt": Fields that are marked with @updatedAt cannot be lists.', 4),
        (
            'Error parsing attribute "@ignore": Fields of type `Unsupported` cannot take an `@ignore` attribute. '
            "They are already treated as ignored by the client due to their type.",
            5,
        ),
        ('Error parsing attribute "@relation": Invalid field type, not a relation.', 6),
        ("No such argument.", 6),
    ]
    assert ctx.models["A"].fields["a"].is_updated_at


def test_enum_composite_and_shard_key_resolution() -> None:
    source = _ds("mongodb") + (
        'generator c {\n  provider = "prisma-client-js"\n  previewFeatures = ["shardKeys"]\n}\n'
        'enum Role {\n  ADMIN @map("admin")\n  USER\n  @@map("roles")\n}\n'
        'type Address {\n  street String @map("st") @default("main")\n  zip Int @default(cuid())\n}\n'
        'model U {\n  id String @id @map("_id")\n  region String @shardKey\n  a Address\n'
        "  @@index([a.street])\n}\n"
    )
    ctx, errors = _attributes(source)
    assert errors == [('Error parsing attribute "@default": The function `cuid()` cannot be used on fields of type `Int`.', 16)]
    role = ctx.enum_infos["Role"]
    assert (role.db_name, role.value_db_names) == ("roles", {"ADMIN": "admin"})
    street = ctx.composite_fields["Address"]["street"]
    assert street.db_name == "st" and isinstance(street.default_value, ast.StringValue)
    assert ctx.composite_fields["Address"]["zip"].default is None
    user = ctx.models["U"]
    assert user.shard_key is not None and (user.shard_key.fields, user.shard_key.from_field) == (["region"], True)
    assert [(i.fields, i.field_args[0].path) for i in user.indexes] == [(["a.street"], ["a", "street"])]


# ------------------------------------------------------------------ attributes pass: defaults


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("a String @default(cuid(3))", "`cuid()` takes either no argument, or a single integer argument which is either 1 or 2."),
        ('a String @default(uuid("x"))', "`uuid()` takes a single Int argument."),
        ("a String @default(nanoid(1))", "`nanoid()` takes either no argument, or a single integer argument between 2 and 255."),
        ("a Int @default(now())", "The function `now()` cannot be used on fields of type `Int`."),
        ("a Int @default(autoincrement(1))", "The `autoincrement` function does not take any argument. Consider changing this default to `autoincrement()`."),
        ('a Int @default("x")', 'Expected a Int value, but found `"x"`.'),
        ("a Int @default([1])", "The default value of a non-list field cannot be a list."),
        ("a Int[] @default(1)", "The default value of a list field must be a list."),
        ("a E @default(C)", "The defined default value `C` is not a valid value of the enum specified for the field."),
        ('a String @default(dbgenerated(""))', "dbgenerated() takes either no argument, or a single nonempty string argument."),
        ('a Int @default(autoincrement(), map: "x")', "Naming an autoincrement default value is not allowed."),
    ],
)
def test_default_argument_errors(field: str, message: str) -> None:
    source = f"enum E {{\n  A\n  B\n}}\nmodel M {{\n  id Int @id\n  {field}\n}}\n"
    _, errors = _attributes(source)
    assert errors == [(f'Error parsing attribute "@default": {message}', 7)]


def test_valid_defaults_are_accepted() -> None:
    source = (
        "enum E {\n  A\n  B\n}\nmodel M {\n  id String @id @default(uuid(7))\n  a String @default(cuid(2))\n"
        "  b String @default(ulid())\n  c String @default(nanoid(16))\n  d E[] @default([A, B])\n"
        "  e DateTime @default(now())\n  f Boolean @default(false)\n  g Decimal @default(\"1.5\")\n"
        "  h Int @default(dbgenerated())\n}\n"
    )
    ctx, errors = _attributes(source)
    assert errors == []
    assert all(info.default is not None for info in ctx.models["M"].fields.values())


# ------------------------------------------------------------------ checks


def test_default_values_must_parse() -> None:
    source = _ds("postgresql") + (
        'model M {\n  id Int @id\n  a Int @default(3.14)\n  b Json @default("not json")\n'
        '  c Bytes @default("not base64")\n  d DateTime @default("Hugo")\n}\n'
    )
    assert _checks(source) == [
        ('Error parsing attribute "@default": Parse error: "3.14" is not a valid integer. (invalid digit found in string)', 7),
        (
            'Error parsing attribute "@default": Parse error: "not json" is not a valid JSON string. '
            "(expected ident at line 1 column 2)",
            8,
        ),
        (
            'Error parsing attribute "@default": Parse error: "not base64" is not a valid base64 string. '
            "(Could not convert from `base64 encoded bytes` to `PrismaValue::Bytes`)",
            9,
        ),
        (
            'Error parsing attribute "@default": Parse error: "Hugo" is not a valid rfc3339 datetime string. '
            "(input contains invalid characters)",
            10,
        ),
    ]


def test_autoincrement_rules_on_sqlite_and_mysql() -> None:
    body = "model M {\n  id Int @id\n  a Int @default(autoincrement())\n}\n"
    assert _checks(_ds("sqlite") + body) == [
        (
            'Error parsing attribute "@default": The `autoincrement()` default value is used on a non-id field even '
            "though the datasource does not support this.",
            7,
        ),
        (
            'Error parsing attribute "@default": The `autoincrement()` default value is used on a non-indexed field '
            "even though the datasource does not support this.",
            7,
        ),
    ]
    assert _checks(_ds("mysql") + body) == [
        (
            'Error parsing attribute "@default": The `autoincrement()` default value is used on a non-indexed field '
            "even though the datasource does not support this.",
            7,
        )
    ]


def test_connector_capabilities_for_keys_and_indexes() -> None:
    source = _ds("sqlite") + (
        'model M {\n  id String @id(sort: Desc, map: "pk")\n  a String @unique(length: 10)\n'
        '  @@index([a], type: Hash, clustered: true, map: "i1")\n  @@fulltext([a], map: "i2")\n}\n'
    )
    attr = 'Error parsing attribute "{}": {}'
    assert _checks(source) == [
        ('Error validating model "M": You defined a database name for the primary key on the model. This is not '
         "supported by the provider.", 5),
        (attr.format("@id", "The sort argument is not supported in the primary key with the current connector"), 6),
        (attr.format("@unique", "The length argument is not supported in an index definition with the current connector"), 7),
        (attr.format("@@index", "The given index type is not supported with the current connector"), 8),
        (attr.format("@@index", "Defining clustering is not supported in the current connector."), 8),
        (attr.format("@@fulltext", "Defining fulltext indexes is not supported with the current connector."), 9),
    ]


def test_mysql_length_prefix_rules() -> None:
    source = _ds("mysql") + (
        "model M {\n  id Int @id\n  a String @db.Text\n  b Int\n"
        "  @@index([a])\n  @@index([b(length: 3)])\n  @@unique([a(length: 10)])\n}\n"
    )
    assert _checks(source) == [
        (
            "You cannot define an index on fields with native type `Text` of MySQL. Please use the `length` "
            "argument to the field in the index definition to allow this.",
            9,
        ),
        ('Error parsing attribute "@@index": The length argument is only allowed with field types `String` or `Bytes`.', 10),
    ]


def test_postgres_operator_classes() -> None:
    source = _ds("postgresql") + (
        "model M {\n  id Int @id\n  a String @db.Text\n  b Int\n  c Json @db.Json\n"
        "  @@index([a(ops: Int4BloomOps)], type: Brin)\n  @@index([b(ops: InetOps)], type: SpGist, map: \"i1\")\n"
        "  @@index([c(ops: JsonbOps)], type: Gin)\n  @@index([b(ops: TextBloomOps)], type: Brin, map: \"i2\")\n}\n"
    )
    msg = 'Error parsing attribute "@@index": The given operator class '
    assert _checks(source) == [
        (msg + "`Int4BloomOps` does not support native type `Text` of field `a`.", 10),
        (msg + "`InetOps` expects the field `b` to define a valid native type.", 11),
        (msg + "`JsonbOps` does not support native type `Json` of field `c`.", 12),
        (msg + "`TextBloomOps` points to the field `b` that is not of String type.", 13),
    ]


def test_constraint_name_clashes_and_length() -> None:
    long_name = "x" * 70
    source = _ds("postgresql") + (
        f'model A {{\n  id Int @id\n  a Int @unique(map: "same")\n  b Int @unique(map: "{long_name}")\n}}\n'
        'model B {\n  id Int @id(map: "same")\n}\n'
    )
    clash = (
        'Error parsing attribute "{}": The given constraint name `same` has to be unique in the following '
        "namespace: global for primary key, indexes and unique constraints. Please provide a different name "
        "using the `map` argument."
    )
    assert _checks(source) == [
        (clash.format("@unique"), 7),
        (
            f"Error validating model \"A\": The constraint name '{long_name}' specified in the `map` argument for the "
            "`@unique` constraint is too long for your chosen provider. The maximum allowed length is 63 bytes.",
            8,
        ),
        (clash.format("@id"), 11),
    ]


def test_generated_constraint_names() -> None:
    ctx, errors = _attributes(
        _ds("postgresql") + 'model Post {\n  id Int @id\n  a Int @map("col_a")\n  @@index([a])\n  @@map("posts")\n}\n'
    )
    assert errors == []
    post = ctx.models["Post"]
    assert constraint_names.index_constraint_name(ctx, post, post.indexes[0]) == "posts_col_a_idx"
    assert constraint_names.primary_key_constraint_name(ctx, post) == "posts_pkey"
    long_ctx, _ = _attributes(_ds("postgresql") + f"model {'T' * 70} {{\n  id Int @id\n}}\n")
    long_model = next(iter(long_ctx.models.values()))
    assert constraint_names.primary_key_constraint_name(long_ctx, long_model) == "T" * 58 + "_pkey"


# ------------------------------------------------------------------ corpus


def _corpus_cases() -> list[tuple[str, str, str]]:
    out = []
    for suite, case in validation_cases():
        path = case["path"]
        if not (path.startswith("attributes/") or path.startswith("postgres_indexes/")):
            continue
        if path.startswith("attributes/relations/") or "relation_mode" in path:
            continue
        out.append((suite, path, case["expected_plain"]))
    return out


_EXPECTED = re.compile(r"^(error|warning): (.*?)\n  -->  schema\.prisma:(\d+)", re.M | re.S)

# Cases whose outcome depends on work outside this area; each must still differ (so a fix elsewhere
# makes the test fail until the entry is removed).
KNOWN_MISSES: dict[str, str] = {}

CORPUS_CASES = _corpus_cases()


@pytest.mark.skipif(not CORPUS_CASES, reason="conformance corpus not available")
@pytest.mark.parametrize(("suite", "path", "expected"), CORPUS_CASES, ids=[f"{s}/{p}" for s, p, _ in CORPUS_CASES])
def test_corpus_case(suite: str, path: str, expected: str) -> None:
    source = case_source(suite, path)
    want = [(m.group(1), m.group(2), int(m.group(3))) for m in _EXPECTED.finditer(expected)]
    got = [(d.severity, d.message, d.line) for d in validate(source)]
    if f"{suite}/{path}" in KNOWN_MISSES:
        assert got != want
    else:
        assert got == want


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('{"a": 1', "EOF while parsing an object at line 1 column 7"),
        ('"abc', "EOF while parsing a string at line 1 column 4"),
        ('{"a" 1}', "expected `:` at line 1 column 6"),
        ("tru", "EOF while parsing a value at line 1 column 3"),
        ("[1,]", "trailing comma at line 1 column 4"),
        ("{,}", "key must be a string at line 1 column 2"),
        ("01", "invalid number at line 1 column 2"),
        ('{"a":1}}', "trailing characters at line 1 column 8"),
        ("[1, 2", "EOF while parsing a list at line 1 column 5"),
        ("", "EOF while parsing a value at line 1 column 0"),
    ],
)
def test_json_default_errors_read_like_serde(value: str, problem: str) -> None:
    """Expected texts are prisma6's (Prisma parses Json defaults with serde_json)."""
    literal = attributes.string_literal(value)
    source = _ds("postgresql") + f"model M {{\n  id Int @id\n  j Json @default({literal})\n}}\n"
    assert _checks(source) == [
        (f'Error parsing attribute "@default": Parse error: "{value}" is not a valid JSON string. ({problem})', 7)
    ]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2020-02-30T00:00:00Z", "input is out of range"),
        ("2020-01-01", "premature end of input"),
        ("2020-01-01T25:00:00Z", "input is out of range"),
        ("yesterday", "input contains invalid characters"),
        ("bad", "premature end of input"),
        ("2020-01-01T00:00:61Z", "input is out of range"),
        ("2020-01-01T00:00:00+0100", "input contains invalid characters"),
        ("2020-01-01T00:00:00Zjunk", "trailing input"),
        ("2019-02-29T00:00:00Z", "input is out of range"),
    ],
)
def test_datetime_default_errors(value: str, problem: str) -> None:
    """Expected texts are prisma6's (chrono's ``parse_from_rfc3339``)."""
    source = _ds("postgresql") + f'model M {{\n  id Int @id\n  d DateTime @default("{value}")\n}}\n'
    assert _checks(source) == [
        (
            f'Error parsing attribute "@default": Parse error: "{value}" is not a valid rfc3339 datetime string. '
            f"({problem})",
            7,
        )
    ]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("abc", "invalid digit found in string"),
        ("", "Failed to parse empty string"),
        ("1e", "cannot parse integer from empty string"),
        ("-", "cannot parse integer from empty string"),
        ("1_0", None),
        (".5", None),
        ("1e999999999999", None),
    ],
)
def test_decimal_default_errors(value: str, problem: str | None) -> None:
    """Expected texts are prisma6's (the bigdecimal crate's errors; note the attribute name without @)."""
    source = _ds("postgresql") + f'model M {{\n  id Int @id\n  d Decimal @default("{value}")\n}}\n'
    expected = f'Error parsing attribute "default": Parse error: "{value}" is not a valid decimal. ({problem})'
    assert _checks(source) == ([] if problem is None else [(expected, 7)])


def test_attributes_of_duplicate_fields_and_blocks_are_visited() -> None:
    """prisma6 reports the attributes of a field or block whose name is already taken."""
    source = (
        "model A {\n  id Int @id\n  id Int @foo\n}\nmodel A {\n  id Int @id @bar\n}\n"
        "enum E {\n  X @baz\n}\nenum E {\n  Y @qux\n}\n"
    )
    got = [(d.message, d.line) for d in validate(source)]
    assert got == [
        ('Field "id" is already defined on model "A".', 3),
        ('The model "A" cannot be defined because a model with that name already exists.', 5),
        ('The enum "E" cannot be defined because a enum with that name already exists.', 11),
        ('Attribute not known: "@foo".', 3),
        ('Attribute not known: "@bar".', 6),
        ('Attribute not known: "@baz".', 9),
        ('Attribute not known: "@qux".', 12),
    ]
