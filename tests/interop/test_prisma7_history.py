"""Interop with the real Prisma CLI (7.10.1, through ../shared/oracle/prisma7) on PostgreSQL and SQLite:
a database migrated by schemashift is up to date for Prisma, and the reverse.

Skipped when node or the oracle folder is absent (the oracle needs the npm registry on first use).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ORACLE = Path(__file__).resolve().parents[3] / "shared" / "oracle" / "prisma7"

pytestmark = pytest.mark.skipif(
    not ORACLE.exists() or shutil.which("node") is None, reason="needs node and ../shared/oracle/prisma7"
)

MODELS = """
model User {
  id        String   @id @default(cuid())
  email     String   @unique
  firstName String?
  posts     Post[]
  createdAt DateTime @default(now())
}

model Post {
  id       Int     @id @default(autoincrement())
  title    String
  authorId String
  author   User    @relation(fields: [authorId], references: [id], onDelete: Cascade)

  @@index([authorId])
}
"""


def write(root: Path, provider: str) -> None:
    (root / "prisma").mkdir(exist_ok=True)
    (root / "prisma" / "schema.prisma").write_text(
        f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n{MODELS}'
    )
    # Prisma 7 takes the URL from its config, not from the schema
    (root / "prisma7.prisma").write_text(f'datasource db {{\n  provider = "{provider}"\n}}\n{MODELS}')


def prisma7(root: Path, db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url, "MIGRATIONS_DIR": str(root / "prisma" / "migrations")}
    return subprocess.run(
        [str(ORACLE), *args[:1], str(root / "prisma7.prisma"), *args[1:]],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.parametrize("provider", ["sqlite", "postgresql"], indirect=True)
def test_schemashift_history_is_up_to_date_for_prisma(
    tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    write(tmp_path, provider)
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err
    p = prisma7(tmp_path, db_url, "status")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Database schema is up to date!" in p.stdout
    # Prisma finds no drift and nothing to migrate in the database schemashift made
    p = prisma7(tmp_path, db_url, "diff-db")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "-- This is an empty migration.", p.stdout


@pytest.mark.parametrize("provider", ["sqlite", "postgresql"], indirect=True)
def test_prisma_history_is_up_to_date_for_schemashift(
    tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    write(tmp_path, provider)
    p = prisma7(tmp_path, db_url, "dev", "init")
    assert p.returncode == 0, p.stdout + p.stderr
    r = run_cli("migrate", "status")
    assert r.exit_code == 0 and "Database schema is up to date!" in r.out, r.out + r.err
    # no drift, no change: schemashift reads Prisma's database as its own schema
    r = run_cli("migrate", "dev", "--name", "next")
    assert r.exit_code == 0, r.err
    assert "Already in sync" in r.out
    # and the migration Prisma wrote is the one schemashift would have written
    (migration,) = [p for p in (tmp_path / "prisma" / "migrations").iterdir() if p.is_dir()]
    r = run_cli("migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script")
    assert r.out == (migration / "migration.sql").read_text()
