"""``db pull`` of partial indexes (Prisma 7's ``where:``) and of the generator/datasource blocks.

- A Prisma 7 schema (no datasource ``url``) gets ``where: raw("...")`` and the ``partialIndexes``
  preview feature, and the pulled schema describes the database exactly: ``migrate diff`` from
  the database to it is empty (PostgreSQL, SQLite). A second single-column unique index on a
  column that already has one (Prisma 7 leaves it out) is written as ``@@unique``.
- A Prisma 6 schema (with ``url``, no ``where:`` in its language) leaves the index out, with a
  warning naming it, instead of pulling it as a plain index or ``@unique``.
- The generator and datasource blocks are rendered as ``prisma7 pull`` renders them (the
  expected texts below are prisma7's output for the same blocks).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from schemashift.introspect.config import render_datasource, render_generator
from schemashift.psl import ast, parse_files

PRISMA7 = 'generator client {{\n  provider = "prisma-client-js"\n}}\n\ndatasource db {{\n  provider = "{provider}"\n}}\n'
PRISMA6 = (
    'generator client {{\n  provider = "prisma-client-js"\n}}\n\n'
    'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n'
)

_SQL = {
    "postgresql": [
        "CREATE TABLE p (id integer PRIMARY KEY, tags jsonb, x integer NOT NULL)",
        "CREATE INDEX p_gin ON p USING GIN (tags) WHERE x > 1",
        "CREATE UNIQUE INDEX p_x_plain ON p (x)",
        "CREATE UNIQUE INDEX p_x_part ON p (x) WHERE x < 100",
        "CREATE TABLE c (id integer PRIMARY KEY, pid integer REFERENCES p (id), flag boolean NOT NULL DEFAULT true)",
        "CREATE UNIQUE INDEX c_pid ON c (pid) WHERE pid IS NOT NULL",
        "CREATE INDEX c_flag ON c (id) WHERE flag",
        "CREATE TABLE nopk (a integer NOT NULL, b text)",
        "CREATE UNIQUE INDEX nopk_a ON nopk (a) WHERE a > 0",
    ],
    "sqlite": [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT NOT NULL, b TEXT)",
        "CREATE INDEX t_a ON t (a) WHERE a > 0",
        "CREATE UNIQUE INDEX t_b ON t (b) WHERE b IS NOT NULL AND (a < 3)",
        "CREATE UNIQUE INDEX t_b_plain ON t (b)",
    ],
}


def _pull(provider: str, header: str, tmp_path: Path, run_cli, request, *options: str) -> tuple[str, Path, Any]:  # type: ignore[no-untyped-def]
    """The database of ``_SQL[provider]`` pulled into a schema that has only ``header``: (url, schema, result)."""
    from schemashift.connectors import connect

    url = request.getfixturevalue("sqlite_url" if provider == "sqlite" else "postgres_url")
    with connect(url) as conn:
        for statement in _SQL[provider]:
            conn.execute(statement)
    schema = tmp_path / "schema.prisma"
    schema.write_text(header.format(provider=provider))
    pulled = run_cli("db", "pull", *options, "--schema", str(schema), "--url", url)
    assert pulled.exit_code == 0, pulled.err
    return url, schema, pulled


@pytest.mark.parametrize("provider", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_partial_indexes_pulled_with_where_and_no_drift(provider: str, tmp_path: Path, run_cli, request) -> None:  # type: ignore[no-untyped-def]
    url, schema, _ = _pull(provider, PRISMA7, tmp_path, run_cli, request)
    text = schema.read_text()
    assert 'previewFeatures = ["partialIndexes"]' in text
    if provider == "postgresql":
        assert '@@index([tags], map: "p_gin", type: Gin, where: raw("(x > 1)"))' in text
        assert 'x    Int   @unique(map: "p_x_part", where: raw("(x < 100)"))' in text
        assert '@@unique([x], map: "p_x_plain")' in text
        assert 'pid  Int?    @unique(map: "c_pid", where: raw("(pid IS NOT NULL)"))' in text
        assert "c    c?" in text  # a partial unique foreign key: one-to-one, as Prisma 7
        assert "@@ignore" not in text  # a partial unique index is an identifier, as Prisma 7
    else:
        assert '@@index([a], map: "t_a", where: raw("a > 0"))' in text
        # both unique indexes on b: one as the field's @unique, the other as @@unique
        assert 'map: "t_b", where: raw("b IS NOT NULL AND (a < 3)"))' in text
        assert '@unique(map: "t_b_plain")' in text or '@@unique([b], map: "t_b_plain")' in text
    diff = run_cli("migrate", "diff", "--from-url", url, "--to-schema", str(schema), "--script")
    assert diff.exit_code == 0, diff.err
    assert diff.out.strip() == "-- This is an empty migration."


@pytest.mark.parametrize("provider", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_prisma6_schema_leaves_partial_indexes_out_with_a_warning(provider: str, tmp_path: Path, run_cli, request) -> None:  # type: ignore[no-untyped-def]
    _, _, pulled = _pull(provider, PRISMA6, tmp_path, run_cli, request, "--print")
    assert "where:" not in pulled.out and "previewFeatures" not in pulled.out
    left_out = ["p_gin", "p_x_part", "c_pid", "c_flag", "nopk_a"] if provider == "postgresql" else ["t_a", "t_b"]
    for name in left_out:
        assert f'index: "{name}"' in pulled.err
        assert f'"{name}"' not in pulled.out  # never pulled as a plain index or @unique
    assert "These indexes were left out of the schema" in pulled.err


def _blocks(text: str, partial: bool) -> str:
    tree, _ = parse_files([("schema.prisma", text)])
    out = []
    for top in tree.tops():
        if isinstance(top, ast.GeneratorConfig):
            out.append(render_generator(top, text, partial))
        elif isinstance(top, ast.SourceConfig):
            out.append(render_datasource(top, text))
    return "\n".join(out)


@pytest.mark.parametrize(
    ("written", "partial", "prisma7"),
    [
        # previewFeatures sorted, partialIndexes appended
        (
            'generator client {\n  provider = "prisma-client-js"\n  previewFeatures = ["views", "relationJoins"]\n}',
            True,
            'generator client {\n  provider = "prisma-client-js"\n  previewFeatures = ["relationJoins", "views", "partialIndexes"]\n}',
        ),
        # already there (any spelling): sorted in
        (
            'generator client {\n  provider = "prisma-client-js"\n  previewFeatures = ["views", "relationJoins", "partialindexes"]\n}',
            False,
            'generator client {\n  provider = "prisma-client-js"\n  previewFeatures = ["partialIndexes", "relationJoins", "views"]\n}',
        ),
        # Prisma's property order, other properties by name and as strings, env() kept
        (
            'generator client {\n  provider = env("GEN")\n  output = env("OUT")\n  binaryTargets = ["native"]\n'
            '  moduleFormat = "esm"\n  flag = true\n  n = 3\n}',
            True,
            'generator client {\n  provider = env("GEN")\n  output = env("OUT")\n  previewFeatures = ["partialIndexes"]\n'
            '  binaryTargets = ["native"]\n  flag = "true"\n  moduleFormat = "esm"\n  n = "3"\n}',
        ),
        # comments dropped, the last /// group inside becomes the documentation
        (
            '// head\ngenerator client {\n  provider = "prisma-client-js"\n  /// d1\n  arr = ["a", "b"]\n  /// d2\n'
            '  /// d3\n  zed = "q\\"x"\n  Abc = "1"\n}',
            True,
            '/// d2\n/// d3\ngenerator client {\n  provider = "prisma-client-js"\n  previewFeatures = ["partialIndexes"]\n'
            '  Abc = "1"\n  arr = ["a", "b"]\n  zed = "q\\"x"\n}',
        ),
        # no previewFeatures and nothing to add: none written; an empty binaryTargets is not written
        (
            'generator client {\n  provider = "prisma-client-js" // c\n  binaryTargets = []\n  output = "x"\n}',
            False,
            'generator client {\n  provider = "prisma-client-js"\n  output = "x"\n}',
        ),
        # datasource: provider as written, relationMode, schemas
        (
            'datasource db {\n  /// inner doc\n  schemas = ["public"]\n  relationMode = "foreignKeys"\n  provider = "postgres" // p\n}',
            False,
            '/// inner doc\ndatasource db {\n  provider = "postgres"\n  relationMode = "foreignKeys"\n  schemas = ["public"]\n}',
        ),
    ],
    ids=["append", "present", "order", "comments", "no-features", "datasource"],
)
def test_config_blocks_rendered_as_prisma7(written: str, partial: bool, prisma7: str) -> None:
    """(The formatter aligns the ``=`` afterwards; prisma7's text is shown unaligned here.)"""
    assert _blocks(written, partial) == prisma7
