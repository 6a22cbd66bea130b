"""The guide's Local Development, Production Workflow and Troubleshooting sections, step by step,
on SQLite, PostgreSQL and MySQL/MariaDB, through the real CLI (``schemashift`` for ``npx prisma``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import dbutil
import pytest

from schemashift.connectors import connect

USER_V1 = """
model User {
  id        String   @id @default(cuid())
  email     String   @unique
  createdAt DateTime @default(now())
}
"""

USER_V2 = """
model User {
  id        String   @id @default(cuid())
  email     String   @unique
  // New field
  firstName String?  // Add this
  createdAt DateTime @default(now())
}
"""


def write_schema(root: Path, provider: str, models: str) -> None:
    (root / "prisma" / "schema.prisma").write_text(
        f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n{models}'
    )


def migration_dirs(root: Path) -> list[Path]:
    return sorted(p for p in (root / "prisma" / "migrations").iterdir() if p.is_dir())


@pytest.fixture
def project(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    r = run_cli("init", "--datasource-provider", provider, "--url", db_url)
    assert r.exit_code == 0, r.err
    assert (tmp_path / ".env").read_text().count("DATABASE_URL=") == 1
    # these schemas have no client generator, so init's seed (tests/test_cli_init.py) cannot run:
    # without it `migrate reset` has nothing to seed
    (tmp_path / "prisma" / "seed.py").unlink()
    monkeypatch.setenv("DATABASE_URL", db_url)
    return tmp_path


def test_local_development_and_production_workflow(project: Path, provider: str, db_url: str, tmp_path: Path, run_cli) -> None:
    write_schema(project, provider, USER_V1)
    r = run_cli("migrate", "dev", "--name", "init")
    assert r.exit_code == 0, r.err
    assert "Your database is now in sync with your schema." in r.out
    (init,) = migration_dirs(project)
    assert init.name.endswith("_init") and len(init.name) == len("20260101000000_init")
    assert "CREATE TABLE" in (init / "migration.sql").read_text()
    lock = (project / "prisma/migrations/migration_lock.toml").read_text()
    assert f'provider = "{provider}"' in lock

    write_schema(project, provider, USER_V2)
    r = run_cli("migrate", "dev", "--name", "add_user_first_name")
    assert r.exit_code == 0, r.err
    second = migration_dirs(project)[1]
    assert second.name.endswith("_add_user_first_name")
    sql = (second / "migration.sql").read_text()
    assert "firstName" in sql and "ADD COLUMN" in sql.upper()
    assert "firstName" in (second / "down.sql").read_text()

    r = run_cli("migrate", "status")
    assert r.exit_code == 0 and "Database schema is up to date!" in r.out and "2 migrations found" in r.out

    r = run_cli("migrate", "dev")
    assert r.exit_code == 0 and "Already in sync" in r.out

    # Production: deploy the committed migrations to a second database, then status says up to date.
    with dbutil.second_database(provider, tmp_path) as staging:
        import os

        os.environ["DATABASE_URL"] = staging
        r = run_cli("migrate", "status")
        assert r.exit_code == 1 and "have not yet been applied" in r.out
        r = run_cli("migrate", "deploy")
        assert r.exit_code == 0, r.err
        assert "All migrations have been successfully applied." in r.out
        r = run_cli("migrate", "status")
        assert r.exit_code == 0 and "Database schema is up to date!" in r.out
        # and both databases have the same schema
        r = run_cli("migrate", "diff", "--from-url", staging, "--to-url", db_url, "--exit-code")
        assert r.exit_code == 0, r.out + r.err
        os.environ["DATABASE_URL"] = db_url


def test_drift_is_detected_and_explained(project: Path, provider: str, db_url: str, run_cli) -> None:
    write_schema(project, provider, USER_V1)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    q = "`" if provider == "mysql" else '"'
    with connect(db_url) as conn:
        conn.execute(f"ALTER TABLE {q}User{q} ADD COLUMN {q}handmade{q} INTEGER")
    r = run_cli("migrate", "dev", "--name", "next")
    assert r.exit_code == 1
    assert "Drift detected: Your database schema is not in sync with your migration history." in r.err
    assert "[*] Changed the `User` table" in r.err and "[+] Added column `handmade`" in r.err
    assert "schemashift migrate reset" in r.err
    # the guide's fix: reset, then dev again
    assert run_cli("migrate", "reset", "--force").exit_code == 0
    r = run_cli("migrate", "dev", "--name", "next")
    assert r.exit_code == 0 and "Already in sync" in r.out


def test_edited_applied_migration_is_detected(project: Path, provider: str, run_cli) -> None:
    write_schema(project, provider, USER_V1)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    (init,) = migration_dirs(project)
    (init / "migration.sql").write_text((init / "migration.sql").read_text() + "\n-- edited\n")
    r = run_cli("migrate", "dev", "--name", "x")
    assert r.exit_code == 1
    assert f"The migration `{init.name}` was modified after it was applied." in r.err
    r = run_cli("migrate", "status")
    assert r.exit_code == 1 and init.name in r.out


def test_create_only_then_custom_sql_then_apply(project: Path, provider: str, db_url: str, run_cli) -> None:
    write_schema(project, provider, USER_V1)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    r = run_cli("migrate", "dev", "--create-only", "--name", "custom_migration")
    assert r.exit_code == 0, r.err
    custom = migration_dirs(project)[-1]
    assert custom.name.endswith("_custom_migration")
    assert (custom / "migration.sql").read_text().strip() == "-- This is an empty migration."
    q = "`" if provider == "mysql" else '"'
    (custom / "migration.sql").write_text(
        f"INSERT INTO {q}User{q} ({q}id{q}, {q}email{q}) VALUES ('a1', 'admin@example.com');\n"
    )
    r = run_cli("migrate", "dev")
    assert r.exit_code == 0, r.err
    with connect(db_url) as conn:
        assert conn.query(f"SELECT {q}email{q} FROM {q}User{q}") == [("admin@example.com",)]


def test_reset_runs_the_seed(project: Path, provider: str, db_url: str, run_cli) -> None:
    write_schema(project, provider, USER_V1)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    q = "`" if provider == "mysql" else '"'
    (project / "prisma" / "seed.py").write_text(textwrap.dedent(f"""
        import os
        from schemashift.connectors import connect
        with connect(os.environ["DATABASE_URL"]) as conn:
            for i, email in enumerate(["admin@example.com", "user@example.com"]):
                conn.execute('''INSERT INTO {q}User{q} ({q}id{q}, {q}email{q}) VALUES (%s, %s)''', (f"u{{i}}", email))
    """))
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO {q}User{q} ({q}id{q}, {q}email{q}) VALUES ('old', 'old@example.com')")
    r = run_cli("migrate", "reset")
    assert r.exit_code == 1 and "--force" in r.err  # non-interactive: refused without --force
    r = run_cli("migrate", "reset", "--force")
    assert r.exit_code == 0, r.err
    with connect(db_url) as conn:
        emails = sorted(row[0] for row in conn.query(f"SELECT {q}email{q} FROM {q}User{q}"))
    assert emails == ["admin@example.com", "user@example.com"]
    r = run_cli("db", "seed")
    assert r.exit_code == 1  # unique email: the seed's own failure is reported, exit 1
    assert "An error occurred while running the seed command" in r.err


def test_data_loss_needs_confirmation_and_db_push_needs_accept_flag(project: Path, provider: str, db_url: str, run_cli) -> None:
    write_schema(project, provider, USER_V2)
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    q = "`" if provider == "mysql" else '"'
    with connect(db_url) as conn:
        conn.execute(f"INSERT INTO {q}User{q} ({q}id{q}, {q}email{q}, {q}firstName{q}) VALUES ('a', 'a@x', 'Ann')")
    write_schema(project, provider, USER_V1)
    r = run_cli("migrate", "dev", "--name", "drop_first_name")
    assert r.exit_code == 1
    assert "You are about to drop the column `firstName` on the `User` table, which still contains 1 non-null values." in r.out
    assert len(migration_dirs(project)) == 1  # nothing written
    r = run_cli("migrate", "dev", "--create-only", "--name", "drop_first_name")
    assert r.exit_code == 0
    header = (migration_dirs(project)[-1] / "migration.sql").read_text()
    assert header.startswith("/*\n  Warnings:\n\n  - You are about to drop the column `firstName` on the `User` table.")

    r = run_cli("db", "push")
    assert r.exit_code == 1 and "--accept-data-loss" in r.err
    r = run_cli("db", "push", "--accept-data-loss")
    assert r.exit_code == 0, r.err
    with connect(db_url) as conn:
        assert conn.query(f"SELECT {q}email{q} FROM {q}User{q}") == [("a@x",)]
