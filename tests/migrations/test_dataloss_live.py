"""The data-loss checker on populated tables, on every database (live counts, through db push)."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemashift.connectors import connect
from schemashift.migrations import engine
from schemashift.safety.dataloss import check

V1 = """
model User {
  id    Int     @id
  email String
  name  String?
  age   Int?
  posts Post[]
}

model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}
"""

V2 = """
model User {
  id    Int    @id
  email String @unique
  name  String
  phone String
}
"""


def header(provider: str) -> str:
    return f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n'


def q(provider: str, n: str) -> str:
    return f"`{n}`" if provider == "mysql" else f'"{n}"'


def messages(provider: str, db_url: str) -> list[tuple[str, bool]]:
    target = engine.target_schema([("schema.prisma", header(provider) + V2)], provider)
    with connect(db_url) as conn:
        live = engine.describe(conn)
        steps = engine.diff(live, target, engine.dialect_for(provider))
        return [(w.message, w.unexecutable) for w in check(steps, conn)]


def test_live_counts_on_populated_tables(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + V1)
    assert run_cli("db", "push").exit_code == 0
    with connect(db_url) as conn:
        u, p = q(provider, "User"), q(provider, "Post")
        conn.execute(f"INSERT INTO {u} (id, email, name, age) VALUES (1, 'a@x', 'Ann', 30), (2, 'a@x', NULL, 40), (3, 'b@x', NULL, NULL)")
        conn.execute(f"INSERT INTO {p} (id, {q(provider, 'authorId')}) VALUES (1, 1), (2, 1)")
    found = messages(provider, db_url)
    text = "\n".join(m for m, _ in found)
    assert "You are about to drop the `Post` table, which is not empty (2 rows)." in text
    assert "You are about to drop the column `age` on the `User` table, which still contains 2 non-null values." in text
    assert ("Added the required column `phone` to the `User` table without a default value. There are 3 rows "
            "in this table, it is not possible to execute this step.", True) in found
    assert ("Made the column `name` on table `User` required, but there are 2 existing NULL values.", True) in found
    assert any("covering the columns `[email]`" in m and "1 duplicated value groups" in m and unexec for m, unexec in found)
    # db push refuses, names the problems, and changes nothing
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + V2)
    r = run_cli("db", "push")
    assert r.exit_code == 1 and "not possible to execute this step" in r.err
    with connect(db_url) as conn:
        assert conn.query(f"SELECT COUNT(*) FROM {q(provider, 'Post')}") == [(2,)]


def test_empty_tables_warn_about_nothing(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + V1)
    assert run_cli("db", "push").exit_code == 0
    assert messages(provider, db_url) == []
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + V2)
    r = run_cli("db", "push")
    assert r.exit_code == 0, r.err


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_enum_value_in_use(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    (tmp_path / "prisma").mkdir()
    enum_v1 = "enum Plan {\n  FREE\n  PRO\n  LEGACY\n}\n\nmodel User {\n  id   Int  @id\n  plan Plan\n}\n"
    enum_v2 = enum_v1.replace("  LEGACY\n", "")
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + enum_v1)
    assert run_cli("db", "push").exit_code == 0
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO {q(provider, 'User')} VALUES (1, 'LEGACY'), (2, 'FREE')")
        target = engine.target_schema([("schema.prisma", header(provider) + enum_v2)], provider)
        steps = engine.diff(engine.describe(conn), target, engine.dialect_for(provider))
        (w,) = check(steps, conn)
    enum = "Plan" if provider == "postgresql" else "User_plan"  # MySQL enums are inline, named table_column
    assert w.unexecutable and f"The values [LEGACY] on the enum `{enum}` will be removed" in w.message
    assert "1 rows still use them" in w.message


# ---------------------------------------------------------------- casts to an integer type round

ROUND_V1 = """
model Measure {
  id Int     @id
  a  Float   @unique
  b  Float
  c  Decimal @unique
  d  Float
  e  Float
}
"""

#: a: 1.5, 2.5, 3 round (half to even) to 2, 2, 3 under a kept unique constraint; b: rounds, no
#: constraint; c: decimals round half away from zero, 2, 3, 4, no collision; d: 10.5, 11.5, 12
#: round to 10, 12, 12 under a unique constraint the migration adds; e: whole numbers only
ROUND_V2 = """
model Measure {
  id Int    @id
  a  BigInt @unique
  b  Int
  c  Int    @unique
  d  BigInt @unique
  e  Int
}
"""

ROUND_ROWS = [
    {"id": "1", "a": "1.5", "b": "0.25", "c": "1.5", "d": "10.5", "e": "1"},
    {"id": "2", "a": "2.5", "b": "2", "c": "2.5", "d": "11.5", "e": "2"},
    {"id": "3", "a": "3", "b": "-1.75", "c": "4", "d": "12", "e": "3"},
]


def _push_rows(tmp_path: Path, provider: str, db_url: str, run_cli, models: str, columns: str) -> None:
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + models)
    assert run_cli("db", "push").exit_code == 0
    names = columns.split()
    with connect(db_url) as conn:
        for row in ROUND_ROWS:
            values = ", ".join(row[n] for n in names)
            conn.execute(
                f"INSERT INTO {q(provider, 'Measure')} ({', '.join(q(provider, n) for n in names)}) VALUES ({values})"
            )


def _live(provider: str, db_url: str, models: str, kinds: tuple[str, ...] = ("rounding",)) -> list[tuple[str, bool]]:
    target = engine.target_schema([("schema.prisma", header(provider) + models)], provider)
    with connect(db_url) as conn:
        steps = engine.diff(engine.describe(conn), target, engine.dialect_for(provider))
        return [(w.message, w.unexecutable) for w in check(steps, conn) if w.kind in kinds]


def test_rounding_casts_on_populated_tables(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    _push_rows(tmp_path, provider, db_url, run_cli, ROUND_V1, "id a b c d e")
    found = _live(provider, db_url, ROUND_V2)
    double = {"postgresql": "DoublePrecision", "mysql": "Double"}.get(provider)
    if provider == "sqlite":
        # the rebuild copies with INSERT ... SELECT: an INTEGER column keeps 1.5 as REAL, nothing rounds
        assert found == []
        (tmp_path / "prisma/schema.prisma").write_text(header(provider) + ROUND_V2)
        assert run_cli("db", "push", "--accept-data-loss").exit_code == 0
        with connect(db_url) as conn:
            assert conn.query('SELECT a, typeof(a) FROM "Measure" ORDER BY id') == [(1.5, "real"), (2.5, "real"), (3, "integer")]
        return
    integer = "Integer" if provider == "postgresql" else "Int"
    assert found == [
        (f"2 rows have fractional values in `Measure`.`a` that will be rounded by the cast from `{double}` to "
         "`BigInt`. After rounding there will be 1 duplicated value groups under the unique constraint covering "
         "the columns `[a]`: the migration will fail.", True),
        (f"2 rows have fractional values in `Measure`.`b` that will be rounded by the cast from `{double}` to "
         f"`{integer}`.", False),
        ("2 rows have fractional values in `Measure`.`c` that will be rounded by the cast from `Decimal(65,30)` "
         f"to `{integer}`.", False),
        (f"2 rows have fractional values in `Measure`.`d` that will be rounded by the cast from `{double}` to "
         "`BigInt`. After rounding there will be 1 duplicated value groups under the unique constraint covering "
         "the columns `[d]`: the migration will fail.", True),
    ]
    # db push names the problem and refuses; accepting the data loss, the database refuses
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + ROUND_V2)
    r = run_cli("db", "push")
    assert r.exit_code == 1 and "the migration will fail" in r.err and "cannot be executed" in r.err
    r = run_cli("db", "push", "--accept-data-loss")
    assert r.exit_code != 0


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_rounding_without_constraint(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    """The cast runs and rounds: the live check said how many rows, and db push asked first (on
    MySQL Prisma calls Double -> Int safe, so nothing else would have)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    v1 = "model Measure {\n  id Int @id\n  b  Float\n  c  Decimal @unique\n  e  Float\n}\n"
    v2 = "model Measure {\n  id Int @id\n  b  Int\n  c  Int @unique\n  e  Int\n}\n"
    _push_rows(tmp_path, provider, db_url, run_cli, v1, "id b c e")
    found = _live(provider, db_url, v2)
    assert [m.split(" that ")[0] for m, _ in found] == [
        "2 rows have fractional values in `Measure`.`b`",
        "2 rows have fractional values in `Measure`.`c`",
    ]
    assert not any(unexecutable for _, unexecutable in found)
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + v2)
    r = run_cli("db", "push")
    assert r.exit_code == 1 and "fractional values in `Measure`.`b`" in r.err
    assert run_cli("db", "push", "--accept-data-loss").exit_code == 0
    with connect(db_url) as conn:
        rows = conn.query(f"SELECT b, c, e FROM {q(provider, 'Measure')} ORDER BY id")
    assert [tuple(int(v) for v in row) for row in rows] == [(0, 2, 1), (2, 3, 2), (-2, 4, 3)]


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_rounding_pure_check_says_nothing_new(provider: str) -> None:
    """Without a database the check stays Prisma's (migration file headers): no rounding warning."""
    a = engine.target_schema([("schema.prisma", header(provider) + ROUND_V1)], provider)
    b = engine.target_schema([("schema.prisma", header(provider) + ROUND_V2)], provider)
    assert not any(w.kind == "rounding" for w in check(engine.diff(a, b, engine.dialect_for(provider))))


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_integer_cast_out_of_range(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    """A rounded value the new integer type cannot hold fails the cast (MySQL: in strict SQL mode;
    Prisma calls Double -> Int and Double -> Boolean safe there)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    (tmp_path / "prisma").mkdir()
    v1 = "model Measure {\n  id Int @id\n  big Float\n}\n"
    v2 = "model Measure {\n  id Int @id\n  big Int\n}\n"
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + v1)
    assert run_cli("db", "push").exit_code == 0
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO {q(provider, 'Measure')} (id, big) VALUES (1, -3000000000), (2, 2147483647.5), (3, 7)")
    double, integer = ("DoublePrecision", "Integer") if provider == "postgresql" else ("Double", "Int")
    assert _live(provider, db_url, v2, kinds=("out_of_range",)) == [(
        f"2 rows have values in `Measure`.`big` outside the range of `{integer}` (-2147483648 to 2147483647) once "
        f"rounded: the cast from `{double}` to `{integer}` will fail.", True,
    )]
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + v2)
    _push_refused(provider, db_url, run_cli, v2)
    if provider == "mysql":
        target = engine.target_schema([("schema.prisma", header(provider) + v2)], provider)
        with connect(db_url) as conn:
            conn.execute("SET SESSION sql_mode = ''")
            (w,) = [w for w in check(engine.diff(engine.describe(conn), target, engine.dialect_for(provider)), conn) if w.kind == "out_of_range"]
        assert not w.unexecutable and w.message.endswith("will clip them to the range (the server is not in strict SQL mode).")


# ------------------------------------- fewer decimal places, fewer digits, double -> 4-byte float


def _push_values(tmp_path: Path, provider: str, db_url: str, run_cli, models: str, rows: list[str]) -> None:
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + models)
    assert run_cli("db", "push").exit_code == 0
    with connect(db_url) as conn:
        for row in rows:
            conn.execute(f"INSERT INTO {q(provider, 'Measure')} VALUES ({row})")


def _column(provider: str, db_url: str, column: str) -> list[str]:
    with connect(db_url) as conn:
        return [str(r[0]) for r in conn.query(f"SELECT {q(provider, column)} FROM {q(provider, 'Measure')} ORDER BY id")]


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_decimal_scale_reduction(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    """Decimal(10,2) -> Decimal(10,1) / (10,0) rounds in place, half away from zero, on both servers
    (MySQL in strict mode too: a note, not an error); under a unique constraint 1.25 and 1.30
    become 1.3 twice and the migration fails."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    v1 = ("model Measure {\n  id Int @id\n  a Decimal @db.Decimal(10, 2) @unique\n  b Decimal @db.Decimal(10, 2)\n"
          "  c Decimal @db.Decimal(10, 2)\n}\n")
    v2 = ("model Measure {\n  id Int @id\n  a Decimal @db.Decimal(10, 1) @unique\n  b Decimal @db.Decimal(10, 0)\n"
          "  c Decimal @db.Decimal(12, 2)\n}\n")
    _push_values(tmp_path, provider, db_url, run_cli, v1, ["1, 1.25, 2.5, 1.25", "2, 1.30, -3.55, 2", "3, 2, 4, 3"])
    assert _live(provider, db_url, v2) == [
        ("1 rows have values with more than 1 decimal places in `Measure`.`a` that will be rounded by the cast from "
         "`Decimal(10,2)` to `Decimal(10,1)`. After rounding there will be 1 duplicated value groups under the "
         "unique constraint covering the columns `[a]`: the migration will fail.", True),
        ("2 rows have fractional values in `Measure`.`b` that will be rounded by the cast from `Decimal(10,2)` to "
         "`Decimal(10,0)`.", False),
    ]
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + v2)
    _push_refused(provider, db_url, run_cli, v2)
    # without the unique constraint the cast runs and rounds as counted
    v2_free = v2.replace(" @db.Decimal(10, 1) @unique", " @db.Decimal(10, 1)")
    v1_free = v1.replace(" @db.Decimal(10, 2) @unique", " @db.Decimal(10, 2)", 1)
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + v1_free)
    assert run_cli("db", "push", "--accept-data-loss").exit_code == 0
    assert [m.split(" in ")[0] for m, _ in _live(provider, db_url, v2_free)] == [
        "1 rows have values with more than 1 decimal places", "2 rows have fractional values",
    ]
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + v2_free)
    assert run_cli("db", "push", "--accept-data-loss").exit_code == 0
    assert _column(provider, db_url, "a") == ["1.3", "1.3", "2.0"]
    assert _column(provider, db_url, "b") == ["3", "-4", "4"]


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_decimal_precision_reduction(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    """Decimal(10,2) -> Decimal(5,1): 12345.67 has too many integer digits and 9999.95 rounds to
    10000.0; PostgreSQL refuses them (numeric field overflow), MySQL in strict mode too (error
    1264) and clips them to 9999.9 without it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    v1 = "model Measure {\n  id Int @id\n  e Decimal @db.Decimal(10, 2)\n}\n"
    v2 = "model Measure {\n  id Int @id\n  e Decimal @db.Decimal(5, 1)\n}\n"
    _push_values(tmp_path, provider, db_url, run_cli, v1, ["1, 12345.67", "2, 9999.95", "3, -9999.94", "4, 3"])
    assert _live(provider, db_url, v2, kinds=("rounding", "out_of_range")) == [
        ("3 rows have values with more than 1 decimal places in `Measure`.`e` that will be rounded by the cast "
         "from `Decimal(10,2)` to `Decimal(5,1)`.", False),
        ("2 rows have values in `Measure`.`e` outside the range of `Decimal(5,1)` (-9999.9 to 9999.9) once "
         "rounded: the cast from `Decimal(10,2)` to `Decimal(5,1)` will fail.", True),
    ]
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + v2)
    r = run_cli("db", "push")
    assert r.exit_code == 1 and "outside the range of `Decimal(5,1)`" in r.err
    _push_refused(provider, db_url, run_cli, v2)
    if provider == "mysql":
        target = engine.target_schema([("schema.prisma", header(provider) + v2)], provider)
        with connect(db_url) as conn:
            conn.execute("SET SESSION sql_mode = ''")
            steps = engine.diff(engine.describe(conn), target, engine.dialect_for(provider))
            (w,) = [w for w in check(steps, conn) if w.kind == "out_of_range"]
            assert not w.unexecutable and w.message.endswith("will clip them to the range (the server is not in strict SQL mode).")
            engine.apply_script(conn, engine.render(steps, engine.dialect_for(provider)))
        assert _column(provider, db_url, "e") == ["9999.9", "9999.9", "-9999.9", "3.0"]


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_float_to_decimal(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    """Float -> Decimal(10,1): both servers go through the double's 15-digit decimal form and round
    half away from zero (1.25 -> 1.3, 1.005 -> 1.0; 0.1 and 2.5 unchanged); Prisma calls Double ->
    Decimal safe on MySQL. 1.25 and 1.3 collide under a unique constraint; 1e300 does not fit."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    v1 = "model Measure {\n  id Int @id\n  f Float\n  u Float @unique\n}\n"
    v2 = "model Measure {\n  id Int @id\n  f Decimal @db.Decimal(10, 1)\n  u Decimal @db.Decimal(10, 1) @unique\n}\n"
    rows = ["1, 1.25, 1.25", "2, 2.5, 1.3", "3, 0.1, 7", "4, 1.005, 8"]
    _push_values(tmp_path, provider, db_url, run_cli, v1, rows)
    double = "DoublePrecision" if provider == "postgresql" else "Double"
    assert _live(provider, db_url, v2, kinds=("rounding", "out_of_range")) == [
        (f"2 rows have values with more than 1 decimal places in `Measure`.`f` that will be rounded by the cast "
         f"from `{double}` to `Decimal(10,1)`.", False),
        (f"1 rows have values with more than 1 decimal places in `Measure`.`u` that will be rounded by the cast "
         f"from `{double}` to `Decimal(10,1)`. After rounding there will be 1 duplicated value groups under the "
         "unique constraint covering the columns `[u]`: the migration will fail.", True),
    ]
    with connect(db_url) as conn:
        conn.execute(f"UPDATE {q(provider, 'Measure')} SET {q(provider, 'u')} = 1e300 WHERE id = 1")
    assert _live(provider, db_url, v2, kinds=("out_of_range",)) == [
        ("1 rows have values in `Measure`.`u` outside the range of `Decimal(10,1)` (-999999999.9 to 999999999.9) "
         f"once rounded: the cast from `{double}` to `Decimal(10,1)` will fail.", True),
    ]
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + v2)
    _push_refused(provider, db_url, run_cli, v2)
    with connect(db_url) as conn:
        conn.execute(f"DELETE FROM {q(provider, 'Measure')} WHERE id = 1")
    assert run_cli("db", "push", "--accept-data-loss").exit_code == 0
    assert _column(provider, db_url, "f") == ["2.5", "0.1", "1.0"]


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_double_to_float32(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    """Double -> a 4-byte float (PostgreSQL's real, MySQL's FLOAT; Prisma calls it safe on MySQL):
    values of more than 6 significant digits change, 16777217 becomes 16777216 and collides
    with it under a unique constraint, 1e39 is out of range (PostgreSQL: overflow; MySQL in strict
    mode: error 1264); PostgreSQL also refuses 1e-50 (underflow), MySQL makes it 0."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    real = "Real" if provider == "postgresql" else "Float"
    double = "DoublePrecision" if provider == "postgresql" else "Double"
    v1 = "model Measure {\n  id Int @id\n  r Float\n  u Float @unique\n}\n"
    v2 = f"model Measure {{\n  id Int @id\n  r Float @db.{real}\n  u Float @db.{real} @unique\n}}\n"
    rows = ["1, 0.1, 16777217", "2, 123.456789, 16777216", "3, 123456, 1", "4, 1.0000001, 2"]
    _push_values(tmp_path, provider, db_url, run_cli, v1, rows)
    assert _live(provider, db_url, v2, kinds=("rounding", "out_of_range")) == [
        (f"2 rows have values with more than 6 significant digits in `Measure`.`r` that will be rounded by the "
         f"cast from `{double}` to `{real}`.", False),
        (f"1 rows have values with more than 6 significant digits in `Measure`.`u` that will be rounded by the "
         f"cast from `{double}` to `{real}`. After rounding there will be 1 duplicated value groups under the "
         "unique constraint covering the columns `[u]`: the migration will fail.", True),
    ]
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + v2)
    _push_refused(provider, db_url, run_cli, v2)
    with connect(db_url) as conn:
        conn.execute(f"UPDATE {q(provider, 'Measure')} SET {q(provider, 'u')} = 5 WHERE id = 1")
        conn.execute(f"UPDATE {q(provider, 'Measure')} SET {q(provider, 'r')} = -1e39 WHERE id = 3")
        if provider == "postgresql":
            conn.execute('UPDATE "Measure" SET r = 1e-50 WHERE id = 1')
    limits = "magnitudes from 1.4e-45 to 3.4e38" if provider == "postgresql" else "-3.4e38 to 3.4e38"
    outside = 2 if provider == "postgresql" else 1
    assert _live(provider, db_url, v2, kinds=("out_of_range",)) == [
        (f"{outside} rows have values in `Measure`.`r` outside the range of `{real}` ({limits}) once rounded: the "
         f"cast from `{double}` to `{real}` will fail.", True),
    ]
    _push_refused(provider, db_url, run_cli, v2)
    with connect(db_url) as conn:
        conn.execute(f"UPDATE {q(provider, 'Measure')} SET {q(provider, 'r')} = 0.1 WHERE id IN (1, 3)")
    assert _live(provider, db_url, v2, kinds=("out_of_range",)) == []
    assert run_cli("db", "push", "--accept-data-loss").exit_code == 0
    as_double = "DOUBLE PRECISION" if provider == "postgresql" else "DOUBLE"
    with connect(db_url) as conn:
        # the nearest 4-byte floats, read as doubles
        rows = conn.query(
            f"SELECT CAST({q(provider, 'r')} AS {as_double}), CAST({q(provider, 'u')} AS {as_double}) "
            f"FROM {q(provider, 'Measure')} ORDER BY id"
        )
    assert [float(r) for r, _ in rows] == [0.10000000149011612, 123.456787109375, 0.10000000149011612, 1.0000001192092896]
    assert [float(u) for _, u in rows] == [5.0, 16777216.0, 1.0, 2.0]


def test_sqlite_keeps_fractional_values_as_real(tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    """SQLite rebuilds the table: the INTEGER column converts 3.0 and keeps 46.5 and -1.25 as REAL
    (nothing is lost, but Prisma's Int cannot represent them). The live check says so, without
    claiming data loss."""
    provider, db_url = "sqlite", sqlite_url
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    v1 = "model Measure {\n  id Int @id\n  a Float\n  b Decimal\n  c Float\n}\n"
    v2 = "model Measure {\n  id Int @id\n  a Int\n  b BigInt\n  c Int\n}\n"
    _push_values(tmp_path, provider, db_url, run_cli, v1, ["1, 46.5, 1.5, 1", "2, 3.0, 2, 2", "3, -1.25, 3, 3"])
    found = [(w.message, w.unexecutable, w.kind) for w in _warnings(provider, db_url, v2) if w.kind]
    assert found == [
        ("2 rows of `Measure`.`a` hold fractional values; SQLite will keep them as REAL in the INTEGER column.",
         False, "kept_as_real"),
        ("1 rows of `Measure`.`b` hold fractional values; SQLite will keep them as REAL in the INTEGER column.",
         False, "kept_as_real"),
    ]
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + v2)
    r = run_cli("db", "push")
    assert r.exit_code == 1 and "SQLite will keep them as REAL" in r.err
    assert run_cli("db", "push", "--accept-data-loss").exit_code == 0
    with connect(db_url) as conn:
        assert conn.query('SELECT a, typeof(a), b, typeof(b) FROM "Measure" ORDER BY id') == [
            (46.5, "real", 1.5, "real"), (3, "integer", 2, "integer"), (-1.25, "real", 3, "integer"),
        ]


def _warnings(provider: str, db_url: str, models: str):  # type: ignore[no-untyped-def]
    target = engine.target_schema([("schema.prisma", header(provider) + models)], provider)
    with connect(db_url) as conn:
        return check(engine.diff(engine.describe(conn), target, engine.dialect_for(provider)), conn)


@pytest.mark.parametrize("provider", ["postgresql", "mysql", "sqlite"], indirect=True)
def test_narrowing_pure_check_says_nothing_new(provider: str) -> None:
    """Without a database the check stays Prisma's (migration file headers): none of the live kinds."""
    pairs = [
        ("model M {\n  id Int @id\n  a Decimal @db.Decimal(10, 2)\n}\n", "model M {\n  id Int @id\n  a Decimal @db.Decimal(5, 0)\n}\n"),
        ("model M {\n  id Int @id\n  a Float\n}\n", "model M {\n  id Int @id\n  a Decimal @db.Decimal(10, 1)\n}\n"),
        ("model M {\n  id Int @id\n  a Float\n}\n", "model M {\n  id Int @id\n  a Float @db.Real\n}\n"),
        ("model M {\n  id Int @id\n  a Float\n}\n", "model M {\n  id Int @id\n  a Int\n}\n"),
        ("model M {\n  id Int @id\n  a BigInt\n}\n", "model M {\n  id Int @id\n  a Int\n}\n"),
        ("model M {\n  id Int @id\n  a Decimal\n}\n", "model M {\n  id Int @id\n  a Float\n}\n"),
    ]
    for before, after in pairs:
        if provider != "postgresql":
            after = after.replace("@db.Real", "@db.Float") if provider == "mysql" else after.replace(" @db.Real", "")
            if provider == "sqlite":
                before, after = before.replace(" @db.Decimal(10, 2)", ""), after.replace(" @db.Decimal(5, 0)", "").replace(" @db.Decimal(10, 1)", "")
        a = engine.target_schema([("schema.prisma", header(provider) + before)], provider)
        b = engine.target_schema([("schema.prisma", header(provider) + after)], provider)
        assert not any(w.kind for w in check(engine.diff(a, b, engine.dialect_for(provider))))


# ------------------------------------------------------- integer range shrinking, Decimal -> double


def _push_refused(provider: str, db_url: str, run_cli, models: str) -> None:
    r = run_cli("db", "push", "--accept-data-loss")
    assert r.exit_code == 1 and "cannot be executed" in r.err and "--force-reset" in r.err, r.err
    _server_refuses(provider, db_url, models)


def _server_refuses(provider: str, db_url: str, models: str, fragment: str = "") -> None:
    """`db push` refuses a change the live check says cannot be executed (as Prisma's does, even
    with --accept-data-loss); run as it is anyway, the server must fail as the check predicted."""
    from schemashift.connectors.errors import ConnectorError

    target = engine.target_schema([("schema.prisma", header(provider) + models)], provider)
    with connect(db_url) as conn:
        steps = engine.diff(engine.describe(conn), target, engine.dialect_for(provider))
        with pytest.raises(ConnectorError) as info:
            engine.apply_script(conn, engine.render(steps, engine.dialect_for(provider)))
    assert fragment in info.value.message


def _mysql_loose(db_url: str, models: str, apply: bool = False) -> list[tuple[str, bool]]:
    """The live check (and the migration) in a MySQL session without strict SQL mode."""
    target = engine.target_schema([("schema.prisma", header("mysql") + models)], "mysql")
    with connect(db_url) as conn:
        conn.execute("SET SESSION sql_mode = ''")
        steps = engine.diff(engine.describe(conn), target, engine.dialect_for("mysql"))
        found = [(w.message, w.unexecutable) for w in check(steps, conn) if w.kind == "out_of_range"]
        if apply:
            engine.apply_script(conn, engine.render(steps, engine.dialect_for("mysql")))
    return found


def test_integer_range_shrinking_postgresql(tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    """BigInt -> Int and Int -> SmallInt (lists too): PostgreSQL refuses values outside the new
    range ("integer out of range", "smallint out of range"); nothing rounds."""
    provider, db_url = "postgresql", postgres_url
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    v1 = "model Measure {\n  id Int @id\n  a BigInt\n  b Int\n  c BigInt\n  l Int[]\n}\n"
    v2 = ("model Measure {\n  id Int @id\n  a Int\n  b Int @db.SmallInt\n  c Int @db.SmallInt\n"
          "  l Int[] @db.SmallInt\n}\n")
    rows = ["1, 3000000000, 40000, 5, '{1,40000}'", "2, -2147483648, 5, -40000, '{5}'", "3, 5, -32769, 7, '{}'"]
    _push_values(tmp_path, provider, db_url, run_cli, v1, rows)
    assert _live(provider, db_url, v2, kinds=("rounding", "out_of_range")) == [
        ("1 rows have values in `Measure`.`a` outside the range of `Integer` (-2147483648 to 2147483647): the cast "
         "from `BigInt` to `Integer` will fail.", True),
        ("2 rows have values in `Measure`.`b` outside the range of `SmallInt` (-32768 to 32767): the cast from "
         "`Integer` to `SmallInt` will fail.", True),
        ("1 rows have values in `Measure`.`c` outside the range of `SmallInt` (-32768 to 32767): the cast from "
         "`BigInt` to `SmallInt` will fail.", True),
        ("1 rows have values in `Measure`.`l` outside the range of `SmallInt` (-32768 to 32767): the cast from "
         "`Integer` to `SmallInt` will fail.", True),
    ]
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + v2)
    r = run_cli("db", "push", "--accept-data-loss")
    assert r.exit_code != 0 and "cannot be executed" in r.err and "--force-reset" in r.err
    _server_refuses(provider, db_url, v2, "out of range")
    with connect(db_url) as conn:
        conn.execute('UPDATE "Measure" SET a = 2147483647, b = 32767, c = -32768, l = \'{1,-32768}\' WHERE id = 1')
        conn.execute('UPDATE "Measure" SET c = 1 WHERE id = 2')
        conn.execute('UPDATE "Measure" SET b = 1 WHERE id = 3')
    assert _live(provider, db_url, v2, kinds=("rounding", "out_of_range")) == []
    assert run_cli("db", "push", "--accept-data-loss").exit_code == 0
    with connect(db_url) as conn:
        assert conn.query('SELECT a, b, c, l FROM "Measure" ORDER BY id') == [
            (2147483647, 32767, -32768, [1, -32768]), (-2147483648, 5, 1, [5]), (5, 1, 7, []),
        ]


MYSQL_INT_V1 = ("model Measure {\n  id Int @id\n  a BigInt\n  b Int\n  t Int\n  m Int\n  u Int\n  ub BigInt\n"
                "  s BigInt @db.UnsignedBigInt\n  bo Int\n  k Int @unique\n}\n")
MYSQL_INT_V2 = ("model Measure {\n  id Int @id\n  a Int\n  b Int @db.SmallInt\n  t Int @db.TinyInt\n"
                "  m Int @db.MediumInt\n  u Int @db.UnsignedInt\n  ub BigInt @db.UnsignedBigInt\n  s BigInt\n"
                "  bo Boolean\n  k Int @db.TinyInt @unique\n}\n")


def test_integer_range_shrinking_mysql(tmp_path: Path, mysql_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    """BigInt -> Int, Int -> SmallInt/TinyInt/MediumInt, signed <-> unsigned, Int -> Boolean
    (TINYINT(1)): MariaDB refuses values outside the range in strict SQL mode (error 1264) and
    clips them without it; clipped values can collide under a unique constraint (error 1062)."""
    provider, db_url = "mysql", mysql_url
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    rows = [
        "1, 3000000000, 40000, 200, 9000000, -1, -5, 18446744073709551615, 2, 200",
        "2, -3000000000, -40000, -200, 5, 5, 5, 5, -200, 300",
        "3, 5, 5, 5, -9000000, 7, 7, 7, 1, 5",
    ]
    _push_values(tmp_path, provider, db_url, run_cli, MYSQL_INT_V1, rows)
    ranges = {
        "a": ("BigInt", "Int", "-2147483648 to 2147483647", 2), "b": ("Int", "SmallInt", "-32768 to 32767", 2),
        "t": ("Int", "TinyInt", "-128 to 127", 2), "m": ("Int", "MediumInt", "-8388608 to 8388607", 2),
        "u": ("Int", "UnsignedInt", "0 to 4294967295", 1), "ub": ("BigInt", "UnsignedBigInt", "0 to 18446744073709551615", 1),
        "s": ("UnsignedBigInt", "BigInt", "-9223372036854775808 to 9223372036854775807", 1),
        "bo": ("Int", "TinyInt", "-128 to 127", 1), "k": ("Int", "TinyInt", "-128 to 127", 2),
    }

    def expected(tail: dict[str, str]) -> list[tuple[str, bool]]:
        return [
            (f"{n} rows have values in `Measure`.`{c}` outside the range of `{new}` ({text}): the cast from `{old}` to "
             f"`{new}` " + tail.get(c, tail[""]), tail is strict or c == "k")
            for c, (old, new, text, n) in ranges.items()
        ]

    strict = {"": "will fail."}
    assert _live(provider, db_url, MYSQL_INT_V2, kinds=("rounding", "out_of_range")) == expected(strict)
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + MYSQL_INT_V2)
    r = run_cli("db", "push", "--accept-data-loss")
    assert r.exit_code != 0 and "cannot be executed" in r.err and "--force-reset" in r.err
    _server_refuses(provider, db_url, MYSQL_INT_V2, "Out of range value")
    # without strict SQL mode: clipped, and 200, 300 under the unique constraint both become 127
    clip = "will clip them to the range (the server is not in strict SQL mode)."
    loose = {"": clip, "k": clip + " After clipping there will be 1 duplicated value groups under the unique "
             "constraint covering the columns `[k]`: the migration will fail."}
    assert _mysql_loose(db_url, MYSQL_INT_V2) == expected(loose)
    with pytest.raises(Exception, match="1062"):
        _mysql_loose(db_url, MYSQL_INT_V2, apply=True)
    with connect(db_url) as conn:
        conn.execute("UPDATE `Measure` SET k = 6 WHERE id = 2")
    found = _mysql_loose(db_url, MYSQL_INT_V2, apply=True)
    ranges["k"] = ("Int", "TinyInt", "-128 to 127", 1)  # 200 alone: clipped to 127, no collision
    assert found == [(m, False) for m, _ in expected({"": clip})]
    with connect(db_url) as conn:
        assert [tuple(int(v) for v in r) for r in conn.query(
            "SELECT a, b, t, m, u, ub, s, bo, k FROM `Measure` ORDER BY id"
        )] == [
            (2147483647, 32767, 127, 8388607, 0, 0, 9223372036854775807, 2, 127),
            (-2147483648, -32768, -128, 5, 5, 5, 5, -128, 6),
            (5, 5, 5, -8388608, 7, 7, 7, 1, 5),
        ]
    assert _live(provider, db_url, MYSQL_INT_V2, kinds=("rounding", "out_of_range")) == []


def test_integer_range_shrinking_sqlite(tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    """SQLite's integers are 64-bit whatever the declared type: BigInt -> Int keeps 3000000000, so
    the live check reports no range problem (only Prisma's risky cast)."""
    provider, db_url = "sqlite", sqlite_url
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    v1, v2 = "model Measure {\n  id Int @id\n  a BigInt\n}\n", "model Measure {\n  id Int @id\n  a Int\n}\n"
    _push_values(tmp_path, provider, db_url, run_cli, v1, ["1, 3000000000", "2, -9223372036854775808"])
    assert not any(w.kind for w in _warnings(provider, db_url, v2))
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + v2)
    assert run_cli("db", "push", "--accept-data-loss").exit_code == 0
    with connect(db_url) as conn:
        assert conn.query('SELECT a, typeof(a) FROM "Measure" ORDER BY id') == [
            (3000000000, "integer"), (-9223372036854775808, "integer"),
        ]


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_decimal_to_double(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    """Decimal -> Float (a double): values of more than 15 significant digits can change
    (9007199254740993 becomes 9007199254740992 and collides with it under a unique constraint);
    Decimal -> a 4-byte float keeps about 7 (the double -> 4-byte float rules)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    real = "Real" if provider == "postgresql" else "Float"
    double = "DoublePrecision" if provider == "postgresql" else "Double"
    v1 = "model Measure {\n  id Int @id\n  d Decimal\n  u Decimal @unique\n  r Decimal\n}\n"
    v2 = f"model Measure {{\n  id Int @id\n  d Float\n  u Float @unique\n  r Float @db.{real}\n}}\n"
    rows = ["1, 0.123456789012345678, 9007199254740993, 0.1", "2, 9007199254740993, 9007199254740992, 123.4567",
            "3, 0.1, 1, 1.5", "4, 1.000000000000001, 2, 16777217"]
    _push_values(tmp_path, provider, db_url, run_cli, v1, rows)
    assert _live(provider, db_url, v2, kinds=("rounding", "out_of_range")) == [
        ("2 rows have values with more than 15 significant digits in `Measure`.`d` that will be rounded by the cast "
         f"from `Decimal(65,30)` to `{double}`.", False),
        ("1 rows have values with more than 15 significant digits in `Measure`.`u` that will be rounded by the cast "
         f"from `Decimal(65,30)` to `{double}`. After rounding there will be 1 duplicated value groups under the "
         "unique constraint covering the columns `[u]`: the migration will fail.", True),
        ("2 rows have values with more than 6 significant digits in `Measure`.`r` that will be rounded by the cast "
         f"from `Decimal(65,30)` to `{real}`.", False),
    ]
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + v2)
    _push_refused(provider, db_url, run_cli, v2)
    with connect(db_url) as conn:
        conn.execute(f"UPDATE {q(provider, 'Measure')} SET {q(provider, 'u')} = 3 WHERE id = 1")
    assert run_cli("db", "push", "--accept-data-loss").exit_code == 0
    as_double = "DOUBLE PRECISION" if provider == "postgresql" else "DOUBLE"
    with connect(db_url) as conn:
        rows_after = conn.query(
            f"SELECT {q(provider, 'd')}, {q(provider, 'u')}, CAST({q(provider, 'r')} AS {as_double}) "
            f"FROM {q(provider, 'Measure')} ORDER BY id"
        )
    assert [tuple(float(v) for v in r) for r in rows_after] == [
        (0.12345678901234568, 3.0, 0.10000000149011612), (9007199254740992.0, 9007199254740992.0, 123.45670318603516),
        (0.1, 1.0, 1.5), (1.000000000000001, 2.0, 16777216.0),
    ]


def test_unconstrained_numeric_to_double(tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    """PostgreSQL's unconstrained numeric holds values a double cannot: 1e400 overflows and 1e-400
    underflows, and PostgreSQL refuses both ("is out of range for type double precision")."""
    provider, db_url = "postgresql", postgres_url
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    v1 = "model Measure {\n  id Int @id\n  n Decimal @db.Decimal\n}\n"
    v2 = "model Measure {\n  id Int @id\n  n Float\n}\n"
    _push_values(tmp_path, provider, db_url, run_cli, v1, ["1, 1e400", "2, -1e-400", "3, 'NaN'", "4, 1e308", "5, 0"])
    assert _live(provider, db_url, v2, kinds=("rounding", "out_of_range")) == [
        ("2 rows have values in `Measure`.`n` outside the range of `DoublePrecision` (magnitudes from 4.9e-324 to "
         "1.8e308) once rounded: the cast from `Decimal` to `DoublePrecision` will fail.", True),
    ]
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + v2)
    r = run_cli("db", "push", "--accept-data-loss")
    assert r.exit_code != 0 and "cannot be executed" in r.err and "--force-reset" in r.err
    _server_refuses(provider, db_url, v2, "out of range")
    with connect(db_url) as conn:
        conn.execute('DELETE FROM "Measure" WHERE id IN (1, 2)')
    assert run_cli("db", "push", "--accept-data-loss").exit_code == 0
    with connect(db_url) as conn:
        assert [str(v) for (v,) in conn.query('SELECT n FROM "Measure" ORDER BY id')] == ["nan", "1e+308", "0.0"]
