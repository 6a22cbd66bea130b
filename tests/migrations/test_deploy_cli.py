"""``migrate deploy | status | resolve`` end to end on every database, with hand-written SQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemashift.connectors import connect

SCHEMA = """datasource db {
  provider = "%s"
  url      = env("DATABASE_URL")
}

model User {
  id    Int    @id
  email String @unique
}
"""

INIT = {
    "sqlite": 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "email" TEXT NOT NULL);\n',
    "postgresql": 'CREATE TABLE "User" ("id" INTEGER NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n',
    "mysql": "CREATE TABLE `User` (`id` INTEGER NOT NULL, `email` VARCHAR(191) NOT NULL, PRIMARY KEY (`id`));\n",
}
ADD_COL = {
    "sqlite": 'ALTER TABLE "User" ADD COLUMN "firstName" TEXT;\n',
    "postgresql": 'ALTER TABLE "User" ADD COLUMN "firstName" TEXT;\n',
    "mysql": "ALTER TABLE `User` ADD COLUMN `firstName` VARCHAR(191) NULL;\n",
}
BAD = {
    "sqlite": 'ALTER TABLE "Nope" ADD COLUMN "x" TEXT;\n',
    "postgresql": 'ALTER TABLE "Nope" ADD COLUMN "x" TEXT;\n',
    "mysql": "ALTER TABLE `Nope` ADD COLUMN `x` TEXT;\n",
}


@pytest.fixture
def project(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(SCHEMA % provider)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def add_migration(project: Path, name: str, sql: str) -> None:
    folder = project / "prisma" / "migrations" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "migration.sql").write_text(sql)


def history(db_url: str) -> list[tuple]:
    with connect(db_url) as conn:
        return conn.query(
            "SELECT migration_name, finished_at IS NOT NULL, rolled_back_at IS NOT NULL, applied_steps_count,"
            " logs FROM _prisma_migrations ORDER BY started_at"
        )


def test_deploy_status_failure_resolve_cycle(project: Path, provider: str, db_url: str, run_cli) -> None:
    add_migration(project, "20260101000000_init", INIT[provider])
    r = run_cli("migrate", "status")
    assert r.exit_code == 1 and "Following migration have not yet been applied:\n20260101000000_init" in r.out

    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    assert "All migrations have been successfully applied." in r.out
    r = run_cli("migrate", "status")
    assert r.exit_code == 0 and "Database schema is up to date!" in r.out

    add_migration(project, "20260102000000_add_user_first_name", ADD_COL[provider])
    add_migration(project, "20260103000000_bad", BAD[provider])
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1
    assert "Error: P3018" in r.err and "Migration name: 20260103000000_bad" in r.err
    rows = history(db_url)
    assert [(n, f, rb) for n, f, rb, *_ in rows] == [
        ("20260101000000_init", 1, 0),
        ("20260102000000_add_user_first_name", 1, 0),
        ("20260103000000_bad", 0, 0),
    ]
    assert rows[-1][4]  # the failure's logs are recorded

    r = run_cli("migrate", "status", "--json")
    assert r.exit_code == 1
    assert [f["name"] for f in json.loads(r.out)["failed"]] == ["20260103000000_bad"]
    r = run_cli("migrate", "deploy")
    if provider == "mysql":
        # a MySQL migration runs statement by statement; its clean failure is resumed (the failed
        # statement is tried again, the ones before it are not) until it is resolved
        assert r.exit_code == 1 and "Resuming migration `20260103000000_bad` at statement 1 of 1" in r.out
        assert "Error: P3018" in r.err
        assert len(history(db_url)) == 3
    else:
        assert r.exit_code == 1 and "Error: P3009" in r.err and "`20260103000000_bad`" in r.err

    r = run_cli("migrate", "resolve", "--rolled-back", "20260103000000_init_typo")
    assert r.exit_code == 1 and "P3011" in r.err
    r = run_cli("migrate", "resolve", "--rolled-back", "20260101000000_init")
    assert r.exit_code == 1 and "P3012" in r.err
    r = run_cli("migrate", "resolve", "--rolled-back", "20260103000000_bad")
    assert r.exit_code == 0 and "marked as rolled back" in r.out

    add_migration(project, "20260103000000_bad", INIT[provider].replace("User", "Profile"))
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    r = run_cli("migrate", "status")
    assert r.exit_code == 0 and "3 migrations found" in r.out

    r = run_cli("migrate", "resolve", "--applied", "20260101000000_init")
    assert r.exit_code == 1 and "P3008" in r.err
    r = run_cli("migrate", "resolve", "--applied", "nope")
    assert r.exit_code == 1 and "P3017" in r.err


def test_edited_and_unknown_migrations_are_reported(project: Path, provider: str, run_cli) -> None:
    add_migration(project, "20260101000000_init", INIT[provider])
    add_migration(project, "20260102000000_add", ADD_COL[provider])
    assert run_cli("migrate", "deploy").exit_code == 0
    (project / "prisma/migrations/20260101000000_init/migration.sql").write_text(INIT[provider] + "-- edited\n")
    r = run_cli("migrate", "status")
    assert r.exit_code == 1 and "was modified after it was applied:\n20260101000000_init" in r.out
    import shutil

    shutil.rmtree(project / "prisma/migrations/20260102000000_add")
    r = run_cli("migrate", "status")
    assert "from the database is not found locally in prisma/migrations:\n20260102000000_add" in r.out


def test_deploy_refuses_a_non_empty_database_without_history(project: Path, provider: str, db_url: str, run_cli) -> None:
    with connect(db_url) as conn:
        conn.execute_script(INIT[provider])
    add_migration(project, "20260101000000_init", INIT[provider])
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "P3005" in r.err and "baseline" in r.err
    # baselining as the guide's adoption path: resolve --applied, then deploy is a no-op
    assert run_cli("migrate", "resolve", "--applied", "20260101000000_init").exit_code == 0
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0 and "No pending migrations to apply." in r.out


def test_provider_switch_is_refused(project: Path, provider: str, run_cli) -> None:
    other = "mysql" if provider != "mysql" else "postgresql"
    add_migration(project, "20260101000000_init", INIT[provider])
    (project / "prisma/migrations/migration_lock.toml").write_text(f'provider = "{other}"')
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "P3019" in r.err
