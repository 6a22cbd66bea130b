"""Names, types, configuration and model-level checks, against Prisma's own test corpus and on
focused schemas whose expected output was taken from Prisma 6.19 (the offline oracle)."""

from __future__ import annotations

import re

import pytest

from schemashift import psl
from schemashift.psl.validator import config, native_types

from psl_corpus import CORPUS, area_cases, assert_validates_like_prisma
_AREA = re.compile(
    r"config/|datasource|generator|preview_features|postgres_extensions|native_types|types/|base/|capabilities/"
    r"|composite_types|views/|attributes/schema/|attributes/map/|duplicates|reserved|enum"
)
_OTHER_AREAS = re.compile(r"relation|referential|default|index|unique|/id")

# Cases of the area that still differ from Prisma, with the reason (the test asserts they still
# differ, so fixing one forces its removal from this set).
KNOWN_MISSES: dict[str, str] = {}


def _area_cases() -> list[tuple[str, str]]:
    return area_cases(_AREA, _OTHER_AREAS)


@pytest.mark.parametrize(("suite", "path"), _area_cases(), ids=lambda v: v)
def test_corpus_case(suite: str, path: str) -> None:
    assert_validates_like_prisma(suite, path, KNOWN_MISSES)


def test_area_has_cases_when_corpus_present() -> None:
    if not (CORPUS / "manifests").is_dir():
        pytest.skip("conformance corpus not available")
    assert len(_area_cases()) > 150


# ------------------------------------------------------------------ focused schemas

PG = 'datasource db {\n  provider = "postgresql"\n  url      = "postgresql://x"\n}\n'


def _messages(source: str) -> list[tuple[str, str, int]]:
    return [(d.severity, d.message, d.line) for d in psl.validate(source)]


def test_preview_features_deprecated_renamed_hidden_unknown() -> None:
    source = (
        'datasource db {\n  provider = "postgres"\n  url      = env(name: "DB")\n}\n\n'
        'generator client {\n  provider        = "prisma-client-js"\n'
        '  previewFeatures = ["FULLTEXTSEARCH", "typedSql", "metrics", "multiSchema", "esm"]\n}\n'
    )
    assert _messages(source) == [
        ("warning", "The env function doesn't expect named arguments", 3),
        (
            "warning",
            'On `provider = "postgresql"`, preview feature "FULLTEXTSEARCH" has been renamed to '
            '"fullTextSearchPostgres". Learn more at https://pris.ly/d/fts-postgres.',
            8,
        ),
        ("warning", 'Preview feature "metrics" is deprecated. It will be removed in a future version of Prisma.', 8),
        (
            "warning",
            'Preview feature "multiSchema" is deprecated. The functionality can be used without specifying it as a '
            "preview feature.",
            8,
        ),
        (
            "error",
            'The preview feature "esm" is not known. Expected one of: fullTextSearchPostgres, metrics, '
            "nativeDistinct, postgresqlExtensions, relationJoins, schemaEngineDriverAdapters, shardKeys, "
            "strictUndefinedChecks, views",
            8,
        ),
    ]


def test_type_not_found_hints() -> None:
    source = PG + (
        "model Post {\n  id Int @id\n  a POST\n  b post\n  c STRING\n  d Myenum\n  e myEnum\n}\n"
        "enum myEnum {\n  A\n}\n"
    )
    hint = [m.split("enum.", 1)[1] for _, m, _ in _messages(source)]
    assert hint == ["", ' Did you mean "Post"?', ' Did you mean "String"?', ""]


def test_duplicate_tops_reserved_names_and_duplicates() -> None:
    source = PG + (
        "model A {\n  id Int @id\n  id String\n}\n"
        "view A {\n  x Int\n}\n"
        "model String {\n  id Int @id\n}\n"
        "enum E {\n  V\n  V\n}\n"
        "model class {\n  id Int @id\n}\n"
    )
    messages = [m for _, m, _ in _messages(source)]
    assert 'Field "id" is already defined on model "A".' in messages
    assert 'The view "A" cannot be defined because a model with that name already exists.' in messages
    assert '"String" is a reserved scalar type name and cannot be used.' in messages
    assert 'Value "V" is already defined on enum "E".' in messages
    assert any(m.startswith('Error validating model "class": The model name `class` is invalid.') for m in messages)


def test_names_resolve_even_after_errors() -> None:
    source = PG + "model A {\n  id Int @id @default(\"x\")\n  b Foo\n}\nmodel A {\n  id Int @id\n}\n"
    assert [m for _, m, _ in _messages(source)] == [
        'The model "A" cannot be defined because a model with that name already exists.',
        'Type "Foo" is neither a built-in type, nor refers to another model, composite type, or enum.',
        'Error parsing attribute "@default": Expected a Int value, but found `"x"`.',
    ]


def test_sqlite_capabilities() -> None:
    source = (
        'datasource db {\n  provider = "sqlite"\n  url = "file:x"\n}\n'
        "enum E {\n  A\n}\nmodel M {\n  id Int @id\n  j Json\n  jl Json[]\n  d Decimal\n  e E\n  s String[]\n}\n"
    )
    assert [m for _, m, _ in _messages(source)] == [
        "Error validating field `jl` in model `M`: Field `jl` in model `M` can't be of type Json[]. The current "
        "connector does not support the Json List type.",
        'Field "jl" in model "M" can\'t be a list. The current connector does not support lists of primitive types.',
        'Field "s" in model "M" can\'t be a list. The current connector does not support lists of primitive types.',
    ]


def test_schemas_on_a_connector_without_multi_schema_stops_validation() -> None:
    source = (
        'datasource db {\n  provider = "mysql"\n  url = "mysql://x"\n  schemas = ["public"]\n}\n'
        "model Test {\n  id Int\n}\n"
    )
    assert _messages(source) == [("error", "The `schemas` property is not supported on the current connector.", 4)]


def test_schema_attribute_without_multi_schema_support() -> None:
    source = (
        'datasource db {\n  provider = "sqlite"\n  url = "file:x"\n}\n'
        'model Test {\n  id Int @id\n  @@schema("public")\n}\nenum E {\n  A\n  @@schema("public")\n}\n'
    )
    assert _messages(source) == [
        ("error", "@@schema is not supported on the current datasource provider", 7),
        ("error", "@@schema is not supported on the current datasource provider", 11),
    ]


def test_views_keys_and_indexes_in_prisma_order() -> None:
    source = PG + (
        'generator js {\n  provider = "prisma-client"\n  previewFeatures = ["views"]\n}\n'
        'view Mountain {\n  a Int\n  b Int @unique(map: "q")\n  c Int\n  @@unique([a], map: "x")\n'
        "  @@index([b])\n  @@unique([c(sort: Desc)])\n  @@id([a, b])\n}\n"
    )
    assert [line for _, _, line in _messages(source)] == [16, 11, 14, 13, 15]


def test_native_type_errors() -> None:
    source = PG + (
        "model A {\n  id Int @id\n  a String @db.VarChar(2, 3)\n  b Boolean @db.VarChar(5)\n"
        "  c Decimal @db.Decimal(2, 4)\n  d String @db.VarChar(a)\n  e DateTime @db.Time(7)\n"
        "  f String @pg.Text\n  g Int @db.Numerical\n  h Unsupported(\"Decimal(10,2)\")\n}\n"
    )
    assert [m for _, m, _ in _messages(source)] == [
        "Native type VarChar takes 1 optional arguments, but received 2.",
        "Native type VarChar is not compatible with declared field type Boolean, expected field type String.",
        "The scale must not be larger than the precision for the Decimal(2,4) native type in Postgres.",
        "Expected a nonnegative integer, but found (a).",
        "Argument M is out of range for native type `Time(7)` of Postgres: M can range from 0 to 6.",
        "The prefix pg is invalid. It must be equal to the name of an existing datasource e.g. db. Did you mean to "
        "use db.Text?",
        "Native type Numerical is not supported for postgresql connector.",
        'Error validating: The type `Unsupported("Decimal(10,2)")` you specified in the type definition for the '
        "field `h` is supported as a native type by Prisma. Please use the native type notation "
        "`Decimal @db.Decimal(10,2)` for full support.",
    ]


def test_composite_type_cycle_path() -> None:
    source = (
        'datasource db {\n  provider = "mongodb"\n  url = "mongodb://x"\n}\n'
        "type A {\n  b B\n}\ntype B {\n  a A\n}\nmodel M {\n  id String @id @map(\"_id\")\n  a A?\n}\n"
    )
    messages = [m for _, m, _ in _messages(source)]
    assert messages == [
        "Error validating field `a` in composite type `B`: The types cause an endless cycle in the path "
        "`B` → `A` → `B`. Please change one of the fields to be either optional or a list to break the cycle.",
        "Error validating field `b` in composite type `A`: The types cause an endless cycle in the path "
        "`A` → `B` → `A`. Please change one of the fields to be either optional or a list to break the cycle.",
    ]


def test_sqlite_url_optional_with_schema_engine_driver_adapters() -> None:
    source = (
        'generator client {\n  provider        = "prisma-client"\n'
        '  previewFeatures = ["schemaEngineDriverAdapters"]\n}\n'
        'datasource db {\n  provider = "sqlite"\n}\nmodel Blog {\n  id Int @unique\n}\n'
    )
    assert _messages(source) == []
    assert _messages(source.replace("sqlite", "postgres"))[0][1] == 'Argument "url" is missing in data source block "db".'


# ------------------------------------------------------------------ data and readers


def test_native_type_tables_are_reusable_data() -> None:
    assert native_types.NATIVE_TYPES["mysql"]["VarChar"].required == 1
    assert native_types.NATIVE_TYPES["postgresql"]["Decimal"].optional == 2
    assert native_types.NATIVE_TYPES["mongodb"]["Long"].scalars == ("Int", "BigInt")
    assert native_types.NATIVE_TYPES["sqlite"] == {}
    spec = native_types.NATIVE_TYPES["sqlserver"]["NVarChar"]
    assert native_types.parse(spec, ["max"]) == [native_types.MAX]
    assert native_types.parse(spec, ["Ma"]) is None
    assert native_types.render("Decimal", [10, 2]) == "Decimal(10,2)"


def test_config_readers() -> None:
    source = (
        'datasource db {\n  provider = "postgres"\n  url = env("DATABASE_URL")\n}\n'
        'generator client {\n  provider = "prisma-client-js"\n  output = "../generated"\n}\n'
        'generator other {\n  provider = env("GEN")\n}\n'
    )
    schema, _ = psl.parse(source)
    url = config.datasource_url(schema)
    assert url is not None and (url.env, url.value) == ("DATABASE_URL", None)
    gens = config.generators(schema)
    assert [(name, p.value if p else None, p.env if p else None, o.value if o else None) for name, p, o in gens] == [
        ("client", "prisma-client-js", None, "../generated"),
        ("other", None, "GEN", None),
    ]
    loaded = config.load(schema)
    assert [d.provider for d in loaded.datasources] == ["postgresql"]
    assert not loaded.diags.all()


def test_schemas_elements_checked_before_connector_support() -> None:
    source = (
        'datasource db {\n  provider = "mysql"\n  url = "x"\n  schemas = ["one", 2]\n}\n'
        "model A {\n  id Int @id\n}\n"
    )
    assert [m for _, m, _ in _messages(source)] == ["Expected a string value, but received numeric value `2`."]
    duplicate = source.replace('["one", 2]', '["a", "a"]')
    assert [m for _, m, _ in _messages(duplicate)] == [
        "The `schemas` property is not supported on the current connector."
    ]


def test_unsupported_types_name_the_prisma_type_of_the_connector() -> None:
    def hint(provider: str, literal: str) -> str:
        source = (
            f'datasource db {{\n  provider = "{provider}"\n  url = "x"\n}}\n'
            f'model A {{\n  id Int @id\n  a Unsupported("{literal}")\n}}\n'
        )
        hints = [m.split("notation ")[1] for _, m, _ in _messages(source) if "notation " in m]
        return hints[0] if hints else ""

    assert hint("mysql", "Bit(1)") == "`Bytes @db.Bit(1)` for full support."
    assert hint("sqlserver", "Bit(1)") == "`Bytes @db.Bit` for full support."
    assert hint("sqlserver", "BigInt") == "`Int @db.BigInt` for full support."
    assert hint("postgresql", "Decimal(10, 2)") == "`Decimal @db.Decimal(10,2)` for full support."
    assert hint("postgresql", "circle") == ""
    assert hint("mongodb", "Int") == ""


def test_cockroachdb_has_no_json_lists() -> None:
    source = 'datasource db {\n  provider = "cockroachdb"\n  url = "x"\n}\nmodel A {\n  id Int @id\n  j Json[]\n}\n'
    assert [m for _, m, _ in _messages(source)] == [
        "Error validating field `j` in model `A`: Field `j` in model `A` can't be of type Json[]. The current "
        "connector does not support the Json List type."
    ]


def test_without_datasource_the_empty_connector_rules_apply() -> None:
    source = "type T {\n  a String\n}\nmodel A {\n  id Int @id\n  d Decimal\n  j Json\n}\n"
    assert [m for _, m, _ in _messages(source)] == [
        "Error validating: Composite types are not supported on "
        "psl_core::datamodel_connector::empty_connector::EmptyDatamodelConnector.",
        "Error validating field `d` in model `A`: Field `d` in model `A` can't be of type Decimal. The current "
        "connector does not support the Decimal type.",
    ]


def test_multi_file_configuration_is_read_per_file() -> None:
    files = [
        ("a.prisma", 'datasource a {\n  provider = "postgresql"\n  url = "x"\n}\nmodel A {\n  id Int @id\n}\n'),
        ("b.prisma", 'generator g {\n  provider = "x"\n  previewFeatures = ["nope"]\n}\nmodel B {\n  id Int @id\n}\n'),
    ]
    diags = psl.validate_files(files)
    assert [(d.span.file_id, d.line, d.message.split(" Expected")[0]) for d in diags] == [
        (1, 3, 'The preview feature "nope" is not known.')
    ]
