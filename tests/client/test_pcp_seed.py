"""The guide's seed written with prisma-client-py (``from prisma import Prisma``, async, as its
users wrote it) runs unchanged through ``migrate reset`` and ``db seed`` on SQLite, PostgreSQL and
MySQL: ``migrate dev`` generates the ``prisma`` package, the seed upserts, a second seed keeps the
same rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from schemashift.connectors import connect

SCHEMA = """\
generator client {{
  provider = "prisma-client-py"
  output   = "prisma"
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

SEED = """\
import asyncio

from prisma import Prisma
from prisma.enums import PlanTier


async def main() -> None:
    db = Prisma()
    await db.connect()
    admin = await db.user.upsert(
        where={"email": "admin@example.com"},
        data={
            "create": {"email": "admin@example.com", "firstName": "Admin", "planTier": PlanTier.PRO},
            "update": {},
        },
    )
    user = await db.user.upsert(
        where={"email": "user@example.com"},
        data={"create": {"email": "user@example.com", "firstName": "User"}, "update": {}},
    )
    print(f"seeded {admin.email} ({admin.planTier}) and {user.email} ({user.planTier})")
    await db.disconnect()


asyncio.run(main())
"""


def test_prisma_client_py_seed_runs_on_reset_and_db_seed(
    tmp_path: Path, provider: str, db_url: str, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(SCHEMA.format(provider=provider))
    (tmp_path / "prisma" / "seed.py").write_text(SEED)
    (tmp_path / "pyproject.toml").write_text('[tool.schemashift]\nseed = "python prisma/seed.py"\n')

    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err
    assert (tmp_path / "prisma" / "prisma" / "__init__.py").is_file()

    r = run_cli("migrate", "reset", "--force")
    assert r.exit_code == 0, r.err
    assert "The seed command has been executed." in r.out
    q = "`" if provider == "mysql" else '"'
    query = f"SELECT {q}email{q}, {q}planTier{q}, {q}id{q} FROM {q}User{q} ORDER BY {q}email{q}"
    with connect(db_url) as conn:
        rows = conn.query(query)
    assert [(e, t) for e, t, _ in rows] == [("admin@example.com", "PRO"), ("user@example.com", "FREE")]
    assert all(len(i) == 25 and i.startswith("c") for _, _, i in rows)  # cuid() filled by the client

    r = run_cli("db", "seed")
    assert r.exit_code == 0, r.err
    with connect(db_url) as conn:
        assert conn.query(query) == rows  # upserted: same rows, same ids
