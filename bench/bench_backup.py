"""Backup and restore of a ~1 GB PostgreSQL database: `schemashift backup create/restore` against
plain `pg_dump -Fc` / `pg_restore` on the same database (goal: no more than 5% overhead).

The database is built once per run with generate_series and dropped at the end. Set
SCHEMASHIFT_BENCH_BACKUP_MB to use another size. Each side runs max(3, --process-repeat) times,
alternating which goes first, each run after a CHECKPOINT; the rows are medians and the notes list
every run (one run each is within this machine's noise of +-15%).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time
import uuid
from collections.abc import Callable

from harness import Benchmark, Context, Unavailable

PG_ADMIN = os.environ.get("SCHEMASHIFT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SIZE_MB = int(os.environ.get("SCHEMASHIFT_BENCH_BACKUP_MB", "1024"))


def _database(ctx: Context) -> str:
    url = getattr(ctx, "_backup_db", None)
    if url:
        return url
    import psycopg

    if not shutil.which("pg_dump"):
        raise Unavailable("pg_dump is not installed")
    name = f"bench_backup_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        raise Unavailable(f"PostgreSQL not reachable: {exc}") from None
    url = f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    rows = SIZE_MB * 1024 * 1024 // 600  # ~600 bytes a row with its index
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute('CREATE TABLE "Event" (id BIGINT PRIMARY KEY, kind TEXT, payload TEXT, at TIMESTAMPTZ)')
        conn.execute(
            'INSERT INTO "Event" SELECT i, (ARRAY[\'a\',\'b\',\'c\'])[1 + i %% 3], md5(i::text) || repeat(\'x\', 400), '
            "now() - i * interval '1 second' FROM generate_series(1, %s) AS i",
            (rows,),
        )
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    setattr(ctx, "_backup_db", url)
    setattr(ctx, "_backup_size", size)
    # one untimed dump, so both sides read a warm page cache (the first reader would pay for it)
    subprocess.run(["pg_dump", "-Fc", "-f", str(ctx.workdir / "warmup.dump"), url], check=True, capture_output=True)
    (ctx.workdir / "warmup.dump").unlink()
    return url


def _drop(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _timed(argv: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def _checkpoint() -> None:
    """Each timed run starts from a clean checkpoint: a restore writes about 1 GB of WAL, and the
    checkpoint it triggers would otherwise land in whichever run comes next."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute("CHECKPOINT")


def _rounds(ctx: Context) -> int:
    return max(3, ctx.process_repeat)


def _paired(ctx: Context, key: str, ours: "Callable[[int], float]", plain: "Callable[[int], float]") -> dict[str, list[float]]:
    """Run both sides ``_rounds(ctx)`` times, alternating which goes first (ABBA...), so drift in
    the machine's state (page cache, WAL, autovacuum) falls on both alike; cached per key."""
    cache: dict[str, dict[str, list[float]]] = getattr(ctx, "_backup_samples", {})
    setattr(ctx, "_backup_samples", cache)
    if key not in cache:
        samples: dict[str, list[float]] = {"ours": [], "plain": []}
        for i in range(_rounds(ctx)):
            order = [("ours", ours), ("plain", plain)]
            for name, fn in order if i % 2 == 0 else order[::-1]:
                _checkpoint()
                samples[name].append(fn(i))
        cache[key] = samples
    return cache[key]


def _backup_samples(ctx: Context) -> dict[str, list[float]]:
    url = _database(ctx)
    schema = str(_schema(ctx))

    def ours(i: int) -> float:
        out = ctx.workdir / f"bk{i}"
        return _timed([*ctx.schemashift(), "backup", "create", "-o", str(out), "--schema", schema], {"DATABASE_URL": url})

    def plain(i: int) -> float:
        return _timed(["pg_dump", "-Fc", "-b", "-f", str(ctx.workdir / f"plain{i}.dump"), url])

    return _paired(ctx, "backup", ours, plain)


def backup_ours(ctx: Context) -> float:
    return statistics.median(_backup_samples(ctx)["ours"])


def backup_plain(ctx: Context) -> float:
    return statistics.median(_backup_samples(ctx)["plain"])


def _schema(ctx: Context):  # type: ignore[no-untyped-def]
    path = ctx.workdir / "bk_schema.prisma"
    path.write_text('datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n')
    return path


def _restore_samples(ctx: Context) -> dict[str, list[float]]:
    url = _database(ctx)
    _backup_samples(ctx)  # the dumps to restore
    ours_dump = next(p for p in (ctx.workdir / "bk0").iterdir() if p.suffix == ".dump")

    def ours(i: int) -> float:
        target = f"{url}_r1"
        try:
            return _timed([*ctx.schemashift(), "backup", "restore", str(ours_dump), "--to-url", target])
        finally:
            _drop(target)

    def plain(i: int) -> float:
        """The guide's manual restore into a new database: createdb, then pg_restore."""
        target = f"{url}_r2"
        try:
            return _timed(["createdb", f"--maintenance-db={PG_ADMIN}", target.rsplit("/", 1)[1]]) + _timed(
                ["pg_restore", "--no-owner", "-d", target, str(ctx.workdir / "plain0.dump")]
            )
        finally:
            _drop(target)

    try:
        return _paired(ctx, "restore", ours, plain)
    finally:
        _drop(url)  # the last benchmark of this module: the source database goes too


def restore_ours(ctx: Context) -> float:
    return statistics.median(_restore_samples(ctx)["ours"])


def restore_plain(ctx: Context) -> float:
    return statistics.median(_restore_samples(ctx)["plain"])


def notes(ctx: Context) -> list[str]:
    size = getattr(ctx, "_backup_size", None)
    out = [f"database size {size / 1e9:.2f} GB"] if size else []
    for key, samples in getattr(ctx, "_backup_samples", {}).items():
        runs = ", ".join(
            f"{name} " + " / ".join(f"{t:.2f}" for t in samples[name]) for name in ("ours", "plain")
        )
        out.append(f"{key}: {len(samples['ours'])} alternating rounds after a CHECKPOINT each (s): {runs}")
    return out


BENCHMARKS = [
    Benchmark("backup create, PostgreSQL ~1 GB (process)", backup_ours, backup_plain, "pg_dump -Fc", max_ratio=1.05),
    Benchmark("backup restore, PostgreSQL ~1 GB (process)", restore_ours, restore_plain, "pg_restore", notes=notes, max_ratio=1.05),
]
