"""Prisma 7's partial indexes (preview feature ``partialIndexes``): ``where: raw("...")`` and
``where: { field: value }`` on ``@unique``, ``@@unique`` and ``@@index``.

Validation, the SQL from the empty database and between two schemas, and ``prisma format`` are
compared byte for byte with the real Prisma 7.10 CLI (../shared/oracle/prisma7) where it runs
(PostgreSQL, SQLite; validation also for MySQL); the databases (PostgreSQL, SQLite) are migrated
for real and re-diffed, which needs the describers to read each predicate back. MySQL/MariaDB
has no partial indexes: the schema is refused there, as Prisma 7 refuses it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import dbutil
import pytest

from schemashift.connectors import connect
from schemashift.dialects import get_dialect

ORACLE = Path(__file__).resolve().parents[3] / "shared" / "oracle" / "prisma7"
needs_prisma7 = pytest.mark.skipif(
    not ORACLE.exists() or shutil.which("node") is None, reason="needs node and ../shared/oracle/prisma7"
)

HEAD = 'generator client {{\n  provider        = "prisma-client-js"\n  previewFeatures = [{features}]\n}}\n\ndatasource db {{\n  provider = "{provider}"\n}}\n\n'

MODEL = """\
enum Role {
  A
  B
}

model User {
  id        Int       @id
  email     String    @unique(where: raw("status = 'active'"))
  status    String
  role      Role
  deletedAt DateTime?
  n         Int
  f         Float
  b         Boolean
  name      String    @map("full_name")

  @@index([status], where: { deletedAt: null, b: true, n: 3, f: 1.5, role: "A" })
  @@index([n], where: { deletedAt: { not: null }, name: { not: "it's" } })
  @@unique([email, status], map: "User_pair_key", where: { b: false })
}
"""
SQLITE_MODEL = MODEL.replace("enum Role {\n  A\n  B\n}\n\n", "").replace("  role      Role\n", "").replace(', role: "A"', "")


def schema(provider: str, model: str | None = None, features: str = '"partialIndexes"') -> str:
    body = model if model is not None else (SQLITE_MODEL if provider == "sqlite" else MODEL)
    return HEAD.format(features=features, provider=provider) + body


def prisma7(cwd: Path, *args: str, db_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"DATABASE_URL": db_url} if db_url else {})}
    return subprocess.run([str(ORACLE), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def prisma7_script(p: subprocess.CompletedProcess[str]) -> str:
    """The CLI's script without its two extra trailing newlines (schemashift writes the
    ``CREATE SCHEMA "public"`` Prisma 7 puts first in a PostgreSQL script from the empty database)."""
    assert p.returncode == 0, p.stderr
    return p.stdout.rstrip("\n") + "\n"


def validation_block(text: str, name: str) -> str:
    """The diagnostics of ``validate`` (from ``Error code`` to the count), file name neutral."""
    text = text.replace(" - (validate wasm)", "").replace(name, "schema.prisma")
    m = re.search(r"Error code: P1012\n.*?Validation Error Count: \d+", text, re.S)
    return "\n".join(line.rstrip() for line in (m.group() if m else "").splitlines())


# ---------------------------------------------------------------- validation

INVALID = {
    "no_preview_feature": ("postgresql", "", '  id Int @id\n  s String\n  @@index([s], where: raw("s = \'a\'"))\n'),
    "mysql": ("mysql", '"partialIndexes"', '  id Int @id\n  s String @unique(where: raw("s = 1"))\n'),
    "forms": (
        "postgresql",
        '"partialIndexes"',
        '  id Int @id\n  s String @unique(where: 3)\n  t String\n  d DateTime?\n'
        '  @@index([t], where: raw(3))\n  @@index([d], where: raw(""))\n  @@index([id], where: foo("x"))\n'
        "  @@index([id, t], where: {})\n  @@unique([t], where: 3)\n",
    ),
    "objects": (
        "postgresql",
        '"partialIndexes"',
        "  id Int @id\n  s String\n  i Int\n  b Boolean\n  d DateTime\n  j Json\n  r Role\n"
        "  @@index([s], where: { nope: null })\n  @@index([i], where: { s: 3 })\n  @@index([b], where: { i: \"x\" })\n"
        "  @@index([d], where: { b: 1 })\n  @@index([j], where: { d: true })\n  @@index([r], where: { j: \"x\" })\n"
        "  @@index([s, i], where: { r: 1 })\n  @@index([s, b], where: { s: { gt: 3 } })\n"
        "  @@index([s, d], where: { s: { not: null, x: 1 } })\n  @@index([s, j], where: { s: A })\n"
        '  @@unique([i, b], where: { b: "x" })\n',
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_where_errors(tmp_path: Path, case: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each wrong ``where:`` is refused with prisma7 validate's message (checked below)."""
    provider, features, body = INVALID[case]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schema.prisma").write_text(schema(provider, "enum Role {\n  A\n}\n\nmodel M {\n" + body + "}\n", features))
    r = run_cli("validate", "--schema", "schema.prisma")
    assert r.exit_code == 1 and "Traceback" not in r.err
    assert "Error parsing attribute" in r.err
    if ORACLE.exists() and shutil.which("node"):
        p = prisma7(tmp_path, "validate", "schema.prisma")
        assert p.returncode == 1
        assert validation_block(r.err, "schema.prisma") == validation_block(p.stdout + p.stderr, "schema.prisma")


@needs_prisma7
@pytest.mark.parametrize("provider", ["postgresql", "sqlite"])
@pytest.mark.parametrize("features", ['"partialIndexes"', '"bogus"', '"metrics", "typedSql"'])
def test_preview_features_of_prisma7(tmp_path: Path, provider: str, features: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Prisma 7.10's list of preview features (partialIndexes and typedSql in, metrics out) for a
    schema without url; the same result and message as prisma7 validate."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schema.prisma").write_text(schema(provider, "model M {\n  id Int @id\n}\n", features))
    r = run_cli("validate", "--schema", "schema.prisma")
    p = prisma7(tmp_path, "validate", "schema.prisma")
    assert (r.exit_code == 0) == (p.returncode == 0), r.err + p.stdout + p.stderr
    if p.returncode:
        assert validation_block(r.err, "schema.prisma") == validation_block(p.stdout + p.stderr, "schema.prisma")


def test_preview_feature_is_unknown_to_prisma6_schemas(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A schema with ``url`` keeps Prisma 6.19's rules, which have no partialIndexes and no `where:`."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/d")
    text = schema("postgresql").replace('provider = "postgresql"\n', 'provider = "postgresql"\n  url      = env("DATABASE_URL")\n')
    (tmp_path / "schema.prisma").write_text(text)
    r = run_cli("validate", "--schema", "schema.prisma")
    assert r.exit_code == 1
    assert 'The preview feature "partialIndexes" is not known. Expected one of: fullTextSearchPostgres, metrics,' in r.err
    assert r.err.count("error: No such argument.") == 4  # Prisma 6.19 has no `where:` (its corpus' wording)


# ---------------------------------------------------------------- SQL, offline


@pytest.mark.parametrize("provider", ["postgresql", "sqlite"])
def test_sql_from_empty(tmp_path: Path, provider: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schema.prisma").write_text(schema(provider))
    r = run_cli("migrate", "diff", "--from-empty", "--to-schema", "schema.prisma", "--script")
    assert r.exit_code == 0, r.err
    if provider == "postgresql":
        assert """CREATE UNIQUE INDEX "User_email_key" ON "User"("email") WHERE (status = 'active');""" in r.out
        assert """WHERE ("deletedAt" IS NOT NULL AND "full_name" != 'it''s');""" in r.out
    else:
        assert """CREATE UNIQUE INDEX "User_pair_key" ON "User"("email", "status") WHERE "b" = false;""" in r.out
    if ORACLE.exists() and shutil.which("node"):
        assert r.out == prisma7_script(prisma7(tmp_path, "sql", "schema.prisma"))


CHANGES = {
    "predicate_changed": ("status = 'active'", "status = 'inactive'"),
    "object_changed": ("n: 3", "n: 4"),
    "predicate_removed": ('@unique(where: raw("status = \'active\'"))', "@unique"),
    "object_to_raw": ("where: { b: false }", 'where: raw("b")'),
    "object_reordered": ("b: true, n: 3", "n: 3, b: true"),
    "unchanged_but_spacing": ("status = 'active'", "status  =  'active'"),
    "table_rebuilt": ("  f         Float", "  f         Int"),  # SQLite: RedefineTables keeps the predicates
}


@pytest.mark.parametrize("provider", ["postgresql", "sqlite"])
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_sql_between_schemas(tmp_path: Path, provider: str, change: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A changed predicate drops and creates the index (as Prisma 7); added, removed, rewritten."""
    monkeypatch.chdir(tmp_path)
    old, new = CHANGES[change]
    (tmp_path / "a.prisma").write_text(schema(provider))
    (tmp_path / "b.prisma").write_text(schema(provider).replace(old, new))
    assert (tmp_path / "a.prisma").read_text() != (tmp_path / "b.prisma").read_text()
    r = run_cli("migrate", "diff", "--from-schema-datamodel", "a.prisma", "--to-schema-datamodel", "b.prisma", "--script")
    assert r.exit_code == 0, r.err
    if change == "unchanged_but_spacing" and provider == "postgresql":  # the same once parsed
        assert r.out == "-- This is an empty migration.\n"
    elif change == "table_rebuilt":
        assert "WHERE" in r.out if provider == "sqlite" else "ALTER COLUMN" in r.out
    else:  # SQLite keeps the text as written, and Prisma 7 compares it as text
        assert "DROP INDEX" in r.out and "CREATE" in r.out
    if ORACLE.exists() and shutil.which("node"):
        assert r.out == prisma7_script(prisma7(tmp_path, "diff", "a.prisma", "b.prisma"))
    r = run_cli("migrate", "diff", "--from-schema-datamodel", "b.prisma", "--to-schema-datamodel", "b.prisma", "--exit-code")
    assert r.exit_code == 0


def test_postgres_predicates_compare_as_parsed() -> None:
    """The schema's predicate as written against PostgreSQL's pg_get_expr print of it."""
    d = get_dialect("postgresql")
    assert d.predicates_match("status = 'active'", "(status = 'active'::text)")
    assert d.predicates_match('"deletedAt" IS NULL AND "e" != \'y\'', '(("deletedAt" IS NULL) AND (e <> \'y\'::text))')
    assert d.predicates_match('"n" = 3', "(n = 3)")
    assert not d.predicates_match("status = 'active'", "(status = 'inactive'::text)")
    assert not d.predicates_match("a AND b", "a OR b")
    assert not d.predicates_match("a", None) and d.predicates_match(None, None)
    assert d.predicates_match("a = (", "a = (") and not d.predicates_match("a = (", "a  =  (")  # unparseable: as text


@needs_prisma7
@pytest.mark.parametrize("provider", ["postgresql", "sqlite"])
def test_format_lays_out_where_objects(tmp_path: Path, provider: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = schema(provider).replace("where: { deletedAt: null, b: true", "where:{deletedAt:null,b:true").replace(
        "where: { b: false }", "where:  {b :false}"
    )
    (tmp_path / "ours.prisma").write_text(text)
    (tmp_path / "theirs.prisma").write_text(text)
    assert run_cli("format", "--schema", "ours.prisma").exit_code == 0
    assert prisma7(tmp_path, "format", "theirs.prisma").returncode == 0
    assert (tmp_path / "ours.prisma").read_text() == (tmp_path / "theirs.prisma").read_text()


# ---------------------------------------------------------------- on a database


@pytest.mark.parametrize("provider", ["postgresql", "sqlite"], indirect=True)
def test_migrate_reads_predicates_back(tmp_path: Path, provider: str, db_url: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with dbutil.second_database(provider, tmp_path) as shadow:
        _migrate_reads_predicates_back(tmp_path, provider, db_url, shadow if provider == "postgresql" else None, run_cli, monkeypatch)


def _migrate_reads_predicates_back(
    tmp_path: Path, provider: str, db_url: str, shadow_url: str | None, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """migrate dev creates the partial indexes, a re-diff finds no drift (the describer reads each
    predicate back), a changed predicate is migrated as Prisma 7's ``migrate diff
    --from-migrations`` says, and the database then has the new predicate."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    (tmp_path / "prisma").mkdir()
    path = tmp_path / "prisma" / "schema.prisma"
    path.write_text(schema(provider))
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err
    with connect(db_url) as conn:
        if provider == "postgresql":
            rows = conn.query("SELECT indexname FROM pg_indexes WHERE tablename = 'User' AND indexdef LIKE '%WHERE%'")
        else:
            rows = conn.query("SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '%WHERE%'")
    assert sorted(r[0] for r in rows) == ["User_email_key", "User_n_idx", "User_pair_key", "User_status_idx"]
    shadow = ("--shadow-database-url", shadow_url) if shadow_url else ()
    for args in (
        ("migrate", "diff", "--from-url", db_url, "--to-schema", "prisma/schema.prisma", "--exit-code"),
        ("migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema", "prisma/schema.prisma", "--exit-code", *shadow),
    ):
        r = run_cli(*args)
        assert r.exit_code == 0 and "No difference detected." in r.out, r.out + r.err
    r = run_cli("migrate", "dev", "--name", "same")
    assert r.exit_code == 0 and "Already in sync" in r.out, r.out + r.err

    path.write_text(schema(provider).replace("status = 'active'", "status = 'gone'").replace("b: true, n: 3", "b: true, n: 4"))
    # Prisma 7.10 cannot describe these SQLite indexes ("Error accessing result set, column not
    # found: "User_pair_key""), so its database-side answers are compared on PostgreSQL only
    if provider == "postgresql" and ORACLE.exists() and shutil.which("node"):
        expected = prisma7_script(
            prisma7(
                tmp_path, "prisma", str(path), "migrate", "diff", "--from-migrations", "prisma/migrations",
                "--to-schema", str(path), "--script", db_url=db_url,
            )
        )
        r = run_cli("migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema", "prisma/schema.prisma", "--script", *shadow)
        assert r.out == expected
    r = run_cli("migrate", "dev", "--name", "change")
    assert r.exit_code == 0, r.err
    created = next((tmp_path / "prisma" / "migrations").glob("*_change")) / "migration.sql"
    sql = created.read_text()
    assert 'DROP INDEX "User_email_key"' in sql and "status = 'gone'" in sql and '"n" = 4' in sql
    r = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema", "prisma/schema.prisma", "--exit-code")
    assert r.exit_code == 0, r.out
    r = run_cli("migrate", "status")
    assert r.exit_code == 0 and "Database schema is up to date!" in r.out
    with connect(db_url) as conn:
        if provider == "postgresql":
            (definition,) = conn.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'User_email_key'")[0]
        else:
            (definition,) = conn.query("SELECT sql FROM sqlite_master WHERE name = 'User_email_key'")[0]
    assert "'gone'" in definition
    if provider == "postgresql" and ORACLE.exists() and shutil.which("node"):  # Prisma 7 sees no drift either
        p = prisma7(tmp_path, "diff-db", str(path), db_url=db_url)
        assert p.returncode == 0 and p.stdout.strip() == "-- This is an empty migration.", p.stdout + p.stderr


@pytest.mark.parametrize("provider", ["postgresql", "sqlite"], indirect=True)
def test_hand_made_partial_index(tmp_path: Path, provider: str, db_url: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without partialIndexes a hand-made partial index is kept (Prisma 6 and 7 alike); with it,
    the schema manages partial indexes, so one the schema lacks is dropped (Prisma 7.10)."""
    monkeypatch.chdir(tmp_path)
    model = "model User {\n  id Int @id\n  n  Int\n}\n"
    (tmp_path / "plain.prisma").write_text(schema(provider, model, features=""))
    (tmp_path / "partial.prisma").write_text(schema(provider, model))
    with connect(db_url) as conn:
        conn.execute('CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "n" INTEGER NOT NULL)')
        conn.execute('CREATE INDEX "manual_idx" ON "User"("n") WHERE "n" > 5')
    r = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema", "plain.prisma", "--exit-code")
    assert r.exit_code == 0, r.out
    r = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema", "partial.prisma", "--script")
    assert r.exit_code == 0 and r.out == '-- DropIndex\nDROP INDEX "manual_idx";\n', r.out
    if provider == "postgresql" and ORACLE.exists() and shutil.which("node"):
        for name, expected in (("plain.prisma", "-- This is an empty migration.\n"), ("partial.prisma", r.out)):
            p = prisma7(tmp_path, "diff-db", name, db_url=db_url)
            assert prisma7_script(p).lstrip("\n") == expected


def test_mysql_refuses_where(tmp_path: Path, mysql_url: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", mysql_url)
    (tmp_path / "schema.prisma").write_text(schema("mysql", "model User {\n  id Int @id\n  n  Int @unique(where: raw(\"n > 1\"))\n}\n"))
    r = run_cli("db", "push")
    assert r.exit_code == 1 and "Traceback" not in r.err
    assert "Partial indexes (with a `where` clause) are not supported by the current connector." in r.err
