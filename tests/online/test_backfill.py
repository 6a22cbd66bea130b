"""Batched backfills on the three databases: ``-- schemashift:backfill`` in a migration applied by
``migrate deploy``, and ``schemashift backfill``; resumed after SIGKILL and Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from schemashift.connectors import connect
from schemashift.connectors.errors import DatabaseError
from schemashift.online.backfill import Backfill, BackfillOptions, statement_key
from schemashift import progress
from schemashift.online.backfill_progress import TABLE


class Collect(progress.Listener):
    """The figures of each progress event of a backfill (``on``: called with each)."""

    def __init__(self, on=lambda figures: None) -> None:
        self.events: list[dict] = []
        self.on = on

    def started(self, task: progress.Task) -> None:
        self.advanced(task)

    def advanced(self, task: progress.Task) -> None:
        self.events.append(dict(task.figures))
        self.on(task.figures)

    finished = advanced

SCHEMA = 'datasource db {\n  provider = "%s"\n  url      = env("DATABASE_URL")\n}\n'
SRC = Path(__file__).resolve().parents[2] / "src"


def q(provider: str, name: str) -> str:
    return f"`{name}`" if provider == "mysql" else f'"{name}"'


@pytest.fixture
def project(tmp_path: Path, provider: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/schema.prisma").write_text(SCHEMA % provider)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def add(project: Path, name: str, sql: str) -> Path:
    folder = project / "prisma/migrations" / name
    folder.mkdir(parents=True)
    (folder / "migration.sql").write_text(sql)
    return folder / "migration.sql"


def create_items(project: Path, provider: str, db_url: str, rows: int, run_cli, table: str = "Item") -> None:
    """A table ``table`` (id, x, n: how many times the backfill touched the row) with ``rows`` rows."""
    t = q(provider, table)
    add(project, f"20260101000000_{table.lower()}", f"CREATE TABLE {t} (id INTEGER NOT NULL PRIMARY KEY, x INTEGER NOT NULL, n INTEGER NOT NULL);\n")
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    with connect(db_url) as conn:
        for start in range(0, rows, 1000):  # MariaDB recurses 1000 times at most
            conn.execute(
                f"INSERT INTO {t} (id, x, n) WITH RECURSIVE c(i) AS (SELECT {start + 1} UNION ALL SELECT i + 1 FROM c"
                f" WHERE i < {min(rows, start + 1000)}) SELECT i, i, 0 FROM c"
            )


def data(db_url: str, provider: str, table: str) -> list[tuple[int, int, int]]:
    with connect(db_url) as conn:
        return [tuple(int(v) for v in r) for r in conn.query(f"SELECT id, x, n FROM {q(provider, table)} ORDER BY id")]  # type: ignore[misc]


def history(db_url: str, name: str) -> list[tuple]:
    with connect(db_url) as conn:
        return conn.query(
            "SELECT applied_steps_count, finished_at IS NOT NULL, logs FROM _prisma_migrations WHERE migration_name = %s", (name,)
        )


def progress_rows(db_url: str) -> list[tuple]:
    with connect(db_url) as conn:
        try:
            return conn.query(f"SELECT name, statement_index, last_key, rows_updated FROM {TABLE}")
        except DatabaseError:
            return []


def json_events(err: str) -> list[dict]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


UPDATE = "UPDATE {t} SET x = x * 2, n = n + 1 WHERE x % 3 <> 0"


def test_directive_in_a_migration_gives_the_plain_updates_data(project: Path, provider: str, db_url: str, run_cli) -> None:
    create_items(project, provider, db_url, 1000, run_cli, "Item")
    create_items(project, provider, db_url, 1000, run_cli, "Plain")
    name = "20260201000000_backfill"
    add(
        project,
        name,
        UPDATE.format(t=q(provider, "Plain")) + ";\n\n"
        "-- schemashift:backfill batch-size=50 batch-time=1ms\n" + UPDATE.format(t=q(provider, "Item")) + ";\n",
    )
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    assert data(db_url, provider, "Item") == data(db_url, provider, "Plain")
    assert sum(1 for _, _, n in data(db_url, provider, "Item") if n == 1) == 667  # x % 3 <> 0 of 1..1000
    done = [e for e in json_events(r.err) if e["event"] == "done"]
    assert len(done) == 1 and done[0]["batches"] > 1 and done[0]["rows_updated"] == 667  # JSON lines: not a TTY
    assert history(db_url, name) == [(2, True, None)]
    assert progress_rows(db_url) == []  # the progress table went with the last batch
    assert run_cli("migrate", "status").exit_code == 0


def test_composite_key_and_adhoc_command(project: Path, provider: str, db_url: str, run_cli) -> None:
    t = q(provider, "Pair")
    with connect(db_url) as conn:
        conn.execute(f"CREATE TABLE {t} (a INTEGER NOT NULL, b VARCHAR(10) NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (a, b))")
        conn.execute(
            f"INSERT INTO {t} (a, b, n) WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 899)"
            " SELECT i / 3, CASE WHEN i % 3 = 0 THEN 'x' WHEN i % 3 = 1 THEN 'y%' ELSE 'z' END, 0 FROM c"
        )
    r = run_cli("backfill", "--url", db_url, "--batch-size", "40", "--batch-time", "1ms", f"UPDATE {t} SET n = n + 1 WHERE b LIKE '%\\%' OR b = 'z'" if provider == "mysql" else f"UPDATE {t} SET n = n + 1 WHERE b LIKE '%%' AND b <> 'x'")
    assert r.exit_code == 0, r.err
    with connect(db_url) as conn:
        counts = dict(conn.query(f"SELECT b, SUM(n) FROM {t} GROUP BY b"))
    assert {k: int(v) for k, v in counts.items()} == {"x": 0, "y%": 300, "z": 300}
    events = json_events(r.err)
    assert events[0]["event"] == "start" and events[-1]["event"] == "done" and events[-1]["batches"] > 1
    assert "Backfill done: 600 rows updated" in r.err


def test_a_statement_that_cannot_run_in_batches_is_refused_before_anything_runs(
    project: Path, provider: str, db_url: str, run_cli
) -> None:
    create_items(project, provider, db_url, 10, run_cli)
    t = q(provider, "Item")
    bad = (
        f"UPDATE {t} JOIN {t} AS o ON o.id = {t}.id SET {t}.n = 1" if provider == "mysql"
        else f"UPDATE {t} SET n = 1 FROM {t} AS o WHERE o.id = {t}.id"
    )
    name = "20260201000000_bad"
    add(project, name, f"UPDATE {t} SET n = 5;\n-- schemashift:backfill\n{bad};\n")
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "Traceback" not in r.err
    assert f"{name}/migration.sql line 3 (statement 2): cannot run this statement as a batched backfill" in r.err
    assert "join" in r.err
    assert history(db_url, name) == []  # nothing of it ran
    assert {n for _, _, n in data(db_url, provider, "Item")} == {0}
    r = run_cli("backfill", "--url", db_url, f"DELETE FROM {t}")
    assert r.exit_code == 1 and "the statement given: cannot run this statement as a batched backfill" in r.err


def _deploy(project: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.Popen(
        [sys.executable, "-c", "from schemashift.cli import main; main()", "migrate", "deploy"],
        cwd=project, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _wait_for_first_batch(proc: subprocess.Popen[str]) -> str:
    """The deploy's stderr up to its first JSON progress line of a committed batch."""
    assert proc.stderr is not None
    seen = ""
    for line in proc.stderr:
        seen += line
        if line.startswith("{") and json.loads(line)["event"] == "batch":
            return seen
    raise AssertionError("the deploy ended before a batch was reported: " + seen)


SLOW = "-- schemashift:backfill batch-size=10 batch-time=1ms\nUPDATE {t} SET n = n + 1;\n"


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT"])
def test_a_stopped_backfill_is_resumed_by_the_next_deploy_without_redoing_batches(
    project: Path, provider: str, db_url: str, run_cli, how: str
) -> None:
    rows = 4000
    create_items(project, provider, db_url, rows, run_cli)
    name = "20260201000000_backfill"
    add(project, name, f"UPDATE {q(provider, 'Item')} SET x = x + 0;\n" + SLOW.format(t=q(provider, "Item")))
    proc = _deploy(project)
    try:
        _wait_for_first_batch(proc)
        proc.send_signal(signal.SIGKILL if how == "SIGKILL" else signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    [saved] = progress_rows(db_url)  # the progress row of the backfill (statement 2) and its last key
    assert saved[:2] == (name, 1) and saved[2] is not None and 0 < int(saved[3]) < rows
    if how == "SIGINT":
        assert proc.returncode == 130, err
        assert "Interrupted:" in err and "Traceback" not in err
    else:
        assert proc.returncode == -signal.SIGKILL
    [(steps, finished, logs)] = history(db_url, name)
    assert (steps, finished) == (1, False) and "statement 2 of 2 interrupted" in logs
    partly = [n for _, _, n in data(db_url, provider, "Item")]
    assert 0 < sum(partly) < rows and set(partly) <= {0, 1}  # stopped part way, at a batch boundary

    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    assert "Resuming migration" in r.err + r.out
    assert [n for _, _, n in data(db_url, provider, "Item")] == [1] * rows  # every row updated exactly once
    assert history(db_url, name)[0][:2] == (2, True)
    assert progress_rows(db_url) == []


def test_adhoc_backfill_interrupted_then_resumed(project: Path, provider: str, db_url: str, run_cli) -> None:
    rows = 3000
    create_items(project, provider, db_url, rows, run_cli)
    statement = UPDATE.format(t=q(provider, "Item")).replace("n + 1 WHERE x % 3 <> 0", "n + 1")
    with connect(db_url) as conn:
        stop_after = {"batches": 5}

        def count(figures: dict) -> None:
            if figures["event"] == "batch":
                stop_after["batches"] -= 1

        # the size pinned to 100 (a batch under 1 ms on an idle server would otherwise grow it)
        opts = BackfillOptions(batch_size=100, batch_time=0.001, max_lag=None, max_batch_size=100)
        first = Backfill(conn, statement, statement_key(statement), where="test", options=opts,
                         stop=lambda: stop_after["batches"] <= 0)
        with progress.listening(Collect(count)):
            result = first.run()
        assert not result.completed and result.batches == 5 and result.rows_updated == 500
        again = Backfill(conn, statement, statement_key(statement), where="test", options=opts)
        result = again.run()
    assert result.completed and result.resumed and result.rows_updated == rows
    assert [n for _, _, n in data(db_url, provider, "Item")] == [1] * rows
    assert [x for _, x, _ in data(db_url, provider, "Item")] == [2 * i for i in range(1, rows + 1)]


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_a_lock_timeout_is_retried(project: Path, provider: str, db_url: str, run_cli) -> None:
    create_items(project, provider, db_url, 300, run_cli)
    t = q(provider, "Item")
    holder = connect(db_url)
    holder.execute("BEGIN")
    holder.execute(f"UPDATE {t} SET x = x WHERE id = 150")  # a row lock the backfill runs into
    release = threading.Timer(2.5, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        with connect(db_url) as conn:
            waits: list[str] = []
            collect = Collect(lambda f: waits.append(str(f["message"])) if f["event"] == "waiting" else None)
            opts = BackfillOptions(batch_size=100, lock_timeout_ms=200, max_lag=None)
            with progress.listening(collect):
                result = Backfill(conn, f"UPDATE {t} SET n = n + 1", statement_key("lock"), where="test", options=opts).run()
    finally:
        release.join()
        holder.close()
    assert result.completed
    assert waits and waits[0].startswith("lock timeout, retry 1 of")
    assert [n for _, _, n in data(db_url, provider, "Item")] == [1] * 300


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_replica_lag_holds_the_batches(project: Path, provider: str, db_url: str, run_cli, monkeypatch) -> None:
    """No replica here: the lag reading is replaced, the waiting between batches is real."""
    create_items(project, provider, db_url, 50, run_cli)
    from schemashift.online.backfill import PostgresBackfill

    lags = iter([30.0, 12.0, 0.5])
    monkeypatch.setattr(PostgresBackfill, "replica_lag", lambda self, conn: next(lags, None))
    slept: list[float] = []
    messages: list[str] = []
    collect = Collect(lambda f: messages.append(str(f["message"])) if f["event"] == "waiting" else None)
    with connect(db_url) as conn:
        run = Backfill(conn, 'UPDATE "Item" SET n = n + 1', statement_key("lag"), where="test",
                       options=BackfillOptions(max_lag=10.0), sleep=slept.append)
        with progress.listening(collect):
            assert run.run().completed
    assert messages == ["replicas lag 30.0s > 10s, waiting", "replicas lag 12.0s > 10s, waiting"]
    assert slept == [0.25, 0.5]
    with connect(db_url) as conn:
        assert conn.query('SELECT COUNT(*) FROM pg_stat_replication') is not None


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_a_table_without_primary_key_fails_resumably(project: Path, provider: str, db_url: str, run_cli) -> None:
    t = q(provider, "Loose")
    name = "20260201000000_loose"
    add(project, name, f"CREATE TABLE {t} (id INTEGER NOT NULL, n INTEGER NOT NULL);\nINSERT INTO {t} VALUES (1, 0), (2, 0);\n"
        f"-- schemashift:backfill\nUPDATE {t} SET n = n + 1;\n")
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 1 and "Traceback" not in r.err
    assert f"{name}/migration.sql line 4 (statement 3): cannot run this statement as a batched backfill: the table `Loose` has no primary key" in r.err
    [(steps, finished, logs)] = history(db_url, name)
    assert (steps, finished) == (2, False) and logs.startswith("statement 3 of 3 failed")
    with connect(db_url) as conn:
        conn.execute(f"ALTER TABLE {t} ADD PRIMARY KEY (id)")  # the fix; the migration file is unchanged
    r = run_cli("migrate", "deploy")
    assert r.exit_code == 0, r.err
    with connect(db_url) as conn:
        assert sorted(conn.query(f"SELECT id, n FROM {t}")) == [(1, 1), (2, 1)]
    assert history(db_url, name)[0][:2] == (3, True)


@pytest.mark.parametrize("provider", ["postgresql"], indirect=True)
def test_batches_grow_at_most_twofold_and_stay_under_the_target(project: Path, provider: str, db_url: str, run_cli) -> None:
    """Each row costs at least 2 ms (a sleeping function in SET), so a batch of 50 ms holds at
    most 25 keys: the size grows from the first (5) at most twofold per batch and never passes
    what the target allows, and every row is updated once."""
    rows = 300
    create_items(project, provider, db_url, rows, run_cli)
    with connect(db_url) as conn:
        conn.execute(
            "CREATE FUNCTION slow_inc(v INTEGER) RETURNS INTEGER LANGUAGE sql VOLATILE AS"
            " 'SELECT pg_sleep(0.002); SELECT v + 1'"
        )
        sizes: list[int] = []
        collect = Collect(lambda f: sizes.append(int(f["batch_size"])) if f["event"] in ("start", "batch") else None)
        opts = BackfillOptions(batch_size=5, batch_time=0.05, max_lag=None)
        statement = 'UPDATE "Item" SET n = slow_inc(n)'
        with progress.listening(collect):
            result = Backfill(conn, statement, statement_key(statement), where="test", options=opts).run()
    assert result.completed and result.rows_updated == rows
    assert sizes[0] == 5 and len(sizes) > 5
    assert all(b <= 2 * a for a, b in zip(sizes, sizes[1:])), sizes
    assert max(sizes) <= 25, sizes
    assert [n for _, _, n in data(db_url, provider, "Item")] == [1] * rows
