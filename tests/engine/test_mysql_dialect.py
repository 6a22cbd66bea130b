"""The MySQL / MariaDB dialect: snapshots of Prisma's MySQL migration scripts, and live convergence.

Fixtures: ``fixtures/mysql/<case>/`` with ``to.prisma``, optionally ``from.prisma`` (the empty
database otherwise), ``expected.sql`` and ``source.txt`` (the upstream prisma-engines test the
expected SQL comes from, or ``hand-written``). Optional marker files:

* ``from_database.txt``: the upstream expectation diffs a *described* database (the migrations'
  shadow database) against the schema; ``expected.sql`` is checked against that in the live test;
* ``skip_live.txt``: why the case cannot run on a real server;
* ``no_rows.txt``: no rows are inserted before the A -> B migration (it needs an empty table);
* ``known_live.txt`` / ``known_reverse.txt``: why the database does not converge yet (a strict
  xfail: a fix makes it fail), for A -> B / for the pair the other way round (B -> A).

Live convergence (``mysql_url``: a fresh database per test): apply diff(empty -> A), insert a
few rows, apply diff(A -> B), describe, and the differ must find nothing between the described
database and lower(B); the rows must still be there. Every pair is also run the other way round
(B -> A, no rows) for more step kinds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schemashift.connectors import Connector, connect
from schemashift.connectors.describe import describe
from schemashift.dialects import get_dialect
from schemashift.dialects.mysql import MariadbDialect, MysqlDialect, native_type_change, render_type
from schemashift.diff import steps as st
from schemashift.diff.differ import diff
from schemashift.migrations.engine import diff_schemas
from schemashift.lower import lower_schema, parse_checked
from schemashift.model import Arity, Column, ColumnType, Family, Schema, Table

FIXTURES = Path(__file__).parent / "fixtures" / "mysql"
CASES = sorted(p for p in FIXTURES.iterdir() if (p / "to.prisma").is_file())


def _read(case: Path, name: str) -> str | None:
    path = case / name
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _lowered(source: str) -> Schema:
    return lower_schema(parse_checked([("schema.prisma", source)]), "mysql")


# ------------------------------------------------------------------ fixtures are well formed


def test_enough_cases_with_sources() -> None:
    assert len(CASES) >= 30
    for case in CASES:
        source = _read(case, "source.txt")
        assert source, case
        assert source.startswith("upstream: prisma/prisma-engines ") or source.startswith("hand-written"), case
        assert (case / "expected.sql").is_file(), case


# ------------------------------------------------------------------ snapshots (no database)


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_snapshot(case: Path) -> None:
    if (case / "from_database.txt").is_file():
        pytest.skip("expected SQL diffs a described database: checked by the live test")
    expected = _read(case, "expected.sql")
    assert diff_schemas(_read(case, "from.prisma"), _read(case, "to.prisma") or "", "mysql") == expected


def test_empty_migration() -> None:
    assert MysqlDialect().render_script([]) == "-- This is an empty migration.\n"


def test_capabilities() -> None:
    d = get_dialect("mysql")
    assert isinstance(d, MysqlDialect)
    assert not d.supports_transactional_ddl and d.max_identifier_length == 64
    assert d.has_inline_enums and not d.has_native_enums
    assert d.foreign_keys_imply_indexes and not d.can_rename_foreign_key
    assert MariadbDialect.can_rename_index is False
    assert isinstance(get_dialect("mysql", mariadb=True), MariadbDialect)
    assert type(get_dialect("mysql", mariadb=False)) is MysqlDialect


def test_mariadb_json_is_an_alias_of_longtext() -> None:
    """Prisma's MySQL flavour on MariaDB: LONGTEXT -> JSON (and, without native types, String ->
    Json) is no type change; MySQL keeps it one."""
    longtext = Column("c", ColumnType(Family.STRING, "LongText"))
    json_col = Column("c", ColumnType(Family.JSON, "Json"))
    assert MariadbDialect().column_type_change(longtext, json_col) is None
    assert MysqlDialect().column_type_change(longtext, json_col) is not None
    plain_string, plain_json = Column("c", ColumnType(Family.STRING)), Column("c", ColumnType(Family.JSON))
    assert MariadbDialect().column_type_change(plain_string, plain_json) is None
    # the other way round, and other text types, are changes on MariaDB too
    assert MariadbDialect().column_type_change(json_col, longtext) is not None
    text = Column("c", ColumnType(Family.STRING, "Text"))
    assert MariadbDialect().column_type_change(text, json_col) == MysqlDialect().column_type_change(text, json_col)


@pytest.mark.parametrize(
    ("previous", "next", "expected"),
    [
        (("VarChar", (191,)), ("VarChar", (191,)), None),
        (("VarChar", (100,)), ("VarChar", (200,)), st.TypeChange.SAFE_CAST),
        (("VarChar", (200,)), ("VarChar", (100,)), st.TypeChange.RISKY_CAST),
        (("Int", ()), ("BigInt", ()), st.TypeChange.SAFE_CAST),
        (("BigInt", ()), ("Int", ()), st.TypeChange.RISKY_CAST),
        (("Int", ()), ("DateTime", (3,)), st.TypeChange.NOT_CASTABLE),
        (("BigInt", ()), ("Decimal", (65, 30)), st.TypeChange.SAFE_CAST),
        (("BigInt", ()), ("Decimal", (10, 2)), st.TypeChange.NOT_CASTABLE),
        (("DateTime", ()), ("DateTime", (0,)), None),  # MySQL's default precision is 0
        (("DateTime", (3,)), ("DateTime", (6,)), st.TypeChange.SAFE_CAST),
        (("Decimal", ()), ("Decimal", (10, 0)), None),
        (("Double", ()), ("VarChar", (16,)), st.TypeChange.NOT_CASTABLE),
        (("Double", ()), ("VarChar", (64,)), st.TypeChange.RISKY_CAST),
        (("Bit", (64,)), ("BigInt", ()), st.TypeChange.SAFE_CAST),
        (("Json", ()), ("Int", ()), st.TypeChange.NOT_CASTABLE),
        (("Text", ()), ("TinyText", ()), st.TypeChange.RISKY_CAST),
        (("UnsignedSmallInt", ()), ("UnsignedInt", ()), st.TypeChange.SAFE_CAST),
    ],
)
def test_native_type_changes(
    previous: tuple[str, tuple[int, ...]], next: tuple[str, tuple[int, ...]], expected: object
) -> None:
    assert native_type_change(previous, next) is expected


def test_enum_type_changes_compare_values() -> None:
    d = MysqlDialect()
    col = Column("c", ColumnType(Family.ENUM, enum="T_c"))
    from schemashift.model import EnumType

    ab, abc, ac = EnumType("T_c", ("A", "B")), EnumType("T_c", ("A", "B", "C")), EnumType("T_c", ("A", "C"))
    assert d.column_type_change(col, col, (ab, ab)) is None
    assert d.column_type_change(col, col, (ab, abc)) is st.TypeChange.SAFE_CAST
    assert d.column_type_change(col, col, (ab, ac)) is st.TypeChange.RISKY_CAST
    text = Column("c", ColumnType(Family.STRING, "VarChar", (191,)))
    assert d.column_type_change(col, text, (ab, None)) is st.TypeChange.RISKY_CAST


def test_type_spellings() -> None:
    assert render_type(ColumnType(Family.BOOLEAN, "TinyInt")) == "BOOLEAN"
    assert render_type(ColumnType(Family.INT, "TinyInt")) == "TINYINT"
    assert render_type(ColumnType(Family.DECIMAL, "Decimal", (65, 30))) == "DECIMAL(65, 30)"
    assert render_type(ColumnType(Family.INT, "UnsignedMediumInt")) == "MEDIUMINT UNSIGNED"
    assert render_type(ColumnType(Family.DATETIME, "Timestamp")) == "TIMESTAMP"


def test_mariadb_redefines_indexes() -> None:
    case = FIXTURES / "rename_index"
    previous, next = _lowered(_read(case, "from.prisma") or ""), _lowered(_read(case, "to.prisma") or "")
    d = MariadbDialect()
    script = d.render_script(diff(previous, next, d))
    assert "-- RedefineIndex\nCREATE INDEX `person_name` ON `Person`(`last`, `first`);\n" in script
    assert "DROP INDEX `Person_last_first_idx` ON `Person`;" in script
    assert "RENAME INDEX" not in script


# ------------------------------------------------------------------ live convergence (MariaDB / MySQL)


def _value(column: Column, row: int) -> object:
    """A value of the column's type for test row ``row`` (distinct per row, for unique keys)."""
    t = column.type
    family = t.family
    if family is Family.ENUM:
        return None  # filled from the enum's values by the caller
    if family in (Family.INT, Family.BIGINT):
        return row + 1 if t.native != "Year" else 2000 + row
    if family in (Family.FLOAT, Family.DECIMAL):
        return row + 1.5
    if family is Family.BOOLEAN:
        return row % 2
    if family is Family.STRING:
        return f"r{row}"
    if family is Family.DATETIME:
        if t.native == "Time":
            return f"10:0{row}:00"
        if t.native == "Date":
            return f"2020-01-0{row + 1}"
        return f"2020-01-0{row + 1} 10:00:00"
    if family is Family.BINARY:
        return b"\x01" if t.native == "Bit" else f"b{row}".encode()
    if family is Family.JSON:
        return '{"row": %d}' % row
    raise ValueError(f"no test value for {t}")


def _insert_rows(conn: Connector, schema: Schema, rows: int = 2) -> None:
    """Insert ``rows`` rows into every table, parents first; foreign keys take the parent's values."""
    enums = {e.name: e.values for e in schema.enums}
    done: dict[str, list[dict[str, object]]] = {}
    pending = list(schema.tables)
    while pending:
        progress = False
        for table in list(pending):
            parents = {fk.referenced_table for fk in table.foreign_keys if fk.referenced_table != table.name}
            if not parents <= set(done):
                continue
            pending.remove(table)
            progress = True
            done[table.name] = _insert_table(conn, table, enums, done, rows)
        if not progress:
            raise AssertionError(f"foreign key cycle between {[t.name for t in pending]}")


def _insert_table(
    conn: Connector,
    table: Table,
    enums: dict[str, tuple[str, ...]],
    done: dict[str, list[dict[str, object]]],
    rows: int,
) -> list[dict[str, object]]:
    inserted: list[dict[str, object]] = []
    for row in range(rows):
        values: dict[str, object] = {}
        for column in table.columns:
            if column.autoincrement:
                continue
            if column.default is not None and column.arity is Arity.NULLABLE:
                continue
            if column.type.family is Family.UNSUPPORTED:
                continue
            if column.type.family is Family.ENUM:
                values[column.name] = enums[column.type.enum or ""][row % len(enums[column.type.enum or ""])]
            else:
                values[column.name] = _value(column, row)
        for fk in table.foreign_keys:
            parent_rows = done.get(fk.referenced_table) or inserted
            if not parent_rows:
                for c in fk.columns:
                    values[c] = None
                continue
            parent = parent_rows[min(row, len(parent_rows) - 1)]
            for c, r in zip(fk.columns, fk.referenced_columns):
                values[c] = parent.get(r)
        names = list(values)
        columns, params = ", ".join(f"`{n}`" for n in names), ", ".join(["%s"] * len(names))
        sql = f"INSERT INTO `{table.name}` ({columns}) VALUES ({params})"
        conn.execute(sql, tuple(values[n] for n in names))
        if any(c.autoincrement for c in table.columns):
            (last,) = conn.query_one("SELECT LAST_INSERT_ID()") or (None,)
            values.update({c.name: last for c in table.columns if c.autoincrement})
        inserted.append(values)
    return inserted


def _remaining(conn: Connector, target: Schema) -> str:
    dialect = get_dialect("mysql")
    steps = diff(describe(conn), target, dialect)
    return dialect.render_script(steps) if steps else ""


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_converges(case: Path, mysql_url: str, request: pytest.FixtureRequest) -> None:
    reason = _read(case, "skip_live.txt")
    if reason:
        pytest.skip(reason.strip())
    known = _read(case, "known_live.txt")
    if known:
        request.applymarker(pytest.mark.xfail(reason=known.strip(), strict=True))
    from_src, to_src = _read(case, "from.prisma"), _read(case, "to.prisma") or ""
    with connect(mysql_url) as conn:
        if from_src is not None:
            conn.execute_script(diff_schemas(None, from_src, "mysql"))
            if not (case / "no_rows.txt").is_file():
                _insert_rows(conn, _lowered(from_src))
        if (case / "from_database.txt").is_file():
            dialect = get_dialect("mysql")
            script = dialect.render_script(diff(describe(conn), _lowered(to_src), dialect))
            assert script == _read(case, "expected.sql")
        else:
            script = diff_schemas(from_src, to_src, "mysql")
        conn.execute_script(script)
        target = _lowered(to_src)
        if from_src is None:
            if not (case / "no_rows.txt").is_file():
                _insert_rows(conn, target)
        elif not (case / "no_rows.txt").is_file():
            # the rows inserted before the migration are still there in every table it kept
            kept = {t.name for t in _lowered(from_src).tables} & {t.name for t in target.tables}
            for name in sorted(kept):
                assert conn.query_one(f"SELECT COUNT(*) FROM `{name}`") == (2,), name
        assert _remaining(conn, target) == ""


@pytest.mark.parametrize("case", [c for c in CASES if (c / "from.prisma").is_file()], ids=lambda p: p.name)
def test_reverse_converges(case: Path, mysql_url: str, request: pytest.FixtureRequest) -> None:
    """The same pair the other way round (B -> A) on an empty database: more step kinds live."""
    reason = _read(case, "skip_live.txt")
    if reason:
        pytest.skip(reason.strip())
    known = _read(case, "known_reverse.txt")
    if known:
        request.applymarker(pytest.mark.xfail(reason=known.strip(), strict=True))
    from_src, to_src = _read(case, "to.prisma") or "", _read(case, "from.prisma") or ""
    with connect(mysql_url) as conn:
        conn.execute_script(diff_schemas(None, from_src, "mysql"))
        conn.execute_script(diff_schemas(from_src, to_src, "mysql"))
        assert _remaining(conn, _lowered(to_src)) == ""


def test_mariadb_bit_literal_defaults_are_booleans() -> None:
    """MariaDB prints a BIT(1) default as ``b'1'`` (unquoted): the describer reads it as the literal
    the lowering has for ``@default(true)``."""
    from schemashift.connectors.describe.mysql import parse_default
    from schemashift.model import BoolLit, LiteralDefault

    bit = ColumnType(Family.BOOLEAN, "Bit", (1,))
    assert parse_default("b'1'", "", bit, mariadb=True) == LiteralDefault(BoolLit(True))
    assert parse_default("b'0'", "", bit, mariadb=True) == LiteralDefault(BoolLit(False))
    assert parse_default("b'1'", "", bit, mariadb=False) == LiteralDefault(BoolLit(True))
