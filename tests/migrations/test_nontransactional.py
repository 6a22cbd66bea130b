"""Non-transactional migrations: statement by statement, resumed at the failed statement."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemashift.connectors import connect

SCHEMA = 'datasource db {\n  provider = "%s"\n  url      = env("DATABASE_URL")\n}\n'


@pytest.fixture
def project(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text(SCHEMA % provider)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def add(project: Path, name: str, sql: str) -> None:
    folder = project / "prisma/migrations" / name
    folder.mkdir(parents=True)
    (folder / "migration.sql").write_text(sql)


def steps(db_url: str, name: str) -> list[tuple]:
    with connect(db_url) as conn:
        return conn.query(
            "SELECT applied_steps_count, finished_at IS NOT NULL FROM _prisma_migrations"
            " WHERE migration_name = %s AND rolled_back_at IS NULL",
            (name,),
        )


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_concurrently_migration_resumes_at_the_failed_statement(project: Path, db_url: str, run_cli) -> None:
    add(project, "20260101000000_init", 'CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "email" TEXT);\n')
    assert run_cli("migrate", "deploy").exit_code == 0
    with connect(db_url) as conn:
        conn.execute('CREATE INDEX "conflict" ON "User"("email")')  # made by hand: statement 2 will fail
    name = "20260102000000_indexes"
    add(
        project,
        name,
        'CREATE INDEX CONCURRENTLY "User_a_idx" ON "User"("email");\n'
        'CREATE INDEX CONCURRENTLY "conflict" ON "User"("email");\n'
        'CREATE INDEX CONCURRENTLY "User_c_idx" ON "User"("id", "email");\n',
    )
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "P3018" in r.err and "conflict" in r.err
    assert steps(db_url, name) == [(1, False)]  # statement 1 done, the migration failed at 2
    r = run_cli("migrate", "status")
    assert r.exit_code == 1 and name in r.out

    with connect(db_url) as conn:
        conn.execute('DROP INDEX "conflict"')  # the fix
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err  # statement 1 is not repeated (it would fail: the index exists)
    assert steps(db_url, name) == [(3, True)]
    with connect(db_url) as conn:
        names = {row[0] for row in conn.query("SELECT indexname FROM pg_indexes WHERE tablename = 'User'")}
    assert {"User_a_idx", "conflict", "User_c_idx"} <= names
    assert run_cli("migrate", "status").exit_code == 0


def test_transaction_off_marker_runs_statementwise(project: Path, provider: str, db_url: str, run_cli) -> None:
    q = "`" if provider == "mysql" else '"'
    name = "20260101000000_init"
    add(
        project,
        name,
        f"-- schemashift:transaction off\nCREATE TABLE {q}A{q} ({q}id{q} INTEGER PRIMARY KEY);\n"
        f"INSERT INTO {q}A{q} VALUES (1);\nINSERT INTO {q}A{q} VALUES (1);\n",
    )
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1
    assert steps(db_url, name) == [(2, False)]
    with connect(db_url) as conn:  # statements 1 and 2 stay applied: no transaction rolled them back
        assert conn.query(f"SELECT COUNT(*) FROM {q}A{q}") == [(1,)]
    (project / "prisma/migrations" / name / "migration.sql").write_text(
        f"-- schemashift:transaction off\nCREATE TABLE {q}A{q} ({q}id{q} INTEGER PRIMARY KEY);\n"
        f"INSERT INTO {q}A{q} VALUES (1);\nINSERT INTO {q}A{q} VALUES (2);\n"
    )
    r = run_cli("migrate", "deploy")  # edited after failing: no silent resume of a changed script
    assert r.exit_code == 1 and "P3009" in r.err


# (MySQL commits DDL implicitly: its migrations always run statement by statement)
@pytest.mark.parametrize("provider", ["sqlite", "postgresql"], indirect=True)
def test_transactional_migration_is_all_or_nothing(project: Path, provider: str, db_url: str, run_cli) -> None:
    add(project, "20260101000000_init", 'CREATE TABLE "A" ("id" INTEGER PRIMARY KEY);\nINSERT INTO "A" VALUES (1);\nINSERT INTO "A" VALUES (1);\n')
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1
    with connect(db_url) as conn:
        tables = conn.query(
            "SELECT name FROM sqlite_master WHERE name = 'A'" if provider == "sqlite"
            else "SELECT table_name FROM information_schema.tables WHERE table_name = 'A'"
        )
    assert tables == []  # rolled back whole
    assert steps(db_url, "20260101000000_init") == [(0, False)]


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_script_with_its_own_transaction(project: Path, db_url: str, run_cli) -> None:
    """Prisma's enum redefinition wraps itself in BEGIN/COMMIT; it must not take schemashift's COMMIT."""
    add(
        project,
        "20260101000000_init",
        """CREATE TYPE "Role" AS ENUM ('A', 'B');\nCREATE TABLE "U" ("id" INTEGER PRIMARY KEY, "role" "Role" NOT NULL);\n"""
        """INSERT INTO "U" VALUES (1, 'A');\n""",
    )
    add(
        project,
        "20260102000000_redefine",
        """-- AlterEnum\nBEGIN;\nCREATE TYPE "Role_new" AS ENUM ('A', 'C');\n"""
        """ALTER TABLE "U" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");\n"""
        """ALTER TYPE "Role" RENAME TO "Role_old";\nALTER TYPE "Role_new" RENAME TO "Role";\n"""
        """DROP TYPE "Role_old";\nCOMMIT;\n""",
    )
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    assert steps(db_url, "20260102000000_redefine") == [(1, True)]
    add(
        project,
        "20260103000000_bad",
        """BEGIN;\nCREATE TABLE "V" ("id" INTEGER PRIMARY KEY);\nINSERT INTO "U" VALUES (2, 'B');\nCOMMIT;\n""",
    )
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "P3018" in r.err
    assert steps(db_url, "20260103000000_bad") == [(0, False)]
    with connect(db_url) as conn:
        assert conn.query("SELECT COUNT(*) FROM pg_tables WHERE tablename = 'V'") == [(0,)]  # its own tx rolled back
        assert conn.query("SELECT 1") == [(1,)]  # and the connection is usable
