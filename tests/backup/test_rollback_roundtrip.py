"""Rollback and restore round trips on every database, with data in the tables."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from schemashift.connectors import connect
from schemashift.migrations import engine

STAGES = [
    """
model User {
  id    Int    @id
  email String @unique
}
""",
    """
model User {
  id    Int    @id
  email String @unique
  posts Post[]
}

model Post {
  id       Int    @id
  title    String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
}
""",
    """
model User {
  id        Int     @id
  email     String  @unique
  firstName String?
  posts     Post[]

  @@index([firstName])
}

model Post {
  id       Int    @id
  title    String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
}
""",
    """
model User {
  id        Int     @id
  email     String  @unique
  firstName String?
  posts     Post[]

  @@index([firstName])
}

model Post {
  id       Int      @id
  title    String
  body     String?
  authorId Int
  author   User     @relation(fields: [authorId], references: [id], onDelete: Cascade)
}
""",
]


def header(provider: str) -> str:
    return f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n'


def q(provider: str, name: str) -> str:
    return f"`{name}`" if provider == "mysql" else f'"{name}"'


def assert_schema_is(db_url: str, provider: str, stage: int | None) -> None:
    from schemashift.migrations.engine import empty_schema

    files = [("schema.prisma", header(provider) + STAGES[stage])] if stage is not None else None
    expected = engine.target_schema(files, provider) if files else empty_schema(provider)
    with connect(db_url) as conn:
        live = engine.describe(conn)
    assert engine.diff(live, expected, engine.dialect_for(provider)) == [], f"stage {stage}"


def digest(db_url: str, provider: str) -> str:
    h = hashlib.sha256()
    with connect(db_url) as conn:
        for table in ("User", "Post"):
            for row in conn.query(f"SELECT * FROM {q(provider, table)} ORDER BY id"):
                h.update(repr(tuple(str(v) for v in row)).encode())
    return h.hexdigest()


def test_rollback_to_every_point_and_forward_then_restore(
    tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    (tmp_path / "prisma").mkdir()
    names = []
    for i, stage in enumerate(STAGES):
        (tmp_path / "prisma/schema.prisma").write_text(header(provider) + stage)
        r = run_cli("migrate", "dev", "--name", f"step{i}")
        assert r.exit_code == 0, r.err
        names.append(sorted(p.name for p in (tmp_path / "prisma/migrations").iterdir() if p.is_dir())[-1])
    with connect(db_url) as conn:
        for u in range(1, 6):
            conn.execute(f"INSERT INTO {q(provider, 'User')} (id, email, {q(provider, 'firstName')}) VALUES (%s, %s, %s)", (u, f"u{u}@x", f"N{u}"))
            for p in range(3):
                conn.execute(
                    f"INSERT INTO {q(provider, 'Post')} (id, title, body, {q(provider, 'authorId')}) VALUES (%s, %s, %s, %s)",
                    (u * 10 + p, f"t{p}", "body", u),
                )
    before = digest(db_url, provider)
    r = run_cli("backup", "create", "-o", str(tmp_path / "bk"))
    assert r.exit_code == 0, r.err
    (backup_file,) = [p for p in (tmp_path / "bk").iterdir() if p.name != "manifest.json" and p.suffix != ".sha256"]

    # what each rollback loses, counted on the live data (refused without a terminal until accepted)
    losses = {
        3: "drop the column `body` on the `Post` table, which still contains 15 non-null values",
        2: "drop the column `firstName` on the `User` table, which still contains 5 non-null values",
        1: "drop the `Post` table, which is not empty (15 rows)",
        0: "drop the `User` table, which is not empty (5 rows)",
    }
    for k in range(len(STAGES) - 1, -1, -1):  # one step at a time, down to the empty database
        r = run_cli("migrate", "rollback")
        assert r.exit_code == 1 and losses[k] in r.err and "--accept-data-loss" in r.err, r.err
        assert_schema_is(db_url, provider, k)  # refused: nothing changed
        r = run_cli("migrate", "rollback", "--accept-data-loss")
        assert r.exit_code == 0, r.err
        assert losses[k] in r.out
        assert_schema_is(db_url, provider, k - 1 if k else None)
        r = run_cli("migrate", "status")
        assert r.exit_code == 1 and names[k] in r.out  # pending again

    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    assert_schema_is(db_url, provider, len(STAGES) - 1)
    assert run_cli("migrate", "status").exit_code == 0

    r = run_cli("migrate", "rollback", "--to", names[1], "--accept-data-loss")  # empty tables: no warning
    assert r.exit_code == 0, r.err
    assert "Warnings" not in r.out
    assert_schema_is(db_url, provider, 1)
    assert run_cli("migrate", "deploy").exit_code == 0
    assert_schema_is(db_url, provider, len(STAGES) - 1)

    r = run_cli("backup", "restore", str(backup_file), "--force")
    assert r.exit_code == 0, r.err
    assert digest(db_url, provider) == before
    assert run_cli("migrate", "status").exit_code == 0  # the history came back with the data


def test_rollback_refuses_an_edited_migration_and_a_missing_down(
    tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text(header(provider) + STAGES[0])
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    # the guide's manual path: an empty migration for custom SQL, edited by hand
    r = run_cli("migrate", "dev", "--create-only", "--name", "rollback_feature_x")
    assert r.exit_code == 0, r.err
    custom = sorted(p for p in (tmp_path / "prisma/migrations").iterdir() if p.is_dir())[-1]
    (custom / "migration.sql").write_text(f"ALTER TABLE {q(provider, 'User')} ADD COLUMN {q(provider, 'extra')} INTEGER;\n")
    assert run_cli("migrate", "deploy").exit_code == 0
    r = run_cli("migrate", "rollback")
    assert r.exit_code == 1 and "edited after it was created" in r.err
    (custom / "down.sql").unlink()
    r = run_cli("migrate", "rollback", "--dry-run")
    assert r.exit_code == 1 and "has no down.sql" in r.err
    (custom / "down.sql").write_text(f"ALTER TABLE {q(provider, 'User')} DROP COLUMN {q(provider, 'extra')};\n")
    r = run_cli("migrate", "rollback")
    assert r.exit_code == 0, r.err
    assert_schema_is(db_url, provider, 0)
