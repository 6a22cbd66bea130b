"""Describe benchmark: a 1,000-table PostgreSQL database into the neutral model.

The database (``ssbench_describe_<hex>``, on ``SCHEMASHIFT_TEST_POSTGRES_URL`` or the local
server) is created once, used by both sides and dropped when the process ends. Each table has ten
columns of mixed types, a primary key, a unique and a normal index and a foreign key to the
previous table; every tenth table uses an enum. Ours: ``describe()`` in-process (connection
opened outside the timing), with the number of queries it sent. Reference: ``prisma7 pull``
(``db pull --print``: Prisma's introspection of the same database, a whole Node process, PSL
rendering included).

Standalone: ``python bench/bench_describe.py [--tables N]`` prints time and query count.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Benchmark, Context  # noqa: E402

TABLES = 1000
ADMIN_URL = os.environ.get("SCHEMASHIFT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
_state: dict[str, object] = {}


def ddl(tables: int) -> str:
    parts = ["CREATE TYPE \"Status\" AS ENUM ('ACTIVE', 'INACTIVE', 'BANNED');"]
    for i in range(tables):
        fk = f", CONSTRAINT \"t{i}_prev_fkey\" FOREIGN KEY (prev) REFERENCES \"t{i - 1}\"(id) ON DELETE SET NULL" if i else ""
        status = ', status "Status" NOT NULL DEFAULT \'ACTIVE\'' if i % 10 == 0 else ""
        parts.append(
            f'CREATE TABLE "t{i}" (id SERIAL, name TEXT NOT NULL, email VARCHAR(191) NOT NULL,'
            " score DOUBLE PRECISION DEFAULT 0, active BOOLEAN NOT NULL DEFAULT true,"
            " created TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, price DECIMAL(65,30),"
            f" data JSONB, tags TEXT[], prev INTEGER{status},"
            f' CONSTRAINT "t{i}_pkey" PRIMARY KEY (id){fk});'
            f' CREATE UNIQUE INDEX "t{i}_email_key" ON "t{i}"(email);'
            f' CREATE INDEX "t{i}_name_idx" ON "t{i}"(name);'
        )
    return "\n".join(parts)


def database_url(tables: int = TABLES) -> str:
    """Create the benchmark database once per process; it is dropped at exit. The URL may hold
    the server's password: it is passed on, never printed."""
    key = f"url{tables}"
    if key not in _state:
        from urllib.parse import urlsplit, urlunsplit

        from schemashift.connectors import connect, create_database, drop_database

        parts = urlsplit(ADMIN_URL)
        name = f"ssbench_describe_{uuid.uuid4().hex[:12]}"
        url = urlunsplit((parts.scheme, parts.netloc, "/" + name, "schema=public", ""))
        create_database(url)
        atexit.register(drop_database, url)
        with connect(url) as conn:
            conn.execute_script(ddl(tables))
        _state[key] = url
    return str(_state[key])


def describe_once(url: str) -> tuple[float, int, int]:
    """(seconds, queries sent, tables described) for one describe on a fresh connection."""
    from schemashift.connectors import connect
    from schemashift.connectors.describe import describe

    with connect(url) as conn:
        before = conn.queries_sent
        start = time.perf_counter()
        schema = describe(conn)
        elapsed = time.perf_counter() - start
        return elapsed, conn.queries_sent - before, len(schema.tables)


def _ours(ctx: Context) -> float:
    url = database_url()
    describe_once(url)  # warm-up
    samples = [describe_once(url) for _ in range(ctx.repeat)]
    _state["queries"] = samples[0][1]
    _state["tables"] = samples[0][2]
    return sorted(s[0] for s in samples)[len(samples) // 2]


def _reference(ctx: Context) -> float:
    argv = ctx.oracle("prisma7")
    schema = ctx.workdir / "describe_pull.prisma"
    schema.write_text('datasource db {\n  provider = "postgresql"\n}\n', encoding="utf-8")
    return ctx.time_process([*argv, "pull", str(schema)], env={"DATABASE_URL": database_url()})


def _notes(ctx: Context) -> list[str]:
    return [f"{_state.get('tables')} tables described with {_state.get('queries')} queries"]


BENCHMARKS = [
    Benchmark(
        name=f"describe postgres {TABLES} tables",
        ours=_ours,
        reference=_reference,
        reference_name="prisma7 pull",
        notes=_notes,
        max_seconds=2.0,
    )
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=TABLES)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    url = database_url(args.tables)
    print(f"created {args.tables} tables in {time.perf_counter() - start:.1f} s")
    runs = [describe_once(url) for _ in range(args.repeat + 1)][1:]
    times = sorted(r[0] for r in runs)
    print(
        f"describe: median {times[len(times) // 2]:.3f} s (min {times[0]:.3f} s, max {times[-1]:.3f} s),"
        f" {runs[0][1]} queries, {runs[0][2]} tables"
    )


if __name__ == "__main__":
    main()
