"""``schemashift fleet``: one migrations folder deployed to many databases (issue #16).

- ``fleet deploy`` of 10 migrations to 1,000 PostgreSQL schemas of one database (the
  ``schemas = "tenant\\_%"`` form), whole process, ``--jobs 8``. Goal: faster than the
  300 migrations/s the "migrator" project reports for 1,000 tenants, i.e. 10,000 migrations in
  at most 33.3 s. The notes give migrations/s and the process's peak RSS for 100, 500 and 1,000
  schemas (memory must not grow with the number of targets).
- ``fleet deploy`` of the same 10 migrations to 200 MariaDB databases (``url`` + ``tenants``: deploy
  creates them), ``--jobs 8``; the notes add 50 and 400 databases (peak RSS must stay flat).
- ``fleet status`` of the 1,000 deployed schemas (nothing to apply: one history read each).

Each deploy runs once on fresh targets (a second run would find nothing to do); the database and
schemas are made before the clock starts and dropped afterwards. ``SCHEMASHIFT_BENCH_FLEET_JOBS``
changes ``--jobs``. On a machine shared with other work the wall time says more about the load than
about schemashift, so the notes also give the CPU time per migration: the fleet process's (from
``wait4``) and, when the server runs on this machine, its PostgreSQL backends' (from ``/proc``).
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import Benchmark, Context, Unavailable

PG_ADMIN = os.environ.get("SCHEMASHIFT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
MYSQL_ADMIN = os.environ.get("SCHEMASHIFT_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/mysql")
JOBS = int(os.environ.get("SCHEMASHIFT_BENCH_FLEET_JOBS", "8"))
MIGRATIONS = 10
SIZES = (100, 500, 1000)
MIGRATOR_RATE = 300  # migrations/s, "migrator" over 1,000 tenants
MYSQL_SIZES = (50, 200, 400)
MYSQL_TIMED = 200


@dataclass(frozen=True)
class Measured:
    seconds: float
    rss_kib: int
    cpu: float  # the fleet process's user + system seconds
    server_cpu: float | None  # its PostgreSQL backends' (None: not measured)
    load: float  # the 1-minute load average, mean of before and after


def _scripts(provider: str) -> list[str]:
    """Ten migrations an application would have: tables, columns, indexes, foreign keys."""
    if provider == "postgresql":
        q, text, serial, boolean, ts = '"', "TEXT", "SERIAL", "BOOLEAN", "TIMESTAMP(3)"
        pk = lambda t: f', CONSTRAINT "{t}_pkey" PRIMARY KEY ("id")'  # noqa: E731
        tail = ""
    else:
        q, text, serial, boolean, ts = "`", "VARCHAR(191)", "INTEGER NOT NULL AUTO_INCREMENT", "BOOLEAN", "DATETIME(3)"
        pk = lambda t: ", PRIMARY KEY (`id`)"  # noqa: E731
        tail = " DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"

    def n(name: str) -> str:
        return f"{q}{name}{q}"

    def table(name: str, cols: str) -> str:
        return f"CREATE TABLE {n(name)} ({n('id')} {serial}, {cols}{pk(name)}){tail};\n"

    def fk(table_: str, col: str, ref: str) -> str:
        return (
            f"ALTER TABLE {n(table_)} ADD CONSTRAINT {n(f'{table_}_{col}_fkey')} FOREIGN KEY ({n(col)}) "
            f"REFERENCES {n(ref)}({n('id')}) ON DELETE RESTRICT ON UPDATE CASCADE;\n"
        )

    return [
        table("User", f"{n('email')} {text} NOT NULL, {n('name')} {text}")
        + f"CREATE UNIQUE INDEX {n('User_email_key')} ON {n('User')}({n('email')});\n",
        table("Post", f"{n('title')} {text} NOT NULL, {n('authorId')} INTEGER NOT NULL") + fk("Post", "authorId", "User"),
        f"ALTER TABLE {n('User')} ADD COLUMN {n('createdAt')} {ts} NOT NULL DEFAULT CURRENT_TIMESTAMP;\n",
        f"CREATE INDEX {n('Post_authorId_idx')} ON {n('Post')}({n('authorId')});\n",
        table("Comment", f"{n('body')} {text} NOT NULL, {n('postId')} INTEGER NOT NULL") + fk("Comment", "postId", "Post"),
        f"ALTER TABLE {n('Post')} ADD COLUMN {n('published')} {boolean} NOT NULL DEFAULT false;\n",
        table("Tag", f"{n('label')} {text} NOT NULL")
        + f"CREATE UNIQUE INDEX {n('Tag_label_key')} ON {n('Tag')}({n('label')});\n",
        table("PostTag", f"{n('postId')} INTEGER NOT NULL, {n('tagId')} INTEGER NOT NULL")
        + fk("PostTag", "postId", "Post") + fk("PostTag", "tagId", "Tag"),
        f"ALTER TABLE {n('Comment')} ADD COLUMN {n('editedAt')} {ts};\n",
        f"CREATE INDEX {n('Comment_postId_editedAt_idx')} ON {n('Comment')}({n('postId')}, {n('editedAt')});\n",
    ]


def _project(root: Path, provider: str) -> Path:
    if root.exists():
        return root
    migrations = root / "prisma" / "migrations"
    migrations.mkdir(parents=True)
    (root / "prisma" / "schema.prisma").write_text(
        f'datasource db {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n'
    )
    (migrations / "migration_lock.toml").write_text(f'provider = "{provider}"\n')
    for i, script in enumerate(_scripts(provider)):
        folder = migrations / f"{20260101000000 + i}_m{i}"
        folder.mkdir()
        (folder / "migration.sql").write_text(script)
    return root


def _run(ctx: Context, project: Path, targets: Path, command: str, *extra: str, database: str | None = None) -> tuple[Measured, dict[str, Any]]:
    """One fleet process: what it cost, and its JSON report. ``database``: a PostgreSQL database
    whose backends' CPU time is sampled meanwhile."""
    argv = [*ctx.schemashift(), "fleet", command, "--targets", str(targets), "--jobs", str(JOBS), "--json", *extra]
    out = project / f"{command}.json"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    sampler = _BackendCpu(database) if database else None
    load = os.getloadavg()[0]
    with out.open("wb") as stdout:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=project, stdout=stdout, stderr=subprocess.PIPE, env=env)
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    server = sampler.stop() if sampler else None
    proc.returncode = os.waitstatus_to_exitcode(status)
    report = json.loads(out.read_text() or "{}")
    if proc.returncode != 0 or not report:
        raise RuntimeError(f"fleet {command} exited {proc.returncode}: {err.decode()[-300:]}")
    load = (load + os.getloadavg()[0]) / 2
    return Measured(elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, server, load), report  # KiB on Linux


class _BackendCpu:
    """The CPU seconds of a database's PostgreSQL backends while a run lasts: their pids from
    pg_stat_activity, their times from /proc (a local server only; None otherwise), sampled until
    :meth:`stop` (the fleet's sessions live for the whole run, so the last sample is nearly all)."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.seen: dict[int, float] = {}
        self.readable = True
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psycopg

        tick = os.sysconf("SC_CLK_TCK")
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            while not self._stop.is_set():
                for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.database,)).fetchall():
                    try:
                        with open(f"/proc/{pid}/stat") as f:
                            fields = f.read().rsplit(")", 1)[1].split()
                    except FileNotFoundError:  # ended meanwhile
                        continue
                    except OSError:  # not ours to read
                        self.readable = False
                        return
                    self.seen[pid] = (int(fields[11]) + int(fields[12])) / tick
                time.sleep(0.05)

    def stop(self) -> float | None:
        self._stop.set()
        self._thread.join()
        return sum(self.seen.values()) if self.readable and self.seen else None


def _cost(m: Measured, migrations: int) -> str:
    server = f", its backends {m.server_cpu / migrations * 1000:.2f} ms" if m.server_cpu is not None and migrations else ""
    per = f"; CPU per migration: fleet {m.cpu / migrations * 1000:.2f} ms{server}" if migrations else f"; fleet CPU {m.cpu:.1f} s"
    return f"peak RSS {m.rss_kib / 1024:.0f} MiB, load {m.load:.1f}{per}"


# ---------------------------------------------------------------- PostgreSQL: schemas of one database


def _pg(sql: str, url: str = PG_ADMIN) -> None:
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]
    except psycopg.OperationalError as exc:
        raise Unavailable(f"PostgreSQL not reachable at {PG_ADMIN}: {exc}") from None


def _pg_fleet(ctx: Context, size: int) -> tuple[str, Path]:
    """A new database with ``size`` empty schemas tenant_0000...; its targets file."""
    name = f"bench_fleet_{uuid.uuid4().hex[:10]}"
    _pg(f'CREATE DATABASE "{name}"')
    url = f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    _pg("".join(f'CREATE SCHEMA "tenant_{i:04d}";' for i in range(size)), url)
    targets = ctx.workdir / f"pg_{name}.toml"
    targets.write_text(f'url = "{url}"\nschemas = "tenant\\\\_%"\n')
    return name, targets


def _pg_drop(name: str) -> None:
    _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_results(ctx: Context) -> dict[int, Measured]:
    """Deploy to 100, 500 and 1,000 schemas (once each); the 1,000 database is kept for status."""
    found: dict[int, Measured] | None = getattr(ctx, "_fleet_pg", None)
    if found is not None:
        return found
    project = _project(ctx.workdir / "fleet_pg", "postgresql")
    found = {}
    for size in SIZES:
        name, targets = _pg_fleet(ctx, size)
        try:
            measured, report = _run(ctx, project, targets, "deploy", database=name)
            _expect(report, size)
            found[size] = measured
            if size == max(SIZES):
                status, report = _run(ctx, project, targets, "status", database=name)
                _expect(report, size, applied=0)
                setattr(ctx, "_fleet_pg_status", status)
        finally:
            _pg_drop(name)
    setattr(ctx, "_fleet_pg", found)
    return found


def _expect(report: dict[str, Any], size: int, applied: int | None = None) -> None:
    summary = report["summary"]
    want = size * MIGRATIONS if applied is None else applied
    if summary["targets"] != size or summary["up_to_date"] != size or summary["migrations_applied"] != want:
        raise RuntimeError(f"unexpected fleet report: {summary}")


def pg_deploy(ctx: Context) -> float:
    return _pg_results(ctx)[max(SIZES)].seconds


def pg_notes(ctx: Context) -> list[str]:
    found = _pg_results(ctx)
    rows = [
        f"{size} schemas: {m.seconds:.1f} s, {size * MIGRATIONS / m.seconds:.0f} migrations/s, {_cost(m, size * MIGRATIONS)}"
        for size, m in sorted(found.items())
    ]
    return [f"--jobs {JOBS}; migrator: ~{MIGRATOR_RATE} migrations/s over 1,000 tenants", *rows]


def pg_status(ctx: Context) -> float:
    _pg_results(ctx)
    seconds: float = getattr(ctx, "_fleet_pg_status").seconds
    return seconds


def pg_status_notes(ctx: Context) -> list[str]:
    m: Measured = getattr(ctx, "_fleet_pg_status")
    return [f"{max(SIZES)} schemas read: {max(SIZES) / m.seconds:.0f} targets/s, {_cost(m, 0)}"]


# ---------------------------------------------------------------- MariaDB: one database per tenant


def _mysql_admin() -> Any:
    from urllib.parse import unquote, urlsplit

    import pymysql

    u = urlsplit(MYSQL_ADMIN)
    try:
        return pymysql.connect(
            host=u.hostname or "127.0.0.1", port=u.port or 3306, user=unquote(u.username or "root"),
            password=unquote(u.password or ""), autocommit=True,
        )
    except pymysql.err.OperationalError as exc:
        raise Unavailable(f"MariaDB not reachable at {MYSQL_ADMIN}: {exc}") from None


def _mysql_once(ctx: Context, project: Path, size: int) -> Measured:
    prefix = f"bf{uuid.uuid4().hex[:8]}"
    tenants = [f"{prefix}_{i:03d}" for i in range(size)]
    targets = ctx.workdir / f"{prefix}.toml"
    base = MYSQL_ADMIN.rsplit("/", 1)[0]
    targets.write_text(f'url = "{base}/{{tenant}}"\ntenants = {json.dumps(tenants)}\n')
    try:
        measured, report = _run(ctx, project, targets, "deploy")
        _expect(report, len(tenants))
    finally:
        conn = _mysql_admin()
        with conn.cursor() as cur:
            for t in tenants:
                cur.execute(f"DROP DATABASE IF EXISTS `{t}`")
        conn.close()
    return measured


def _mysql_results(ctx: Context) -> dict[int, Measured]:
    found: dict[int, Measured] | None = getattr(ctx, "_fleet_mysql", None)
    if found is None:
        project = _project(ctx.workdir / "fleet_mysql", "mysql")
        found = {size: _mysql_once(ctx, project, size) for size in MYSQL_SIZES}
        setattr(ctx, "_fleet_mysql", found)
    return found


def mysql_deploy(ctx: Context) -> float:
    return _mysql_results(ctx)[MYSQL_TIMED].seconds


def mysql_notes(ctx: Context) -> list[str]:
    rows = [
        f"{size} databases: {m.seconds:.1f} s, {size * MIGRATIONS / m.seconds:.0f} migrations/s, {_cost(m, size * MIGRATIONS)}"
        for size, m in sorted(_mysql_results(ctx).items())
    ]
    return [f"--jobs {JOBS}; databases created by deploy", *rows]


BENCHMARKS = [
    Benchmark(
        "fleet deploy, 1,000 PostgreSQL schemas x 10 migrations (process)", pg_deploy, notes=pg_notes,
        max_seconds=1000 * MIGRATIONS / MIGRATOR_RATE,
    ),
    Benchmark("fleet status, 1,000 PostgreSQL schemas (process)", pg_status, notes=pg_status_notes),
    Benchmark("fleet deploy, 200 MariaDB databases x 10 migrations (process)", mysql_deploy, notes=mysql_notes),
]
