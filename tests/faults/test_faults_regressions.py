"""Faults the random suite found, pinned at the exact point where they hurt (no randomness: the
test waits until the server runs the statement, then sends the signal).

- Ctrl-C during `migrate rollback`'s down script (live, or its check on the shadow database):
  exit 130 and a message saying it was interrupted, nothing half-done on PostgreSQL.
- kill -9 during `migrate rollback` on MySQL (DDL commits at once): the next rollback must not run
  a down statement a second time.
- Ctrl-C while PostgreSQL builds an index CONCURRENTLY: the cancelled build leaves an INVALID
  index; the next deploy, which resumes the migration at that statement, must still finish.
- Ctrl-C during `backup restore`: the command ends promptly (MySQL's client kept it waiting) and
  says it was interrupted.
- kill -9 inside the reset of the shadow database: the next `migrate dev` works.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import pytest

import dbutil
from faultkit import INTERRUPT_TIMEOUT, Effect, Project, Stmt, Violation, check_interrupt_message, connect, script_of


def wait_for_statement(p: Project, fragment: str, url: str | None = None, timeout: float = 30.0) -> None:
    """Wait until the server runs a statement containing ``fragment`` on the database of ``url``
    (default: the test's database)."""
    database = dbutil.url_parts(url or p.url).database
    sql = (
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE %s AND datname = %s"
        " AND pid <> pg_backend_pid()"
        if p.provider == "postgresql"
        else "SELECT count(*) FROM information_schema.processlist WHERE info LIKE %s AND db = %s AND id <> CONNECTION_ID()"
    )
    deadline = time.monotonic() + timeout
    with connect(dbutil.admin_url(p.provider)) as c:
        while not c.query(sql, (f"%{fragment}%", database))[0][0]:
            if time.monotonic() > deadline:
                raise AssertionError(f"the server never ran {fragment!r} on {database}")
            time.sleep(0.01)


def _slow_down_project(tmp_path: Path, provider: str, url: str, shadow_url: str | None) -> Project:
    """One migration whose down.sql is: audit row 1, a slow statement, audit row 2, then the
    migration's effects removed."""
    p = Project(tmp_path, provider, url, ["tx"], 1, 0, down_audit=2)
    m = p.migs[0]
    slow = {
        "postgresql": "SELECT pg_sleep(0.8)",
        "mysql": "SELECT SLEEP(0.8)",
        "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 6000000) SELECT max(x) FROM c",
    }[provider]
    m.down.insert(1, Stmt(slow, Effect("none", "")))
    m.down[0] = Stmt(m.down[0].sql.split(" SELECT ")[0] + f" VALUES ('m{m.index}_down', 1)", m.down[0].effect)
    m.down[2] = Stmt(m.down[2].sql.split(" SELECT ")[0] + f" VALUES ('m{m.index}_down', 2)", m.down[2].effect)
    (tmp_path / "prisma/migrations" / m.name / "down.sql").write_text(script_of(m.down))
    p.use_shadow(shadow_url)
    p.run_ok("migrate", "deploy")
    return p


def _signal_in_down_script(p: Project, sig: signal.Signals, shadow_url: str | None) -> Any:
    """``sig`` while the down script runs on the live database (``shadow_url`` given: while the
    rollback's check runs it on the shadow database)."""
    run = p.spawn("migrate", "rollback")
    assert run.wait_marker() is not None
    if p.provider == "sqlite":
        assert shadow_url is None
        time.sleep(0.5)  # inside the check on the shadow copy (~1 s of down script)
    else:
        wait_for_statement(p, "SLEEP(0.8)" if p.provider == "mysql" else "pg_sleep(0.8)", shadow_url)
        time.sleep(0.3)
    assert run.signal(sig)
    return run.finish(INTERRUPT_TIMEOUT if sig is signal.SIGINT else 30.0, f" after {sig.name} in the down script")


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_ctrl_c_during_rollback_down_script(tmp_path: Path, provider: str, db_url: str, shadow_url: str | None) -> None:
    p = _slow_down_project(tmp_path, provider, db_url, shadow_url)
    done = _signal_in_down_script(p, signal.SIGINT, None)
    check_interrupt_message(done, p.soft)
    st = p.check("after Ctrl-C in the down script")
    rows = [r for r in st.history if r.name == p.migs[0].name and not r.rolled_back]
    down = sorted(k for (mig, k) in st.audit if mig.endswith("_down"))
    if provider != "mysql":
        assert rows and rows[0].finished and down == [], f"not atomic: {st.describe()}"
    p.rollback_again("Ctrl-C in the down script")
    st = p.check("after Ctrl-C in the down script, then rollback again")
    assert sorted(k for (mig, k) in st.audit if mig.endswith("_down")) == [1, 2], st.describe()
    if p.soft:
        raise Violation(p.soft[0])


def test_ctrl_c_during_rollback_shadow_check(tmp_path: Path, provider: str, db_url: str, shadow_url: str | None) -> None:
    """Ctrl-C while the rollback tries the down script on the shadow database: interrupted (130),
    not reported as a failing down.sql, and the live database untouched."""
    p = _slow_down_project(tmp_path, provider, db_url, shadow_url)
    done = _signal_in_down_script(p, signal.SIGINT, shadow_url)
    check_interrupt_message(done, p.soft)
    st = p.check("after Ctrl-C during the rollback's shadow check")
    assert [k for k in st.audit if k[0].endswith("_down")] == [], st.describe()
    if p.soft:
        raise Violation(p.soft[0])


@pytest.mark.parametrize("provider", ["mysql"], indirect=True)
def test_kill_9_during_rollback_down_script_then_rollback_again(tmp_path: Path, provider: str, db_url: str,
                                                                shadow_url: str | None) -> None:
    """MySQL commits each down statement: after kill -9 the migration is still recorded applied
    with statement 1 of its down script done. Running `migrate rollback` again (what the user
    does: the migration is listed applied) must not run that statement a second time: it goes on,
    or says which statement is uncertain and what to run (the user does it)."""
    p = _slow_down_project(tmp_path, provider, db_url, shadow_url)
    done = _signal_in_down_script(p, signal.SIGKILL, None)
    assert done.rc == -signal.SIGKILL
    p.check("after kill -9 in the down script")
    p.rollback_again("kill -9 in the down script")
    st = p.check("after kill -9 in the down script, then rollback again")
    assert sorted(k for (mig, k) in st.audit if mig.endswith("_down")) == [1, 2], st.describe()
    assert all(r.rolled_back for r in st.history if r.name == p.migs[0].name), st.describe()


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_ctrl_c_during_create_index_concurrently_then_deploy(tmp_path: Path, provider: str, db_url: str) -> None:
    """An open writing transaction makes CREATE INDEX CONCURRENTLY wait (with its index already
    in the catalog, INVALID); Ctrl-C cancels it there. The user deploys again."""
    p = Project(tmp_path, provider, db_url, ["conc"], 1, 0)
    p.migs = []  # only the first migration now
    (tmp_path / "prisma/migrations/20260101000001_m1_conc").rename(tmp_path / "m1_conc")
    p.run_ok("migrate", "deploy")
    (tmp_path / "m1_conc").rename(tmp_path / "prisma/migrations/20260101000001_m1_conc")
    p.migs = list(p.by_name.values())
    import psycopg

    holder = psycopg.connect(dbutil.with_database(db_url, dbutil.url_parts(db_url).database))
    try:
        holder.execute("UPDATE userdata SET v = v WHERE id = 1")  # an open writer: the build waits for it
        run = p.spawn("migrate", "deploy")
        wait_for_statement(p, "CREATE INDEX CONCURRENTLY")
        time.sleep(0.3)
        assert run.signal(signal.SIGINT)
        done = run.finish(INTERRUPT_TIMEOUT, " after Ctrl-C during CREATE INDEX CONCURRENTLY")
    finally:
        holder.close()
    check_interrupt_message(done, p.soft)
    p.check("after Ctrl-C during CREATE INDEX CONCURRENTLY")
    p.recover()
    p.all_applied("Ctrl-C during CREATE INDEX CONCURRENTLY, then deploy")


def test_ctrl_c_during_migrate_dev_shadow_replay(tmp_path: Path, provider: str, db_url: str,
                                                 shadow_url: str | None) -> None:
    """Ctrl-C while `migrate dev` replays the migrations into the shadow database: interrupted
    (130), not reported as a migration that fails to apply (P3006), and `migrate dev` then works."""
    from test_faults_dev import _schema

    p = Project(tmp_path, provider, db_url, [], 1, 0, schema=_schema(provider, shadow_url is not None, 0), init=False)
    p.use_shadow(shadow_url)
    p.run_ok("migrate", "dev", "--name", "init")
    (tmp_path / "prisma/schema.prisma").write_text(_schema(provider, shadow_url is not None, 1))
    p.run_ok("migrate", "dev", "--create-only", "--name", "slow")
    folder = next(d for d in (tmp_path / "prisma/migrations").iterdir() if d.name.endswith("_slow"))
    slow = {
        "postgresql": "SELECT pg_sleep(0.8);\n",
        "mysql": "SELECT SLEEP(0.8);\n",
        "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 6000000) SELECT max(x) FROM c;\n",
    }[provider]
    with open(folder / "migration.sql", "a") as f:
        f.write(slow)
    run = p.spawn("migrate", "dev")
    assert run.wait_marker() is not None
    if provider == "sqlite":
        time.sleep(0.5)  # the replay into the temporary shadow file comes first (~1 s of slow statement)
    else:
        wait_for_statement(p, "SLEEP(0.8)" if provider == "mysql" else "pg_sleep(0.8)", shadow_url)
        time.sleep(0.3)
    assert run.signal(signal.SIGINT)
    done = run.finish(INTERRUPT_TIMEOUT, " after Ctrl-C during the shadow replay")
    check_interrupt_message(done, p.soft)
    with p.conn() as c:
        assert not [r for r in c.query("SELECT migration_name FROM _prisma_migrations") if r[0] == folder.name]
    p.run_ok("migrate", "dev")
    if p.soft:
        raise Violation(p.soft[0])


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_migrate_dev_after_a_kill_inside_the_shadow_reset(tmp_path: Path, provider: str, db_url: str,
                                                          shadow_url: str) -> None:
    """The shadow database (shadowDatabaseUrl) is reset by dropping and recreating it (MySQL) or
    its schema (PostgreSQL); kill -9 between the two (seen in the random MySQL run: every later
    `migrate dev` then failed with a bare P1003 "Database ... does not exist") must not block
    `migrate dev`: it works, or says what to run. The state is made by hand: the window is a few
    milliseconds wide."""
    from test_faults_dev import _schema

    p = Project(tmp_path, provider, db_url, [], 1, 0, schema=_schema(provider, True, 0), init=False)
    p.use_shadow(shadow_url)
    p.run_ok("migrate", "dev", "--name", "init")
    shadow = dbutil.url_parts(shadow_url).database
    with connect(dbutil.admin_url(provider) if provider == "mysql" else shadow_url) as c:
        c.execute(f"DROP DATABASE `{shadow}`" if provider == "mysql" else 'DROP SCHEMA "public" CASCADE')
    (tmp_path / "prisma/schema.prisma").write_text(_schema(provider, True, 1))
    first = p.run("migrate", "dev", "--name", "m1")
    if first.rc != 0:  # it may say what to do: the user does it, then runs migrate dev again
        assert p.create_missing_shadow(first), first
        p.run_ok("migrate", "dev", "--name", "m1")


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_ctrl_c_during_restore_says_interrupted(tmp_path: Path, provider: str, db_url: str) -> None:
    """Ctrl-C while the client tool loads the dump: exit 130 promptly, a message saying it was
    interrupted (PostgreSQL printed click's bare "Aborted."), and a second restore --force works."""
    from test_faults_restore import _fill_bulk

    p = Project(tmp_path, provider, db_url, ["tx"], 1, 0)
    p.run_ok("migrate", "deploy")
    _fill_bulk(p, 40_000)
    made = p.run_ok("backup", "create", "-o", "backups")
    file = made.out.split("Backup written: ")[1].split()[0]
    run = p.spawn("backup", "restore", file, "--force")
    wait_for_statement(p, "COPY" if provider == "postgresql" else "INSERT INTO `bulk`")
    assert run.signal(signal.SIGINT)
    done = run.finish(INTERRUPT_TIMEOUT, " after Ctrl-C while the dump loads")
    check_interrupt_message(done, p.soft)
    p.wait_quiet()
    p.run_ok("backup", "restore", file, "--force")
    with p.conn() as c:
        assert c.query(f"SELECT count(*) FROM {'`bulk`' if provider == 'mysql' else 'bulk'}")[0][0] == 40_000
    if p.soft:
        raise Violation(p.soft[0])
