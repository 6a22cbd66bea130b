"""Identifiers and string literals reach SQL through one escaping function per dialect.

* the quoting of every module that writes SQL is the dialect's (``Dialect.quote`` /
  ``Dialect.quote_literal``): connectors, data-loss probes, the client, backup restore;
* regressions, on the three databases: a crafted ``@@map``/``@map`` name (a quote character of
  the database followed by SQL) creates a table of that name and runs nothing else (the table
  holding rows is still there, with its rows), also through the live data-loss probe; a string
  default with backslashes (MySQL reads them as escapes unless they are doubled) is stored as
  written and the database then matches the schema;
* ``validate`` rejects names the database cannot hold (MySQL: 64 characters; PostgreSQL: 63 bytes,
  which it would cut silently; SQLite: no limit), pointing at the name;
* property: random table, column, enum and value names and string defaults made of quotes,
  backticks, backslashes, ``%``, newlines, tabs and non-ASCII text, created from the
  ``migrate diff --from-empty`` script, described again: no difference with the schema.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as hst

from schemashift.client.dialect import dialect_for
from schemashift.connectors import Connector, connect
from schemashift.connectors import mysql as mysql_connector
from schemashift.connectors import postgres as postgres_connector
from schemashift.connectors.describe import describe
from schemashift.dialects import get_dialect
from schemashift.migrations.engine import diff_schemas
from schemashift.migrations import engine as mig
from schemashift.psl import validate
from schemashift.psl.validator.attributes import string_literal as psl_string

PROVIDERS = ["sqlite", "postgresql", "mysql"]
PROVIDER_PARAMS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
]
QUOTE_CHAR = {"sqlite": '"', "postgresql": '"', "mysql": "`"}


def header(provider: str) -> str:
    return f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n\n'


def script(source: str, provider: str, before: str | None = None) -> str:
    """``migrate diff --from-empty`` (or from ``before``) ``--script``."""
    return diff_schemas(before, source, provider)


def remaining(conn: Connector, provider: str, source: str) -> list[Any]:
    """The steps still needed to take the live database to ``source`` (none: they match)."""
    return mig.diff(describe(conn), mig.target_schema([("schema.prisma", source)], provider), conn.dialect)


# ------------------------------------------------------------------ one function per dialect


@pytest.mark.parametrize("provider", PROVIDERS)
def test_identifiers_double_the_quote_character(provider: str) -> None:
    dialect = get_dialect(provider)
    q = QUOTE_CHAR[provider]
    assert dialect.quote("plain") == f"{q}plain{q}"
    assert dialect.quote(f"a{q}b") == f"{q}a{q}{q}b{q}"
    other = "`" if q == '"' else '"'
    assert dialect.quote(f"a{other}'\\b") == f"{q}a{other}'\\b{q}"  # nothing else is touched


def test_string_literals_per_database() -> None:
    text = "C:\\temp 'x' \"y\" `z` %\n\t"
    # standard SQL on PostgreSQL (standard_conforming_strings) and SQLite: quotes doubled only
    for provider in ("postgresql", "sqlite"):
        assert get_dialect(provider).quote_literal(text) == "'C:\\temp ''x'' \"y\" `z` %\n\t'"
    # MySQL's default SQL mode reads a backslash as an escape: doubled first, then the quotes
    assert get_dialect("mysql").quote_literal(text) == "'C:\\\\temp ''x'' \"y\" `z` %\n\t'"
    assert get_dialect("mysql").quote_literal("\\'") == "'\\\\'''"


def test_every_sql_writer_quotes_with_the_dialect() -> None:
    name = 'we"ird`na\'me%s'
    assert mysql_connector.quote_ident(name) == get_dialect("mysql").quote(name)
    assert postgres_connector.quote_ident(name) == get_dialect("postgresql").quote(name)
    for provider in PROVIDERS:
        client = dialect_for(provider)
        expected = get_dialect(provider).quote(name)
        # psycopg and PyMySQL read % as a placeholder in statements with parameters
        assert client.quote(name) == (expected if client.placeholder == "?" else expected.replace("%", "%%"))


@pytest.mark.parametrize("provider", PROVIDERS)
def test_plain_names_render_as_prisma_writes_them(provider: str) -> None:
    """Escaping changes nothing for names without quote characters (the fixtures pin the rest)."""
    source = header(provider) + 'model User {\n  id Int @id\n  name String @default("it\'s") @map("full name")\n}\n'
    q = QUOTE_CHAR[provider]
    rendered = script(source, provider)
    assert f"CREATE TABLE {q}User{q} (" in rendered
    assert f"{q}full name{q}" in rendered and "DEFAULT 'it''s'" in rendered


def test_postgres_sequence_names_are_quoted_only_when_needed() -> None:
    before = header("postgresql") + 'model A {\n  id Int @id\n  @@map("My Table;x")\n}\n'
    after = header("postgresql") + 'model A {\n  id Int @id @default(autoincrement())\n  @@map("My Table;x")\n}\n'
    rendered = script(after, "postgresql", before)
    assert 'CREATE SEQUENCE "my table;x_id_seq";' in rendered  # Prisma: CREATE SEQUENCE my table;x_id_seq
    assert "nextval('\"my table;x_id_seq\"')" in rendered
    plain = script(after.replace("My Table;x", "items"), "postgresql", before.replace("My Table;x", "items"))
    assert "CREATE SEQUENCE items_id_seq;" in plain  # byte-identical to Prisma


# ------------------------------------------------------------------ regressions, live


def _crafted(provider: str) -> tuple[str, str]:
    """A table and a column name that end their identifier and run a statement (before the fix)."""
    q = QUOTE_CHAR[provider]
    table = f"x{q} (id INT); DROP TABLE {q}Victim{q}; CREATE TABLE {q}y"
    column = f"c{q} INT); DROP TABLE {q}Victim{q}; --"
    return table, column


VICTIM = 'model Victim {\n  id   Int    @id\n  note String\n}\n'


@pytest.mark.parametrize("provider", PROVIDER_PARAMS)
def test_crafted_names_do_not_run_other_statements(
    provider: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Any]
) -> None:
    db_url = request.getfixturevalue({"sqlite": "sqlite_url", "postgresql": "postgres_url", "mysql": "mysql_url"}[provider])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    schema = tmp_path / "schema.prisma"
    schema.write_text(header(provider) + VICTIM)
    assert run_cli("db", "push", "--schema", str(schema)).exit_code == 0
    dialect = get_dialect(provider)
    victim = dialect.quote("Victim")
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO {victim} (id, note) VALUES (1, 'a'), (2, 'b')")

    table, column = _crafted(provider)
    crafted = (
        f"model Crafted {{\n  id Int @id\n  value String @map({psl_string(column)})\n"
        f"  @@map({psl_string(table)})\n}}\n"
    )
    schema.write_text(header(provider) + VICTIM + crafted)
    r = run_cli("db", "push", "--schema", str(schema))
    assert r.exit_code == 0, r.err
    with connect(db_url) as conn:
        assert conn.query(f"SELECT id, note FROM {victim} ORDER BY id") == [(1, "a"), (2, "b")]
        names = {t.name: [c.name for c in t.columns] for t in describe(conn).tables}
        assert names[table] == ["id", column]
        assert set(names) == {"Victim", table}
        conn.execute(f"INSERT INTO {dialect.quote(table)} (id, {dialect.quote(column)}) VALUES (1, 'v')")

    # dropping the crafted column of a table with rows: the live data-loss probe counts its values
    schema.write_text(header(provider) + VICTIM + crafted.replace(f"  value String @map({psl_string(column)})\n", ""))
    r = run_cli("db", "push", "--schema", str(schema))
    assert r.exit_code == 1  # refused without --accept-data-loss, after the probe counted
    assert f"You are about to drop the column `{column}` on the `{table}` table, which still contains 1 non-null values." in r.err
    assert run_cli("db", "push", "--schema", str(schema), "--accept-data-loss").exit_code == 0
    with connect(db_url) as conn:
        assert conn.query(f"SELECT COUNT(*) FROM {victim}") == [(2,)]
        assert conn.query(f"SELECT COUNT(*) FROM {dialect.quote(table)}") == [(1,)]
        assert remaining(conn, provider, schema.read_text()) == []


BACKSLASHES = "C:\\temp\\new 'x' \\\\server %d\\n"


@pytest.mark.parametrize("provider", PROVIDER_PARAMS)
def test_backslash_defaults_are_stored_as_written(provider: str, request: pytest.FixtureRequest) -> None:
    """MySQL read 'C:\\temp' as C:<tab>emp: the database never matched the schema (a new migration
    at every migrate dev). Enum values with backslashes likewise (Prisma does not escape them)."""
    db_url = request.getfixturevalue({"sqlite": "sqlite_url", "postgresql": "postgres_url", "mysql": "mysql_url"}[provider])
    source = header(provider) + (
        f"enum Kind {{\n  A @map({psl_string('a' + chr(92) + 'b')})\n  B\n}}\n\n"
        f"model Path {{\n  id   Int    @id\n  dir  String @default({psl_string(BACKSLASHES)})\n"
        f"  kind Kind   @default(A)\n}}\n"
    )
    dialect = get_dialect(provider)
    with connect(db_url) as conn:
        conn.execute_script(script(source, provider))
        conn.execute(f"INSERT INTO {dialect.quote('Path')} (id) VALUES (1)")
        assert conn.query(f"SELECT dir, kind FROM {dialect.quote('Path')}") == [(BACKSLASHES, "a\\b")]
        assert remaining(conn, provider, source) == []


def test_sqlite_json_defaults_are_string_literals(sqlite_url: str) -> None:
    """Prisma writes SQLite JSON defaults bare: an object is a syntax error, an array is read as a
    [bracketed identifier] (``[1, 2]`` stored as ``1, 2``), and a JSON string ending in ``\\"``
    closes the statement early (the rest of the document ran as SQL)."""
    crafted = '"a\\"); DROP TABLE Victim; --"'
    obj = '{"k": [1, "it\'s"]}'
    source = header("sqlite") + VICTIM + (
        f"model Doc {{\n  id Int @id\n  obj Json @default({psl_string(obj)})\n"
        f"  arr Json @default({psl_string('[1, 2]')})\n  str Json @default({psl_string(crafted)})\n}}\n"
    )
    rendered = script(source, "sqlite")
    assert """DEFAULT '{"k": [1, "it''s"]}'""" in rendered and "DEFAULT '[1, 2]'" in rendered
    with connect(sqlite_url) as conn:
        with conn.ddl_transaction():
            conn.execute_script(rendered)
        conn.execute('INSERT INTO "Doc" (id) VALUES (1)')
        assert conn.query('SELECT obj, arr, str FROM "Doc"') == [(obj, "[1, 2]", crafted)]
        assert conn.query("SELECT name FROM sqlite_master WHERE name = 'Victim'") == [("Victim",)]
        assert remaining(conn, "sqlite", source) == []


# ------------------------------------------------------------------ names the database cannot hold


def _errors(source: str, warnings: bool = False) -> list[tuple[str, str]]:
    """(message, the source text the diagnostic points at) of each error (or warning)."""
    return [(d.message, source[d.span.start : d.span.end]) for d in validate(source) if d.is_error != warnings]


def test_mysql_rejects_names_longer_than_64_characters() -> None:
    long = "t" * 65
    source = header("mysql") + (
        f'model A {{\n  id Int @id\n  b  Int @map("{"c" * 65}")\n  @@map("{long}")\n}}\n\n'
        f"model {'M' * 65} {{\n  id Int @id\n  {'f' * 65} Int\n}}\n\n"
        f'model Ok {{\n  id Int @id\n  x  Int @map("{"é" * 64}")\n  @@map("{"u" * 64}")\n}}\n'
    )
    errors = _errors(source)
    assert [at for _, at in errors] == [f'"{long}"', f'"{"c" * 65}"', "M" * 65, "f" * 65]
    message = errors[0][0]
    assert f"The database name `{long}` of the model \"A\" is too long: it is 65 characters long" in message
    assert "MySQL and MariaDB refuse names of more than 64" in message
    assert 'of the field "A.b"' in errors[1][0]


def test_postgres_warns_of_names_longer_than_63_bytes_and_rejects_long_enum_values() -> None:
    """PostgreSQL cuts a long identifier silently (a warning: Prisma accepts the schema, and it
    would drift on every run); an enum value longer than 63 bytes it refuses (an error)."""
    source = header("postgresql") + (
        f'enum E {{\n  A @map("{"v" * 64}")\n  B\n  @@map("{"e" * 64}")\n}}\n\n'
        f'model A {{\n  id Int @id\n  e  E\n  x  Int @map("{"é" * 32}")\n  y  Int @map("{"b" * 63}")\n}}\n\n'
        f'model B {{\n  id Int @id\n  c  C[] @relation("{"r" * 63}")\n}}\n\n'
        f'model C {{\n  id Int @id\n  b  B[] @relation("{"r" * 63}")\n}}\n'
    )
    errors = _errors(source)
    assert [at for _, at in errors] == [f'"{"v" * 64}"']
    warnings = _errors(source, warnings=True)
    assert [at for _, at in warnings] == [f'"{"é" * 32}"', f'"{"e" * 64}"', f'"{"r" * 63}"']
    assert "it is 64 bytes long, and PostgreSQL holds names of at most 63 bytes" in warnings[0][0]
    assert "cut short" in warnings[0][0]
    assert "join table" in warnings[2][0] and f"`_{'r' * 63}`" in warnings[2][0]


def test_sqlite_has_no_length_limit() -> None:
    source = header("sqlite") + f'model A {{\n  id Int @id\n  x Int @map("{"c" * 300}")\n  @@map("{"t" * 300}")\n}}\n'
    assert _errors(source) == []


def test_constraint_names_keep_prismas_own_error() -> None:
    """A too-long ``map:`` of an index is Prisma's error (constraint_names), reported once."""
    source = header("postgresql") + f'model A {{\n  id Int @id\n  x Int\n  @@index([x], map: "{"i" * 64}")\n}}\n'
    errors = _errors(source)
    assert len(errors) == 1 and "is too long for your chosen provider" in errors[0][0]


def test_validate_command_reports_p1012_at_the_map_argument(
    tmp_path: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/db")
    schema = tmp_path / "schema.prisma"
    schema.write_text(header("mysql") + f'model A {{\n  id Int @id\n  @@map("{"t" * 70}")\n}}\n')
    r = run_cli("validate", "--schema", str(schema))
    assert r.exit_code == 1
    assert "Error code: P1012" in r.err and "schema.prisma:8" in r.err and "is 70 characters long" in r.err


# ------------------------------------------------------------------ property: names and defaults round-trip

#: characters that need escaping somewhere, and some that must pass through untouched
_SPECIAL = "\"`'\\%\n\t é日ßz"
_TEXT = hst.text(alphabet=_SPECIAL + "ab", max_size=12)


@hst.composite
def weird_schemas(draw: hst.DrawFn, provider: str) -> str:
    def name(prefix: str) -> str:
        # a distinct prefix (MySQL and SQLite compare names without case) and a letter at the end
        # (MySQL refuses names ending in a space); short enough for 63 bytes with 3-byte characters
        return prefix + draw(_TEXT) + "z"

    enum_values = [name(f"v{i}") for i in range(draw(hst.integers(1, 3)))]
    lines = [f"enum E0 {{"]
    lines += [f"  V{i} @map({psl_string(v)})" for i, v in enumerate(enum_values)]
    lines += [f"  @@map({psl_string(name('e0'))})", "}", ""]
    tables = draw(hst.integers(1, 2))
    for t in range(tables):
        lines.append(f"model M{t} {{")
        lines.append(f"  id Int @id @map({psl_string(name(f'i{t}'))})")
        for c in range(draw(hst.integers(1, 3))):
            unique = " @unique" if draw(hst.booleans()) else ""
            default = psl_string(draw(_TEXT))
            lines.append(f"  s{c} String @map({psl_string(name(f'c{c}'))}) @default({default}){unique}")
        lines.append(f"  k E0 @default(V{draw(hst.integers(0, len(enum_values) - 1))})")
        if t == 1:
            lines.append(f"  ref Int @map({psl_string(name('r'))})")
            lines.append("  parent M0 @relation(fields: [ref], references: [id])")
        if t == 0 and tables == 2:
            lines.append("  children M1[]")
        lines += [f"  @@map({psl_string(name(f't{t}'))})", "}", ""]
    return header(provider) + "\n".join(lines)


def round_trip(conn: Connector, provider: str, source: str) -> None:
    errors = [d.message for d in validate(source) if d.is_error]
    assert not errors, errors
    conn.reset()
    conn.execute_script(script(source, provider))
    steps = remaining(conn, provider, source)
    assert steps == [], get_dialect(provider).render_script(steps)


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=examples < 50,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        phases=[Phase.explicit, Phase.generate],  # no shrinking: each example is a live round trip
    )


def _property(request: pytest.FixtureRequest, provider: str, examples: int) -> None:
    conn = request.getfixturevalue(f"{provider}_db")

    @_settings(examples)
    @given(source=weird_schemas(provider))
    def run(source: str) -> None:
        round_trip(conn, provider, source)

    run()


@pytest.mark.parametrize("provider", PROVIDER_PARAMS)
def test_names_and_defaults_round_trip(provider: str, request: pytest.FixtureRequest) -> None:
    _property(request, provider, 15)


@pytest.mark.slow
@pytest.mark.parametrize("provider", PROVIDER_PARAMS)
def test_names_and_defaults_round_trip_exhaustive(provider: str, request: pytest.FixtureRequest) -> None:
    _property(request, provider, 300)


def test_mysql_sessions_read_backslashes_as_the_scripts_write_them(mysql_url: str) -> None:
    """The MySQL scripts escape backslashes; every connection clears NO_BACKSLASH_ESCAPES from its
    session (a server configured with it would otherwise store each backslash twice)."""
    from schemashift.connectors import connect
    from schemashift.connectors.mysql import SESSION_SQL_MODE

    with connect(mysql_url) as conn:
        assert "NO_BACKSLASH_ESCAPES" not in str(conn.query("SELECT @@SESSION.sql_mode")[0][0])
        conn.execute("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')")
        assert conn.query("SELECT LENGTH('a\\\\b')")[0][0] == 4  # read literally: two backslashes
        conn.execute(SESSION_SQL_MODE)  # what each new connection runs first
        assert "NO_BACKSLASH_ESCAPES" not in str(conn.query("SELECT @@SESSION.sql_mode")[0][0])
        assert conn.query("SELECT LENGTH('a\\\\b')")[0][0] == 3
