"""A multi-step plan is plain Prisma migrations: the real Prisma CLI (7.10.1, through
../shared/oracle/prisma7) applies every folder, the contract included (it knows no marker: the
caveat in docs/online.md), and the database ends at the schema with every row kept.

The plan here has no sync trigger: the oracle runs Prisma through its PostgreSQL driver adapter,
whose ``executeScript`` splits a script at every ``;``, also inside the trigger function's
dollar-quoted body (docs/online.md says so); generated comments therefore hold no ``;``.

Skipped when node or the oracle folder is absent (the oracle needs the npm registry on first use).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from schemashift.connectors import connect
from schemashift.online.contract import PLACEHOLDER, is_contract

ORACLE = Path(__file__).resolve().parents[3] / "shared" / "oracle" / "prisma7"

pytestmark = pytest.mark.skipif(
    not ORACLE.exists() or shutil.which("node") is None, reason="needs node and ../shared/oracle/prisma7"
)

BEFORE = """
model User {
  id    Int    @id
  name  String
  score Int?
  @@index([name])
}
"""
AFTER = """
model User {
  id    Int    @id
  name  String
  score Int?
  email String
  @@index([name])
  @@index([email])
}
"""
ROWS = 200


def _write(root: Path, models: str) -> None:
    (root / "prisma").mkdir(exist_ok=True)
    (root / "prisma/schema.prisma").write_text(
        f'datasource db {{\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}}\n{models}'
    )
    (root / "prisma7.prisma").write_text(f'datasource db {{\n  provider = "postgresql"\n}}\n{models}')


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_prisma_deploys_the_whole_plan_at_once(
    tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    _write(tmp_path, BEFORE)
    assert run_cli("migrate", "dev", "-n", "init", "--skip-generate").exit_code == 0
    with connect(db_url) as conn:
        rows = ", ".join(f"({i}, 'n{i}', {i})" for i in range(1, ROWS + 1))
        conn.execute(f'INSERT INTO "User" (id, name, score) VALUES {rows}')
    _write(tmp_path, AFTER)
    r = run_cli("migrate", "dev", "--online", "-n", "plan", "--create-only", "--skip-generate")
    assert r.exit_code == 0, r.err
    folders = sorted(p for p in (tmp_path / "prisma/migrations").iterdir() if p.is_dir())[1:]
    assert any(is_contract((p / "migration.sql").read_text()) for p in folders)
    for p in folders:
        path = p / "migration.sql"
        path.write_text(path.read_text().replace(PLACEHOLDER, "'e' || id"))

    env = {**os.environ, "DATABASE_URL": db_url, "MIGRATIONS_DIR": str(tmp_path / "prisma/migrations")}
    p = subprocess.run(
        [str(ORACLE), "deploy", str(tmp_path / "prisma7.prisma")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    for folder in folders:  # every folder, the contract ones too
        assert folder.name in p.stdout + p.stderr
    r = run_cli("migrate", "status")
    assert r.exit_code == 0, r.out + r.err
    r = run_cli("migrate", "diff", "--from-url", db_url, "--to-schema-datamodel", "prisma/schema.prisma", "--exit-code")
    assert r.exit_code == 0, r.out
    with connect(db_url) as conn:
        row = conn.query_one('SELECT COUNT(*), COUNT(*) FILTER (WHERE email = \'e\' || id) FROM "User"')
    assert row is not None and tuple(row) == (ROWS, ROWS)
