"""``schemashift fleet``: one migrations folder deployed to many databases (issue #16).

- ``fleet deploy`` of 10 migrations to 1,000 PostgreSQL schemas of one database (the
  ``schemas = "tenant\\_%"`` form), whole process, ``--jobs 8``. Goal: faster than the
  300 migrations/s the "migrator" project reports for 1,000 tenants, i.e. 10,000 migrations in
  at most 33.3 s. The notes give migrations/s and the process's peak RSS for 100, 500 and 1,000
  schemas (memory must not grow with the number of targets).
- ``fleet deploy`` of the same 10 migrations to 200 MariaDB databases (``url`` + ``tenants``: deploy
  creates them), ``--jobs 8``.
- ``fleet status`` of the 1,000 deployed schemas (nothing to apply: one history read each).

Each deploy runs once on fresh targets (a second run would find nothing to do); the database and
schemas are made before the clock starts and dropped afterwards. ``SCHEMASHIFT_BENCH_FLEET_JOBS``
changes ``--jobs``.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

from harness import Benchmark, Context, Unavailable

PG_ADMIN = os.environ.get("SCHEMASHIFT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
MYSQL_ADMIN = os.environ.get("SCHEMASHIFT_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/mysql")
JOBS = int(os.environ.get("SCHEMASHIFT_BENCH_FLEET_JOBS", "8"))
MIGRATIONS = 10
SIZES = (100, 500, 1000)
MIGRATOR_RATE = 300  # migrations/s, "migrator" over 1,000 tenants


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


def _run(ctx: Context, project: Path, targets: Path, command: str, *extra: str) -> tuple[float, int, dict[str, Any]]:
    """One fleet process: wall seconds, peak RSS in KiB (its own, from wait4), its JSON report."""
    argv = [*ctx.schemashift(), "fleet", command, "--targets", str(targets), "--jobs", str(JOBS), "--json", *extra]
    out = project / f"{command}.json"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    with out.open("wb") as stdout:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=project, stdout=stdout, stderr=subprocess.PIPE, env=env)
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    report = json.loads(out.read_text() or "{}")
    if proc.returncode != 0 or not report:
        raise RuntimeError(f"fleet {command} exited {proc.returncode}: {err.decode()[-300:]}")
    return elapsed, usage.ru_maxrss, report  # KiB on Linux


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


def _pg_results(ctx: Context) -> dict[int, tuple[float, int]]:
    """Deploy to 100, 500 and 1,000 schemas (once each); the 1,000 database is kept for status."""
    found: dict[int, tuple[float, int]] | None = getattr(ctx, "_fleet_pg", None)
    if found is not None:
        return found
    project = _project(ctx.workdir / "fleet_pg", "postgresql")
    found = {}
    for size in SIZES:
        name, targets = _pg_fleet(ctx, size)
        try:
            seconds, rss, report = _run(ctx, project, targets, "deploy")
            _expect(report, size)
            found[size] = (seconds, rss)
            if size == max(SIZES):
                status = _run(ctx, project, targets, "status")
                _expect(status[2], size, applied=0)
                setattr(ctx, "_fleet_pg_status", status[:2])
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
    return _pg_results(ctx)[max(SIZES)][0]


def pg_notes(ctx: Context) -> list[str]:
    found = _pg_results(ctx)
    rows = [
        f"{size} schemas: {seconds:.1f} s, {size * MIGRATIONS / seconds:.0f} migrations/s, peak RSS {rss / 1024:.0f} MiB"
        for size, (seconds, rss) in sorted(found.items())
    ]
    return [f"--jobs {JOBS}; migrator: ~{MIGRATOR_RATE} migrations/s over 1,000 tenants", *rows]


def pg_status(ctx: Context) -> float:
    _pg_results(ctx)
    seconds: float = getattr(ctx, "_fleet_pg_status")[0]
    return seconds


def pg_status_notes(ctx: Context) -> list[str]:
    seconds, rss = getattr(ctx, "_fleet_pg_status")
    return [f"1,000 schemas read: {1000 / seconds:.0f} targets/s, peak RSS {rss / 1024:.0f} MiB"]


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


def mysql_deploy(ctx: Context) -> float:
    found: tuple[float, int] | None = getattr(ctx, "_fleet_mysql", None)
    if found is not None:
        return found[0]
    project = _project(ctx.workdir / "fleet_mysql", "mysql")
    prefix = f"bf{uuid.uuid4().hex[:8]}"
    tenants = [f"{prefix}_{i:03d}" for i in range(200)]
    targets = ctx.workdir / f"{prefix}.toml"
    base = MYSQL_ADMIN.rsplit("/", 1)[0]
    targets.write_text(f'url = "{base}/{{tenant}}"\ntenants = {json.dumps(tenants)}\n')
    try:
        seconds, rss, report = _run(ctx, project, targets, "deploy")
        _expect(report, len(tenants))
    finally:
        conn = _mysql_admin()
        with conn.cursor() as cur:
            for t in tenants:
                cur.execute(f"DROP DATABASE IF EXISTS `{t}`")
        conn.close()
    setattr(ctx, "_fleet_mysql", (seconds, rss))
    return seconds


def mysql_notes(ctx: Context) -> list[str]:
    seconds, rss = getattr(ctx, "_fleet_mysql")
    return [f"--jobs {JOBS}; {200 * MIGRATIONS / seconds:.0f} migrations/s (databases created by deploy), peak RSS {rss / 1024:.0f} MiB"]


BENCHMARKS = [
    Benchmark(
        "fleet deploy, 1,000 PostgreSQL schemas x 10 migrations (process)", pg_deploy, notes=pg_notes,
        max_seconds=1000 * MIGRATIONS / MIGRATOR_RATE,
    ),
    Benchmark("fleet status, 1,000 PostgreSQL schemas (process)", pg_status, notes=pg_status_notes),
    Benchmark("fleet deploy, 200 MariaDB databases x 10 migrations (process)", mysql_deploy, notes=mysql_notes),
]
