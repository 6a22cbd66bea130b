"""The guide's seed (an admin and a user with a ``planTier``) in Python: ``init`` writes
``prisma/seed.py``, ``migrate dev`` generates the client, ``migrate reset --force`` runs the seed,
and the seed can run again (upserts); on SQLite, PostgreSQL and MySQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from schemashift.connectors import connect

GUIDE_SCHEMA = """\
generator client {{
  provider = "schemashift-py"
}}

datasource db {{
  provider = "{provider}"
  url      = env("DATABASE_URL")
}}

enum PlanTier {{
  FREE
  PRO
}}

model User {{
  id        String   @id @default(cuid())
  email     String   @unique
  firstName String?
  planTier  PlanTier @default(FREE)
  createdAt DateTime @default(now())
}}
"""


def test_guide_seed_runs_on_reset(
    tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    r = run_cli("init", "--datasource-provider", provider, "--url", db_url)
    assert r.exit_code == 0, r.err
    seed = (tmp_path / "prisma" / "seed.py").read_text()
    assert "prisma.user.upsert(" in seed and '"planTier": "PRO"' in seed
    monkeypatch.setenv("DATABASE_URL", db_url)
    # before the client exists the seed says so and fails: nothing seeded is not reported as done
    r = run_cli("db", "seed")
    assert r.exit_code == 1
    assert "The seed command has been executed" not in r.out
    assert "An error occurred while running the seed command" in r.err

    (tmp_path / "prisma" / "schema.prisma").write_text(GUIDE_SCHEMA.format(provider=provider))
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err
    assert "Generated the schemashift Python client (1 models) to ./prisma/prisma_client" in r.out
    assert (tmp_path / "prisma" / "prisma_client" / "client.py").is_file()

    r = run_cli("migrate", "reset", "--force")
    assert r.exit_code == 0, r.err
    assert "The seed command has been executed." in r.out
    q = "`" if provider == "mysql" else '"'
    with connect(db_url) as conn:
        rows = conn.query(f"SELECT {q}email{q}, {q}planTier{q}, {q}id{q} FROM {q}User{q} ORDER BY {q}email{q}")
    assert [(e, t) for e, t, _ in rows] == [("admin@example.com", "PRO"), ("user@example.com", "FREE")]
    assert all(len(i) == 25 and i.startswith("c") for _, _, i in rows)  # cuid() filled by the client

    # a second seed upserts the same rows: same emails, same ids
    r = run_cli("db", "seed")
    assert r.exit_code == 0, r.err
    with connect(db_url) as conn:
        again = conn.query(f"SELECT {q}email{q}, {q}planTier{q}, {q}id{q} FROM {q}User{q} ORDER BY {q}email{q}")
    assert again == rows

    # --skip-generate leaves the client alone
    (tmp_path / "prisma" / "prisma_client" / "marker").write_text("x")
    assert run_cli("migrate", "reset", "--force", "--skip-generate", "--skip-seed").exit_code == 0
    assert (tmp_path / "prisma" / "prisma_client" / "marker").exists()
