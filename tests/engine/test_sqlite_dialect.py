"""The SQLite dialect against Prisma 6.19.

Snapshots: every ``fixtures/sqlite/<case>`` (``from.prisma`` or the empty database ->
``to.prisma``) must render byte for byte the ``expected.sql`` the oracle wrote once
(``scripts/sqlite_oracle_snapshots.py``).

Convergence: on a real SQLite file, apply our script for empty -> from, insert two rows into
every table (the second with NULL in the nullable columns), apply our script for from -> to; the
rows of the tables both schemas have must survive, no foreign key may dangle, and describing the
database must give a schema the differ finds nothing to do against ``to`` (the comparison of
``test_convergence``). ``NO_ROWS`` cases (Prisma's own script cannot migrate rows) converge on
empty tables and must still fail with rows; ``NOT_RUNNABLE`` cases (SQLite rejects Prisma's script)
must still be rejected.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from schemashift.connectors import Connector, connect
from schemashift.connectors.errors import DatabaseError
from schemashift.connectors.describe import describe
from schemashift.dialects import get_dialect
from schemashift.diff import steps as st
from schemashift.diff.differ import diff
from schemashift.migrations.engine import diff_schemas, plan
from schemashift.lower import lower_schema, parse_checked
from schemashift.model import Family, Schema, Table

FIXTURES = Path(__file__).parent / "fixtures" / "sqlite"
CASES = sorted(p for p in FIXTURES.iterdir() if (p / "to.prisma").is_file())
IDS = [p.name for p in CASES]

#: snapshot cases we render differently from Prisma, and why (strict: they must still differ)
KNOWN_MISSES: dict[str, str] = {
    "json_object_default": "Prisma writes JSON defaults bare (objects are a syntax error, arrays are read as [identifiers]); we write a string literal (test_escaping)",
    "bytes_json_datetime_defaults_change": "Prisma writes JSON defaults bare (objects are a syntax error, arrays are read as [identifiers]); we write a string literal (test_escaping)",
    "create_all_scalars": "Prisma writes JSON defaults bare (objects are a syntax error, arrays are read as [identifiers]); we write a string literal (test_escaping)",
}

#: cases whose ``from -> to`` migration Prisma itself cannot run cleanly on tables holding rows
#: (it warns, or SQLite refuses): their convergence runs on empty tables
NO_ROWS: dict[str, str] = {
    "add_optional_column_nonconstant_default": "SQLite refuses ADD COLUMN with a non-constant default on rows",
    "rename_referenced_table": "a renamed table is dropped and created: the children's rows point at nothing",
    "add_required_column_without_default": "a required column without default cannot be filled",
    "add_updated_at": "a required column without default cannot be filled",
    "make_required_without_default": "the NULLs of the column violate NOT NULL",
    "m2m_side_table_rebuilt": "a required column without default cannot be filled",
    "rename_column_map": "the renamed column is a new required column without default",
}

#: cases whose Prisma script SQLite itself rejects: snapshot only, no convergence
NOT_RUNNABLE: dict[str, str] = {}


def _read(case: Path, name: str) -> str | None:
    path = case / name
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _lowered(source: str) -> Schema:
    return lower_schema(parse_checked([("schema.prisma", source)]), "sqlite")


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 40
    assert all((p / "expected.sql").is_file() for p in CASES)


# ------------------------------------------------------------------ snapshots


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_snapshot(case: Path) -> None:
    got = diff_schemas(_read(case, "from.prisma"), _read(case, "to.prisma") or "", "sqlite")
    expected = _read(case, "expected.sql")
    if case.name in KNOWN_MISSES:
        assert got != expected, f"{case.name} now matches Prisma: remove it from KNOWN_MISSES"
        return
    assert got == expected


def test_known_misses_are_cases() -> None:
    assert set(KNOWN_MISSES) <= set(IDS)
    assert set(NO_ROWS) <= set(IDS)
    assert set(NOT_RUNNABLE) <= set(IDS)


# ------------------------------------------------------------------ convergence


def _sample(family: Family, k: int) -> object:
    """Row ``k``'s value for a column: the same for every column of a family, so foreign keys
    find the row they point at."""
    if family in (Family.INT, Family.BIGINT):
        return k
    if family in (Family.FLOAT, Family.DECIMAL):
        return k + 0.5
    if family is Family.BOOLEAN:
        return k % 2
    if family is Family.DATETIME:
        return f"2020-01-0{k} 00:00:00"
    if family is Family.BINARY:
        return bytes([k])
    if family is Family.JSON:
        return f'{{"k": {k}}}'
    return str(k)


def _insert_rows(conn: Connector, schema: Schema, rows: int = 2) -> None:
    """``rows`` rows in every table; the even ones leave the nullable columns NULL."""
    conn.execute("PRAGMA foreign_keys=OFF")
    for table in schema.tables:
        names = ", ".join(f'"{c.name}"' for c in table.columns)
        marks = ", ".join("?" for _ in table.columns)
        for k in range(1, rows + 1):
            conn.execute(
                f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
                [None if c.nullable and k % 2 == 0 else _sample(c.type.family, k) for c in table.columns],
            )
    conn.execute("PRAGMA foreign_keys=ON")


def _count(conn: Connector, table: Table) -> int:
    row = conn.query_one(f'SELECT COUNT(*) FROM "{table.name}"')
    assert row is not None
    return int(row[0])


def _remaining_steps(conn: Connector, target: Schema) -> str:
    """As ``test_convergence``: the script of the differ from the described database to ``target``."""
    dialect = get_dialect("sqlite")
    steps = diff(describe(conn), target, dialect)
    return dialect.render_script(steps) if steps else ""


def _migrate(url: str, case: Path, rows: bool) -> list[str]:
    """Apply empty -> from (then rows, if asked) -> to; the problems left, empty when converged."""
    from_src, to_src = _read(case, "from.prisma"), _read(case, "to.prisma") or ""
    target = _lowered(to_src)
    problems: list[str] = []
    with connect(url) as conn:
        kept: list[Table] = []
        if from_src is not None:
            conn.execute_script(diff_schemas(None, from_src, "sqlite"))
            if rows:
                source = _lowered(from_src)
                _insert_rows(conn, source)
                kept = [t for t in source.tables if target.table(t.name) is not None]
        try:
            conn.execute_script(diff_schemas(from_src, to_src, "sqlite"))
        except DatabaseError as exc:
            return [f"the migration failed: {exc}"]
        remaining = _remaining_steps(conn, target)
        if remaining:
            problems.append(f"not converged:\n{remaining}")
        lost = {t.name: n for t in kept if (n := _count(conn, t)) != 2}
        if lost:
            problems.append(f"rows lost: {lost}")
        violations = conn.query("PRAGMA foreign_key_check")
        if violations:
            problems.append(f"foreign key violations: {violations}")
        if conn.query_one("PRAGMA foreign_keys") != (1,):
            problems.append("foreign keys left off")
    return problems


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_converges(case: Path, sqlite_url: str, tmp_path: Path) -> None:
    if case.name in NOT_RUNNABLE:  # the reason must still hold: SQLite refuses the script
        assert _migrate(sqlite_url, case, rows=False)[0].startswith("the migration failed")
        return
    with_rows = case.name not in NO_ROWS and (case / "from.prisma").is_file()
    assert _migrate(sqlite_url, case, rows=with_rows) == []
    if case.name in NO_ROWS:  # the reason must still hold: with rows, something goes wrong
        assert _migrate(f"file:{tmp_path}/with_rows.db", case, rows=True) != []


# ------------------------------------------------------------------ dialect rules


def _plan(from_src: str | None, to_src: str) -> list[st.Step]:
    head = 'datasource db {\n  provider = "sqlite"\n  url = "file:dev.db"\n}\n'
    steps, _ = plan(None if from_src is None else head + from_src, head + to_src, "sqlite")
    return steps


def test_nullable_column_is_added_in_place_and_required_one_rebuilds() -> None:
    base = "model T {\n  id Int @id\n}\n"
    (alter,) = _plan(base, "model T {\n  id Int @id\n  x String?\n}\n")
    assert isinstance(alter, st.AlterTable)
    (rebuild,) = _plan(base, 'model T {\n  id Int @id\n  x String @default("a")\n}\n')
    assert isinstance(rebuild, st.RedefineTables)
    assert [c.name for c in rebuild.tables[0].added_columns] == ["x"]


def test_enum_values_are_no_change() -> None:
    a = "enum E {\n  A\n}\nmodel T {\n  id Int @id\n  e E\n}\n"
    assert _plan(a, a.replace("  A\n", "  A\n  B\n")) == []


def test_type_change_kinds() -> None:
    dialect = get_dialect("sqlite")
    schema = _lowered(
        'datasource db {\n  provider = "sqlite"\n  url = "file:dev.db"\n}\n'
        "model T {\n  id Int @id\n  a Int\n  b String\n  c Float\n  d Int\n}\n"
    )
    t = schema.tables[0]
    a, b, c, d = (t.column(n) for n in "abcd")
    assert a is not None and b is not None and c is not None and d is not None
    assert dialect.column_type_change(a, d) is None
    assert dialect.column_type_change(a, b) is st.TypeChange.SAFE_CAST
    assert dialect.column_type_change(b, c) is st.TypeChange.RISKY_CAST


def test_rebuilt_table_script_runs_with_foreign_keys_enforced(tmp_path: Path) -> None:
    """The rebuild of a referenced table keeps the children's rows and their references."""
    head = 'datasource db {\n  provider = "sqlite"\n  url = "file:dev.db"\n}\n'
    a = head + (
        "model P {\n  id Int @id\n  c C[]\n}\n"
        "model C {\n  id Int @id\n  pId Int\n  p P @relation(fields: [pId], references: [id], onDelete: Cascade)\n}\n"
    )
    b = a.replace("  id Int @id\n  c C[]", "  id Int @id\n  name String @default(\"p\")\n  c C[]")
    db = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    db.execute("PRAGMA foreign_keys=ON")
    db.executescript(diff_schemas(None, a, "sqlite"))
    db.executescript('INSERT INTO "P" VALUES (1); INSERT INTO "C" VALUES (1, 1);')
    db.executescript(diff_schemas(a, b, "sqlite"))
    assert db.execute('SELECT "id", "name" FROM "P"').fetchall() == [(1, "p")]
    db.execute('DELETE FROM "P"')  # the cascade still points at the rebuilt table
    assert db.execute('SELECT COUNT(*) FROM "C"').fetchone() == (0,)
    db.close()


_PARENT_CHILD = (
    'datasource db {\n  provider = "sqlite"\n  url = "file:dev.db"\n}\n'
    "model P {\n  id Int @id\n  c C[]\n  r R[]\n}\n"
    "model C {\n  id Int @id\n  pId Int\n  p P @relation(fields: [pId], references: [id], onDelete: Cascade)\n}\n"
    "model R {\n  id Int @id\n  pId Int\n  p P @relation(fields: [pId], references: [id])\n}\n"
)


def test_deploying_a_parent_rebuild_keeps_the_children(tmp_path: Path, sqlite_url: str) -> None:
    from schemashift.migrations.apply import apply_migrations
    from schemashift.migrations.folder import create_migration

    b = _PARENT_CHILD.replace("  id Int @id\n  c C[]", '  id Int @id\n  name String @default("p")\n  c C[]')
    with connect(sqlite_url) as conn:
        first = create_migration(tmp_path, "init", diff_schemas(None, _PARENT_CHILD, "sqlite"))
        apply_migrations(conn, [first])
        conn.execute_script('INSERT INTO "P" VALUES (1); INSERT INTO "C" VALUES (1, 1); INSERT INTO "R" VALUES (1, 1);')
        second = create_migration(tmp_path, "rebuild", diff_schemas(_PARENT_CHILD, b, "sqlite"))
        apply_migrations(conn, [first, second])
        assert conn.query('SELECT "id", "name" FROM "P"') == [(1, "p")]
        assert conn.query('SELECT COUNT(*) FROM "C"') == [(1,)]


def test_applying_a_parent_rebuild_script_keeps_the_children(sqlite_url: str) -> None:
    """``db push`` / ``db execute`` (``apply_script``): the script's rebuild keeps the children's
    rows although it runs in a transaction (``ddl_transaction`` turns foreign keys off first)."""
    from schemashift.migrations.engine import apply_script

    b = _PARENT_CHILD.replace("  id Int @id\n  c C[]", '  id Int @id\n  name String @default("p")\n  c C[]')
    with connect(sqlite_url) as conn:
        apply_script(conn, diff_schemas(None, _PARENT_CHILD, "sqlite"))
        conn.execute_script('INSERT INTO "P" VALUES (1); INSERT INTO "C" VALUES (1, 1); INSERT INTO "R" VALUES (1, 1);')
        apply_script(conn, diff_schemas(_PARENT_CHILD, b, "sqlite"))
        assert conn.query('SELECT "id", "name" FROM "P"') == [(1, "p")]
        assert conn.query('SELECT COUNT(*) FROM "C"') == [(1,)]
        assert conn.query('SELECT COUNT(*) FROM "R"') == [(1,)]
        assert conn.query_one("PRAGMA foreign_keys") == (1,)
