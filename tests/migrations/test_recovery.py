"""Recovery paths of the migration workflow on every database: failed migrations and ``resolve``,
resuming, scripts that manage their own transaction, ``migrate dev`` replaying first, Ctrl-C.

Each test is a regression test for a defect of the "trust under faults" issue (numbers in the
test docstrings).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from schemashift.connectors import connect

SCHEMA = """datasource db {
  provider = "%s"
  url      = env("DATABASE_URL")
}

model Audit {
  id Int @id
}
"""

AUDIT = {
    "sqlite": 'CREATE TABLE "Audit" ("id" INTEGER NOT NULL PRIMARY KEY);\n',
    "postgresql": 'CREATE TABLE "Audit" ("id" INTEGER NOT NULL, CONSTRAINT "Audit_pkey" PRIMARY KEY ("id"));\n',
    "mysql": "CREATE TABLE `Audit` (`id` INTEGER NOT NULL, PRIMARY KEY (`id`)) DEFAULT CHARACTER SET utf8mb4"
    " COLLATE utf8mb4_unicode_ci;\n",
}


def q(provider: str, name: str) -> str:
    return f"`{name}`" if provider == "mysql" else f'"{name}"'


def insert(provider: str, value: int) -> str:
    return f"INSERT INTO {q(provider, 'Audit')} (id) VALUES ({value});\n"


@pytest.fixture
def project(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(SCHEMA % provider)
    (tmp_path / "prisma" / "migrations").mkdir()
    (tmp_path / "prisma" / "migrations" / "migration_lock.toml").write_text(f'provider = "{provider}"\n')
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SCHEMASHIFT_NON_INTERACTIVE", "1")
    monkeypatch.chdir(tmp_path)
    add(tmp_path, "20260101000000_init", AUDIT[provider])
    return tmp_path


def add(project: Path, name: str, sql: str) -> Path:
    folder = project / "prisma" / "migrations" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "migration.sql").write_text(sql)
    return folder


def rows(db_url: str) -> list[tuple[str, bool, bool, int, str | None]]:
    """(name, finished, rolled back, applied_steps_count, logs) in start order."""
    with connect(db_url) as conn:
        return [
            (str(n), bool(f), bool(rb), int(c), lg)
            for n, f, rb, c, lg in conn.query(
                "SELECT migration_name, finished_at IS NOT NULL, rolled_back_at IS NOT NULL,"
                " applied_steps_count, logs FROM _prisma_migrations ORDER BY started_at, finished_at"
            )
        ]


def audit(db_url: str) -> list[int]:
    with connect(db_url) as conn:
        return sorted(int(r[0]) for r in conn.query('SELECT id FROM "Audit"' if "mysql" not in db_url else "SELECT id FROM `Audit`"))


def tables(db_url: str, provider: str) -> set[str]:
    with connect(db_url) as conn:
        if provider == "sqlite":
            return {r[0] for r in conn.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {
            str(r[0])
            for r in conn.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (conn.schema_name,)
            )
        }


# ---------------------------------------------------------------- 1: resolve --applied


def test_resolve_applied_on_a_failed_migration_records_it_applied(project: Path, provider: str, db_url: str, run_cli) -> None:
    """Defect 1: the failed attempt is marked rolled back and the migration recorded as applied;
    status is then up to date and deploy has nothing to do (it answered P3009 before)."""
    assert run_cli("migrate", "deploy").exit_code == 0
    add(project, "20260102000000_bad", f"ALTER TABLE {q(provider, 'Nope')} ADD COLUMN x INTEGER;\n")
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "P3018" in r.err
    r = run_cli("migrate", "resolve", "--applied", "20260102000000_bad")
    assert r.exit_code == 0, r.err
    r = run_cli("migrate", "status")
    assert r.exit_code == 0 and "Database schema is up to date!" in r.out, r.out + r.err
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0 and "No pending migrations to apply." in r.out, r.err
    history = rows(db_url)
    assert [(n, f, rb, c) for n, f, rb, c, _ in history] == [
        ("20260101000000_init", True, False, 1 if provider != "mysql" else 1),
        ("20260102000000_bad", False, True, 0),
        ("20260102000000_bad", True, False, 0),
    ]
    assert history[1][4]  # the failed attempt keeps its logs as an audit trail


ORACLE = Path(__file__).resolve().parents[3] / "shared" / "oracle" / "prisma7"


@pytest.mark.skipif(not ORACLE.exists() or shutil.which("node") is None, reason="needs node and ../shared/oracle/prisma7")
@pytest.mark.parametrize("provider", ["sqlite", "postgresql"], indirect=True)
def test_resolve_applied_writes_the_rows_prisma7_writes(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    """Defect 1, compared with the real Prisma 7 CLI: the same history rows after a failed deploy
    and ``resolve --applied`` (their flags and step counts), done once by each tool."""
    shapes = []
    for tool in ("prisma7", "schemashift"):
        root = tmp_path / tool
        (root / "prisma" / "migrations").mkdir(parents=True)
        (root / "prisma" / "schema.prisma").write_text(SCHEMA % provider)
        (root / "prisma7.prisma").write_text((SCHEMA % provider).replace('  url      = env("DATABASE_URL")\n', ""))
        (root / "prisma" / "migrations" / "migration_lock.toml").write_text(f'provider = "{provider}"\n')
        add(root, "20260101000000_init", AUDIT[provider].replace("Audit", f"Audit_{tool}"))
        add(root, "20260102000000_bad", f"ALTER TABLE {q(provider, 'Nope')} ADD COLUMN x INTEGER;\n")
        url = db_url if provider == "postgresql" else f"file:{root / 'dev.db'}"
        if tool == "prisma7":
            env = {**os.environ, "DATABASE_URL": url, "MIGRATIONS_DIR": str(root / "prisma" / "migrations")}

            def p7(*args: str) -> subprocess.CompletedProcess[str]:
                return subprocess.run(
                    [str(ORACLE), args[0], str(root / "prisma7.prisma"), *args[1:]],
                    cwd=root, env=env, capture_output=True, text=True, timeout=300,
                )

            assert p7("deploy").returncode != 0
            r = p7("prisma", "migrate", "resolve", "--applied", "20260102000000_bad")
            assert r.returncode == 0, r.stdout + r.stderr
        else:
            monkeypatch.chdir(root)
            monkeypatch.setenv("DATABASE_URL", url)
            assert run_cli("migrate", "deploy").exit_code == 1
            assert run_cli("migrate", "resolve", "--applied", "20260102000000_bad").exit_code == 0
        shapes.append([(n, f, rb, c) for n, f, rb, c, _ in rows(url) if n != "20260101000000_init"])
        if provider == "postgresql":
            with connect(db_url) as conn:
                conn.reset()
    assert shapes[0] == shapes[1], shapes
    assert shapes[1] == [("20260102000000_bad", False, True, 0), ("20260102000000_bad", True, False, 0)]


# ---------------------------------------------------------------- 2: resume only an unresolved clean failure


def statementwise(provider: str, body: str) -> str:
    return ("-- schemashift:transaction off\n" if provider != "mysql" else "") + body


def test_a_resolved_migration_is_never_resumed(project: Path, provider: str, db_url: str, run_cli) -> None:
    """Defect 2: a statement-by-statement migration that failed half way and was then finished by
    hand and resolved --applied is not run again from its failed statement."""
    assert run_cli("migrate", "deploy").exit_code == 0
    add(project, "20260102000000_half", statementwise(provider, insert(provider, 1) + f"INSERT INTO {q(provider, 'Nope')} VALUES (1);\n" + insert(provider, 3)))
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "P3018" in r.err
    assert audit(db_url) == [1]
    with connect(db_url) as conn:  # the user finishes it by hand
        conn.execute(insert(provider, 3).rstrip(";\n"))
    assert run_cli("migrate", "resolve", "--applied", "20260102000000_half").exit_code == 0
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0 and "No pending migrations to apply." in r.out, r.out + r.err
    assert audit(db_url) == [1, 3]


def test_an_unresolved_clean_failure_is_resumed_at_its_failed_statement(project: Path, provider: str, db_url: str, run_cli) -> None:
    """Defect 2: an unresolved failure with the file unchanged continues at the statement that
    failed; the statements before it run once."""
    assert run_cli("migrate", "deploy").exit_code == 0
    add(project, "20260102000000_half", statementwise(provider, insert(provider, 1) + f"INSERT INTO {q(provider, 'Later')} (id) VALUES (2);\n" + insert(provider, 3)))
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "P3018" in r.err
    with connect(db_url) as conn:  # the cause is fixed
        conn.execute(f"CREATE TABLE {q(provider, 'Later')} (id INTEGER)")
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    assert "Resuming migration `20260102000000_half` at statement 2 of 3" in r.out
    assert audit(db_url) == [1, 3]
    assert [(n, f, rb, c) for n, f, rb, c, _ in rows(db_url)][-1] == ("20260102000000_half", True, False, 3)


def test_an_edited_or_killed_failure_is_not_resumed(project: Path, provider: str, db_url: str, run_cli) -> None:
    """Defect 2: no resume when the file changed since it failed, nor when the row does not say
    which statement stopped (a killed process): P3009 says why, and what is uncertain."""
    assert run_cli("migrate", "deploy").exit_code == 0
    folder = add(project, "20260102000000_half", statementwise(provider, insert(provider, 1) + f"INSERT INTO {q(provider, 'Nope')} VALUES (1);\n" + insert(provider, 3)))
    assert run_cli("migrate", "deploy").exit_code == 1
    sql = (folder / "migration.sql").read_text()
    (folder / "migration.sql").write_text(sql + "-- edited\n")
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "P3009" in r.err and "edited after it failed" in r.err
    (folder / "migration.sql").write_text(sql)
    with connect(db_url) as conn:  # what a kill -9 between two statements leaves
        conn.execute("UPDATE _prisma_migrations SET logs = NULL WHERE finished_at IS NULL")
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "P3009" in r.err
    assert "after 1 of 3 statements: statement 2 may or may not have been applied" in r.err
    assert audit(db_url) == [1]


# ---------------------------------------------------------------- 5: scripts with their own transaction


GUIDE_TX = """BEGIN;
  INSERT INTO {a} (id) VALUES (10);
  INSERT INTO {a} (id) VALUES (11);
COMMIT;
"""


def test_a_script_with_its_own_transaction_runs_as_written(project: Path, provider: str, db_url: str, run_cli) -> None:
    """Defect 5: the guide's "Use Transactions" block is applied on every database (SQLite said
    "cannot start a transaction within a transaction"); a failure inside it rolls back its own
    transaction and is recorded as failed."""
    assert run_cli("migrate", "deploy").exit_code == 0
    add(project, "20260102000000_tx", GUIDE_TX.format(a=q(provider, "Audit")))
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    assert audit(db_url) == [10, 11]
    failing = "BEGIN;\n" + insert(provider, 20) + insert(provider, 20) + "COMMIT;\n"  # duplicate key
    add(project, "20260103000000_tx_fails", failing)
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "P3018" in r.err
    assert audit(db_url) == [10, 11]  # the script's transaction was rolled back
    assert rows(db_url)[-1][:3] == ("20260103000000_tx_fails", False, False)
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "P3009" in r.err and "manages its own transactions" in r.err


# ---------------------------------------------------------------- 3 and 4: migrate dev replays first


def test_dev_replays_an_unapplied_migration_on_the_shadow_database_first(project: Path, provider: str, db_url: str, run_cli) -> None:
    """Defect 3: custom SQL written after --create-only that fails is reported (P3006) before the
    development database is touched; once fixed, dev applies it without asking for a reset."""
    assert run_cli("migrate", "dev", "--name", "init").exit_code == 0
    r = run_cli("migrate", "dev", "--create-only", "--name", "custom")
    assert r.exit_code == 0, r.err
    (custom,) = [p for p in (project / "prisma" / "migrations").iterdir() if p.name.endswith("_custom")]
    broken = insert(provider, 5) + f"INSERT INTO {q(provider, 'Nope')} VALUES (1);\n"
    (custom / "migration.sql").write_text(broken)
    r = run_cli("migrate", "dev")
    assert r.exit_code == 1 and "P3006" in r.err and custom.name in r.err, r.err
    assert audit(db_url) == []  # the development database was not touched
    assert [n for n, *_ in rows(db_url)] == ["20260101000000_init"]
    (custom / "migration.sql").write_text(insert(provider, 5))
    r = run_cli("migrate", "dev")
    assert r.exit_code == 0, r.out + r.err
    assert "reset" not in (r.out + r.err).lower()
    assert f"Applying migration `{custom.name}`" in r.out
    assert audit(db_url) == [5]
    assert [n for n, *_ in rows(db_url)] == ["20260101000000_init", custom.name]


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_two_concurrent_indexes_replay_on_the_shadow_database(project: Path, provider: str, db_url: str, run_cli) -> None:
    """Defect 4: a migration with two CREATE INDEX CONCURRENTLY deploys, and later migrate dev and
    migrate diff --from-migrations replay it (P3006 before: one multi-statement query is a
    transaction)."""
    add(project, "20260102000000_idx", 'ALTER TABLE "Audit" ADD COLUMN "a" INTEGER, ADD COLUMN "b" INTEGER;\n'
        'CREATE INDEX CONCURRENTLY "Audit_a_idx" ON "Audit"("a");\nCREATE INDEX CONCURRENTLY "Audit_b_idx" ON "Audit"("b");\n')
    (project / "prisma" / "schema.prisma").write_text(
        (SCHEMA % provider).replace("  id Int @id\n", "  id Int @id\n  a  Int?\n  b  Int?\n\n  @@index([a])\n  @@index([b])\n")
    )
    assert run_cli("migrate", "deploy").exit_code == 0
    r = run_cli("migrate", "dev")
    assert r.exit_code == 0, r.err
    assert "Already in sync" in r.out
    from schemashift.connectors import create_database, drop_database, parse_url

    url = parse_url(db_url)
    shadow = str(url.with_database(url.database + "_shadow"))
    create_database(shadow)
    try:
        r = run_cli(
            "migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema-datamodel",
            "prisma/schema.prisma", "--shadow-database-url", shadow, "--exit-code",
        )
    finally:
        drop_database(shadow)
    assert r.exit_code == 0, r.out + r.err


# ---------------------------------------------------------------- 8: Ctrl-C


LONG = {
    "postgresql": "SELECT pg_sleep(20);\n",
    "mysql": "SELECT SLEEP(20);\n",
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) SELECT count(*) FROM c;\n",
}


def _deploy_in_background(project: Path) -> subprocess.Popen[str]:
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.Popen(
        [sys.executable, "-c", "from schemashift.cli import main; main()", "migrate", "deploy"],
        cwd=project, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _interrupt(proc: subprocess.Popen[str], marker: str) -> tuple[int, str, str]:
    deadline = time.monotonic() + 30
    out = ""
    assert proc.stdout is not None
    while marker not in out and time.monotonic() < deadline:  # wait until the migration runs
        line = proc.stdout.readline()
        if not line:
            break
        out += line
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=30)
    return proc.returncode, out + rest, err


def test_ctrl_c_during_deploy_records_the_attempt_and_exits_130(project: Path, provider: str, db_url: str, run_cli) -> None:
    """Defect 8: Ctrl-C cancels the running statement on the server, prints a clear message,
    exits 130 and records the attempt with its logs (MariaDB printed `Error: ` and exit 1)."""
    assert run_cli("migrate", "deploy").exit_code == 0
    add(project, "20260102000000_slow", insert(provider, 1) + LONG[provider] + insert(provider, 2))
    started = time.monotonic()
    code, out, err = _interrupt(_deploy_in_background(project), "Applying migration `20260102000000_slow`")
    assert code == 130, out + err
    assert time.monotonic() - started < 15  # the statement was cancelled, not waited for
    assert "Interrupted:" in err and "Traceback" not in err
    last = rows(db_url)[-1]
    assert last[0] == "20260102000000_slow" and last[4] and "interrupted by the user" in last[4]
    if provider == "mysql":  # statement by statement: resumable, statement 1 kept and not run again
        assert audit(db_url) == [1] and not last[1] and not last[2]
    else:  # one transaction: rolled back, recorded as rolled back, pending again
        assert audit(db_url) == [] and last[2]
        r = run_cli("migrate", "status")
        assert r.exit_code == 1 and "20260102000000_slow" in r.out


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_a_failed_concurrent_index_build_leaves_nothing_in_the_way(project: Path, provider: str, db_url: str, run_cli) -> None:
    """A failed (or cancelled) CREATE INDEX CONCURRENTLY leaves its index INVALID, which made the
    resumed statement fail with "already exists": it is dropped, the statement is truly not applied,
    and the resumed deploy builds it."""
    add(project, "20260101500000_t", 'CREATE TABLE "T" ("v" INTEGER);\nINSERT INTO "T" VALUES (1), (1);\n')
    assert run_cli("migrate", "deploy").exit_code == 0
    add(project, "20260102000000_idx", 'CREATE UNIQUE INDEX CONCURRENTLY "T_v_key" ON "T"("v");\n')
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "P3018" in r.err
    with connect(db_url) as conn:
        assert conn.query("SELECT 1 FROM pg_class WHERE relname = 'T_v_key'") == []  # no INVALID leftover
        conn.execute('DELETE FROM "T" WHERE ctid <> (SELECT min(ctid) FROM "T")')
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    assert "Resuming migration `20260102000000_idx` at statement 1 of 1" in r.out
    with connect(db_url) as conn:
        assert conn.query(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'T_v_key'"
        ) == [(True,)]


# ---------------------------------------------------------------- rollback that stops part way


@pytest.mark.parametrize("provider", ["mysql"], indirect=True)
def test_a_rollback_that_stopped_continues_and_never_runs_a_down_statement_twice(project: Path, provider: str, db_url: str, run_cli) -> None:
    """MySQL commits each down statement: a rollback that failed at statement 2 continues there
    (statement 1 is not run again); one killed while a statement ran says which is uncertain and
    is recorded by `resolve --rolled-back` once finished by hand."""
    assert run_cli("migrate", "deploy").exit_code == 0
    folder = add(project, "20260102000000_extra", "CREATE TABLE `Extra` (`id` INTEGER);\n")
    (folder / "down.sql").write_text(insert(provider, 1) + insert(provider, 2) + "DROP TABLE `Extra`;\n")
    assert run_cli("migrate", "deploy").exit_code == 0
    with connect(db_url) as conn:  # only the live database has it: the shadow check passes, the live run fails at 2
        conn.execute("INSERT INTO `Audit` (id) VALUES (2)")
    r = run_cli("migrate", "rollback", "--accept-data-loss")
    assert r.exit_code == 1 and "ran in part" in r.err, r.out + r.err
    assert audit(db_url) == [1, 2]
    assert "statement 2 of 3 failed" in (rows(db_url)[-1][4] or "")
    with connect(db_url) as conn:
        conn.execute("DELETE FROM `Audit` WHERE id = 2")
    r = run_cli("migrate", "rollback", "--accept-data-loss")
    assert r.exit_code == 0, r.out + r.err
    assert audit(db_url) == [1, 2]  # statement 1 was not run again (a duplicate key otherwise)
    assert "Extra" not in tables(db_url, provider)
    assert rows(db_url)[-1][2]  # recorded rolled back
    # a rollback killed while statement 2 ran: uncertain, said so; finished by hand, then resolved
    assert run_cli("migrate", "deploy").exit_code == 0
    with connect(db_url) as conn:
        conn.execute("DELETE FROM `Audit`")
        conn.execute("UPDATE _prisma_migrations SET logs = 'rollback of down.sql: statement 2 of 3 running'"
                     " WHERE migration_name = '20260102000000_extra' AND finished_at IS NOT NULL AND rolled_back_at IS NULL")
    r = run_cli("migrate", "rollback", "--accept-data-loss")
    assert r.exit_code == 1 and "statement 2 of 3" in r.err and "may or may not" in r.err, r.err
    assert audit(db_url) == []  # nothing run
    with connect(db_url) as conn:
        conn.execute("DROP TABLE `Extra`")
    r = run_cli("migrate", "resolve", "--rolled-back", "20260102000000_extra")
    assert r.exit_code == 0, r.err
    r = run_cli("migrate", "status")
    assert r.exit_code == 1 and "20260102000000_extra" in r.out  # pending again
