"""Online mode: the longest stall of a writer while an index is built on a 1,000,000-row table.

Ours: ``CREATE INDEX CONCURRENTLY`` (what ``migrate dev --online`` writes for a new ``@@index`` on
an existing PostgreSQL table); reference: Prisma's one-shot ``CREATE INDEX`` on the same table.
The figure is the longest single ``INSERT`` of a writer thread inserting in a loop while the
statement runs (not the build time). Needs PostgreSQL (``SCHEMASHIFT_TEST_POSTGRES_URL``, default
postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import os
import threading
import time

from harness import Benchmark, Context, Unavailable

ROWS = 1_000_000
ADMIN = os.environ.get("SCHEMASHIFT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _stall(statement: str) -> float:
    try:
        import psycopg
    except ImportError as exc:
        raise Unavailable("psycopg not installed") from exc
    name = f"schemashift_bench_online_{os.getpid()}"
    try:
        admin = psycopg.connect(ADMIN, autocommit=True)
    except psycopg.OperationalError as exc:
        raise Unavailable(f"PostgreSQL not reachable: {exc}") from exc
    url = ADMIN.rsplit("/", 1)[0] + "/" + name
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute('CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "name" TEXT)')
                conn.execute(f"""INSERT INTO "User" SELECT g, md5(g::text) FROM generate_series(1, {ROWS}) g""")
                conn.execute('VACUUM ANALYZE "User"')
                longest, stop = [0.0], threading.Event()

                def writer() -> None:
                    with psycopg.connect(url, autocommit=True) as w:
                        i = ROWS + 1
                        while not stop.is_set():
                            start = time.monotonic()
                            w.execute('INSERT INTO "User" VALUES (%s, %s)', (i, "w"))
                            longest[0] = max(longest[0], time.monotonic() - start)
                            i += 1

                thread = threading.Thread(target=writer, daemon=True)
                thread.start()
                time.sleep(0.5)
                conn.execute(statement)
                stop.set()
                thread.join(10)
                return longest[0]
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ours(ctx: Context) -> float:
    return _stall('CREATE INDEX CONCURRENTLY "User_name_idx" ON "User"("name")')


def reference(ctx: Context) -> float:
    return _stall('CREATE INDEX "User_name_idx" ON "User"("name")')


BENCHMARKS = [
    Benchmark(
        "online: longest writer stall, index on 1M rows (CONCURRENTLY vs one-shot)",
        ours,
        reference,
        reference_name="one-shot CREATE INDEX",
        max_seconds=0.5,
    )
]
