"""A multi-schema PostgreSQL project (``schemas = ["public", "auth"]``, GA in Prisma 6.13+/7) through
the rest of the workflow: ``migrate deploy``/``status`` on a second database, ``schemashift check``
(schema in sync, drift in the second schema), ``migrate rollback`` of a change in the second
schema, and ``fleet check`` over both databases. (``migrate dev``/``diff``/``reset`` against Prisma
7: tests/test_prisma7_config_keys.py; ``db pull``: tests/introspect/test_differential_prisma7.py.)"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import dbutil
from schemashift.connectors import connect

pytestmark = pytest.mark.postgres

SCHEMA = """datasource db {
  provider = "postgresql"
  schemas  = ["public", "auth"]
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  role  Role   @default(A)
  posts Post[]

  @@schema("auth")
}

model Post {
  id     Int  @id @default(autoincrement())
  userId Int
  user   User @relation(fields: [userId], references: [id])

  @@schema("public")
}

enum Role {
  A
  B

  @@schema("auth")
}
"""


def _columns(url: str, space: str, table: str) -> list[str]:
    with connect(url) as conn:
        rows = conn.query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
            (space, table),
        )
    return [r[0] for r in rows]


def test_multi_schema_deploy_status_check_rollback_fleet(tmp_path: Path, postgres_url: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    (tmp_path / "schema.prisma").write_text(SCHEMA)
    (tmp_path / "prisma.config.ts").write_text('export default { schema: "schema.prisma", datasource: { url: env("APP_DB") } }\n')
    monkeypatch.setenv("APP_DB", postgres_url)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    (tmp_path / "schema.prisma").write_text(SCHEMA.replace("  role  Role   @default(A)\n", "  role  Role   @default(A)\n  name  String?\n"))
    r = run_cli("migrate", "dev", "--name", "name")
    assert r.exit_code == 0, r.err
    assert _columns(postgres_url, "auth", "User") == ["id", "email", "role", "name"]
    subprocess.run(["git", "init", "-q", "."], check=True)
    subprocess.run(["git", "add", "-A"], check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "m"], check=True)

    with dbutil.postgres_database(dbutil.admin_url_or_skip("postgresql")) as second:
        monkeypatch.setenv("APP_DB", second)
        r = run_cli("migrate", "deploy")
        assert r.exit_code == 0, r.err
        assert _columns(second, "auth", "User") == ["id", "email", "role", "name"]
        r = run_cli("migrate", "status")
        assert r.exit_code == 0 and "Database schema is up to date" in r.out, r.out + r.err

        r = run_cli("check", "--url", second, "--format", "json")
        results = {c["id"]: c["status"] for c in __import__("json").loads(r.out)["checks"]}
        assert results["schema-in-sync"] == "pass" and results["drift"] == "pass", r.out

        with connect(second) as conn:  # by hand, in the second schema
            conn.execute('ALTER TABLE "auth"."User" ADD COLUMN "extra" INTEGER')
        r = run_cli("check", "--url", second)
        assert r.exit_code != 0 and "FAIL  drift" in r.out and "Added column `extra`" in r.out, r.out

        (tmp_path / "targets.toml").write_text(f'urls = [{{ name = "one", url = "{postgres_url}" }}, {{ name = "two", url = "{second}" }}]\n')
        r = run_cli("fleet", "check", "--targets", "targets.toml")
        assert r.exit_code == 4, r.out + r.err
        lines = {line.split()[0]: line for line in r.out.splitlines() if line.startswith(("one", "two"))}
        assert "up_to_date" in lines["one"] and "drifted" in lines["two"], r.out

    # rollback of the change in the second schema, then deployed again
    monkeypatch.setenv("APP_DB", postgres_url)
    r = run_cli("migrate", "rollback", "--accept-data-loss")
    assert r.exit_code == 0, r.err
    assert _columns(postgres_url, "auth", "User") == ["id", "email", "role"]
    assert run_cli("migrate", "deploy").exit_code == 0
    assert _columns(postgres_url, "auth", "User") == ["id", "email", "role", "name"]
