"""Crash and concurrency safety of ``migrate deploy``, with real processes.

- kill -9 at random points of a deploy (PostgreSQL, SQLite): afterwards every migration is either
  fully applied and recorded, or neither; the next deploy finishes the job.
- 8 concurrent deploys (PostgreSQL, MySQL): each migration is applied exactly once.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from schemashift.connectors import connect

N_MIGRATIONS = 12
ROWS = 20000
SCHEMA = 'datasource db {\n  provider = "%s"\n  url      = env("DATABASE_URL")\n}\n'


def _q(provider: str, name: str) -> str:
    return f"`{name}`" if provider == "mysql" else f'"{name}"'


def make_project(root: Path, provider: str) -> None:
    (root / "prisma").mkdir()
    (root / "prisma/schema.prisma").write_text(SCHEMA % provider)
    for i in range(N_MIGRATIONS):
        folder = root / "prisma/migrations" / f"2026010100{i:04d}_m{i}"
        folder.mkdir(parents=True)
        t = _q(provider, f"t{i}")
        # several statements per migration, so a kill can land between them
        body = "".join(
            f"CREATE TABLE {_q(provider, f't{i}_{k}')} (id INTEGER PRIMARY KEY, v TEXT);\n" for k in range(3)
        )
        # and some real work, so that the deploy takes long enough to be killed in the middle
        # (MariaDB caps recursive CTEs at 1,000 iterations, and the MySQL test needs no slow work)
        fill = "" if provider == "mysql" else (
            f"INSERT INTO {_q(provider, f't{i}_0')} (id, v) WITH RECURSIVE c(x) AS "
            f"(SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {ROWS}) SELECT x, 'v' FROM c;\n"
        )
        (folder / "migration.sql").write_text(f"CREATE TABLE {t} (id INTEGER PRIMARY KEY);\n{body}{fill}")


def deploy_cmd() -> list[str]:
    return [sys.executable, "-c", "from schemashift.cli import main; main()", "migrate", "deploy"]


def state(db_url: str, provider: str) -> tuple[set[str], list[tuple[str, bool]]]:
    with connect(db_url) as conn:
        if provider == "sqlite":
            tables = {r[0] for r in conn.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
        else:
            tables = {
                r[0]
                for r in conn.query(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (conn.schema_name,)
                )
            }
        rows: list[tuple[str, bool]] = []
        if "_prisma_migrations" in tables:
            rows = [
                (r[0], r[1] is not None)
                for r in conn.query("SELECT migration_name, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL")
            ]
    return tables, rows


def assert_consistent(db_url: str, provider: str) -> int:
    """Every migration is all-or-nothing; returns how many are applied."""
    tables, rows = state(db_url, provider)
    recorded = {name for name, finished in rows if finished}
    assert all(finished for _, finished in rows), f"a half-recorded migration: {rows}"
    applied = 0
    for i in range(N_MIGRATIONS):
        parts = {f"t{i}", *(f"t{i}_{k}" for k in range(3))}
        present = parts & tables
        name = f"2026010100{i:04d}_m{i}"
        assert present in (set(), parts), f"migration {name} half applied: {sorted(present)}"
        assert (present == parts) == (name in recorded), f"{name}: tables {sorted(present)} vs history"
        applied += present == parts
    return applied


def _wait_for_applying(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("Applying migration"):
            return


def _apply_phase(tmp_path: Path, env: dict[str, str]) -> float:
    proc = subprocess.Popen(deploy_cmd(), cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    _wait_for_applying(proc)
    start = time.perf_counter()
    proc.communicate(timeout=60)
    assert proc.returncode == 0
    return time.perf_counter() - start


def kill_points(tmp_path: Path, provider: str, db_url: str, wanted: int) -> None:
    make_project(tmp_path, provider)
    env = {**os.environ, "DATABASE_URL": db_url}
    rng = random.Random(20261124)
    # time the apply phase of one full deploy (from its first "Applying migration" line: start-up,
    # imports and schema validation come before it), to spread the kill points over it
    duration = _apply_phase(tmp_path, env)
    kills = 0
    partial_states = 0
    attempts = 0
    while kills < wanted and attempts < 4 * wanted:  # kills that land while the deploy runs
        attempts += 1
        with connect(db_url) as conn:
            conn.reset()
        delay = rng.uniform(0.05 * duration, 0.95 * duration)
        proc = subprocess.Popen(deploy_cmd(), cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        _wait_for_applying(proc)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        else:
            duration *= 0.8  # the machine got faster: aim earlier
        proc.communicate()
        applied = assert_consistent(db_url, provider)
        partial_states += 0 < applied < N_MIGRATIONS
        done = subprocess.run(deploy_cmd(), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert assert_consistent(db_url, provider) == N_MIGRATIONS
    assert kills == wanted, f"only {kills} of {attempts} runs were killed mid-deploy"
    assert partial_states >= 1, "no kill landed in the middle of the migration list"


@pytest.mark.parametrize("provider", ["sqlite", "postgresql"], indirect=True)
def test_kill_9_at_random_points_never_leaves_a_half_applied_migration(tmp_path: Path, provider: str, db_url: str) -> None:
    kill_points(tmp_path, provider, db_url, wanted=5)


@pytest.mark.slow
@pytest.mark.parametrize("provider", ["sqlite", "postgresql"], indirect=True)
def test_kill_9_at_20_random_points(tmp_path: Path, provider: str, db_url: str) -> None:
    """The issue's figure: 20 kills per database (make test-slow)."""
    kill_points(tmp_path, provider, db_url, wanted=20)


@pytest.mark.parametrize("provider", ["postgresql", "mysql"], indirect=True)
def test_eight_concurrent_deploys_apply_each_migration_once(tmp_path: Path, provider: str, db_url: str) -> None:
    make_project(tmp_path, provider)
    env = {**os.environ, "DATABASE_URL": db_url}
    procs = [
        subprocess.Popen(deploy_cmd(), cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in results]
    _, rows = state(db_url, provider)
    names = sorted(name for name, _ in rows)
    assert names == sorted(f"2026010100{i:04d}_m{i}" for i in range(N_MIGRATIONS))
    assert assert_consistent(db_url, provider) == N_MIGRATIONS
    assert sum("Applying migration" in out for out, _ in results) >= 1
