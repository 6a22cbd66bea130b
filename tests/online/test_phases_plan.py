"""The multi-step planner without a database: which changes get a plan on which database, and
what each phase holds (the database tests are in test_phases.py)."""

from __future__ import annotations

import pytest

from schemashift.diff.renames import Rename
from schemashift.migrations import engine
from schemashift.online.contract import PLACEHOLDER, is_contract
from schemashift.online.phases import Change, plan_with_phases
from schemashift.online.plan import OnlineOptions

HEAD = 'datasource db {\n  provider = "%s"\n  url      = env("DATABASE_URL")\n}\n'
BEFORE = """
model User {
  id    Int    @id
  name  String
  score Int
}
"""


def _plan(provider: str, after: str, renames: list[Rename] | None = None, sizes: dict[str, int] | None = None) -> list[str]:
    before = engine.target_schema([("a.prisma", HEAD % provider + BEFORE)])
    target = engine.target_schema([("b.prisma", HEAD % provider + after)])
    dialect = engine.dialect_for(provider)
    steps = engine.diff(before, target, dialect, renames or [])
    options = OnlineOptions(sizes=sizes)
    planned = plan_with_phases(Change(before, target, steps, renames or []), dialect, options, {})
    return [s.script for s in planned.scripts]


@pytest.mark.parametrize("provider", ["postgresql", "mysql", "sqlite"])
def test_a_required_column_gets_three_phases(provider: str) -> None:
    scripts = _plan(provider, BEFORE.replace("score Int", "score Int\n  email String"))
    contracts = [s for s in scripts if is_contract(s)]
    assert contracts and scripts[-1] in contracts and not is_contract(scripts[0])
    assert "NOT NULL" not in scripts[0].split("email", 1)[1].split("\n", 1)[0]  # added nullable
    assert any("-- schemashift:backfill" in s and PLACEHOLDER in s for s in scripts if not is_contract(s))


def test_a_table_empty_in_the_stats_database_keeps_prismas_step() -> None:
    scripts = _plan("postgresql", BEFORE.replace("score Int", "score Int\n  email String"), sizes={"User": 0})
    assert len(scripts) == 1 and '"email" TEXT NOT NULL' in scripts[0]


@pytest.mark.parametrize("provider", ["mysql", "sqlite"])
def test_renames_elsewhere_stay_renames(provider: str) -> None:
    scripts = _plan(provider, BEFORE.replace("name ", "label"), [Rename("name", "label", "User")])
    assert len(scripts) == 1 and "RENAME COLUMN" in scripts[0] and "TRIGGER" not in scripts[0]


def test_postgres_rename_is_a_move() -> None:
    scripts = _plan("postgresql", BEFORE.replace("name ", "label"), [Rename("name", "label", "User")])
    text = "\n".join(scripts)
    assert 'RENAME COLUMN "name"' not in text and "CREATE TRIGGER" in text
    assert is_contract(scripts[-1]) and 'DROP COLUMN "name"' in "\n".join(s for s in scripts if is_contract(s))


def test_a_primary_key_type_change_is_a_key_move() -> None:
    scripts = _plan("postgresql", BEFORE.replace("id    Int    @id", "id    BigInt @id"))
    text = "\n".join(scripts)
    assert "SET DATA TYPE" not in text and "CREATE TRIGGER" in text
    assert 'CREATE UNIQUE INDEX CONCURRENTLY "User_pkey__schemashift_new"' in text
    contract = "\n".join(s for s in scripts if is_contract(s))
    assert 'ADD CONSTRAINT "User_pkey" PRIMARY KEY USING INDEX "User_pkey__schemashift_new"' in contract
    assert "SEQUENCE" not in text  # no autoincrement: no sequence to move


def test_a_composite_primary_key_type_change_keeps_prismas_sql() -> None:
    before = BEFORE.replace("score Int\n", "score Int\n  @@id([id, score])\n").replace("id    Int    @id", "id    Int")
    after = before.replace("id    Int", "id    BigInt")
    b = engine.target_schema([("a.prisma", HEAD % "postgresql" + before)])
    t = engine.target_schema([("b.prisma", HEAD % "postgresql" + after)])
    dialect = engine.dialect_for("postgresql")
    planned = plan_with_phases(Change(b, t, engine.diff(b, t, dialect)), dialect, OnlineOptions(), {})
    assert len(planned.scripts) == 1 and "TRIGGER" not in planned.scripts[0].script
    assert "SET DATA TYPE BIGINT" in planned.scripts[0].script
    assert any("Prisma's SQL is kept" in n for n in planned.notes)


def test_a_wider_varchar_keeps_prismas_sql() -> None:
    before_varchar = BEFORE.replace("name  String", "name  String @db.VarChar(10)")
    after = BEFORE.replace("name  String", "name  String @db.VarChar(50)")
    b = engine.target_schema([("a.prisma", HEAD % "postgresql" + before_varchar)])
    t = engine.target_schema([("b.prisma", HEAD % "postgresql" + after)])
    dialect = engine.dialect_for("postgresql")
    steps = engine.diff(b, t, dialect)
    planned = plan_with_phases(Change(b, t, steps), dialect, OnlineOptions(), {})
    assert len(planned.scripts) == 1 and "TRIGGER" not in planned.scripts[0].script


def test_a_renamed_and_retyped_column_converts_both_ways() -> None:
    after = BEFORE.replace("score Int", "points BigInt")
    text = "\n".join(_plan("postgresql", after, [Rename("score", "points", "User")]))
    assert 'NEW."points" := CAST(NEW."score" AS BIGINT);' in text
    assert 'NEW."score" := CAST(NEW."points" AS INTEGER);' in text
    assert 'SET "points" = CAST("score" AS BIGINT) WHERE "points" IS NULL AND "score" IS NOT NULL;' in text
