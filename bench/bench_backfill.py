"""Batched backfills (issue #14): ``UPDATE t SET n = n + 1`` on PostgreSQL in primary-key batches
of about 50 ms each (the default target), against the same UPDATE sent as one statement (the reference column).

Tables of 10k, 100k and 1M rows (``SCHEMASHIFT_BENCH_BACKFILL_10M=1`` adds 10M), in one throwaway
database, vacuumed and analysed before the clock starts. Goal: at least 100,000 rows/s at every
size (flat: the keyset batches cost the same at any depth of the key). Each size is timed
``min(--repeat, 3)`` times for 10k/100k, once for 1M and 10M; the notes give rows/s, the number
of batches and their mean size.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

from harness import Benchmark, Context, server_database

PG_ADMIN = os.environ.get("SCHEMASHIFT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
GOAL_ROWS_PER_SECOND = 100_000
SIZES = [10_000, 100_000, 1_000_000] + ([10_000_000] if os.environ.get("SCHEMASHIFT_BENCH_BACKFILL_10M") == "1" else [])
STATEMENT = 'UPDATE "Item" SET n = n + 1, label = \'v\' || n WHERE id > 0'

_state: dict[str, Any] = {}


def _database() -> str:
    """One database for all sizes, made on first use (one table per size)."""
    if "url" in _state:
        return str(_state["url"])
    _state["url"], _state["name"] = server_database(PG_ADMIN, "ssbench_backfill")
    import atexit

    atexit.register(_drop)
    return str(_state["url"])


def _drop() -> None:
    from schemashift.connectors import connect

    with connect(PG_ADMIN) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{_state["name"]}" WITH (FORCE)')


def _table(rows: int) -> str:
    """A fresh ``Item`` table of ``rows`` rows in its own schema; its URL."""
    from schemashift.connectors import connect

    url = _database().replace("schema=public", f"schema=s{rows}")
    with connect(url) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "s{rows}" CASCADE')
        conn.execute(f'CREATE SCHEMA "s{rows}"')
        conn.execute(f'SET search_path = "s{rows}"')
        conn.execute('CREATE TABLE "Item" (id BIGINT PRIMARY KEY, n INTEGER NOT NULL, label TEXT NOT NULL)')
        conn.execute(f"INSERT INTO \"Item\" SELECT i, 0, 'x' FROM generate_series(1, {int(rows)}) i")
        conn.execute('VACUUM ANALYZE "Item"')
    return url


def _runs(ctx: Context, rows: int) -> int:
    return 1 if rows >= 1_000_000 else min(ctx.repeat, 3)


def _ours(rows: int) -> Any:
    def run(ctx: Context) -> float:
        from schemashift.connectors import connect
        from schemashift.online.backfill import Backfill, statement_key

        url = _table(rows)
        samples, batches = [], []
        for _ in range(_runs(ctx, rows)):
            with connect(url) as conn:
                conn.execute('VACUUM "Item"')
                start = time.perf_counter()
                result = Backfill(conn, STATEMENT, statement_key(STATEMENT), where="bench").run()
                samples.append(time.perf_counter() - start)
            assert result.completed and result.rows_updated == rows, result
            batches.append(result.batches)
        _state[("ours", rows)] = (statistics.median(samples), statistics.median(batches))
        return statistics.median(samples)

    return run


def _plain(rows: int) -> Any:
    def run(ctx: Context) -> float:
        from schemashift.connectors import connect

        url = _table(rows)
        samples = []
        for _ in range(_runs(ctx, rows)):
            with connect(url) as conn:
                conn.execute('VACUUM "Item"')
                start = time.perf_counter()
                conn.execute(STATEMENT)
                samples.append(time.perf_counter() - start)
        _state[("plain", rows)] = statistics.median(samples)
        return statistics.median(samples)

    return run


def _notes(rows: int) -> Any:
    def notes(ctx: Context) -> list[str]:
        out = [f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"]
        ours = _state.get(("ours", rows))
        if ours:
            seconds, batches = ours
            out.append(
                f"batched: {rows / seconds:,.0f} rows/s in {batches:.0f} batches of {rows / batches:,.0f} rows on average "
                f"(goal >= {GOAL_ROWS_PER_SECOND:,} rows/s)"
            )
        plain = _state.get(("plain", rows))
        if plain:
            out.append(f"one plain UPDATE: {rows / plain:,.0f} rows/s")
        return out

    return notes


def _label(rows: int) -> str:
    return f"{rows // 1_000_000}M" if rows >= 1_000_000 else f"{rows // 1000}k"


BENCHMARKS = [
    Benchmark(
        f"backfill postgresql {_label(rows)} rows (batched vs one UPDATE)",
        _ours(rows),
        _plain(rows),
        reference_name="one plain UPDATE",
        notes=_notes(rows),
        max_seconds=rows / GOAL_ROWS_PER_SECOND,
    )
    for rows in SIZES
]
